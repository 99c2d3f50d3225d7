"""Electronic service: date of service by consent kind and channel, receipts, public notice."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent, PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.errors import InvalidTransition, PermissionDenied
from lastmile.documents.services import document_issue
from lastmile.parties.models import ElectronicAddress
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.service.models import AttemptStatus, OrderStatus, ServiceOrder
from lastmile.service.selectors import document_service_state
from lastmile.service.services import (
    service_dispatch,
    service_public_notice,
    service_receipt_record,
    service_sweep,
)
from lastmile.testing.factories import UserFactory

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


@pytest.fixture
def judgment_doc(cc_env, cc_judge, yuelu, bank, debtor, now):
    case = case_register(
        court=yuelu,
        type_code="民初",
        parties=[PartyInRole(bank, PartyRole.PLAINTIFF), PartyInRole(debtor, PartyRole.DEFENDANT)],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
    )
    return document_issue(
        case=case,
        template_code="service_receipt",
        context={"served_documents": "民事判决书", "method": "电子送达"},
        actor=cc_judge,
        now=now,
    )


def _address(party, address, *, channel="sms", consent="contract", confirmed=False):
    return ElectronicAddress.objects.create(
        party=party, channel=channel, address=address, consent_kind=consent, confirmed=confirmed
    )


@pytest.mark.django_db
def test_provided_address_is_served_on_arrival_and_the_earliest_channel_counts(
    judgment_doc, cc_judge, bank, debtor
):
    _address(bank, "bank@platform", channel="platform", consent="express")
    _address(debtor, "13900000001")
    email = _address(debtor, "d@example.com", channel="email")
    port = SimulatedServiceAdapter(undelivered={"13900000001"})
    orders = service_dispatch(document=judgment_doc, actor=cc_judge, now=at(3, 10), port=port)
    by_party = {o.recipient_id: o for o in orders}
    debtor_order = by_party[debtor.pk]
    assert debtor_order.status == OrderStatus.SERVED and debtor_order.served_on == date(2025, 3, 10)
    assert debtor_order.served_at == at(3, 10)
    # a later arrival report on the SMS channel does not move the date: the earliest counts
    sms = debtor_order.attempts.get(channel="sms")
    again = service_receipt_record(attempt=sms, now=at(3, 11), delivered_at=at(3, 11))
    assert again.served_at == at(3, 10)
    assert debtor_order.attempts.get(e_address=email).delivered_at == at(3, 10)
    assert document_service_state(judgment_doc).complete


@pytest.mark.django_db
def test_address_consented_by_conduct_is_served_only_when_read(judgment_doc, cc_judge, bank, debtor):
    _address(bank, "bank@platform", channel="platform", consent="express")
    _address(debtor, "13900000002", consent="conduct")
    port = SimulatedServiceAdapter()
    orders = service_dispatch(document=judgment_doc, actor=cc_judge, now=at(3, 10), port=port)
    order = next(o for o in orders if o.recipient_id == debtor.pk)
    assert order.status == OrderStatus.SENT and order.served_on is None
    attempt = order.attempts.get()
    assert attempt.status == AttemptStatus.DELIVERED and not attempt.provided
    order = service_receipt_record(attempt=attempt, now=at(3, 12), read_at=at(3, 12, 8))
    assert order.status == OrderStatus.SERVED and order.served_on == date(2025, 3, 12)
    assert order.served_at == at(3, 12, 8)
    # a duplicate "read" report changes nothing
    order = service_receipt_record(attempt=attempt, now=at(3, 13), read_at=at(3, 13))
    assert order.served_at == at(3, 12, 8)


@pytest.mark.django_db
def test_no_consent_fails_then_public_notice_serves_after_thirty_days(judgment_doc, cc_judge, bank, debtor):
    _address(bank, "bank@platform", channel="platform", consent="express")
    _address(debtor, "13900000003", consent="")  # address known, no consent: not usable
    orders = service_dispatch(
        document=judgment_doc, actor=cc_judge, now=at(3, 10), port=SimulatedServiceAdapter()
    )
    order = next(o for o in orders if o.recipient_id == debtor.pk)
    assert order.status == OrderStatus.FAILED and not order.attempts.exists()
    # dispatching again does not duplicate orders
    assert (
        service_dispatch(document=judgment_doc, actor=cc_judge, now=at(3, 11), port=SimulatedServiceAdapter())
        == []
    )
    notice = service_public_notice(order=order, actor=cc_judge, now=at(3, 14))
    assert notice.notice_published_on == date(2025, 3, 14)
    assert notice.notice_ends_on == date(2025, 4, 14)  # 3-14 + 30 = 4-13, a Sunday
    assert service_sweep(now=at(4, 13)) == 0
    assert service_sweep(now=at(4, 14)) == 1
    notice.refresh_from_db()
    assert notice.status == OrderStatus.SERVED and notice.served_on == date(2025, 4, 14)
    events = CaseEvent.objects.count()
    with pytest.raises(InvalidTransition):
        service_public_notice(order=notice, actor=cc_judge, now=at(4, 15))
    notice.refresh_from_db()
    assert notice.status == OrderStatus.SERVED and CaseEvent.objects.count() == events


@pytest.mark.django_db
def test_a_failed_channel_is_recorded_and_others_still_serve(judgment_doc, cc_judge, bank, debtor):
    _address(bank, "bank@platform", channel="platform", consent="express")
    _address(debtor, "13900000004")
    port = SimulatedServiceAdapter(fail={"13900000004"})
    orders = service_dispatch(document=judgment_doc, actor=cc_judge, now=at(3, 10), port=port)
    order = next(o for o in orders if o.recipient_id == debtor.pk)
    assert order.status == OrderStatus.FAILED and "无法送达" in order.reason


@pytest.mark.django_db
def test_staff_without_serving_duty_or_of_another_court_are_refused(judgment_doc, yuelu, wuling, bank):
    _address(bank, "bank@platform", channel="platform", consent="express")
    clerk = UserFactory(court=yuelu, role=Role.FILING_CLERK)
    foreign = UserFactory(court=wuling, role=Role.JUDGE)
    for actor in (clerk, foreign):
        with pytest.raises(PermissionDenied):
            service_dispatch(
                document=judgment_doc, actor=actor, now=at(3, 10), port=SimulatedServiceAdapter()
            )
    assert not ServiceOrder.objects.exists()
