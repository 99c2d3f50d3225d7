"""Posting: :func:`_post` and its set-based form :func:`_post_many`, the only writers of ledger rows.

It refuses an unbalanced transaction, locks the accounts it touches in ascending id order (one
global lock order, so parallel postings never deadlock), refuses any posting that would make a
balance negative, and is idempotent on the transaction's key (scoped to the court).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from lastmile.cases.models import Case
from lastmile.core.db import bulk_cursor
from lastmile.core.errors import Conflict, InvalidAmount
from lastmile.core.money import to_money

from ..audit import transactions_chain
from ..models import Account, AccountKind, Leg, Transaction

ZERO = Decimal("0.00")


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


# --- set-based posting: a batch of transactions in a few statements --------------------------------


@dataclass(frozen=True)
class Posting:
    """One balanced transaction for :func:`_post_many`: ``legs`` are (account id, amount), debit
    positive, credit negative."""

    case_id: int | None
    kind: str
    key: str
    at: datetime
    memo: str
    legs: tuple[tuple[int, Decimal], ...]


@dataclass(frozen=True)
class Posted:
    """A transaction :func:`_post_many` wrote, as the audit chain records it."""

    txn_id: int
    court_id: int
    posting: Posting


@dataclass(frozen=True)
class _Locked:
    """What :func:`_post_many` reads of a locked account."""

    kind: str
    balance: Decimal
    name: str
    number: str


def _lock_accounts(ids: Sequence[int]) -> dict[int, _Locked]:
    """Lock ``ids`` in ascending order (the one global lock order) and return them. On PostgreSQL
    one statement with the ids as an array bound on the server (no model instances, no
    ``IN (%s, …)`` of thousands of placeholders for the client to parse), locking ``FOR NO KEY
    UPDATE``: it excludes every other writer of the balance (this lock, ``_post``'s ``FOR UPDATE``,
    an ``UPDATE``) but not the ``FOR KEY SHARE`` that the ledger's foreign-key triggers take on
    the accounts a statement's legs name (migration 0011), so another import can write its legs
    while this one holds its accounts."""
    ordered = sorted(set(ids))
    if connection.vendor == "postgresql":
        with _bulk_cursor() as cur:
            cur.execute(
                "SELECT id, kind, balance, name, number FROM ledger_account WHERE id = ANY(%b::bigint[]) "
                "ORDER BY id FOR NO KEY UPDATE",
                [ordered],
            )
            return {pk: _Locked(kind, balance, name, number) for pk, kind, balance, name, number in cur}
    locked: dict[int, _Locked] = {}
    for i in range(0, len(ordered), _SQL_CHUNK):
        locked.update(
            (pk, _Locked(kind, balance, name, number))
            for pk, kind, balance, name, number in Account.objects.select_for_update()
            .filter(pk__in=ordered[i : i + _SQL_CHUNK])
            .order_by("pk")
            .values_list("pk", "kind", "balance", "name", "number")
        )
    return locked


_SQL_CHUNK = 2000


def _existing_keys(court_id: int, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), _SQL_CHUNK):
        found.update(
            Transaction.objects.filter(
                court_id=court_id, idempotency_key__in=keys[i : i + _SQL_CHUNK]
            ).values_list("idempotency_key", flat=True)
        )
    return found


# The batch statements bind on the server in binary on PostgreSQL (shared with the audit chain).
_bulk_cursor = bulk_cursor

# Between the values of a column sent as one text (:func:`_pg_arrays`): the ASCII unit separator.
_SEP = "\x1f"
_SEP_SQL = "E'\\x1f'"


def _pg_arrays(pg_types: Sequence[str], columns: Sequence[Sequence[Any]]) -> tuple[list[str], list[Any]]:
    """The SQL array expressions and parameters for ``unnest(…)`` over ``columns``.

    psycopg dumps a list parameter element by element in Python (``types.array``): about a third of
    the import's client CPU went there. A column of numbers, dates or times is sent instead as ONE
    text of its values joined by the unit separator (built in C by ``str.join``) and split and
    parsed by the server (``string_to_array(…)::numeric[]``, a NULL as the empty string); a text
    column likewise when no value holds the separator or is NULL. Anything else, and a column of
    one value (``string_to_array`` gives no element for an empty text), goes as a binary array.
    Values must already be adapted for the database (Decimals quantized, datetimes aware)."""
    exprs: list[str] = []
    params: list[Any] = []
    for pg_type, values in zip(pg_types, columns, strict=True):
        col = list(values)
        if len(col) > 1 and pg_type == "text":
            if all(isinstance(v, str) and _SEP not in v for v in col):
                exprs.append(f"string_to_array(%b, {_SEP_SQL})")
                params.append(_SEP.join(col))
                continue
        elif len(col) > 1:
            exprs.append(f"string_to_array(%b, {_SEP_SQL}, '')::{pg_type}[]")
            params.append(_SEP.join(_texts(pg_type, col)))
            continue
        exprs.append(f"%b::{pg_type}[]")
        params.append(col)
    return exprs, params


def _texts(pg_type: str, col: list[Any]) -> list[str]:
    """Numbers, dates or times as PostgreSQL reads them back exactly (ISO 8601 with the offset),
    a NULL as the empty string; one pass per column, without a Python call per value."""
    if pg_type in ("date", "timestamptz"):
        if None in col:
            return ["" if v is None else v.isoformat() for v in col]
        return [v.isoformat() for v in col]
    if None in col:
        return ["" if v is None else str(v) for v in col]
    return list(map(str, col))


def _insert_returning_keys(
    table: str,
    columns: Sequence[str],
    pg_types: Sequence[str],
    rows: Sequence[Sequence[Any]],
    key_column: str,
) -> dict[str, int]:
    """Insert ``rows`` into ``table`` and return {key column value: new id}.

    PostgreSQL: one ``INSERT … SELECT FROM unnest(…)`` with the columns as arrays (one statement and
    one round trip for the whole batch). SQLite: multi-row ``INSERT … VALUES … RETURNING`` in chunks
    below its limit of bound variables. Values must already be adapted for the database
    (:func:`_adapt`)."""
    if not rows:
        return {}
    conn = connection
    cols = ", ".join(conn.ops.quote_name(c) for c in columns)
    qtable = conn.ops.quote_name(table)
    out: dict[str, int] = {}
    with _bulk_cursor() as cur:
        if conn.vendor == "postgresql":
            exprs, arrays = _pg_arrays(pg_types, list(zip(*rows, strict=True)))
            cur.execute(
                f"INSERT INTO {qtable} ({cols}) SELECT * FROM unnest({', '.join(exprs)}) "  # noqa: S608
                f"RETURNING id, {key_column}",
                arrays,
            )
            out.update((key, pk) for pk, key in cur.fetchall())
        else:
            per_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            step = max(1, 30_000 // len(columns))
            for i in range(0, len(rows), step):
                chunk = rows[i : i + step]
                cur.execute(
                    f"INSERT INTO {qtable} ({cols}) VALUES {', '.join([per_row] * len(chunk))} "  # noqa: S608
                    f"RETURNING id, {key_column}",
                    [v for row in chunk for v in row],
                )
                out.update((key, pk) for pk, key in cur.fetchall())
    return out


def _insert_legs(legs: Sequence[tuple[int, int, Decimal]]) -> None:
    """All legs of a batch in one statement (PostgreSQL) or one ``executemany`` (SQLite): the
    statement-level zero-sum trigger then checks every transaction once (migration 0007)."""
    conn = connection
    with _bulk_cursor() as cur:
        if conn.vendor == "postgresql":
            exprs, arrays = _pg_arrays(["bigint", "bigint", "numeric"], list(zip(*legs, strict=True)))
            cur.execute(
                "INSERT INTO ledger_leg (transaction_id, account_id, amount) "  # noqa: S608
                f"SELECT * FROM unnest({', '.join(exprs)})",
                arrays,
            )
        else:
            cur.executemany(
                "INSERT INTO ledger_leg (transaction_id, account_id, amount) VALUES (%s, %s, %s)",
                [(t, a, conn.ops.adapt_decimalfield_value(m, 18, 2)) for t, a, m in legs],
            )


def _check_balanced_sqlite(txn_ids: Sequence[int]) -> None:
    """SQLite's stand-in for the statement-level trigger: the legs of every transaction of the batch
    add up to zero, to the fen (amounts are summed as integer fen: SQLite keeps decimals as floats)."""
    with connection.cursor() as cur:
        for i in range(0, len(txn_ids), _SQL_CHUNK):
            chunk = list(txn_ids[i : i + _SQL_CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(
                f"SELECT transaction_id FROM ledger_leg WHERE transaction_id IN ({marks}) "  # noqa: S608
                "GROUP BY transaction_id "
                "HAVING SUM(CAST(ROUND(amount * 100) AS INTEGER)) <> 0 OR COUNT(*) < 2 LIMIT 1",
                chunk,
            )
            bad = cur.fetchone()
            if bad is not None:
                raise InvalidAmount("记账凭证借贷不平衡。", details={"transaction": bad[0]})


def _set_balances(balances: dict[int, Decimal]) -> None:
    """Write the new balances of a batch's accounts in one statement."""
    if not balances:
        return
    conn = connection
    ids = sorted(balances)
    with _bulk_cursor() as cur:
        if conn.vendor == "postgresql":
            exprs, arrays = _pg_arrays(["bigint", "numeric"], [ids, [balances[i] for i in ids]])
            cur.execute(
                "UPDATE ledger_account AS a SET balance = v.balance "  # noqa: S608
                f"FROM unnest({', '.join(exprs)}) AS v(id, balance) WHERE a.id = v.id",
                arrays,
            )
        else:
            cur.executemany(
                "UPDATE ledger_account SET balance = %s WHERE id = %s",
                [(conn.ops.adapt_decimalfield_value(balances[i], 18, 2), i) for i in ids],
            )


