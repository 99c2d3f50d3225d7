"""Case-funds services. STABLE SIGNATURES: ``obligation_record``, ``receipt_record``,
``amount_outstanding``, ``amount_received`` and the dataclasses ``InterestTerms``, ``CostItem``,
``InstallmentDue`` are called by enforcement and later stages; new keyword arguments only ever
come with defaults.

Money movements are posted by :func:`_post`, the only writer of ledger rows: it refuses an
unbalanced transaction, locks the accounts it touches in ascending id order (one global lock
order, so parallel postings never deadlock), refuses any posting that would make a balance
negative, and is idempotent on the transaction's key.

Idempotency keys (of transactions, receipts and payouts) are scoped to the court: every lookup
by key names the court, and the database holds one key per court. Another court using the same
key books its own money and learns nothing of ours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.cases.services import case_event_record, deadline_cancel, deadline_complete, deadline_open
from lastmile.core.clock import court_date as _local_date
from lastmile.core.errors import Conflict, InvalidAmount, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.core.periods import period_end_provisional
from lastmile.parties.models import Party, PartyKind

from .audit import transactions_chain
from .calculation import DELAY_INTEREST_PAUSE, parse_order
from .conf import funds_setting
from .distribution import Claim, distribute
from .models import (
    Account,
    AccountKind,
    InterestKind,
    Leg,
    Obligation,
    ObligationPause,
    Payout,
    PayoutKind,
    PayoutStatus,
    Receipt,
    ReceiptSource,
    Transaction,
    TransactionKind,
)

ZERO = Decimal("0.00")
# 《最高人民法院关于执行款物管理工作的规定》(法发〔2017〕6号): 30 days is how local rules apply it
# (rules.md §7.4, UNVERIFIED), hence the PAYOUT_DUE_DAYS setting.
FUNDS_RULES = LegalBasis("最高人民法院关于执行款物管理工作的规定", "2017")
PAYOUT_DEADLINE_PREFIX = "funds_payout:"


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


# --- accounts ---------------------------------------------------------------------------------

_SYSTEM_DIGIT = {AccountKind.BANK: "1", AccountKind.UNCLAIMED: "2", AccountKind.PAYOUT_PENDING: "3"}
_SYSTEM_NAMES = {
    AccountKind.BANK: "执行款专户",
    AccountKind.UNCLAIMED: "待认领款项",
    AccountKind.PAYOUT_PENDING: "待划付款项",
}


def luhn_check_digit(digits: str) -> str:
    """The Luhn (ISO/IEC 7812-1) check digit of a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_check_digit(number[:-1]) == number[-1]


def virtual_account_number(*, court_id: int, kind: str, case_id: int | None = None) -> str:
    """一案一账号: ``<prefix><kind 1><court 5><serial 10><Luhn 1>``.

    kind digit 9 = case account (serial = the case's id), 1/2/3 = the court's execution account,
    unclaimed and pending accounts (serial 0). Deterministic, unique (ids are unique), and one
    mistyped digit or swapped neighbours are caught by the check digit.
    """
    prefix = str(funds_setting("VIRTUAL_ACCOUNT_PREFIX") or "")
    kind_digit = "9" if kind == AccountKind.CASE else _SYSTEM_DIGIT[AccountKind(kind)]
    body = f"{prefix}{kind_digit}{court_id:05d}{(case_id or 0):010d}"
    return body + luhn_check_digit(body)


def _get_or_create_account(*, court_id: int, kind: str, case: Case | None) -> Account:
    lookup: dict[str, Any] = (
        {"case": case} if case is not None else {"court_id": court_id, "kind": kind, "case__isnull": True}
    )
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    name = f"{case.number} 案款账户" if case is not None else _SYSTEM_NAMES[AccountKind(kind)]
    try:
        with transaction.atomic():
            return Account.objects.create(
                court_id=court_id,
                case=case,
                kind=kind,
                number=virtual_account_number(
                    court_id=court_id, kind=kind, case_id=case.pk if case else None
                ),
                name=name,
            )
    except IntegrityError:
        return Account.objects.get(**lookup)


