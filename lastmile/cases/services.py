"""Writes of the case core: register a case, record an event, change status, track deadlines.

Every function here runs in a transaction and writes its case event in the same transaction
(style.md: a state change and its event row are written together).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lastmile.accounts.models import Court, Team, User
from lastmile.core.clock import court_date
from lastmile.core.errors import InvalidTransition
from lastmile.core.identifiers import case_number_str
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.parties.models import Party

from .audit import (
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
from .kinds import CasesEvent, DeadlineKind, EventKind, require_kind
from .models import (
    AuditChainHead,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseParty,
    CaseStatus,
    Deadline,
)
from .selectors import audit_chain_walk


def _actor_label(actor: User | None) -> str:
    if actor is None:
        return "系统"
    return actor.name


def case_number_allocate(*, court: Court, year: int, type_code: str, special_code: str = "") -> int:
    """Take the next serial number for (court, year, special code, type code).

    Must run inside the transaction that creates the case: the counter row stays locked until
    that transaction ends, so two filings can never take the same number and a rolled-back
    filing gives its number back (no gaps). 法〔2015〕137号 art. 9.
    """
    return case_numbers_allocate_block(
        court=court, year=year, type_code=type_code, count=1, special_code=special_code
    )


def case_numbers_allocate_block(
    *, court: Court, year: int, type_code: str, count: int, special_code: str = ""
) -> int:
    """Take ``count`` consecutive serial numbers under one lock of the counter; returns the first.

    Must run inside the transaction that creates the cases (see :func:`case_number_allocate`):
    gapless and in order of receipt, 法〔2015〕137号 art. 9; a rolled-back transaction gives the
    whole block back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_allocate must run inside a transaction")
    key = {"court": court, "year": year, "special_code": special_code, "type_code": type_code}
    counter = CaseNumberCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(**key, last_seq=0)
        except IntegrityError:
            pass  # another filing created it first; lock theirs below
        counter = CaseNumberCounter.objects.select_for_update().get(**key)
    first = counter.last_seq + 1
    counter.last_seq += count
    counter.save(update_fields=["last_seq"])
    return first


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


@dataclass(frozen=True)
class PartyInRole:
    party: Party
    role: str


@dataclass(frozen=True)
class CaseSpec:
    """One case of :func:`case_register_many`."""

    parties: Sequence[PartyInRole]
    amount_claimed: Decimal | None = None
    data: dict[str, Any] | None = None


def _case_row(
    *,
    court: Court,
    year: int,
    type_code: str,
    seq: int,
    special_code: str,
    cause: str,
    status: str,
    now: datetime,
    amount_claimed: Decimal | None,
    actor: User | None,
    officer: User | None = None,
    parent: Case | None = None,
) -> Case:
    return Case(
        court=court,
        year=year,
        special_code=special_code,
        type_code=type_code,
        seq=seq,
        number=case_number_str(year, court.code, type_code, seq, special_code=special_code),
        cause=cause,
        status=status,
        received_at=now,
        filed_at=now if status != CaseStatus.RECEIVED else None,
        amount_claimed=to_money(amount_claimed) if amount_claimed is not None else None,
        officer=officer,
        parent=parent,
        created_by=actor,
    )


def _party_links(case: Case, parties: Sequence[PartyInRole]) -> list[CaseParty]:
    """The case's parties, numbered from 1 within each role in the order given."""
    positions: dict[str, int] = {}
    links = []
    for item in parties:
        positions[item.role] = positions.get(item.role, 0) + 1
        links.append(CaseParty(case=case, party=item.party, role=item.role, position=positions[item.role]))
    return links


def _registered_entry(
    *,
    case: Case,
    parties: Sequence[PartyInRole],
    actor: User | None,
    now: datetime,
    summary: str | None,
    data: dict[str, Any] | None,
    legal_basis: LegalBasis | None,
) -> ChainEntry:
    return ChainEntry(
        kind=CasesEvent.REGISTERED,
        summary=summary or f"立案登记，案号{case.number}",
        occurred_at=now,
        case_id=case.pk,
        actor=actor,
        data={
            "number": case.number,
            "type_code": case.type_code,
            "amount_claimed": case.amount_claimed,
            "parties": [{"party": p.party.pk, "role": p.role} for p in parties],
            **(data or {}),
        },
        legal_basis=legal_basis,
    )


