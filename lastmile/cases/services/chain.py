"""The audit chain: append events to a court's keyed hash chain, write its signed anchors."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from lastmile.accounts.models import Court, User
from lastmile.core.clock import court_date
from lastmile.core.db import bulk_cursor
from lastmile.core.legal import LegalBasis

from ..audit import (
    GENESIS,
    Anchor,
    ChainBreak,
    PayloadParts,
    anchor_append,
    anchors_read,
    audit_key,
    canonical_time,
    chain_digest,
    event_payload_parts,
    to_json_data,
)
from ..kinds import EventKind, require_kind
from ..models import (
    AuditChainHead,
    Case,
    CaseEvent,
)
from ..selectors import audit_chain_walk


def _actor_label(actor: User | None) -> str:
    if actor is None:
        return "系统"
    return actor.name


def _chain_head_locked(court: Court) -> tuple[int, str]:
    """Lock ``court``'s chain head (created on first use) and return (last index, last hash)."""
    head = (
        AuditChainHead.objects.select_for_update().filter(court=court).values_list("last_index", "last_hash")
    )
    found = head.first()
    if found is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(court=court, last_index=0, last_hash=GENESIS)
        except IntegrityError:
            pass
        found = head.get()
    return found


@dataclass(frozen=True)
class ChainEntry:
    """One event to append with :func:`audit_chain_append`."""

    kind: EventKind
    summary: str
    occurred_at: datetime
    case_id: int | None = None
    actor: User | None = None
    data: dict[str, Any] | None = None
    legal_basis: LegalBasis | None = None

    def __post_init__(self) -> None:
        require_kind(self.kind, EventKind)


_COLUMNS = (
    "court_id",
    "chain_index",
    "case_id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "kind",
    "summary",
    "data",
    "legal_basis",
    "prev_hash",
    "hash",
)
_PG_TYPES = (
    "bigint",
    "bigint",
    "bigint",
    "timestamptz",
    "bigint",
    "text",
    "text",
    "text",
    "jsonb",
    "jsonb",
    "text",
    "text",
)


@dataclass
class _Row:
    """An entry made ready before the head is locked: everything but its index and hashes."""

    entry: ChainEntry
    actor_id: int | None
    label: str
    summary: str
    data: Any
    basis: dict[str, Any]
    payload: PayloadParts


def _insert_rows(
    court: Court, rows: Sequence[_Row], first: int, hashes: Sequence[tuple[str, str]]
) -> list[int]:
    """Insert the chain rows in one statement; returns their ids in chain order.

    PostgreSQL: ``INSERT … SELECT FROM unnest(…)`` with the columns bound as arrays on the server
    (binary, :func:`lastmile.core.db.bulk_cursor`). SQLite: multi-row ``INSERT … RETURNING`` in
    chunks below its limit of bound variables (one statement for any usual batch)."""
    conn = connection
    table = conn.ops.quote_name(CaseEvent._meta.db_table)
    cols = ", ".join(conn.ops.quote_name(c) for c in _COLUMNS)
    values = [
        (
            court.pk,
            first + i,
            r.entry.case_id,
            r.entry.occurred_at
            if conn.vendor == "postgresql"
            else conn.ops.adapt_datetimefield_value(r.entry.occurred_at),
            r.actor_id,
            r.label,
            str(r.entry.kind),
            r.summary,
            json.dumps(r.data),
            json.dumps(r.basis),
            prev,
            digest,
        )
        for i, (r, (prev, digest)) in enumerate(zip(rows, hashes, strict=True))
    ]
    by_index: dict[int, int] = {}
    with bulk_cursor() as cur:
        if conn.vendor == "postgresql":
            arrays = [list(col) for col in zip(*values, strict=True)]
            unnest = ", ".join(f"%b::{t}[]" for t in _PG_TYPES)
            cur.execute(
                f"INSERT INTO {table} ({cols}) SELECT * FROM unnest({unnest}) RETURNING id, chain_index",  # noqa: S608
                arrays,
            )
            by_index.update((index, pk) for pk, index in cur.fetchall())
        else:
            per_row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
            step = 30_000 // len(_COLUMNS)
            for i in range(0, len(values), step):
                chunk = values[i : i + step]
                cur.execute(
                    f"INSERT INTO {table} ({cols}) VALUES {', '.join([per_row] * len(chunk))} "  # noqa: S608
                    "RETURNING id, chain_index",
                    [v for row in chunk for v in row],
                )
                by_index.update((index, pk) for pk, index in cur.fetchall())
    return [by_index[first + i] for i in range(len(values))]


# Open while a caller gathers its transaction's events for one append at the end (see
# :func:`audit_chain_batch`): court id -> (court, entries in call order).
_gathered: ContextVar[dict[int, tuple[Court, list[ChainEntry]]] | None] = ContextVar(
    "audit_chain_gathered", default=None
)


