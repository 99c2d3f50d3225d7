"""Receipts: money arriving for a case or unclaimed (到账), claimed for its case (认领), and a
bank statement booked in one go."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import ChainEntry, audit_chain_prepare, case_event_record
from lastmile.core.clock import court_date as _local_date
from lastmile.core.db import bulk_cursor
from lastmile.core.errors import Conflict, InvalidAmount, InvalidTransition, NotFound
from lastmile.core.money import format_yuan, to_money
from lastmile.ledger.kinds import LedgerEvent

from ..audit import transactions_chain_entries
from ..batching import gc_paused
from ..models import Account, AccountKind, Receipt, ReceiptSource, TransactionKind
from ..rules import FUNDS_RULES
from .accounts import _case_accounts, case_account, luhn_valid, system_account
from .deadlines import _open_payout_deadline, _open_payout_deadlines
from .posting import ZERO, Posting, _insert_returning_keys, _post, _post_many, _post_many_balances


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
        kind=LedgerEvent.RECEIPT_CLAIMED if claimed else LedgerEvent.RECEIPT,
        summary=f"案款{verb}{format_yuan(receipt.amount)}元（{receipt.get_source_display()}）",
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
    # the case's own virtual account (一案一账户) the money was paid into, when the statement names
    # the account rather than the case
    account_number: str = ""


@dataclass
class ImportResult:
    created: int = 0
    replayed: int = 0
    unclaimed: int = 0
    receipts: list[Receipt] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (key, message)


_CHUNK = 500
_LOOKUP = 2000  # keys or ids per look-up (below SQLite's limit of bound variables)
_RECEIPT_COLUMNS = (
    "court_id",
    "case_id",
    "amount",
    "source",
    "idempotency_key",
    "received_at",
    "effective_on",
    "payer",
    "note",
    "recorded_by_id",
)


def _cases_by_account(
    court: Court, rows: Sequence[ReceiptRow]
) -> tuple[list[ReceiptRow], list[tuple[str, str]]]:
    """Rows naming a case's virtual account get its case; a number whose check digit is wrong
    (ISO/IEC 7812-1, the digit :func:`.accounts.virtual_account_number` sets) or that is not a case
    account of this court is reported, never booked as unclaimed money of the wrong kind."""
    numbers = {r.account_number.strip() for r in rows if r.account_number.strip() and r.case_id is None}
    case_of = dict(
        Account.objects.filter(court=court, number__in=numbers, case__isnull=False).values_list(
            "number", "case_id"
        )
    )
    out: list[ReceiptRow] = []
    errors: list[tuple[str, str]] = []
    for row in rows:
        number = row.account_number.strip()
        if not number or row.case_id is not None:
            out.append(row)
        elif not luhn_valid(number):
            errors.append((row.idempotency_key, f"账号{number}校验位不符，请核对对账单。"))
        elif number not in case_of:
            errors.append((row.idempotency_key, f"账号{number}不是本院的案件账户。"))
        else:
            out.append(replace(row, case_id=case_of[number]))
    return out, errors


# What the import reads of a case: its id, court, number (a new account's name), officer (the payout
# deadline's assignee).
_CASE_FIELDS = ("id", "court_id", "number", "officer_id")


def _cases_of_court(court: Court, ids: Sequence[int]) -> dict[int, Case]:
    """{id: case} of those of ``ids`` that are cases of ``court``, with only :data:`_CASE_FIELDS`
    loaded (the others deferred, as ``.only()`` gives). On PostgreSQL one query with the ids bound
    as one array on the server; Django's ``in_bulk`` quoted thousands of ids into the SQL text."""
    if connection.vendor != "postgresql":
        cases: dict[int, Case] = {}
        for i in range(0, len(ids), _LOOKUP):
            cases.update(
                Case.objects.filter(court=court, pk__in=ids[i : i + _LOOKUP]).only(*_CASE_FIELDS).in_bulk()
            )
        return cases
    if not ids:
        return {}
    concrete = [f for f in Case._meta.concrete_fields if f.attname in _CASE_FIELDS]  # in the model's order
    fields = [f.attname for f in concrete]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in concrete)
    with bulk_cursor() as cur:
        cur.execute(
            f"SELECT {cols} FROM {Case._meta.db_table} WHERE court_id = %b AND id = ANY(%b::bigint[])",  # noqa: S608
            [court.pk, list(ids)],
        )
        rows = cur.fetchall()
    alias = connection.alias
    out: dict[int, Case] = {}
    for row in rows:
        case = Case.from_db(alias, fields, row)
        out[case.pk] = case
    return out