@transaction.atomic
def case_register(
    *,
    court: Court,
    type_code: str,
    parties: Sequence[PartyInRole],
    actor: User | None,
    now: datetime,
    cause: str = "",
    amount_claimed: Decimal | None = None,
    special_code: str = "",
    parent: Case | None = None,
    status: str = CaseStatus.FILED,
    officer: User | None = None,
    summary: str | None = None,
    legal_basis: LegalBasis | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Register a case and give it its number (收案年度 = the year of receipt, Beijing time).

    Numbers follow 法〔2015〕137号 (as amended by 法〔2018〕335号):
    ``（年度）法院代字[专门审判代字]类型代字编号号``.
    """
    if not parties:
        raise InvalidTransition("案件至少应有一方当事人。")
    year = timezone.localtime(now).year
    seq = case_number_allocate(court=court, year=year, type_code=type_code, special_code=special_code)
    case = _case_row(
        court=court,
        year=year,
        type_code=type_code,
        seq=seq,
        special_code=special_code,
        cause=cause,
        status=status,
        now=now,
        amount_claimed=amount_claimed,
        actor=actor,
        officer=officer,
        parent=parent,
    )
    case.save(force_insert=True)
    for link in _party_links(case, parties):
        link.save(force_insert=True)
    audit_chain_append(
        court=court,
        entries=[
            _registered_entry(
                case=case,
                parties=parties,
                actor=actor,
                now=now,
                summary=summary,
                data=data,
                legal_basis=legal_basis,
            )
        ],
    )
    return case


def case_register_many(
    *,
    court: Court,
    type_code: str,
    specs: Sequence[CaseSpec],
    actor: User | None,
    now: datetime,
    cause: str = "",
    legal_basis: LegalBasis | None = None,
    status: str = CaseStatus.FILED,
) -> list[Case]:
    """:func:`case_register` for a block of cases (bulk filing), numbered consecutively in spec
    order from one block of the same counter (:func:`case_numbers_allocate_block`). Cases, their
    parties and their ``case.registered`` events (the same rows the one-by-one path writes, in the
    same order on the court's hash chain) are inserted in bulk. Must run inside the caller's
    transaction."""
    if not specs:
        return []
    if any(not s.parties for s in specs):
        raise ValueError("every case needs at least one party")
    year = timezone.localtime(now).year
    first = case_numbers_allocate_block(court=court, year=year, type_code=type_code, count=len(specs))
    cases = Case.objects.bulk_create(
        [
            _case_row(
                court=court,
                year=year,
                type_code=type_code,
                seq=first + i,
                special_code="",
                cause=cause,
                status=status,
                now=now,
                amount_claimed=s.amount_claimed,
                actor=actor,
            )
            for i, s in enumerate(specs)
        ]
    )
    CaseParty.objects.bulk_create(
        [link for case, spec in zip(cases, specs, strict=True) for link in _party_links(case, spec.parties)]
    )
    audit_chain_append(
        court=court,
        entries=[
            _registered_entry(
                case=case,
                parties=spec.parties,
                actor=actor,
                now=now,
                summary=None,
                data=spec.data,
                legal_basis=legal_basis,
            )
            for case, spec in zip(cases, specs, strict=True)
        ],
    )
    return cases


@transaction.atomic
def case_assign(*, case: Case, officer: User | None, team: Team | None, deadlines: bool = False) -> Case:
    """Give the case its officer (承办人) and team; with ``deadlines``, the case's open deadlines
    follow the new officer. ``case`` is refreshed from the database."""
    Case.objects.filter(pk=case.pk).update(officer=officer, team=team)
    if deadlines:
        Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).update(
            assignee=officer
        )
    case.refresh_from_db()
    return case


def case_lock(case: Case) -> Case:
    """Re-read the case with a row lock; state checks are made on the locked row."""
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_status_change(
    *,
    case: Case,
    allowed_from: Iterable[str],
    to_status: str,
    kind: EventKind,
    summary: str,
    actor: User | None,
    now: datetime,
    legal_basis: LegalBasis | None = None,
    data: dict[str, Any] | None = None,
    closing_method: str | None = None,
    filed_at: datetime | None = None,
) -> Case:
    """Move a case from one of ``allowed_from`` to ``to_status`` and record why; ``filed_at``
    (立案时间) is set with the move when given (an application accepted and filed).

    Refused moves raise :class:`InvalidTransition` and change nothing.
    """
    locked = case_lock(case)
    allowed = set(allowed_from)
    if locked.status not in allowed:
        raise InvalidTransition(
            f"案件当前状态为“{locked.get_status_display()}”，不能执行该操作。",
            details={"status": locked.status, "to": to_status},
        )
    previous = locked.status
    locked.status = to_status
    fields = ["status"]
    if to_status == CaseStatus.CLOSED:
        locked.closed_at = now
        locked.closing_method = closing_method or ""
        fields += ["closed_at", "closing_method"]
    elif previous == CaseStatus.CLOSED:
        locked.closed_at = None
        locked.closing_method = ""
        fields += ["closed_at", "closing_method"]
    if filed_at is not None:
        locked.filed_at = filed_at
        fields.append("filed_at")
    locked.save(update_fields=fields)
    case_event_record(
        case=locked,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        data={"from": previous, "to": to_status, **(data or {})},
        legal_basis=legal_basis,
    )
    case.refresh_from_db()
    return locked


def _source_filter(source: models.Model | None) -> dict[str, Any]:
    if source is None:
        return {}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}


def deadline_open(
    *,
    case: Case,
    kind: DeadlineKind,
    label: str,
    starts_on: date,
    due_on: date,
    source: models.Model | None = None,
    legal_basis: LegalBasis | None = None,
    assignee: User | None = None,
    provisional: bool = False,
) -> Deadline:
    """Track a dated duty on a case; compute ``due_on`` with :mod:`lastmile.core.periods`
    (``period_end_provisional`` gives ``provisional`` for years not yet scheduled). A duty about
    one row of the owning app (a clue, a freeze) names that row as ``source``."""
    require_kind(kind, DeadlineKind)
    return Deadline.objects.create(
        provisional=provisional,
        court=case.court,
        case=case,
        kind=kind,
        **_source_filter(source),
        label=label,
        starts_on=starts_on,
        due_on=due_on,
        legal_basis=legal_basis.as_dict() if legal_basis else {},
        assignee=assignee or case.officer,
    )


def deadlines_open(
    *, case: Case, kind: DeadlineKind | None = None, source: models.Model | None = None
) -> models.QuerySet[Deadline]:
    """The case's open deadlines, of ``kind`` and about ``source`` when given."""
    qs = Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True)
    if kind is not None:
        require_kind(kind, DeadlineKind)
        qs = qs.filter(kind=kind)
    return qs.filter(**_source_filter(source))


def deadline_complete(
    *, case: Case, kind: DeadlineKind, source: models.Model | None = None, now: datetime
) -> int:
    """Mark the open deadlines of ``kind`` (about ``source`` when given) on ``case`` done;
    returns how many."""
    return deadlines_open(case=case, kind=kind, source=source).update(done_at=now)


def deadline_cancel(
    *,
    case: Case,
    kinds: Iterable[DeadlineKind] | None = None,
    source: models.Model | None = None,
    now: datetime,
) -> int:
    """Cancel the case's open deadlines (of ``kinds``, about ``source``, when given)."""
    qs = deadlines_open(case=case, source=source)
    if kinds is not None:
        kinds = list(kinds)
        for kind in kinds:
            require_kind(kind, DeadlineKind)
        qs = qs.filter(kind__in=kinds)
    return qs.update(cancelled_at=now)
