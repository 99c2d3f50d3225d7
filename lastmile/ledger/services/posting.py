"""Posting: :func:`_post`, the only writer of ledger rows.

It refuses an unbalanced transaction, locks the accounts it touches in ascending id order (one
global lock order, so parallel postings never deadlock), refuses any posting that would make a
balance negative, and is idempotent on the transaction's key (scoped to the court).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from lastmile.cases.models import Case
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
