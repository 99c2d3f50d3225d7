"""Obligations: the money debt the execution basis fixes for a case, and the periods without
doubled interest (法释〔2014〕8号 art. 3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidAmount, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan, to_money
from lastmile.ledger.error_codes import LedgerErrorCode
from lastmile.ledger.kinds import LedgerEvent

from ..calculation import BUCKETS, DELAY_INTEREST_PAUSE, parse_order
from ..models import InterestKind, Obligation, ObligationPause, PauseKind
from .accounts import case_account


@dataclass(frozen=True)
class InterestTerms:
    """General interest as the execution basis sets it."""

    kind: str = InterestKind.NONE  # "none" | "fixed" | "lpr_multiple"
    annual_rate: Decimal | None = None  # for "fixed", e.g. Decimal("0.0435")
    lpr_multiple: Decimal | None = None  # for "lpr_multiple", e.g. Decimal("1.5")
    start: date | None = None  # first day interest runs (default: the basis's effective date)
    lpr_term: str = "1y"  # "1y" or "5y" (over five years)
    lpr_fixed_on: date | None = None  # use the LPR of this day throughout; None: the LPR of each day
    end: date | None = None  # last day interest runs; None: until paid
    day_basis: int | None = None  # days per year; None: the GENERAL_INTEREST_DAY_BASIS setting


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


def _validate_terms(
    principal: Decimal,
    interest: InterestTerms,
    costs: Sequence[CostItem],
    installments: Sequence[InstallmentDue],
    allocation_order: str,
) -> None:
    if principal < 0:
        raise InvalidAmount("本金不能为负数。")
    if any(to_money(c.amount) < 0 for c in costs):
        raise InvalidAmount("费用金额不能为负数。")
    if any(to_money(i.amount) <= 0 for i in installments):
        raise InvalidAmount("分期履行金额必须大于零。")
    if interest.kind not in InterestKind.values:
        raise InvalidAmount("一般债务利息的计算方式无法识别。", details={"kind": interest.kind})
    if interest.kind == InterestKind.FIXED and (interest.annual_rate is None or interest.annual_rate < 0):
        raise InvalidAmount("固定利率须填写不为负的年利率。")
    if interest.kind == InterestKind.LPR_MULTIPLE and (
        interest.lpr_multiple is None or interest.lpr_multiple <= 0
    ):
        raise InvalidAmount("LPR倍数须大于零。")
    if interest.lpr_term not in ("1y", "5y"):
        raise InvalidAmount("LPR期限品种须为一年期或五年期以上。")
    parse_order(allocation_order)


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
    replace: bool = False,
) -> Obligation:
    """Record the money debt the execution basis fixes for ``case`` (one per case).

    ``allocation_order`` is an order the parties agreed, e.g. ``"principal,interest,costs,doubled"``
    (empty: the legal order, 民法典 2020 art. 561 and 法释〔2014〕8号 art. 4). Recording the same
    terms again returns the existing row; different terms need ``replace=True`` (recorded as an
    amendment on the timeline).
    """
    interest = interest or InterestTerms()
    principal = to_money(principal)
    _validate_terms(principal, interest, costs, installments, allocation_order)
    fields = {
        "principal": principal,
        "interest_kind": interest.kind,
        "interest_rate": interest.annual_rate,
        "lpr_multiple": interest.lpr_multiple,
        "lpr_term": interest.lpr_term,
        "lpr_fixed_on": interest.lpr_fixed_on,
        "interest_start": interest.start
        or (basis_effective_on if interest.kind != InterestKind.NONE else None),
        "interest_end": interest.end,
        "interest_day_basis": interest.day_basis,
        "costs": [{"kind": c.kind, "label": c.label, "amount": str(to_money(c.amount))} for c in costs],
        "performance_deadline": performance_deadline,
        "basis_effective_on": basis_effective_on,
        "installments": [
            {"due_on": i.due_on.isoformat(), "amount": str(to_money(i.amount))} for i in installments
        ],
        "allocation_order": allocation_order.strip(),
    }
    existing = Obligation.objects.select_for_update().filter(case=case).first()
    if existing is not None:
        same = all(_same(getattr(existing, k), v) for k, v in fields.items())
        if same:
            return existing
        if not replace:
            raise Conflict(
                "本案已登记执行依据确定的金钱债务；如需更正请明确替换。", details={"case": case.pk}
            )
        for k, v in fields.items():
            setattr(existing, k, v)
        existing.save()
        obligation, kind, verb = existing, LedgerEvent.OBLIGATION_AMENDED, "更正"
    else:
        obligation = Obligation.objects.create(case=case, created_at=now, **fields)
        kind, verb = LedgerEvent.OBLIGATION_RECORDED, "登记"
    case_account(case=case)
    case_event_record(
        case=case,
        kind=kind,
        summary=f"{verb}执行依据确定的金钱债务：本金{format_yuan(obligation.principal)}元",
        actor=actor,
        now=now,
        data={
            "principal": obligation.principal,
            "costs": obligation.costs,
            "order": obligation.allocation_order,
        },
        legal_basis=LegalBasis("民事诉讼法", "2023", "264"),
    )
    return obligation


DELAY_INTEREST_ARTS_1_4 = LegalBasis(
    "最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释", "2014", "1—4"
)


@transaction.atomic
def obligation_continue(
    *, case: Case, original: Case, actor: User | None, now: datetime
) -> Obligation | None:
    """The 执恢 ``case`` continues the money debt of ``original``: the same terms of the
    execution basis (principal, general interest, costs, performance period, instalments, agreed
    order), and every payment and pause of ``original`` counts. The debt's parts stay apart: what
    remains of the principal, the general interest, the costs and the doubled interest is each
    carried as what it is, and the doubled interest runs on the unpaid money debt other than
    general interest from the day the performance period expired, never from the restoration
    (法释〔2014〕8号 arts. 1–4; docs/law.md "Interest"). Nothing already owed becomes principal.

    Returns None when ``original`` has no recorded money debt. Recording it again returns the
    existing row."""
    from ..selectors import case_statement

    source = Obligation.objects.filter(case=original).first()
    if source is None:
        return None
    existing = Obligation.objects.filter(case=case).first()
    if existing is not None:
        if existing.continues_id != original.pk:
            raise Conflict("本案已登记执行依据确定的金钱债务。", details={"case": case.pk})
        return existing
    obligation = Obligation.objects.create(
        case=case,
        continues=original,
        created_at=now,
        **{
            f: getattr(source, f)
            for f in (
                "principal",
                "interest_kind",
                "interest_rate",
                "lpr_multiple",
                "lpr_term",
                "lpr_fixed_on",
                "interest_start",
                "interest_end",
                "interest_day_basis",
                "costs",
                "performance_deadline",
                "basis_effective_on",
                "installments",
                "allocation_order",
            )
        },
    )
    case_account(case=case)
    statement = case_statement(case=case, as_of=court_date(now))
    carried = statement.outstanding if statement is not None else dict.fromkeys(BUCKETS, Decimal("0.00"))
    case_event_record(
        case=case,
        kind=LedgerEvent.OBLIGATION_RECORDED,
        summary=(
            f"续行原案{original.number}的金钱债务：本金{format_yuan(carried['principal'])}元、一般债务利息"
            f"{format_yuan(carried['interest'])}元、费用{format_yuan(carried['costs'])}元、"
            f"加倍部分债务利息{format_yuan(carried['doubled'])}元"
        ),
        actor=actor,
        now=now,
        data={"continues": original.pk, "carried": carried, "principal": obligation.principal},
        legal_basis=DELAY_INTEREST_ARTS_1_4,
    )
    return obligation


def _same(stored: object, new: object) -> bool:
    if isinstance(stored, Decimal) and isinstance(new, Decimal):
        return stored == new
    if stored is None or new is None:
        return stored is None and new is None
    if isinstance(new, Decimal):
        return Decimal(str(stored)) == new
    return stored == new


@transaction.atomic
def obligation_pause_record(
    *,
    case: Case,
    starts_on: date,
    actor: User | None,
    now: datetime,
    reason: str,
    ends_on: date | None = None,
    kind: str = PauseKind.OTHER,
    requested_by_debtor: bool = False,
) -> ObligationPause:
    """A period without doubled interest: 中止 or 暂缓 for reviewing the execution basis
    (``kind="review"``, 审查), or 再审 中止 (``kind="retrial"``), not requested by the debtor
    (法释〔2014〕8号 art. 3). Refused when the debtor asked for it: then the doubled interest runs.
    ``ends_on`` may follow later (:func:`obligation_pause_end`)."""
    if kind not in PauseKind.values:
        raise InvalidAmount("不计加倍利息期间的类型无法识别。", details={"kind": kind})
    if requested_by_debtor:
        raise ConditionsNotMet(
            "被执行人申请的中止或暂缓期间，仍应计算加倍部分债务利息"
            "（《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释》第三条）。",
            unmet=["not_requested_by_debtor"],
            code=LedgerErrorCode.PAUSE_REQUESTED_BY_DEBTOR,
        )
    if ends_on is not None and ends_on < starts_on:
        raise InvalidAmount("不计加倍利息期间的终止日不能早于起始日。")
    if ObligationPause.objects.filter(case=case, ends_on__isnull=True).exists():
        raise Conflict("本案已有尚未结束的不计加倍利息期间，请先登记其终止日。")
    label = PauseKind(kind).label
    reason = reason.strip() or str(label)
    pause = ObligationPause.objects.create(
        case=case, kind=kind, starts_on=starts_on, ends_on=ends_on, reason=reason[:128], created_at=now
    )
    case_event_record(
        case=case,
        kind=LedgerEvent.PAUSE_RECORDED,
        summary=f"自{starts_on:%Y-%m-%d}起不计加倍部分债务利息（{label}：{reason}）",
        actor=actor,
        now=now,
        data={
            "kind": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
        legal_basis=DELAY_INTEREST_PAUSE,
    )
    return pause


@transaction.atomic
def obligation_pause_end(*, case: Case, ends_on: date, actor: User | None, now: datetime) -> ObligationPause:
    """Close the open pause of ``case`` on ``ends_on`` (the last day without doubled interest)."""
    pause = ObligationPause.objects.select_for_update().filter(case=case, ends_on__isnull=True).first()
    if pause is None:
        raise InvalidTransition("本案没有尚未结束的不计加倍利息期间。")
    if ends_on < pause.starts_on:
        raise InvalidAmount("不计加倍利息期间的终止日不能早于起始日。")
    pause.ends_on = ends_on
    pause.save(update_fields=["ends_on"])
    case_event_record(
        case=case,
        kind=LedgerEvent.PAUSE_ENDED,
        summary=f"不计加倍部分债务利息期间至{ends_on:%Y-%m-%d}止",
        actor=actor,
        now=now,
        data={"starts_on": pause.starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        legal_basis=DELAY_INTEREST_PAUSE,
    )
    return pause