@contextmanager
def audit_chain_batch() -> Iterator[None]:
    """Gather every :func:`audit_chain_append` of the block and write them when it ends, in call
    order, with one append per court: one insert, one short hold of the head lock, taken last in
    the transaction (so the rest of it does not serialize on the court's head).

    Open it inside the caller's transaction (``with transaction.atomic(), audit_chain_batch():``).
    While it is open the appended events are not yet in the database (their ``pk`` and hashes
    are unset), so nothing in the block may read them back, and the block must not swallow the
    rollback of a savepoint that appended events (their entries would still be written). An
    exception leaving the block writes nothing. Nested blocks fold into the outer one, and an
    exception leaving a nested block drops what was gathered inside it: pair it with the
    savepoint that exception rolls back (``with transaction.atomic(), audit_chain_batch():``, as
    the simulation does for each event of a slice and the inquiry worker for each case)."""
    outer = _gathered.get()
    if outer is not None:
        marks = {court_id: len(entries) for court_id, (_, entries) in outer.items()}
        try:
            yield
        except BaseException:
            for court_id in list(outer):
                if court_id not in marks:
                    del outer[court_id]
                else:
                    del outer[court_id][1][marks[court_id] :]
            raise
        return
    pending: dict[int, tuple[Court, list[ChainEntry]]] = {}
    token = _gathered.set(pending)
    try:
        yield
    finally:
        _gathered.reset(token)
    for court_id in sorted(pending):
        court, entries = pending[court_id]
        audit_chain_append(court=court, entries=entries, returning=False)


@dataclass(frozen=True)
class PreparedAppend:
    """Chain entries made ready by :func:`audit_chain_prepare` (their JSON and canonical text, all
    that does not depend on the head); :meth:`write` appends them."""

    court: Court
    entries: Sequence[ChainEntry]
    rows: Sequence[_Row]

    def write(self, *, returning: bool = True) -> list[CaseEvent]:
        """Append the prepared entries: the head locked and read, the rows inserted in one
        statement, the head advanced once (see :func:`audit_chain_append`)."""
        return _append(self.court, self.entries, self.rows, returning)


def audit_chain_prepare(*, court: Court, entries: Sequence[ChainEntry]) -> PreparedAppend:
    """Make ``entries`` ready for ``court``'s chain without touching its head: a caller that must
    take other locks before appending (a bank statement's import locks its accounts late) does this
    work first, so it is not done while it holds them."""
    return PreparedAppend(court=court, entries=list(entries), rows=_prepare_rows(court, entries))


def _prepare_rows(court: Court, entries: Sequence[ChainEntry]) -> list[_Row]:
    rows: list[_Row] = []
    for entry in entries:
        data = to_json_data(entry.data or {})
        basis = entry.legal_basis.as_dict() if entry.legal_basis else {}
        label = _actor_label(entry.actor)
        summary = entry.summary[:256]
        actor_id = entry.actor.pk if entry.actor is not None else None
        parts = event_payload_parts(
            court_code=court.code,
            case_id=entry.case_id,
            occurred_at=canonical_time(entry.occurred_at),
            actor_id=actor_id,
            actor_label=label,
            kind=entry.kind,
            summary=summary,
            data=data,
            legal_basis=basis,
        )
        rows.append(_Row(entry, actor_id, label, summary, data, basis, parts))
    return rows


def audit_chain_append(
    *, court: Court, entries: Sequence[ChainEntry], returning: bool = True
) -> list[CaseEvent]:
    """Append events to ``court``'s keyed hash chain under one lock of its head (append-only).

    The court's chain head is locked until the caller's transaction ends, so events of one court
    are strictly ordered; each row's hash is ``HMAC-SHA256(key, prev_hash + row)``
    (:mod:`lastmile.cases.audit`). Everything that does not depend on the head (the rows' JSON,
    labels, the canonical text but for the index) is prepared before the head is locked
    (or earlier, by :func:`audit_chain_prepare`); then
    three statements: the head locked and read, all rows inserted in ONE statement (server-side
    binary arrays on PostgreSQL), the head advanced once. Callers append last in their
    transaction, so the head stays locked only for the commit: a court's writers (workers,
    officers) then wait for each other only that long. ``returning=False``: the caller does not
    use the events, and none are built (a bank statement's import appends thousands).
    """
    return _append(court, entries, None, returning)


