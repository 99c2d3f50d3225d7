"""A judgment the borrower never consented to receive electronically is served by mail; the appeal
period runs from the date of receipt on the return receipt (CPL 2023 arts. 91, 171), not from the
day the receipt is entered, and public notice stays closed while the address is known (art. 95)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from lastmile.cases.models import PartyRole
from lastmile.core.errors import ConditionsNotMet
from lastmile.mediation import services as mediation
from lastmile.parties.models import ElectronicAddress
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.service.services import (
    AttemptResult,
    AttemptStart,
    service_attempt_result_record,
    service_attempt_start,
    service_public_notice,
)
from lastmile.trial import services as trial

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


@pytest.mark.django_db
def test_cpl_2023_art_91_the_appeal_period_runs_from_the_date_on_the_mail_receipt(
    cc_file_rows, cc_mediator, clerk, cc_judge, now
):
    (case,) = cc_file_rows([12])  # no guarantor: the bank and the borrower
    (m,) = mediation.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    mediation.mediation_fail(mediation=m, reason="被申请人未到场", actor=cc_mediator, now=at(3, 4))
    (lawsuit,) = trial.lawsuits_file_from_mediation(mediations=[m], actor=clerk, now=at(3, 5))
    batch = trial.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=cc_judge, starts_at=at(3, 10, 9), actor=cc_judge, now=at(3, 5)
    )
    trial.hearing_record(hearing=batch.hearings.get(), note="", actor=cc_judge, now=at(3, 10, 9))
    judgment = trial.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 11))
    borrower = lawsuit.case.case_parties.get(role=PartyRole.DEFENDANT).party
    borrower.address = "长沙市岳麓区示范路8号"
    borrower.save(update_fields=["address"])
    # the borrower's electronic addresses all fail: electronic service did not reach them
    unreachable = set(ElectronicAddress.objects.filter(party=borrower).values_list("address", flat=True))
    judgment = trial.judgment_serve(
        judgment=judgment, actor=cc_judge, now=at(3, 11), port=SimulatedServiceAdapter(fail=unreachable)
    )
    order = ServiceOrder.objects.get(document=judgment.document, recipient=borrower)
    assert order.status == OrderStatus.FAILED
    with pytest.raises(ConditionsNotMet, match="第九十五条"):
        service_public_notice(order=order, actor=cc_judge, now=at(3, 12))

    attempt = service_attempt_start(
        order=order,
        start=AttemptStart(method="mail", tracking_number="1100000000075"),
        actor=cc_judge,
        now=at(3, 12),
    )
    # the receipt says 3-14; the clerk enters it on 3-25
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="signed", on=date(2025, 3, 14), signer=borrower.name, relation="self"),
        actor=cc_judge,
        now=at(3, 25),
    )
    order.refresh_from_db()
    assert order.served_on == date(2025, 3, 14)
    # 15 days from 3-14 end on 3-29, a Saturday: the period ends on Monday 3-31 (art. 85)
    assert trial.trial_sweep(now=at(3, 31)) == 0
    assert trial.trial_sweep(now=at(4, 1)) == 1
    judgment.refresh_from_db()
    assert judgment.effective_on == date(2025, 4, 1)
