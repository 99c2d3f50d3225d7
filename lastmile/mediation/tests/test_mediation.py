"""Pre-suit mediation: assignment, the 30-day period, the 诉前调书 path, refusals that change
nothing, installments and enforcement."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lastmile.cases.models import Case, CaseEvent, CaseStatus, Deadline
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, PermissionDenied
from lastmile.documents.models import Document
from lastmile.ledger.fees import acceptance_fee
from lastmile.mediation import services
from lastmile.mediation.models import Agreement, Mediation, MediationSession, MediationStatus
from lastmile.service.adapters import SimulatedServiceAdapter

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


def _snapshot() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Mediation.objects.count(),
        Document.objects.count(),
    )


@pytest.mark.django_db
def test_assignment_opens_the_thirty_day_period_and_refusals_change_nothing(
    cc_file_rows, cc_mediator, clerk, other_clerk, now
):
    (case,) = cc_file_rows([3])
    before = _snapshot()
    # another court's clerk, and a mediator of another court, are refused
    with pytest.raises(PermissionDenied):
        services.mediation_assign(cases=[case], mediator=cc_mediator, actor=other_clerk, now=now)
    assert _snapshot() == before
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    assert (m.accepted_on, m.period_ends_on) == (date(2025, 3, 3), date(2025, 4, 2))
    deadline = Deadline.objects.get(case=case, kind="mediation_period")
    assert deadline.due_on == date(2025, 4, 2) and deadline.assignee == cc_mediator
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="已分派"):
        services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    assert _snapshot() == before


@pytest.mark.django_db
def test_sessions_and_agreements_stay_inside_the_period_and_the_sweep_fails_late_ones(
    cc_file_rows, cc_mediator, clerk, now
):
    a, b = cc_file_rows([3, 6])
    m_a, _m_b = services.mediation_assign(cases=[a, b], mediator=cc_mediator, actor=clerk, now=now)
    with pytest.raises(ConditionsNotMet, match="超出调解期限"):
        services.mediation_session_schedule(mediation=m_a, scheduled_at=at(4, 3), actor=cc_mediator, now=now)
    assert not MediationSession.objects.exists()
    with pytest.raises(ConditionsNotMet, match="调解期限已于"):
        services.mediation_agreement_record(
            mediation=m_a,
            terms=["一次性付清"],
            installments=[services.InstallmentIn(date(2025, 5, 1), Decimal("100"))],
            actor=cc_mediator,
            now=at(4, 3),
        )
    assert not Agreement.objects.exists()
    assert services.mediation_period_sweep(now=at(4, 2)) == 0
    assert services.mediation_period_sweep(now=at(4, 3)) == 2
    m_a.refresh_from_db()
    a.refresh_from_db()
    assert m_a.status == MediationStatus.FAILED and a.status == CaseStatus.CLOSED
    assert a.closing_method == "调解不成" and "届满" in m_a.failure_reason


@pytest.mark.django_db
def test_statement_path_numbers_a_new_case_and_halves_the_fee_printed(
    cc_file_rows, cc_mediator, cc_judge, clerk, now
):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    services.mediation_agreement_record(
        mediation=m,
        terms=["被申请人一次性偿还全部欠款；"],
        installments=[services.InstallmentIn(date(2025, 3, 31), case.amount_claimed)],
        actor=cc_mediator,
        now=now,
    )
    # a mediator cannot issue the court's document
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.mediation_conclude(mediation=m, kind="statement", actor=cc_mediator, now=now)
    assert _snapshot() == before
    m = services.mediation_conclude(mediation=m, kind="statement", actor=cc_judge, now=now)
    assert m.result_case.number == "（2025）湘0104诉前调书1号"
    doc = m.result_document
    assert doc.template.code == "mediation_statement"
    assert doc.context["court_fee_half"] == str(acceptance_fee(case.amount_claimed, halved=True))
    assert m.result_case.case_parties.filter(role="plaintiff").exists()
    with pytest.raises(InvalidTransition):
        services.mediation_conclude(mediation=m, kind="statement", actor=cc_judge, now=now)
    # effective once every party is served
    m = services.mediation_result_serve(
        mediation=m, actor=cc_judge, now=at(3, 4), port=SimulatedServiceAdapter()
    )
    assert m.effective_on == date(2025, 3, 4)


@pytest.mark.django_db
def test_installments_are_watched_and_only_a_default_opens_enforcement(
    cc_file_rows, cc_mediator, cc_judge, clerk, now
):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    agreement = services.mediation_agreement_record(
        mediation=m,
        terms=["分两期偿还；"],
        installments=[
            services.InstallmentIn(date(2025, 3, 20), Decimal("1000.00")),
            services.InstallmentIn(date(2025, 4, 20), Decimal("2000.00")),
        ],
        actor=cc_mediator,
        now=now,
    )
    everyone = services.mediation_parties(m)
    services.mediation_agreement_sign_on_site(mediation=m, parties=everyone, actor=cc_mediator, now=now)
    services.mediation_confirmation_apply_at_counter(
        mediation=m, parties=everyone, actor=cc_mediator, now=now
    )
    m = services.mediation_conclude(mediation=m, kind="confirmation", actor=cc_judge, now=now)
    with pytest.raises(ConditionsNotMet, match="尚未生效"):
        services.mediation_enforcement_file(mediation=m, actor=None, now=at(3, 5))
    m = services.mediation_result_serve(mediation=m, actor=cc_judge, now=now, port=SimulatedServiceAdapter())
    first, second = agreement.installments.order_by("seq")
    with pytest.raises(ConditionsNotMet):
        services.mediation_installment_pay(
            installment=first,
            amount=Decimal("1000.01"),
            paid_on=date(2025, 3, 19),
            actor=cc_mediator,
            now=at(3, 19),
        )
    services.mediation_installment_pay(
        installment=first,
        amount=Decimal("1000.00"),
        paid_on=date(2025, 3, 19),
        actor=cc_mediator,
        now=at(3, 19),
    )
    assert services.mediation_installment_sweep(now=at(4, 1)) == 0  # the first was paid on time
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="没有未按期履行"):
        services.mediation_enforcement_file(mediation=m, actor=None, now=at(4, 1))
    assert _snapshot() == before
    services.mediation_installment_pay(
        installment=second,
        amount=Decimal("500.00"),
        paid_on=date(2025, 4, 20),
        actor=cc_mediator,
        now=at(4, 20),
    )
    assert services.mediation_installment_sweep(now=at(4, 21)) == 1
    enforcement = services.mediation_enforcement_file(mediation=m, actor=None, now=at(4, 21))
    assert enforcement.type_code == "执" and enforcement.amount_claimed == Decimal("1500.00")
    with pytest.raises(Exception, match="已就该调解协议申请执行"):
        services.mediation_enforcement_file(mediation=m, actor=None, now=at(4, 22))
