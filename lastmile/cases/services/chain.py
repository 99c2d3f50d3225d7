"""The audit chain: append events to a court's keyed hash chain, write its signed anchors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from lastmile.accounts.models import Court, User
from lastmile.core.clock import court_date
from lastmile.core.legal import LegalBasis

from ..audit import (
    GENESIS,
    Anchor,
    ChainBreak,
    anchor_append,
    anchors_read,
    audit_key,
    canonical_time,
    event_digest,
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


def _chain_head_locked(court: Court) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(court=court).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(court=court, last_index=0, last_hash=GENESIS)
        except IntegrityError:
            pass
        head = AuditChainHead.objects.select_for_update().get(court=court)
    return head


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


def audit_chain_append(*, court: Court, entries: Sequence[ChainEntry]) -> list[CaseEvent]:
    """Append events to ``court``'s keyed hash chain under one lock of its head (append-only).

    The court's chain head is locked until the caller's transaction ends, so events of one court
    are strictly ordered; each row's hash is ``HMAC-SHA256(key, prev_hash + row)``
    (:mod:`lastmile.cases.audit`). Many entries are written with one bulk insert.
    """
    if not entries:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_chain_append must run inside a transaction")
    secret = audit_key().secret
    head = _chain_head_locked(court)
    events: list[CaseEvent] = []
    prev_hash, index = head.last_hash, head.last_index
    for entry in entries:
        index += 1
        json_data = to_json_data(entry.data or {})
        basis = entry.legal_basis.as_dict() if entry.legal_basis else {}
        label = _actor_label(entry.actor)
        summary = entry.summary[:256]
        digest = event_digest(
            secret=secret,
            prev_hash=prev_hash,
            court_code=court.code,
            chain_index=index,
            case_id=entry.case_id,
            occurred_at=canonical_time(entry.occurred_at),
            actor_id=entry.actor.pk if entry.actor is not None else None,
            actor_label=label,
            kind=entry.kind,
            summary=summary,
            data=json_data,
            legal_basis=basis,
        )
        events.append(
            CaseEvent(
                court=court,
                chain_index=index,
                case_id=entry.case_id,
                occurred_at=entry.occurred_at,
                actor=entry.actor,
                actor_label=label,
                kind=entry.kind,
                summary=summary,
                data=json_data,
                legal_basis=basis,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        events = CaseEvent.objects.bulk_create(events, batch_size=500)
    head.last_index = index
    head.last_hash = prev_hash
    head.save(update_fields=["last_index", "last_hash"])
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
