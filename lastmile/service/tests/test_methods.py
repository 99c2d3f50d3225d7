"""Service by the methods of the law (CPL 2023 arts. 87–95): direct with the signed 送达回证, 留置,
mail on the receipt date, 委托 and 转交, public notice only when the law allows it, and batches."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from django.utils import timezone

from lastmile.cases.models import CaseEvent, PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.errors import ConditionsNotMet
from lastmile.documents.models import Document
from lastmile.parties.models import ElectronicAddress
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.service.error_codes import ServiceErrorCode
from lastmile.service.models import (
    AttemptOutcome,
    OrderStatus,
    ServiceAttempt,
    ServiceMethod,
    ServiceOrder,
)
from lastmile.service.services import (
    AttemptResult,
    AttemptStart,
    BatchRow,
    mail_receipts_parse,
    service_attempt_result_record,
    service_attempt_start,
    service_batch_results_record,
    service_batch_start,
    service_dispatch,
    service_public_notice,
    service_public_notice_request,
    service_sweep,
)

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


@pytest.fixture
def served_doc(cc_env, cc_judge, yuelu, bank, debtor, now):
    """A 执行 case's document served electronically on 3-10: the bank consented, the debtor (whose
    domicile is known) did not, so the debtor's order fails and waits for another method."""
    debtor.address = "长沙市岳麓区示范路1号"
    debtor.save(update_fields=["address"])
    case = case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, PartyRole.APPLICANT), PartyInRole(debtor, PartyRole.RESPONDENT)],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
    )
    ElectronicAddress.objects.create(party=bank, channel="platform", address="bank@p", consent_kind="express")
    ElectronicAddress.objects.create(party=debtor, channel="sms", address="13900000009", consent_kind="")
    doc = Document.objects.filter(case=case).first() or _issue(case, cc_judge, now)
    service_dispatch(document=doc, actor=cc_judge, now=at(3, 10), port=SimulatedServiceAdapter())
    return doc


def _issue(case, actor, now):
    from lastmile.documents.services import document_issue

    return document_issue(
        case=case,
        template_code="service_receipt",
        context={"served_documents": "执行通知书", "method": "电子送达"},
        actor=actor,
        now=now,
    )


def _debtor_order(doc, debtor) -> ServiceOrder:
    return ServiceOrder.objects.get(document=doc, recipient=debtor)


def _state():
    return (
        CaseEvent.objects.count(),
        Document.objects.count(),
        ServiceAttempt.objects.count(),
        list(ServiceOrder.objects.order_by("pk").values_list("status", "method", "served_on")),
    )


@pytest.mark.django_db
def test_public_notice_is_refused_after_an_electronic_failure_when_the_address_is_known(
    served_doc, cc_judge, debtor
):
    order = _debtor_order(served_doc, debtor)
    assert order.status == OrderStatus.FAILED and not order.attempts.exists()
    before = _state()
    with pytest.raises(ConditionsNotMet, match="第九十五条") as exc:
        service_public_notice(order=order, actor=cc_judge, now=at(3, 12))
    assert exc.value.code == ServiceErrorCode.NOTICE_NO_GROUNDS
    assert _state() == before  # the refusal changes nothing
    # mail to the known address comes back: now the other methods have failed
    attempt = service_attempt_start(
        order=order,
        start=AttemptStart(method="mail", tracking_number="1100000000013"),
        actor=cc_judge,
        now=at(3, 12),
    )
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="failed", on=date(2025, 3, 15), failure="查无此人"),
        actor=cc_judge,
        now=at(3, 16),
    )
    notice = service_public_notice(order=order, actor=cc_judge, now=at(3, 17), medium="人民法院报")
    assert notice.status == OrderStatus.NOTICE and notice.notice_ends_on == date(2025, 4, 16)
    published = notice.service_attempts.get(method=ServiceMethod.PUBLIC_NOTICE)
    assert published.medium == "人民法院报" and "1100000000013" in published.grounds
    assert published.letter_document.template.code == "service_public_notice"
    assert service_sweep(now=at(4, 15)) == 0 and service_sweep(now=at(4, 16)) == 1
    notice.refresh_from_db()
    assert notice.status == OrderStatus.SERVED and notice.served_on == date(2025, 4, 16)


@pytest.mark.django_db
def test_public_notice_when_the_whereabouts_are_unknown(served_doc, cc_judge, debtor):
    debtor.address = ""
    debtor.save(update_fields=["address"])
    order = service_public_notice(order=_debtor_order(served_doc, debtor), actor=cc_judge, now=at(3, 14))
    assert order.status == OrderStatus.NOTICE and "下落不明" in order.reason


@pytest.mark.django_db
def test_the_page_route_sends_first_instance_cases_to_the_trial_stage(served_doc, cc_judge, debtor):
    order = _debtor_order(served_doc, debtor)
    order.case.type_code = "民初"
    with pytest.raises(ConditionsNotMet) as exc:
        service_public_notice_request(order=order, actor=cc_judge, now=at(3, 14), whereabouts="已搬离")
    assert exc.value.code == ServiceErrorCode.NOTICE_VIA_TRIAL