def _insert_receipts(
    court: Court, rows: Sequence[ReceiptRow], money: dict[str, Decimal], actor: User | None
) -> dict[str, int]:
    """The receipts of a bank statement in one statement: {key: new id}."""
    ops = connection.ops
    return _insert_returning_keys(
        "ledger_receipt",
        _RECEIPT_COLUMNS,
        ["bigint", "bigint", "numeric", "text", "text", "timestamptz", "date", "text", "text", "bigint"],
        [
            (
                court.pk,
                r.case_id,
                ops.adapt_decimalfield_value(money[r.idempotency_key], 16, 2),
                r.source,
                r.idempotency_key,
                ops.adapt_datetimefield_value(r.received_at),
                ops.adapt_datefield_value(r.effective_on or _local_date(r.received_at)),
                r.payer[:128],
                "",
                actor.pk if actor is not None else None,
            )
            for r in rows
        ],
        "idempotency_key",
    )


def _sort_out_replays(
    court: Court, rows: Sequence[ReceiptRow], money: dict[str, Decimal], result: ImportResult
) -> set[str]:
    """The keys of ``rows`` the court has booked already: the same amount (and case, when the row
    names one) is a replay; anything else is reported, never booked."""
    keys = [r.idempotency_key for r in rows]
    booked: dict[str, tuple[Decimal, int | None]] = {}
    for i in range(0, len(keys), _LOOKUP):
        for key, amount, case_id in Receipt.objects.filter(
            court=court, idempotency_key__in=keys[i : i + _LOOKUP]
        ).values_list("idempotency_key", "amount", "case_id"):
            booked[key] = (amount, case_id)
    for row in rows:
        if row.idempotency_key not in booked:
            continue
        booked_amount, booked_case = booked[row.idempotency_key]
        if booked_amount != money[row.idempotency_key] or (
            row.case_id is not None and booked_case != row.case_id
        ):
            result.errors.append((row.idempotency_key, "幂等键已使用，但金额或案件不同。"))
        else:
            result.replayed += 1
    return set(booked)


