"""Ledger transactions in the court's keyed audit chain.

Every posted transaction is appended to its court's chain as a ``ledger.transaction`` event that
carries the transaction and its legs (account, amount), in the database transaction that posts
it. A batch posted at once (:func:`lastmile.ledger.services.posting._post_many`, a bank statement)
is recorded by one event per :data:`BATCH` transactions whose ``data["rows"]`` lists each
transaction in the same shape. ``lastmile audit verify`` then compares the live ledger with what
the chain recorded: a leg whose amount or account was changed, a transaction deleted, or one
inserted without going through the posting services is named (see docs/audit.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lastmile.accounts.models import Court
from lastmile.cases.audit import ChainBreak, Chained, canonical_time, witness_register
from lastmile.cases.services import ChainEntry, audit_chain_append
from lastmile.ledger.kinds import LedgerEvent

from .models import Leg, Transaction

if TYPE_CHECKING:
    from .services.posting import Posted

KIND = LedgerEvent.TRANSACTION
_CHUNK = 2000
BATCH = 500  # transactions recorded by one chain event of a batch


def _money(value: Decimal) -> str:
    # what str(quantize(0.01)) gives (the same rounding), without building a quantized Decimal
    return f"{Decimal(value):.2f}"


def _chain_record(
    *,
    txn_id: int,
    court_id: int,
    case_id: int | None,
    kind: str,
    key: str,
    at: datetime,
    memo: str,
    legs: Sequence[tuple[int, Decimal]],
) -> dict[str, Any]:
    return {
        "txn": txn_id,
        "court": court_id,
        "case": case_id,
        "kind": kind,
        "key": key,
        "at": canonical_time(at),
        "memo": memo,
        "legs": [[account, _money(amount)] for account, amount in sorted(legs)],
    }


def transaction_chain_data(txn: Transaction, legs: Sequence[tuple[int, Decimal]]) -> dict[str, Any]:
    """What the chain records of a transaction (the same shape as cases migration 0004 writes)."""
    return _chain_record(
        txn_id=txn.pk,
        court_id=txn.court_id,
        case_id=txn.case_id,
        kind=txn.kind,
        key=txn.idempotency_key,
        at=txn.at,
        memo=txn.memo,
        legs=legs,
    )


def transactions_chain_entries(posted: Sequence[Posted]) -> list[ChainEntry]:
    """Chain entries for a batch of just-posted transactions of one court: one event per
    :data:`BATCH` transactions, ``data["rows"]`` holding each one as :func:`transaction_chain_data`
    records it (what ``lastmile audit verify`` compares with the live rows). Append them with
    :func:`lastmile.cases.services.audit_chain_append` in the posting's database transaction."""
    entries: list[ChainEntry] = []
    for i in range(0, len(posted), BATCH):
        chunk = posted[i : i + BATCH]
        rows = [
            _chain_record(
                txn_id=x.txn_id,
                court_id=x.court_id,
                case_id=x.posting.case_id,
                kind=x.posting.kind,
                key=x.posting.key,
                at=x.posting.at,
                memo=x.posting.memo,
                legs=x.posting.legs,
            )
            for x in chunk
        ]
        first, last = chunk[0], chunk[-1]
        entries.append(
            ChainEntry(
                kind=KIND,
                summary=f"记账凭证 #{first.txn_id}–#{last.txn_id} 共{len(chunk)}笔 {first.posting.memo}",
                occurred_at=max(x.posting.at for x in chunk),
                data={"rows": rows, "count": len(rows)},
            )
        )
    return entries


def _legs_of(txn_ids: Sequence[int]) -> dict[int, list[tuple[int, Decimal]]]:
    legs: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for i in range(0, len(txn_ids), _CHUNK):
        for tid, account, amount in Leg.objects.filter(
            transaction_id__in=txn_ids[i : i + _CHUNK]
        ).values_list("transaction_id", "account_id", "amount"):
            legs[tid].append((account, Decimal(amount)))
    return legs


def transactions_chain(*, transactions: Sequence[Transaction]) -> None:
    """Append each just-posted transaction, with its legs as stored, to its court's chain.

    Runs inside the posting's database transaction, after the legs are written.
    """
    if not transactions:
        return
    legs = _legs_of([t.pk for t in transactions])
    by_court: dict[int, list[Transaction]] = defaultdict(list)
    for txn in transactions:
        by_court[txn.court_id].append(txn)
    for court_id, txns in sorted(by_court.items()):
        audit_chain_append(
            court=Court.objects.get(pk=court_id),
            entries=[
                ChainEntry(
                    kind=KIND,
                    summary=f"记账凭证 #{t.pk} {t.memo}",
                    occurred_at=t.at,
                    data=transaction_chain_data(t, legs[t.pk]),
                )
                for t in txns
            ],
        )


def ledger_witness(court: Court, chained: dict[int, Chained]) -> list[ChainBreak]:
    """Compare a court's ledger with the chain; the first difference first."""
    found: list[tuple[tuple[int, int], ChainBreak]] = []
    seen: set[int] = set()
    ids = list(Transaction.objects.filter(court=court).order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        legs = _legs_of(chunk)
        for txn in Transaction.objects.filter(pk__in=chunk).order_by("pk"):
            seen.add(txn.pk)
            record = f"ledger_transaction #{txn.pk}"
            entry = chained.get(txn.pk)
            if entry is None:
                found.append(
                    (
                        (1, txn.pk),
                        ChainBreak(
                            court.code,
                            0,
                            0,
                            f"记账凭证 #{txn.pk}（{txn.idempotency_key}）不在审计链中：未经记账服务写入",
                            record=record,
                        ),
                    )
                )
                continue
            live = transaction_chain_data(txn, legs[txn.pk])
            if live != entry.data:
                diff = [k for k in sorted(live) if live[k] != entry.data.get(k)]
                found.append(
                    (
                        (0, entry.chain_index),
                        ChainBreak(
                            court.code,
                            entry.chain_index,
                            entry.event_id,
                            f"记账凭证 #{txn.pk} 与审计链记载不符（{'、'.join(diff)}）："
                            f"链上 {entry.data.get('legs')}，现为 {live['legs']}",
                            record=record,
                        ),
                    )
                )
    for txn_id, entry in chained.items():
        if txn_id not in seen:
            found.append(
                (
                    (0, entry.chain_index),
                    ChainBreak(
                        court.code,
                        entry.chain_index,
                        entry.event_id,
                        f"审计链记载的记账凭证 #{txn_id} 已被删除",
                        record=f"ledger_transaction #{txn_id}",
                    ),
                )
            )
    return [b for _, b in sorted(found, key=lambda item: item[0])]


witness_register(kind=KIND, id_field="txn", check=ledger_witness)
