"""Journey: a bank uploads loan cases; one is settled in pre-suit mediation (judicial confirmation,
installments, a missed installment), one fails and is tried in batch; both judgments/rulings are
served (electronically, or by mail to the guarantor who never consented), take effect, and end as
enforcement cases (执)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from lastmile.cases.models import Case, CaseStatus, PartyRole
from lastmile.cases.selectors import audit_verify
from lastmile.enforcement.models import EnforcementCase
from lastmile.enforcement.services import enforcement_accept
from lastmile.filing.models import LoanClaim
from lastmile.filing.samples import sample_row
from lastmile.filing.services import api_key_issue
from lastmile.ledger.fees import acceptance_fee
from lastmile.mediation import services as mediation
from lastmile.mediation.models import MediationStatus
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.service.services import (
    AttemptResult,
    AttemptStart,
    service_attempt_result_record,
    service_attempt_start,
)
from lastmile.trial import services as trial
from lastmile.trial.models import Procedure

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


def _mail_signed(order: ServiceOrder, judge, *, sent: datetime, signed: date, ems: str) -> None:
    """Serve ``order`` by mail (CPL 2023 art. 91) to the address the bank supplied (the guarantor's
    row has none), the receipt signed by the recipient on ``signed``."""
    start = AttemptStart(method="mail", tracking_number=ems, address="长沙市岳麓区麓山南路1号")
    attempt = service_attempt_start(order=order, start=start, actor=judge, now=sent)
    service_attempt_result_record(
        attempt=attempt,
        result=AttemptResult(outcome="signed", on=signed, signer=order.recipient.name),
        actor=judge,
        now=datetime.combine(signed, datetime.min.time(), tzinfo=BJ) + timedelta(hours=18),
    )


@pytest.mark.django_db
def test_bank_upload_through_mediation_trial_and_service_into_enforcement(
    cc_env, cc_institution, cc_mediator, cc_judge, clerk, yuelu, now, clock
):
    # 1. The bank uploads two loan cases through the API with its key.
    key = api_key_issue(client=cc_institution, now=now, label="journey")[1]
    today = timezone.localtime(now).date()
    # Row 9 has no guarantor; row 10 has one guarantor who never agreed to electronic service.
    rows = [
        {k: ("" if v is None else str(v)) for k, v in sample_row(i, today=today).items()} for i in (9, 10)
    ]
    bank = Client(headers={"X-Api-Key": key})
    response = bank.post(
        "/api/v1/filing/batches",
        {"batch_id": "JOURNEY-1", "court": "湘0104", "rows": rows},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # Uploads are never processed in the request: the worker files them.
    from lastmile.filing.services import batch_process

    batch_id = response.json()["id"]
    batch_process(batch_id=batch_id, now=now)
    assert bank.get(f"/api/v1/filing/batches/{batch_id}").json()["created_cases"] == 2
    case_a, case_b = Case.objects.filter(type_code="民诉前调").order_by("seq")
    assert case_a.status == CaseStatus.FILED

    # 2. Both go to a mediator; the 30-day period runs from acceptance.
    m_a, m_b = mediation.mediation_assign(cases=[case_a, case_b], mediator=cc_mediator, actor=clerk, now=now)
    assert m_a.accepted_on == date(2025, 3, 3) and m_a.period_ends_on == date(2025, 4, 2)
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.IN_PROGRESS

    # 3a. Success: an online session, an agreement in two installments, a judicial confirmation.
    session = mediation.mediation_session_schedule(
        mediation=m_a, scheduled_at=at(3, 5, 10), actor=cc_mediator, now=now, link="https://mediate.invalid/1"
    )
    mediation.mediation_session_record(
        session=session, record="双方同意分两期还款。", actor=cc_mediator, now=at(3, 5, 11)
    )
    claim_a = LoanClaim.objects.get(case=case_a)
    first = (claim_a.claimed_total / 2).quantize(Decimal("0.01"))
    agreement = mediation.mediation_agreement_record(
        mediation=m_a,
        terms=["申请人放弃部分罚息；"],
        installments=[
            mediation.InstallmentIn(date(2025, 4, 15), first),
            mediation.InstallmentIn(date(2025, 5, 15), claim_a.claimed_total - first),
        ],
        actor=cc_mediator,
        now=at(3, 5, 11),
    )
    assert agreement.total == claim_a.claimed_total
    # every party signs (the agreement takes effect) and they apply jointly for confirmation
    everyone = mediation.mediation_parties(m_a)
    mediation.mediation_agreement_sign_on_site(
        mediation=m_a, parties=everyone, actor=cc_mediator, now=at(3, 5, 11)
    )
    mediation.mediation_confirmation_apply_at_counter(
        mediation=m_a, parties=everyone, actor=clerk, now=at(3, 5, 11)
    )
    m_a = mediation.mediation_conclude(mediation=m_a, kind="confirmation", actor=cc_judge, now=at(3, 6))
    confirmation = m_a.result_case
    assert confirmation.type_code == "诉前调确" and confirmation.parent_id == case_a.pk
    assert confirmation.number == "（2025）湘0104诉前调确1号"
    assert m_a.result_document.template.code == "judicial_confirmation_ruling"
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.CLOSED and case_a.closing_method == "调解成功"

    port = SimulatedServiceAdapter()
    m_a = mediation.mediation_result_serve(mediation=m_a, actor=cc_judge, now=at(3, 6, 15), port=port)
    assert m_a.effective_on == date(2025, 3, 6)  # every party served the day the messages arrived
    assert {msg.channel for msg in port.sent} == {"platform", "sms"}

    # 3b. Failure: filed as 民初 with the fee halved (simplified procedure).
    m_b = mediation.mediation_fail(mediation=m_b, reason="被申请人拒绝调解", actor=cc_mediator, now=at(3, 5))
    (lawsuit,) = trial.lawsuits_file_from_mediation(mediations=[m_b], actor=clerk, now=at(3, 6))
    claim_b = LoanClaim.objects.get(case=case_b)
    assert lawsuit.procedure == Procedure.SIMPLIFIED and claim_b.claimed_total > Decimal("50000")
    assert lawsuit.fee == acceptance_fee(claim_b.claimed_total, halved=True)
    assert lawsuit.case.type_code == "民初" and lawsuit.case.parent_id == case_b.pk
    roles = set(lawsuit.case.case_parties.values_list("role", flat=True))
    assert roles == {PartyRole.PLAINTIFF, PartyRole.DEFENDANT}

    # 4. Batch trial: hearing on the video system with a 传票 to every party (the guarantor never
    # consented to electronic service: its summons goes by mail and is signed for 4 days before),
    # the hearing's record, and the standard judgment issued in batch after it.
    hearings = trial.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=cc_judge, starts_at=at(3, 12, 9), actor=cc_judge, now=at(3, 6)
    )
    hearing = hearings.hearings.get()
    assert hearing.link.startswith("https://hearing.example.invalid/room/")
    summonses = list(hearing.summonses.select_related("document"))
    assert len(summonses) == 3 and all(s.document.context["link"] == hearing.link for s in summonses)
    (unreached,) = ServiceOrder.objects.filter(
        document__in=[s.document for s in summonses], status=OrderStatus.FAILED
    )
    _mail_signed(unreached, cc_judge, sent=at(3, 6), signed=date(2025, 3, 8), ems="1100000000013")
    trial.hearing_record(hearing=hearing, note="被告未到庭，缺席审理。", actor=cc_judge, now=at(3, 12, 9))
    hearing.refresh_from_db()
    assert hearing.record_document.template.code == "hearing_record"
    batch = trial.judgments_batch_create(lawsuits=[lawsuit], actor=cc_judge, now=at(3, 12, 10))
    assert trial.judgment_batch_run(batch=batch, now=lambda: at(3, 12, 10)) == 1
    assert trial.judgment_batch_progress(batch) == (1, 1)
    judgment = lawsuit.judgment
    assert judgment.principal == claim_b.principal and judgment.document.template.code == "loan_judgment"

    # 5. Electronic service: bank and borrower served on arrival; the guarantor never consented,
    # and public notice is not for a simplified case (民诉解释 art. 140): the judgment goes by mail.
    judgment = trial.judgment_serve(judgment=judgment, actor=cc_judge, now=at(3, 13), port=port)
    orders = ServiceOrder.objects.filter(document=judgment.document)
    assert sorted(orders.values_list("status", flat=True)) == ["failed", "served", "served"]
    assert judgment.effective_on is None
    with pytest.raises(Exception, match="不适用公告送达"):
        trial.judgment_service_fallback(judgment=judgment, actor=cc_judge, now=at(3, 14))
    unreached = orders.get(status=OrderStatus.FAILED)
    _mail_signed(unreached, cc_judge, sent=at(3, 14), signed=date(2025, 3, 17), ems="1100000000027")

    # 6. Effective the day after the last party's appeal period (3-17 + 15 days = 4-1) ends.
    assert trial.trial_sweep(now=at(4, 1)) == 0
    assert trial.trial_sweep(now=at(4, 2)) == 1
    judgment.refresh_from_db()
    assert judgment.effective_on == date(2025, 4, 2)
    assert judgment.performance_deadline == date(2025, 4, 14)  # 4-12 is a Saturday

    # 7. Unpaid after the payment period: the bank files for enforcement in one click.
    with pytest.raises(Exception, match="履行期限"):
        trial.judgment_enforcement_file(judgment=judgment, actor=None, now=at(4, 14))
    assert not Case.objects.filter(type_code="执").exists()
    enforcement = trial.judgment_enforcement_file(judgment=judgment, actor=None, now=at(4, 15))
    ec = EnforcementCase.objects.get(case=enforcement)
    assert enforcement.type_code == "执" and enforcement.status == CaseStatus.RECEIVED
    assert ec.basis_kind == "judgment" and ec.basis_number == judgment.document.number
    assert ec.basis_effective_on == date(2025, 4, 2) and ec.principal == claim_b.principal
    enforcement_accept(case=enforcement, actor=clerk, now=at(4, 16))
    enforcement.refresh_from_db()
    assert enforcement.status in (CaseStatus.FILED, CaseStatus.IN_PROGRESS)

    # 8. The settled case: the first installment is paid, the second is missed.
    first_inst, second_inst = agreement.installments.order_by("seq")
    mediation.mediation_installment_pay(
        installment=first_inst, amount=first, paid_on=date(2025, 4, 14), actor=cc_mediator, now=at(4, 14)
    )
    assert mediation.mediation_installment_sweep(now=at(5, 15)) == 0  # due today: not missed yet
    assert mediation.mediation_installment_sweep(now=at(5, 16)) == 1
    assert mediation.mediation_installment_sweep(now=at(5, 17)) == 0  # idempotent
    second = mediation.mediation_enforcement_file(mediation=m_a, actor=None, now=at(5, 16))
    ec2 = EnforcementCase.objects.get(case=second)
    assert ec2.basis_kind == "confirmation" and ec2.principal == second_inst.amount
    assert ec2.basis_number == m_a.result_document.number
    m_a.refresh_from_db()
    assert m_a.status == MediationStatus.CONCLUDED

    # The whole timeline is one intact hash chain.
    assert audit_verify(court=yuelu) == []
    kinds = set(lawsuit.case.events.values_list("kind", flat=True))
    assert {
        "trial.hearing_scheduled",
        "trial.judgment_issued",
        "service.served",
        "trial.summoned",
        "trial.heard",
        "trial.judgment_effective",
        "trial.enforcement_filed",
    } <= kinds
    assert timedelta(days=0) <= (at(5, 16) - now)