@gc_paused()
@transaction.atomic
def receipts_import(
    *,
    court: Court,
    rows: Sequence[ReceiptRow],
    actor: User | None,
    now: datetime,
    with_receipts: bool = False,
) -> ImportResult:
    """Book a bank statement in one go: the fast path for thousands of receipts.

    Same rules as :func:`receipt_record` (idempotent per key, balanced transactions, a case
    event per case, a payout deadline per case for its oldest money not yet paid out), written
    set-based: one statement for the receipts, one for the transactions, one for their legs, one
    for the balances (:func:`.posting._post_many`), the transactions and case events appended to
    the court's audit chain under one lock of its head, the deadlines in bulk. Bad rows are
    reported and the good ones kept. ``with_receipts`` loads the booked rows into the result.
    """
    result = ImportResult()
    rows, bad_accounts = _cases_by_account(court, rows)
    result.errors.extend(bad_accounts)
    seen: set[str] = set()
    case_ids = {r.case_id for r in rows if r.case_id is not None}
    cases = _cases_of_court(court, sorted(case_ids))
    good: list[ReceiptRow] = []
    money: dict[str, Decimal] = {}
    sources = frozenset(ReceiptSource.values)  # Django builds the list anew on every access
    for row in rows:
        amount = to_money(row.amount)
        if row.idempotency_key in seen:
            result.replayed += 1
            continue
        if amount <= 0 or row.source not in sources:
            result.errors.append((row.idempotency_key, "金额必须大于零且来源可识别。"))
            continue
        if row.case_id is not None and row.case_id not in cases:
            result.errors.append((row.idempotency_key, "案件不存在或不属于本院。"))
            continue
        seen.add(row.idempotency_key)
        money[row.idempotency_key] = amount
        good.append(row)
    if not good:
        return result
    # The keys are claimed by the insert itself (unique per court), in a savepoint: a new statement
    # (the usual case) is written without looking up any key. When a key was booked before (a
    # statement uploaded again, or a parallel import that committed first), the insert fails on
    # that constraint, is rolled back to the savepoint, and the keys are then looked up: the
    # booked ones are sorted out as replays or conflicts and the others inserted.
    try:
        with transaction.atomic():
            receipt_ids = _insert_receipts(court, good, money, actor)
    except IntegrityError:
        booked = _sort_out_replays(court, good, money, result)
        good = [r for r in good if r.idempotency_key not in booked]
        if not good:
            return result
        receipt_ids = _insert_receipts(court, good, money, actor)
    bank = system_account(court_id=court.pk, kind=AccountKind.BANK)
    unclaimed = system_account(court_id=court.pk, kind=AccountKind.UNCLAIMED)
    accounts = _case_accounts(court, [cases[cid] for cid in sorted({r.case_id for r in good if r.case_id})])
    posted = _post_many(
        court_id=court.pk,
        postings=[
            Posting(
                case_id=r.case_id,
                kind=TransactionKind.RECEIPT,
                key=f"receipt:{r.idempotency_key}",
                at=r.received_at,
                memo="对账单批量到账",
                legs=(
                    (bank.pk, money[r.idempotency_key]),
                    (
                        accounts[r.case_id] if r.case_id is not None else unclaimed.pk,
                        -money[r.idempotency_key],
                    ),
                ),
            )
            for r in good
        ],
        skip_posted=False,  # the receipts just inserted hold these keys (unique per court)
        balances_now=False,  # the accounts are locked late, below
    )
    per_case: dict[int, list[tuple[int, ReceiptRow]]] = defaultdict(list)
    for r in good:
        if r.case_id is None:
            result.unclaimed += 1
        else:
            per_case[r.case_id].append((receipt_ids[r.idempotency_key], r))
    events: list[ChainEntry] = []
    arrivals: list[tuple[Case, date]] = []
    for cid, recs in per_case.items():
        total = sum((money[r.idempotency_key] for _, r in recs), ZERO)
        events.append(
            ChainEntry(
                kind=LedgerEvent.RECEIPT,
                summary=f"对账单到账{len(recs)}笔，合计{format_yuan(total)}元",
                occurred_at=now,
                case_id=cid,
                actor=actor,
                data={"receipts": [pk for pk, _ in recs][:200], "count": len(recs), "amount": total},
                legal_basis=FUNDS_RULES,
            )
        )
        arrivals.append((cases[cid], min(_local_date(r.received_at) for _, r in recs)))
    # The transactions (in the court's keyed audit chain, docs/audit.md) and the case events are made
    # ready before any lock is taken. Then, last in the transaction and held only until the commit:
    # the accounts (the court's bank account is in every receipt, so parallel imports of one court
    # serialize from here on, and only from here), the payout deadlines (read and opened per case
    # under that lock), and the chain head for one insert of all the entries.
    chain = audit_chain_prepare(court=court, entries=transactions_chain_entries(posted) + events)
    _post_many_balances(posted)
    _open_payout_deadlines(arrivals=arrivals, now=now)
    chain.write(returning=False)
    result.created = len(receipt_ids)
    if with_receipts:
        ids = sorted(receipt_ids.values())
        for i in range(0, len(ids), _CHUNK):
            result.receipts.extend(Receipt.objects.filter(pk__in=ids[i : i + _CHUNK]).order_by("pk"))
    return result
