"""Case-funds services. STABLE SIGNATURES (called by enforcement and later stages); the
internals are a foundation stub that issue C replaces with the full ledger and allocation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import InvalidAmount
from lastmile.core.money import to_money

from .models import InterestKind, Obligation, Receipt


@dataclass(frozen=True)
class InterestTerms:
    """General interest as the execution basis sets it."""

    kind: str = InterestKind.NONE  # "none" | "fixed" | "lpr_multiple"
    annual_rate: Decimal | None = None  # for "fixed", e.g. Decimal("0.0435")
    lpr_multiple: Decimal | None = None  # for "lpr_multiple", e.g. Decimal("1.5")
    start: date | None = None  # first day interest runs


@dataclass(frozen=True)
class CostItem:
    """A cost the debtor bears (案件受理费, 保全费, 申请执行费, ...)."""

    kind: str  # "acceptance_fee" | "preservation_fee" | "execution_fee" | "other"
    label: str
    amount: Decimal


@dataclass(frozen=True)
class InstallmentDue:
    due_on: date
    amount: Decimal


@transaction.atomic
def obligation_record(
    *,
    case: Case,
    actor: User | None,
    now: datetime,
    principal: Decimal,
    basis_effective_on: date,
    performance_deadline: date | None = None,
    interest: InterestTerms | None = None,
    costs: Sequence[CostItem] = (),
    installments: Sequence[InstallmentDue] = (),
    allocation_order: str = "",
) -> Obligation:
    """Record the money debt the execution basis fixes for ``case`` (one per case)."""
    interest = interest or InterestTerms()
    obligation = Obligation.objects.create(
        case=case,
        principal=to_money(principal),
        interest_kind=interest.kind,
        interest_rate=interest.annual_rate,
        lpr_multiple=interest.lpr_multiple,
        interest_start=interest.start,
        costs=[{"kind": c.kind, "label": c.label, "amount": str(to_money(c.amount))} for c in costs],
        performance_deadline=performance_deadline,
        basis_effective_on=basis_effective_on,
        installments=[
            {"due_on": i.due_on.isoformat(), "amount": str(to_money(i.amount))} for i in installments
        ],
        allocation_order=allocation_order,
        created_at=now,
    )
    case_event_record(
        case=case,
        kind="ledger.obligation_recorded",
        summary=f"登记执行依据确定的金钱债务：本金{obligation.principal}元",
        actor=actor,
        now=now,
        data={"principal": obligation.principal, "costs": obligation.costs},
    )
    return obligation


@transaction.atomic
def receipt_record(
    *,
    case: Case | None,
    court_id: int | None = None,
    amount: Decimal,
    source: str,
    idempotency_key: str,
    received_at: datetime,
    actor: User | None,
    payer: str = "",
    note: str = "",
) -> Receipt:
    """Book money received for ``case`` (or unclaimed, when ``case`` is None).

    Idempotent: a second call with the same ``idempotency_key`` returns the first receipt and
    changes nothing.
    """
    existing = Receipt.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    amount = to_money(amount)
    if amount <= 0:
        raise InvalidAmount("收款金额必须大于零。")
    owner_court_id = case.court_id if case is not None else court_id
    if owner_court_id is None:
        raise InvalidAmount("未认领款项须指明收款法院。")
    receipt = Receipt.objects.create(
        court_id=owner_court_id,
        case=case,
        amount=amount,
        source=source,
        idempotency_key=idempotency_key,
        received_at=received_at,
        payer=payer,
        note=note,
        recorded_by=actor,
    )
    if case is not None:
        case_event_record(
            case=case,
            kind="ledger.receipt",
            summary=f"案款到账{amount}元（{receipt.get_source_display()}）",
            actor=actor,
            now=received_at,
            data={"amount": amount, "source": source, "key": idempotency_key},
        )
    return receipt


def amount_outstanding(*, case: Case, as_of: date) -> Decimal:
    """What the debtor still owes on ``as_of`` (0 when there is no recorded obligation)."""
    obligation = Obligation.objects.filter(case=case).first()
    if obligation is None:
        return Decimal("0.00")
    owed = obligation.principal + sum((Decimal(c["amount"]) for c in obligation.costs), Decimal("0"))
    paid = sum(
        (r.amount for r in Receipt.objects.filter(case=case, received_at__date__lte=as_of)),
        Decimal("0"),
    )
    return max(to_money(owed - paid), Decimal("0.00"))


def amount_received(*, case: Case) -> Decimal:
    return to_money(sum((r.amount for r in Receipt.objects.filter(case=case)), Decimal("0")))