def system_account(*, court_id: int, kind: str) -> Account:
    return _get_or_create_account(court_id=court_id, kind=kind, case=None)


def case_account(*, case: Case) -> Account:
    """The case's own account (一案一账号), opened on first use."""
    return _get_or_create_account(court_id=case.court_id, kind=AccountKind.CASE, case=case)


# --- posting ----------------------------------------------------------------------------------


def _natural(account_kind: str, amount: Decimal) -> Decimal:
    """A leg's effect on a balance kept in natural sign (debits raise assets, lower liabilities)."""
    return amount if account_kind == AccountKind.BANK else -amount


def _post(
    *,
    court_id: int,
    case: Case | None,
    kind: str,
    key: str,
    at: datetime,
    memo: str,
    legs: Sequence[tuple[Account, Decimal]],
) -> Transaction:
    """Post one balanced transaction. Idempotent on ``key``; refuses to overdraw any account."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_post must run inside a transaction")
    existing = Transaction.objects.filter(court_id=court_id, idempotency_key=key).first()
    if existing is not None:
        return existing
    amounts = [to_money(a) for _, a in legs]
    if len(legs) < 2 or any(a == 0 for a in amounts) or sum(amounts, ZERO) != 0:
        raise InvalidAmount("记账凭证借贷不平衡。", details={"key": key})
    ids = sorted({acc.pk for acc, _ in legs})
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    # A parallel posting of the same key held these locks before us and has committed: it won.
    existing = Transaction.objects.filter(court_id=court_id, idempotency_key=key).first()
    if existing is not None:
        return existing
    delta: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (acc, _), amount in zip(legs, amounts, strict=True):
        delta[acc.pk] += _natural(locked[acc.pk].kind, amount)
    for pk, d in delta.items():
        if locked[pk].balance + d < 0:
            raise Conflict(
                f"账户“{locked[pk].name}”余额不足（余额{locked[pk].balance}元）。",
                details={"account": locked[pk].number, "balance": str(locked[pk].balance)},
            )
    txn = Transaction.objects.create(
        court_id=court_id, case=case, kind=kind, idempotency_key=key, at=at, memo=memo[:256]
    )
    Leg.objects.bulk_create(
        [
            Leg(transaction=txn, account_id=acc.pk, amount=amount)
            for (acc, _), amount in zip(legs, amounts, strict=True)
        ]
    )
    transactions_chain(transactions=[txn])  # into the court's keyed audit chain (docs/audit.md)
    # Absolute values computed in Decimal on the locked rows: exact on every backend (SQLite
    # would do F() arithmetic on decimals in floating point).
    for pk in ids:
        if delta[pk]:
            Account.objects.filter(pk=pk).update(balance=locked[pk].balance + delta[pk])
    return txn


# --- obligations ------------------------------------------------------------------------------


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
        obligation, kind, verb = existing, "ledger.obligation_amended", "更正"
    else:
        obligation = Obligation.objects.create(case=case, created_at=now, **fields)
        kind, verb = "ledger.obligation_recorded", "登记"
    case_account(case=case)
    case_event_record(
        case=case,
        kind=kind,
        summary=f"{verb}执行依据确定的金钱债务：本金{obligation.principal}元",
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
) -> ObligationPause:
    """A period without doubled interest: 中止 or 暂缓 for reviewing the execution basis, or 再审
    中止, not requested by the debtor (法释〔2014〕8号 art. 3). ``ends_on`` may follow later."""
    if ends_on is not None and ends_on < starts_on:
        raise InvalidAmount("不计加倍利息期间的终止日不能早于起始日。")
    pause = ObligationPause.objects.create(
        case=case, starts_on=starts_on, ends_on=ends_on, reason=reason[:128], created_at=now
    )
    case_event_record(
        case=case,
        kind="ledger.pause_recorded",
        summary=f"自{starts_on:%Y-%m-%d}起不计加倍部分债务利息（{reason}）",
        actor=actor,
        now=now,
        data={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None},
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
        kind="ledger.pause_ended",
        summary=f"不计加倍部分债务利息期间至{ends_on:%Y-%m-%d}止",
        actor=actor,
        now=now,
        data={"starts_on": pause.starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        legal_basis=DELAY_INTEREST_PAUSE,
    )
    return pause


# --- receipts ---------------------------------------------------------------------------------


def _open_payout_deadline(*, case: Case, arrived_on: date, now: datetime) -> None:
    """Funds must be paid out within PAYOUT_DUE_DAYS of arrival. One open deadline per case, for
    its oldest money not yet paid out; money arriving later does not move it."""
    open_kinds = list(
        case.deadlines.filter(
            kind__startswith=PAYOUT_DEADLINE_PREFIX, done_at__isnull=True, cancelled_at__isnull=True
        ).values_list("kind", flat=True)
    )
    day_kind = f"{PAYOUT_DEADLINE_PREFIX}{arrived_on:%Y%m%d}"
    if open_kinds and min(open_kinds) <= day_kind:
        return
    for kind in open_kinds:  # older money was claimed late: the earlier day now governs
        deadline_cancel(case=case, kinds=[kind], now=now)
    due = period_end_provisional(arrived_on, int(funds_setting("PAYOUT_DUE_DAYS")))
    deadline_open(
        case=case,
        kind=day_kind,
        label=f"案款发放（{arrived_on:%Y-%m-%d}到账）",
        starts_on=arrived_on,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=FUNDS_RULES,
    )


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
    effective_on: date | None = None,
) -> Receipt:
    """Book money received for ``case`` (or unclaimed, when ``case`` is None).

    Posts 借 执行款专户 / 贷 案件账户 (or 待认领款项). ``effective_on`` is the day the payment
    stops interest when it is not the arrival day, e.g. the day an auction's 成交裁定 takes
    effect (法释〔2014〕8号 art. 3).

    Idempotent within the receiving court: a second call with the same ``idempotency_key``
    returns the first receipt and changes nothing; the same key with a different amount or case
    raises :class:`Conflict`. The same key in another court is another notice.
    """
    amount = to_money(amount)
    owner_court_id = case.court_id if case is not None else court_id
    if owner_court_id is None:
        raise InvalidAmount("未认领款项须指明收款法院。")
    existing = Receipt.objects.filter(court_id=owner_court_id, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, amount=amount, case=case)
    if amount <= 0:
        raise InvalidAmount("收款金额必须大于零。")
    if source not in ReceiptSource.values:
        raise InvalidAmount("收款来源无法识别。", details={"source": source})
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                court_id=owner_court_id,
                case=case,
                amount=amount,
                source=source,
                idempotency_key=idempotency_key,
                received_at=received_at,
                effective_on=effective_on or _local_date(received_at),
                payer=payer[:128],
                note=note[:256],
                recorded_by=actor,
            )
    except IntegrityError:
        # The same bank notice is being booked in parallel; the first one wins.
        return _replayed(
            Receipt.objects.get(court_id=owner_court_id, idempotency_key=idempotency_key),
            amount=amount,
            case=case,
        )
    bank = system_account(court_id=owner_court_id, kind=AccountKind.BANK)
    credit = (
        case_account(case=case)
        if case is not None
        else system_account(court_id=owner_court_id, kind=AccountKind.UNCLAIMED)
    )
    _post(
        court_id=owner_court_id,
        case=case,
        kind=TransactionKind.RECEIPT,
        key=f"receipt:{idempotency_key}",
        at=received_at,
        memo=f"到账 {receipt.get_source_display()} {payer}".strip(),
        legs=[(bank, amount), (credit, -amount)],
    )
    if case is not None:
        _receipt_credited(receipt=receipt, case=case, actor=actor, now=received_at, claimed=False)
    return receipt


def _replayed(existing: Receipt, *, amount: Decimal, case: Case | None) -> Receipt:
    same_case = case is None or existing.case_id == case.pk
    if existing.amount != amount or not same_case:
        raise Conflict(
            "该到账通知的幂等键已使用，但金额或案件不同。",
            details={"receipt": existing.pk, "amount": str(existing.amount)},
        )
    return existing


def _receipt_credited(
    *, receipt: Receipt, case: Case, actor: User | None, now: datetime, claimed: bool
) -> None:
    verb = "认领到本案" if claimed else "到账"
    case_event_record(
        case=case,
        kind="ledger.receipt_claimed" if claimed else "ledger.receipt",
        summary=f"案款{verb}{receipt.amount}元（{receipt.get_source_display()}）",
        actor=actor,
        now=now,
        data={
            "receipt": receipt.pk,
            "amount": receipt.amount,
            "source": receipt.source,
            "key": receipt.idempotency_key,
        },
        legal_basis=FUNDS_RULES,
    )
    _open_payout_deadline(case=case, arrived_on=_local_date(receipt.received_at), now=now)


@transaction.atomic
def receipt_claim(*, receipt_id: int, case: Case, actor: User, now: datetime) -> Receipt:
    """认领: a finance clerk assigns unclaimed money to its case (借 待认领款项 / 贷 案件账户)."""
    require(actor, "funds.manage", court=case.court)
    receipt = Receipt.objects.select_for_update().filter(pk=receipt_id, court_id=case.court_id).first()
    if receipt is None:
        raise NotFound("款项不存在或您无权操作。")
    if receipt.case_id is not None:
        if receipt.case_id == case.pk:
            return receipt
        raise InvalidTransition("该款项已认领到其他案件。", details={"case": receipt.case_id})
    receipt.case = case
    receipt.claimed_at = now
    receipt.claimed_by = actor
    receipt.save(update_fields=["case", "claimed_at", "claimed_by"])
    _post(
        court_id=case.court_id,
        case=case,
        kind=TransactionKind.CLAIM,
        key=f"claim:{receipt.pk}",
        at=now,
        memo=f"认领到账款 #{receipt.pk}",
        legs=[
            (system_account(court_id=case.court_id, kind=AccountKind.UNCLAIMED), receipt.amount),
            (case_account(case=case), -receipt.amount),
        ],
    )
    _receipt_credited(receipt=receipt, case=case, actor=actor, now=now, claimed=True)
    return receipt


@dataclass(frozen=True)
class ReceiptRow:
    """One line of a bank statement for :func:`receipts_import`."""

    idempotency_key: str
    amount: Decimal
    received_at: datetime
    source: str = ReceiptSource.BANK_DEDUCTION
    case_id: int | None = None
    payer: str = ""
    effective_on: date | None = None


@dataclass
class ImportResult:
    created: int = 0
    replayed: int = 0
    unclaimed: int = 0
    receipts: list[Receipt] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (key, message)


_CHUNK = 500


@transaction.atomic
def receipts_import(
    *, court: Court, rows: Sequence[ReceiptRow], actor: User | None, now: datetime
) -> ImportResult:
    """Book a bank statement in one go: the fast path for thousands of receipts.

    Same rules as :func:`receipt_record` (idempotent per key, balanced transactions, a case
    event and a payout deadline per case and arrival day), written with bulk inserts and one
    balance update per account. Bad rows are reported and the good ones kept.
    """
    result = ImportResult()
    seen: set[str] = set()
    keys = [r.idempotency_key for r in rows]
    existing: dict[str, Receipt] = {}
    for i in range(0, len(keys), _CHUNK):
        for rec in Receipt.objects.filter(court=court, idempotency_key__in=keys[i : i + _CHUNK]):
            existing[rec.idempotency_key] = rec
    case_ids = {r.case_id for r in rows if r.case_id is not None}
    cases: dict[int, Case] = {}
    ids = sorted(case_ids)
    for i in range(0, len(ids), _CHUNK):
        cases.update(Case.objects.filter(court=court, pk__in=ids[i : i + _CHUNK]).in_bulk())
    good: list[ReceiptRow] = []
    for row in rows:
        amount = to_money(row.amount)
        if row.idempotency_key in existing:
            rec = existing[row.idempotency_key]
            if rec.amount != amount or (row.case_id is not None and rec.case_id != row.case_id):
                result.errors.append((row.idempotency_key, "幂等键已使用，但金额或案件不同。"))
            else:
                result.replayed += 1
            continue
        if row.idempotency_key in seen:
            result.replayed += 1
            continue
        if amount <= 0 or row.source not in ReceiptSource.values:
            result.errors.append((row.idempotency_key, "金额必须大于零且来源可识别。"))
            continue
        if row.case_id is not None and row.case_id not in cases:
            result.errors.append((row.idempotency_key, "案件不存在或不属于本院。"))
            continue
        seen.add(row.idempotency_key)
        good.append(row)
    if not good:
        return result
    case_ids = {r.case_id for r in good if r.case_id is not None}
    bank = system_account(court_id=court.pk, kind=AccountKind.BANK)
    unclaimed = system_account(court_id=court.pk, kind=AccountKind.UNCLAIMED)
    accounts = {a.case_id: a for a in Account.objects.filter(case_id__in=case_ids)}
    for cid in case_ids - accounts.keys():
        accounts[cid] = case_account(case=cases[cid])
    lock_ids = sorted({bank.pk, unclaimed.pk} | {a.pk for a in accounts.values()})
    locked: dict[int, Account] = {}
    for i in range(0, len(lock_ids), _CHUNK):
        locked.update(
            (a.pk, a)
            for a in Account.objects.select_for_update()
            .filter(pk__in=lock_ids[i : i + _CHUNK])
            .order_by("pk")
        )
    receipts = Receipt.objects.bulk_create(
        [
            Receipt(
                court=court,
                case_id=r.case_id,
                amount=to_money(r.amount),
                source=r.source,
                idempotency_key=r.idempotency_key,
                received_at=r.received_at,
                effective_on=r.effective_on or _local_date(r.received_at),
                payer=r.payer[:128],
                recorded_by=actor,
            )
            for r in good
        ],
        batch_size=_CHUNK,
    )
    txns = Transaction.objects.bulk_create(
        [
            Transaction(
                court=court,
                case_id=r.case_id,
                kind=TransactionKind.RECEIPT,
                idempotency_key=f"receipt:{r.idempotency_key}",
                at=r.received_at,
                memo="对账单批量到账",
            )
            for r in good
        ],
        batch_size=_CHUNK,
    )
    legs: list[Leg] = []
    credit: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r, txn in zip(good, txns, strict=True):
        amount = to_money(r.amount)
        target = accounts[r.case_id] if r.case_id is not None else unclaimed
        legs.append(Leg(transaction_id=txn.pk, account_id=bank.pk, amount=amount))
        legs.append(Leg(transaction_id=txn.pk, account_id=target.pk, amount=-amount))
        credit[target.pk] += amount
        credit[bank.pk] += amount
    Leg.objects.bulk_create(legs, batch_size=_CHUNK)
    transactions_chain(transactions=txns)  # into the court's keyed audit chain (docs/audit.md)
    for pk in lock_ids:
        if credit.get(pk):
            Account.objects.filter(pk=pk).update(balance=locked[pk].balance + credit[pk])
    per_case: dict[int, list[Receipt]] = defaultdict(list)
    for rec in receipts:
        if rec.case_id is None:
            result.unclaimed += 1
        else:
            per_case[rec.case_id].append(rec)
    for cid, recs in per_case.items():
        case = cases[cid]
        total = sum((r.amount for r in recs), ZERO)
        case_event_record(
            case=case,
            kind="ledger.receipt",
            summary=f"对账单到账{len(recs)}笔，合计{total}元",
            actor=actor,
            now=now,
            data={"receipts": [r.pk for r in recs][:200], "count": len(recs), "amount": total},
            legal_basis=FUNDS_RULES,
        )
        _open_payout_deadline(case=case, arrived_on=min(_local_date(r.received_at) for r in recs), now=now)
    result.created = len(receipts)
    result.receipts = receipts
    return result


# --- payouts ----------------------------------------------------------------------------------


def _disbursement_due(case: Case) -> date | None:
    """The day by which the oldest money not yet paid out must be paid out (FIFO)."""
    arrivals = list(
        Receipt.objects.filter(case=case).order_by("received_at", "pk").values_list("received_at", "amount")
    )
    paid = Payout.objects.filter(case=case, status=PayoutStatus.PAID).aggregate(s=Sum("amount"))["s"] or ZERO
    covered = ZERO
    for received_at, amount in arrivals:
        covered += amount
        if covered > paid:
            return period_end_provisional(_local_date(received_at), int(funds_setting("PAYOUT_DUE_DAYS"))).day
    return None


def _complete_covered_deadlines(*, case: Case, now: datetime) -> None:
    """After a payout: close the deadline once its day's money is all paid out (FIFO) and open
    the one for the next oldest money still held, if any."""
    paid = Payout.objects.filter(case=case, status=PayoutStatus.PAID).aggregate(s=Sum("amount"))["s"] or ZERO
    by_day: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for received_at, amount in Receipt.objects.filter(case=case).values_list("received_at", "amount"):
        by_day[_local_date(received_at)] += amount
    covered = ZERO
    oldest_held: date | None = None
    for day in sorted(by_day):
        covered += by_day[day]
        if covered > paid:
            oldest_held = day
            break
    open_kinds = case.deadlines.filter(
        kind__startswith=PAYOUT_DEADLINE_PREFIX, done_at__isnull=True, cancelled_at__isnull=True
    ).values_list("kind", flat=True)
    keep = f"{PAYOUT_DEADLINE_PREFIX}{oldest_held:%Y%m%d}" if oldest_held else None
    for kind in list(open_kinds):
        if kind != keep:
            deadline_complete(case=case, kind=kind, now=now)
    if oldest_held is not None:
        _open_payout_deadline(case=case, arrived_on=oldest_held, now=now)


@transaction.atomic
def payout_request(
    *,
    case: Case,
    kind: str,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    payee_party: Party | None = None,
    payee_name: str = "",
    payee_account: str = "",
    payee_case: Case | None = None,
    note: str = "",
) -> Payout:
    """A finance clerk asks to pay money out of the case account. The amount is held at once
    (借 案件账户 / 贷 待划付款项), so parallel requests can never overdraw the account."""
    require(actor, "funds.manage", court=case.court)
    existing = Payout.objects.filter(court_id=case.court_id, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _payout_replayed(existing, case=case, amount=amount)
    amount = to_money(amount)
    if amount <= 0:
        raise InvalidAmount("发放金额必须大于零。")
    if kind not in PayoutKind.values:
        raise InvalidAmount("发放类型无法识别。", details={"kind": kind})
    if kind in (PayoutKind.APPLICANT, PayoutKind.DEBTOR_REFUND) and payee_party is None:
        raise InvalidAmount("发放给当事人须指明收款当事人。")
    if payee_party is not None and payee_case is None:
        roles = set(CaseParty.objects.filter(case=case, party=payee_party).values_list("role", flat=True))
        wanted = PartyRole.RESPONDENT if kind == PayoutKind.DEBTOR_REFUND else PartyRole.APPLICANT
        if wanted not in roles:
            raise InvalidAmount("收款人不是本案相应的当事人。", details={"party": payee_party.pk})
    due = _disbursement_due(case) or period_end_provisional(_local_date(now), 0).day
    payee = payee_name or (payee_party.name if payee_party else "") or "本院诉讼费专户"
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                court_id=case.court_id,
                case=case,
                kind=kind,
                payee_party=payee_party,
                payee_case=payee_case,
                payee_name=payee[:128],
                payee_account=payee_account[:64],
                amount=amount,
                idempotency_key=idempotency_key,
                due_on=due,
                note=note[:256],
                requested_by=actor,
                requested_at=now,
            )
    except IntegrityError:
        # The same request is being made in parallel (a double click, a retried call): it won.
        winner = Payout.objects.get(court_id=case.court_id, idempotency_key=idempotency_key)
        return _payout_replayed(winner, case=case, amount=amount)
    _post(
        court_id=case.court_id,
        case=case,
        kind=TransactionKind.PAYOUT_HOLD,
        key=f"payout-hold:{payout.pk}",
        at=now,
        memo=f"发放申请 #{payout.pk} {payout.payee_name}",
        legs=[
            (case_account(case=case), amount),
            (system_account(court_id=case.court_id, kind=AccountKind.PAYOUT_PENDING), -amount),
        ],
    )
    case_event_record(
        case=case,
        kind="ledger.payout_requested",
        summary=f"申请{payout.get_kind_display()}{amount}元（收款人：{payout.payee_name}）",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "amount": amount, "kind": kind},
        legal_basis=FUNDS_RULES,
    )
    return payout


def _payout_replayed(existing: Payout, *, case: Case, amount: Decimal) -> Payout:
    if existing.case_id != case.pk or existing.amount != to_money(amount):
        raise Conflict("该发放申请的幂等键已使用，但内容不同。")
    return existing


def _locked_payout(payout_id: int, actor: User) -> Payout:
    payout = (
        Payout.objects.select_for_update(of=("self",))
        .select_related("case", "case__court")
        .filter(pk=payout_id)
        .first()
    )
    if payout is None or actor.court_id != payout.court_id:
        raise NotFound("发放申请不存在或您无权操作。")
    return payout


@transaction.atomic
def payout_approve(*, payout_id: int, actor: User, now: datetime) -> Payout:
    """A court leader (approve.president) approves; never the clerk who asked (four eyes)."""
    payout = _locked_payout(payout_id, actor)
    require(actor, "approve.president", court=payout.case.court, now=now)
    if payout.requested_by_id == actor.pk:
        raise PermissionDenied("发放申请不能由申请人本人审批。")
    if payout.status == PayoutStatus.APPROVED and payout.approved_by_id == actor.pk:
        return payout
    if payout.status != PayoutStatus.REQUESTED:
        raise InvalidTransition(f"该发放申请当前为“{payout.get_status_display()}”，不能审批。")
    payout.status = PayoutStatus.APPROVED
    payout.approved_by = actor
    payout.approved_at = now
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    case_event_record(
        case=payout.case,
        kind="ledger.payout_approved",
        summary=f"审批同意{payout.get_kind_display()}{payout.amount}元",
        actor=actor,
        now=now,
        data={"payout": payout.pk},
        legal_basis=FUNDS_RULES,
    )
    return payout


@transaction.atomic
def payout_reject(*, payout_id: int, actor: User, now: datetime, reason: str = "") -> Payout:
    """Withdraw or refuse a payout not yet paid; the held amount returns to the case account."""
    payout = _locked_payout(payout_id, actor)
    if not (
        _can(actor, "approve.president", now=now)
        or (_can(actor, "funds.manage") and payout.status == PayoutStatus.REQUESTED)
    ):
        raise PermissionDenied("您没有退回该发放申请的权限。")
    if payout.status == PayoutStatus.REJECTED:
        return payout
    if payout.status not in (PayoutStatus.REQUESTED, PayoutStatus.APPROVED):
        raise InvalidTransition("已划付的款项不能退回。")
    payout.status = PayoutStatus.REJECTED
    payout.save(update_fields=["status"])
    _post(
        court_id=payout.court_id,
        case=payout.case,
        kind=TransactionKind.PAYOUT_VOID,
        key=f"payout-void:{payout.pk}",
        at=now,
        memo=f"发放申请 #{payout.pk} 退回",
        legs=[
            (system_account(court_id=payout.court_id, kind=AccountKind.PAYOUT_PENDING), payout.amount),
            (case_account(case=payout.case), -payout.amount),
        ],
    )
    case_event_record(
        case=payout.case,
        kind="ledger.payout_rejected",
        summary=f"发放申请{payout.amount}元已退回{('：' + reason) if reason else ''}",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "reason": reason},
    )
    return payout


def _can(actor: User, capability: str, *, now: datetime | None = None) -> bool:
    from lastmile.accounts.permissions import actor_can

    return actor_can(actor, capability, now=now)


@transaction.atomic
def payout_settle(*, payout_id: int, actor: User, now: datetime, bank_reference: str = "") -> Payout:
    """The bank has executed an approved payout: 借 待划付款项 / 贷 执行款专户. Once only."""
    payout = _locked_payout(payout_id, actor)
    require(actor, "funds.manage", court=payout.case.court)
    if payout.status == PayoutStatus.PAID:
        return payout
    if payout.status != PayoutStatus.APPROVED:
        raise InvalidTransition(f"该发放申请当前为“{payout.get_status_display()}”，须先经审批。")
    payout.status = PayoutStatus.PAID
    payout.settled_by = actor
    payout.settled_at = now
    payout.save(update_fields=["status", "settled_by", "settled_at"])
    _post(
        court_id=payout.court_id,
        case=payout.case,
        kind=TransactionKind.PAYOUT_SETTLE,
        key=f"payout-settle:{payout.pk}",
        at=now,
        memo=f"划付 #{payout.pk} {payout.payee_name} {bank_reference}".strip(),
        legs=[
            (system_account(court_id=payout.court_id, kind=AccountKind.PAYOUT_PENDING), payout.amount),
            (system_account(court_id=payout.court_id, kind=AccountKind.BANK), -payout.amount),
        ],
    )
    case_event_record(
        case=payout.case,
        kind="ledger.payout_paid",
        summary=f"已{payout.get_kind_display()}{payout.amount}元（收款人：{payout.payee_name}）",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "bank_reference": bank_reference},
        legal_basis=FUNDS_RULES,
    )
    _complete_covered_deadlines(case=payout.case, now=now)
    return payout


@dataclass(frozen=True)
class DistributionClaim:
    """A creditor's claim in a distribution: an applicant of this case or, in 参与分配, a creditor
    holding an execution basis in ``payee_case``. ``rank``: 0 costs, 1 priority, 2 ordinary."""

    party: Party
    amount: Decimal
    rank: int = 2
    seized_on: date | None = None
    payee_case: Case | None = None


@transaction.atomic
def distribution_propose(
    *,
    case: Case,
    amount: Decimal,
    claims: Sequence[DistributionClaim],
    actor: User,
    now: datetime,
    idempotency_key: str,
) -> list[Payout]:
    """Share ``amount`` of the case account among several creditors by the legal rule and ask
    for each payout: pro rata (参与分配) when the debtor is a natural person or other
    organisation, by order of seizure when it is an enterprise legal person; the surplus returns
    to the debtor (民诉解释 2022 arts. 506–510, 514; 执行工作规定 2020 art. 55)."""
    require(actor, "funds.manage", court=case.court)
    debtors = list(
        Party.objects.filter(roles__case=case, roles__role=PartyRole.RESPONDENT).order_by("roles__position")
    )
    if not debtors:
        raise InvalidTransition("本案没有被执行人，无法确定分配规则。")
    enterprise = debtors[0].kind == PartyKind.ORGANISATION
    by_key = {f"p{c.party.pk}": c for c in claims}
    shares, surplus = distribute(
        to_money(amount),
        [Claim(k, to_money(c.amount), c.rank, c.seized_on) for k, c in by_key.items()],
        debtor_is_enterprise=enterprise,
    )
    payouts = []
    for share in shares:
        if share.amount <= 0:
            continue
        c = by_key[share.key]
        payouts.append(
            payout_request(
                case=case,
                kind=PayoutKind.APPLICANT,
                amount=share.amount,
                actor=actor,
                now=now,
                idempotency_key=f"{idempotency_key}:{share.key}",
                payee_party=c.party,
                payee_case=c.payee_case,
                note=f"分配：{share.basis}",
            )
        )
    if surplus > 0:
        payouts.append(
            payout_request(
                case=case,
                kind=PayoutKind.DEBTOR_REFUND,
                amount=surplus,
                actor=actor,
                now=now,
                idempotency_key=f"{idempotency_key}:surplus",
                payee_party=debtors[0],
                note="分配后剩余，退还被执行人",
            )
        )
    return payouts


# --- what is owed -----------------------------------------------------------------------------


def amount_outstanding(*, case: Case, as_of: date) -> Decimal:
    """What the debtor still owes on ``as_of``: costs, general interest, principal and doubled
    interest, after every receipt credited to the case that stops interest on or before
    ``as_of`` (0 when there is no recorded obligation)."""
    from .selectors import case_statement

    statement = case_statement(case=case, as_of=as_of)
    return statement.outstanding_total if statement is not None else ZERO


def amount_received(*, case: Case) -> Decimal:
    """Everything credited to the case so far (receipts booked to it and claimed for it)."""
    return to_money(Receipt.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] or ZERO)