@pytest.mark.django_db
def test_mail_is_served_on_the_date_of_receipt_not_the_day_it_is_entered(served_doc, cc_judge, debtor):
    order = _debtor_order(served_doc, debtor)
    attempt = service_attempt_start(
        order=order,
        start=AttemptStart(method="mail", tracking_number="ec123456789cn"),
        actor=cc_judge,
        now=at(3, 11),
    )
    assert attempt.tracking_number == "EC123456789CN" and attempt.address == "长沙市岳麓区示范路1号"
    before = _state()
    for bad in (date(2025, 3, 10), date(2025, 3, 21)):  # before sending; after today
        with pytest.raises(ConditionsNotMet):
            service_attempt_result_record(
                attempt=attempt,
                result=AttemptResult(outcome="signed", on=bad, signer="王小明"),
                actor=cc_judge,
                now=at(3, 20),
            )
    assert _state() == before
    done = service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="signed", on=date(2025, 3, 13), signer="王小明"),
        actor=cc_judge,
        now=at(3, 20),
    )
    order.refresh_from_db()
    assert done.served_on == date(2025, 3, 13) and order.served_on == date(2025, 3, 13)
    assert order.status == OrderStatus.SERVED and order.method == ServiceMethod.MAIL
    assert order.legal_basis["article"] == "91"


@pytest.mark.django_db
def test_leaving_the_documents_serves_them_on_the_day_left(served_doc, cc_judge, debtor):
    order = _debtor_order(served_doc, debtor)
    attempt = service_attempt_start(
        order=order, start=AttemptStart(method="direct"), actor=cc_judge, now=at(3, 11)
    )
    assert attempt.receipt_document.template.code == "service_receipt"
    before = _state()
    with pytest.raises(ConditionsNotMet, match="见证人"):
        service_attempt_result_record(
            attempt=attempt,
            result=AttemptResult(outcome="left", on=date(2025, 3, 11), refusal="拒绝签收"),
            actor=cc_judge,
            now=at(3, 13),
        )
    assert _state() == before
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(
            outcome="left", on=date(2025, 3, 11), refusal="拒绝签收", record_ref="执法记录仪 2025-03-11 录像"
        ),
        actor=cc_judge,
        now=at(3, 13),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED and order.method == ServiceMethod.LEFT
    assert order.served_on == date(2025, 3, 11) and order.legal_basis["article"] == "89"


@pytest.mark.django_db
def test_who_may_sign_for_the_recipient(served_doc, cc_judge, bank, debtor):
    order = _debtor_order(served_doc, debtor)
    attempt = service_attempt_start(
        order=order, start=AttemptStart(method="direct"), actor=cc_judge, now=at(3, 11)
    )
    with pytest.raises(ConditionsNotMet, match="自然人"):
        service_attempt_result_record(
            attempt=attempt,
            result=AttemptResult(outcome="signed", on=date(2025, 3, 12), signer="李四", relation="receiver"),
            actor=cc_judge,
            now=at(3, 12),
        )
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="signed", on=date(2025, 3, 12), signer="王大明", relation="family"),
        actor=cc_judge,
        now=at(3, 12),
    )
    attempt.refresh_from_db()
    assert attempt.signer == "王大明" and attempt.get_signer_relation_display() == "同住成年家属"
    assert attempt.served_on == date(2025, 3, 12)
    # a second attempt on a served order is refused
    with pytest.raises(ConditionsNotMet):
        service_attempt_start(order=order, start=AttemptStart(method="direct"), actor=cc_judge, now=at(3, 13))


@pytest.mark.django_db
def test_commission_and_transfer_issue_their_letters(served_doc, cc_judge, debtor):
    order = _debtor_order(served_doc, debtor)
    with pytest.raises(ConditionsNotMet, match="受委托"):
        service_attempt_start(
            order=order, start=AttemptStart(method="commissioned"), actor=cc_judge, now=at(3, 11)
        )
    attempt = service_attempt_start(
        order=order,
        start=AttemptStart(method="transferred", transfer_via="prison", agency="湖南省长沙监狱"),
        actor=cc_judge,
        now=at(3, 11),
    )
    assert attempt.letter_document.template.code == "service_transfer_letter"
    with pytest.raises(ConditionsNotMet, match="第九十四条"):
        service_attempt_result_record(
            attempt=attempt,
            result=AttemptResult(outcome="signed", on=date(2025, 3, 14), signer="王大明", relation="family"),
            actor=cc_judge,
            now=at(3, 15),
        )
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="signed", on=date(2025, 3, 14), signer="王小明", relation="self"),
        actor=cc_judge,
        now=at(3, 15),
    )
    order.refresh_from_db()
    assert order.served_on == date(2025, 3, 14) and order.legal_basis["article"] == "94"


