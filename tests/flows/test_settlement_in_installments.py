"""Use case: a settlement with instalments. Paid on time it closes the case as 执行完毕; a missed
instalment lets the applicant resume as 执恢 with the paid part deducted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent, CaseStatus, Deadline
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.periods import period_end
from lastmile.enforcement.models import (
    ClosingMethod,
    PauseKind,
    Settlement,
    SettlementStatus,
    StepKind,
    TimeLimitPause,
)
from lastmile.enforcement.services import (
    enforcement_close,
    procedure_step_record,
    settlement_default_sweep,
    settlement_installment_pay,
    settlement_record,
    settlement_resume,
)
from lastmile.ledger.selectors import amount_received
from lastmile.ledger.services import InstallmentDue, amount_outstanding
from lastmile.testing.enforcement import at, basis

pytestmark = pytest.mark.django_db

PLAN = [
    InstallmentDue(due_on=date(2025, 4, 10), amount=Decimal("20000")),
    InstallmentDue(due_on=date(2025, 5, 10), amount=Decimal("20000")),  # a Saturday
    InstallmentDue(due_on=date(2025, 6, 10), amount=Decimal("20000")),
]


def _settled_case(file_case, officer):
    case = file_case(at(2025, 3, 3), basis=basis("60000", costs=[]))
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 5))
    settlement = settlement_record(
        case=case,
        actor=officer,
        now=at(2025, 3, 10),
        agreed_on=date(2025, 3, 10),
        terms="被执行人分三期还款，每期两万元",
        installments=PLAN,
    )
    case.refresh_from_db()
    return case, settlement


def test_installments_paid_on_time_close_the_case(file_case, officer):
    case, settlement = _settled_case(file_case, officer)
    assert case.status == CaseStatus.SETTLEMENT
    installments = list(settlement.installments.order_by("seq"))
    # An instalment due on a Saturday may be paid on the next working day.
    assert installments[1].last_day == date(2025, 5, 12) == period_end(date(2025, 5, 10), 0)
    # Settlement time is excluded from the time limit: no time-limit deadline runs meanwhile.
    assert TimeLimitPause.objects.filter(case=case, kind=PauseKind.SETTLEMENT, ended_on__isnull=True).exists()
    assert not Deadline.objects.filter(
        case=case, kind="time_limit", done_at__isnull=True, cancelled_at__isnull=True
    ).exists()

    settlement_installment_pay(
        installment=installments[0],
        amount=Decimal("20000"),
        actor=officer,
        now=at(2025, 4, 10),
        idempotency_key="s1",
    )
    # Monday 12 May is still on time for the instalment due on Saturday 10 May.
    assert settlement_default_sweep(now=at(2025, 5, 12)) == 0
    settlement_installment_pay(
        installment=installments[1],
        amount=Decimal("20000"),
        actor=officer,
        now=at(2025, 5, 12),
        idempotency_key="s2",
    )
    # A retried payment is not booked twice.
    settlement_installment_pay(
        installment=installments[1],
        amount=Decimal("20000"),
        actor=officer,
        now=at(2025, 5, 12),
        idempotency_key="s2",
    )
    assert amount_received(case=case) == Decimal("40000.00")
    case.refresh_from_db()
    assert case.status == CaseStatus.SETTLEMENT

    settlement_installment_pay(
        installment=installments[2],
        amount=Decimal("20000"),
        actor=officer,
        now=at(2025, 6, 9),
        idempotency_key="s3",
    )
    case.refresh_from_db()
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PERFORMED
    assert case.status == CaseStatus.CLOSED
    assert case.enforcement.closing_method == ClosingMethod.COMPLETED
    assert case.closing_method == "completed"  # the ClosingMethod code (issue K item 2)
    # The settlement replaces the judgment debt: performed in full, the case is 执行完毕 whatever
    # delay interest the ledger still computes on the original basis.
    assert amount_received(case=case) == Decimal("60000.00")
    assert not TimeLimitPause.objects.filter(case=case, ended_on__isnull=True).exists()
    assert CaseEvent.objects.filter(case=case, kind="enforcement.installment_paid").count() == 3


def test_missed_installment_lets_the_applicant_resume_with_paid_part_deducted(file_case, officer):
    case, settlement = _settled_case(file_case, officer)
    installments = list(settlement.installments.order_by("seq"))
    settlement_installment_pay(
        installment=installments[0],
        amount=Decimal("20000"),
        actor=officer,
        now=at(2025, 4, 9),
        idempotency_key="d1",
    )

    # On the last day of the second instalment the debtor is not yet in default: refused, nothing changes.
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ConditionsNotMet) as refused:
        settlement_resume(case=case, actor=officer, now=at(2025, 5, 12))
    assert refused.value.unmet == ["settlement_default"]
    case.refresh_from_db()
    settlement.refresh_from_db()
    assert case.status == CaseStatus.SETTLEMENT and settlement.status == SettlementStatus.PERFORMING
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert not case.derived_cases.exists()

    # The day after, the sweep marks the default (idempotent).
    assert settlement_default_sweep(now=at(2025, 5, 13)) == 1
    assert settlement_default_sweep(now=at(2025, 5, 13)) == 0
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.DEFAULTED

    outstanding = amount_outstanding(case=case, as_of=date(2025, 5, 14))
    restored = settlement_resume(
        case=case, actor=officer, now=at(2025, 5, 14), reason="申请执行人申请恢复执行"
    )
    assert restored.type_code == "执恢" and restored.parent == case
    # The 20,000 paid under the settlement is deducted from the original debt.
    assert amount_received(case=case) == Decimal("20000.00")
    assert restored.enforcement.principal == outstanding
    # The ledger may add delay interest on top, but never less than the unpaid 40,000.
    assert Decimal("40000.00") <= outstanding < Decimal("60000.00")
    assert amount_outstanding(case=restored, as_of=date(2025, 5, 14)) >= outstanding

    case.refresh_from_db()
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.RESUMED and settlement.resumed_case == restored
    assert case.status == CaseStatus.CLOSED
    assert case.enforcement.closing_method == ClosingMethod.TERMINATED
    # The original cannot be resumed twice or settled again.
    with pytest.raises(InvalidTransition):
        settlement_resume(case=case, actor=officer, now=at(2025, 5, 15))
    assert Settlement.objects.filter(case=case).count() == 1


def test_full_performance_cannot_be_claimed_while_money_is_owed(file_case, officer):
    case = file_case(at(2025, 3, 3))
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 5))
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ConditionsNotMet) as refused:
        enforcement_close(case=case, method=ClosingMethod.COMPLETED, actor=officer, now=at(2025, 3, 6))
    assert refused.value.unmet == ["fully_performed"]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert CaseEvent.objects.filter(case=case).count() == before