def _append(
    court: Court, entries: Sequence[ChainEntry], rows: Sequence[_Row] | None, returning: bool
) -> list[CaseEvent]:
    if not entries:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_chain_append must run inside a transaction")
    gathered = _gathered.get()
    if gathered is not None:  # written at the end of the open audit_chain_batch()
        gathered.setdefault(court.pk, (court, []))[1].extend(entries)
        return [
            CaseEvent(
                court=court,
                case_id=e.case_id,
                occurred_at=e.occurred_at,
                actor=e.actor,
                kind=e.kind,
                summary=e.summary[:256],
                data=e.data or {},
            )
            for e in entries
        ]
    secret = audit_key().secret
    if rows is None:
        rows = _prepare_rows(court, entries)
    last_index, prev_hash = _chain_head_locked(court)
    first = last_index + 1
    hashes: list[tuple[str, str]] = []
    for i, row in enumerate(rows):
        digest = chain_digest(secret=secret, prev_hash=prev_hash, payload=row.payload.with_index(first + i))
        hashes.append((prev_hash, digest))
        prev_hash = digest
    ids = _insert_rows(court, rows, first, hashes)
    AuditChainHead.objects.filter(court=court).update(last_index=first + len(rows) - 1, last_hash=prev_hash)
    events: list[CaseEvent] = []
    if not returning:
        return events
    alias = connection.alias
    for i, (row, (prev, digest), pk) in enumerate(zip(rows, hashes, ids, strict=True)):
        event = CaseEvent(
            id=pk,
            court=court,
            chain_index=first + i,
            case_id=row.entry.case_id,
            occurred_at=row.entry.occurred_at,
            actor=row.entry.actor,
            actor_label=row.label,
            kind=row.entry.kind,
            summary=row.summary,
            data=row.data,
            legal_basis=row.basis,
            prev_hash=prev,
            hash=digest,
        )
        event._state.adding = False
        event._state.db = alias
        events.append(event)
    return events


def case_event_record(
    *,
    case: Case | None,
    court: Court | None = None,
    kind: EventKind,
    summary: str,
    actor: User | None,
    now: datetime,
    data: dict[str, Any] | None = None,
    legal_basis: LegalBasis | None = None,
) -> CaseEvent:
    """Append one event to the court's keyed hash-chained audit trail (append-only).

    The court's chain head is locked, so events of one court are strictly ordered.
    """
    court = court or (case.court if case is not None else None)
    if court is None:
        raise ValueError("an event needs a court")
    (event,) = audit_chain_append(
        court=court,
        entries=[
            ChainEntry(
                kind=kind,
                summary=summary,
                occurred_at=now,
                case_id=case.pk if case is not None else None,
                actor=actor,
                data=data,
                legal_basis=legal_basis,
            )
        ],
    )
    if case is not None:
        event.case = case
    return event


@dataclass(frozen=True)
class AnchorOutcome:
    court: Court
    anchor: Anchor | None = None
    skipped: str = ""  # why no anchor was written (unchanged today, empty chain)
    error: str = ""  # the chain or the anchor file is damaged: nothing was anchored


def audit_anchor_write(
    *, now: datetime, court: Court | None = None, force: bool = False
) -> list[AnchorOutcome]:
    """Write a signed checkpoint of each court's chain head to its anchor file outside the database.

    A court is anchored when its head moved since its last anchor, or its last anchor is from an
    earlier (Beijing) day, or ``force``; so the periodic sweep can run often and leaves at least
    one anchor a day. The part of the chain written since the last anchor is verified first: a
    damaged chain (or anchor file) is reported and never anchored, so an anchor only ever
    vouches for rows that held. Idempotent.
    """
    key = audit_key()
    courts = [court] if court is not None else list(Court.objects.order_by("code"))
    outcomes: list[AnchorOutcome] = []
    for c in courts:
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().filter(court=c).first()
            if head is None:
                outcomes.append(AnchorOutcome(c, skipped="审计链为空"))
                continue
            log = anchors_read(c.code, key=key)
            if log.problem is not None:
                outcomes.append(
                    AnchorOutcome(c, error=f"锚点文件第 {log.problem.line} 行：{log.problem.reason}")
                )
                continue
            last = log.last
            same_day = last is not None and court_date(last.taken_at) == court_date(now)
            if not force and last is not None and last.index == head.last_index and same_day:
                outcomes.append(AnchorOutcome(c, skipped="今日已锚定且链头未变"))
                continue
            walk = audit_chain_walk(court=c, key=key, after=last)
            if walk.broken is None and (walk.last_index, walk.last_hash) != (head.last_index, head.last_hash):
                walk.broken = ChainBreak(
                    c.code, walk.last_index + 1, 0, "链尾记录缺失（链头与最后一条记录不符）"
                )
            if walk.broken is not None:
                outcomes.append(AnchorOutcome(c, error=str(walk.broken)))
                continue
            anchor = anchor_append(
                court_code=c.code,
                index=walk.last_index,
                event=walk.last_event,
                head=walk.last_hash,
                count=walk.count,
                now=now,
                key=key,
            )
            outcomes.append(AnchorOutcome(c, anchor=anchor))
    return outcomes