def _post_many(
    *,
    court_id: int,
    postings: Sequence[Posting],
    skip_posted: bool = True,
    balances_now: bool = True,
) -> list[Posted]:
    """Post many balanced transactions of one court at once: the set-based form of :func:`_post`.

    The same promises: every transaction balances (refused here, and checked by the database once
    per statement: a trigger on PostgreSQL, a grouped query at the end of the batch on SQLite),
    accounts are locked in ascending id order, no balance may become negative, and a key already
    posted in the court is skipped (idempotent). Written with one statement for the transactions,
    one for the legs and one for the balances, whatever the batch size. ``skip_posted=False``:
    the caller has already claimed the keys in this database transaction (a bank statement's
    receipts, unique per court and key), so the look-up of posted keys is left out; a key posted
    all the same fails on the database's unique constraint and nothing is written. The caller appends the
    returned transactions to the audit chain (:func:`lastmile.ledger.audit.transactions_chain_entries`)
    in the same database transaction.

    ``balances_now=False`` (only with ``skip_posted=False``): the accounts are neither locked nor
    updated here; the caller calls :func:`_post_many_balances` with the returned transactions
    later in the same database transaction, as late as it can, so that its accounts (a court's
    bank account is in every receipt) are held only from there to the commit and parallel imports
    overlap. An overdraw found then still rolls the whole transaction back: nothing is written.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_post_many must run inside a transaction")
    if not balances_now and skip_posted:
        raise ValueError("balances_now=False needs keys the caller has claimed (skip_posted=False)")
    if not postings:
        return []
    checked: list[Posting] = []
    for p in postings:
        legs = tuple((acc, to_money(a)) for acc, a in p.legs)
        if len(legs) < 2 or any(a == 0 for _, a in legs) or sum((a for _, a in legs), ZERO) != 0:
            raise InvalidAmount("记账凭证借贷不平衡。", details={"key": p.key})
        checked.append(Posting(p.case_id, p.kind, p.key, p.at, p.memo[:256], legs))
    if len({p.key for p in checked}) != len(checked):
        raise InvalidAmount("同一批记账凭证的幂等键重复。")
    todo = checked
    balances: dict[int, Decimal] = {}
    if balances_now:
        locked = _lock_accounts([acc for p in checked for acc, _ in p.legs])
        # Keys posted before (or by a parallel batch that held these locks first) are skipped.
        done = _existing_keys(court_id, [p.key for p in checked]) if skip_posted else set()
        todo = [p for p in checked if p.key not in done]
        if not todo:
            return []
        balances = _new_balances(_leg_sums(todo), locked)
    ops = connection.ops
    ids = _insert_returning_keys(
        "ledger_transaction",
        ["court_id", "case_id", "kind", "idempotency_key", "at", "memo"],
        ["bigint", "bigint", "text", "text", "timestamptz", "text"],
        [(court_id, p.case_id, p.kind, p.key, ops.adapt_datetimefield_value(p.at), p.memo) for p in todo],
        "idempotency_key",
    )
    posted = [Posted(ids[p.key], court_id, p) for p in todo]
    _insert_legs([(x.txn_id, acc, amount) for x in posted for acc, amount in x.posting.legs])
    if connection.vendor != "postgresql":
        _check_balanced_sqlite([x.txn_id for x in posted])
    _set_balances(balances)
    return posted


def _post_many_balances(posted: Sequence[Posted]) -> None:
    """The balances of transactions :func:`_post_many` wrote with ``balances_now=False``: their
    accounts locked in ascending id order, the new balances refused if one would be negative
    (:class:`Conflict`, the caller's transaction then rolls back whole), and written in one
    statement."""
    sums = _leg_sums([x.posting for x in posted])  # before the lock: it is held until the commit
    if sums:
        _set_balances(_new_balances(sums, _lock_accounts(list(sums))))


def _leg_sums(postings: Sequence[Posting]) -> dict[int, Decimal]:
    """{account id: the sum of ``postings``' legs on it} (debit positive)."""
    sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        for acc, amount in p.legs:
            sums[acc] += amount
    return sums


def _new_balances(sums: dict[int, Decimal], locked: dict[int, _Locked]) -> dict[int, Decimal]:
    """{account id: balance after legs summing to ``sums``} of the accounts they change, from the
    locked rows; :class:`Conflict` when one would become negative."""
    balances: dict[int, Decimal] = {}
    for pk, total in sums.items():
        d = _natural(locked[pk].kind, total)
        if not d:
            continue
        new = locked[pk].balance + d
        if new < 0:
            raise Conflict(
                f"账户“{locked[pk].name}”余额不足（余额{locked[pk].balance}元）。",
                details={"account": locked[pk].number, "balance": str(locked[pk].balance)},
            )
        balances[pk] = new
    return balances