@pytest.mark.django_db
def test_batch_mail_and_batch_receipts_are_all_or_nothing(served_doc, cc_judge, debtor):
    order = _debtor_order(served_doc, debtor)
    bad = service_batch_start(
        method="mail",
        rows=[
            BatchRow(order_id=order.pk, tracking_number="12"),
            BatchRow(order_id=999999, tracking_number="1"),
        ],
        actor=cc_judge,
        now=at(3, 11),
    )
    codes = {(e["row"], e["code"]) for e in bad.errors}
    assert codes == {(1, "service_tracking_invalid"), (2, "service_order_unknown")}
    assert not ServiceAttempt.objects.exists()
    report = service_batch_start(
        method="mail",
        rows=[BatchRow(order_id=order.pk, tracking_number="1100000000020")],
        actor=cc_judge,
        now=at(3, 11),
    )
    assert report.ok and len(report.done) == 1
    rows, parsed = mail_receipts_parse(
        "邮件单号,结果,日期,签收人\n1100000000020,签收,2025-03-13,王小明,本人\n9999,签收,2025-03-13,张三\n"
    )
    assert parsed.ok and len(rows) == 2
    refused = service_batch_results_record(rows=rows, actor=cc_judge, now=at(3, 18))
    assert [(e["row"], e["code"]) for e in refused.errors] == [(3, "service_tracking_unknown")]
    assert ServiceAttempt.objects.get().outcome == AttemptOutcome.PENDING  # nothing written
    report = service_batch_results_record(rows=rows[:1], actor=cc_judge, now=at(3, 18))
    assert report.ok
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED and order.served_on == date(2025, 3, 13)
    _rows, unreadable = mail_receipts_parse(
        "1100000000020,收到,2025-03-13,王小明\n1100000000020,签收,3月13日,王小明\n"
    )
    assert [e["code"] for e in unreadable.errors] == ["service_outcome_invalid", "service_date_invalid"]
    # a stray carriage return ends a line (as in a file saved on an old Mac), and what a CSV reader
    # cannot split at all (here a field over its size limit) is a line error, not an exception
    rows, stray = mail_receipts_parse("1100000000020,签收,2025-03-13,王小明\r1100000000020,签收\n")
    assert len(rows) == 1 and [(e["row"], e["code"]) for e in stray.errors] == [(2, "service_batch_invalid")]
    over = csv.field_size_limit() + 1  # the limit is per process (the filing reader raises it)
    rows, huge = mail_receipts_parse("1100000000020,签收,2025-03-13,王小明\n" + "x" * over + "\n")
    assert len(rows) == 1 and [(e["row"], e["code"]) for e in huge.errors] == [(2, "service_batch_invalid")]


@pytest.mark.django_db
def test_the_first_valid_service_counts_when_mail_and_electronic_run_together(served_doc, cc_judge, debtor):
    from lastmile.service.services import service_receipt_record

    ElectronicAddress.objects.filter(party=debtor).update(consent_kind="conduct")
    service_dispatch(document=_issue(served_doc.case, cc_judge, at(3, 10)), actor=cc_judge, now=at(3, 10))
    order = ServiceOrder.objects.filter(recipient=debtor).latest("pk")
    assert order.status == OrderStatus.SENT  # consent by conduct: served only when read
    attempt = service_attempt_start(
        order=order,
        start=AttemptStart(method="mail", tracking_number="1100000000082"),
        actor=cc_judge,
        now=at(3, 10),
    )
    order = service_receipt_record(attempt=order.attempts.get(), now=at(3, 12), read_at=at(3, 12))
    assert order.status == OrderStatus.SERVED and order.served_on == date(2025, 3, 12)
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="signed", on=date(2025, 3, 13), signer="王小明"),
        actor=cc_judge,
        now=at(3, 14),
    )
    order.refresh_from_db()
    attempt.refresh_from_db()
    assert order.served_on == date(2025, 3, 12) and attempt.served_on == date(2025, 3, 13)


@pytest.mark.django_db
def test_the_thirty_days_run_from_the_day_the_notice_was_published(served_doc, cc_judge, debtor):
    debtor.address = ""
    debtor.save(update_fields=["address"])
    order = _debtor_order(served_doc, debtor)
    before = _state()
    with pytest.raises(ConditionsNotMet, match="晚于今天"):
        service_public_notice(order=order, actor=cc_judge, now=at(3, 22), published_on=date(2025, 3, 23))
    assert _state() == before
    order = service_public_notice(order=order, actor=cc_judge, now=at(3, 22), published_on=date(2025, 3, 20))
    # 3-20 + 30 days = 4-19, a Saturday: the period ends on Monday 4-21 (CPL 2023 art. 85)
    assert order.notice_published_on == date(2025, 3, 20) and order.notice_ends_on == date(2025, 4, 21)


@pytest.mark.django_db
def test_a_mediator_serves_by_hand_and_the_receipt_is_issued_by_the_system(served_doc, cc_mediator, debtor):
    order = _debtor_order(served_doc, debtor)
    attempt = service_attempt_start(
        order=order, start=AttemptStart(method="direct"), actor=cc_mediator, now=at(3, 11)
    )
    assert attempt.started_by == cc_mediator and attempt.receipt_document.issued_by is None
    event = CaseEvent.objects.filter(kind="service.attempt").latest("pk")
    assert event.actor_id == cc_mediator.pk
