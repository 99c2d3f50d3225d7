"""Reads of the case core. Every staff read is scoped to the actor's court."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db.models import Q, QuerySet

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.core.errors import InvalidIdentifier, NotFound
from lastmile.core.identifiers import parse_case_number

from .audit import (
    GENESIS,
    Anchor,
    AnchorLog,
    AuditKey,
    ChainBreak,
    Chained,
    anchors_read,
    audit_key,
    canonical_time,
    event_digest,
    witnesses,
)
from .models import AuditChainHead, Case, CaseEvent, CaseStatus, Deadline


def cases_visible_to(actor: User) -> QuerySet[Case]:
    """All cases ``actor`` may see: those of the actor's own court, nothing else."""
    require(actor, "case.view")
    if actor.court_id is None:
        return Case.objects.none()
    return Case.objects.filter(court_id=actor.court_id)


def case_get_for(*, actor: User, case_id: int) -> Case:
    """Fetch and authorise together; another court's case is simply not found."""
    case = (
        cases_visible_to(actor)
        .select_related("court", "officer", "team", "parent")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("案件不存在或您无权查看。")
    return case


def case_search(
    *,
    actor: User,
    query: str = "",
    status: str = "",
    type_code: str = "",
    mine: bool = False,
) -> QuerySet[Case]:
    """Search by case number (full or partial, either parenthesis width) or by party name or ID."""
    qs = cases_visible_to(actor)
    query = (query or "").strip()
    if query:
        try:
            number = str(parse_case_number(query))
            qs = qs.filter(number=number)
        except InvalidIdentifier:
            partial = query.replace("(", "（").replace(")", "）")
            qs = qs.filter(
                Q(number__contains=partial)
                | Q(case_parties__party__name__contains=query)
                | Q(case_parties__party__id_number=query.upper())
            ).distinct()
    if status:
        qs = qs.filter(status=status)
    if type_code:
        qs = qs.filter(type_code=type_code)
    if mine:
        qs = qs.filter(officer=actor)
    return qs.select_related("officer").order_by("-received_at", "-id")


@dataclass(frozen=True)
class DeadlineGroup:
    """The open deadlines of one kind: overdue first, then those falling due soonest."""

    kind: str
    label: str
    overdue: int
    due: int
    rows: list[Deadline]


@dataclass(frozen=True)
class Workbench:
    open_cases: list[Case]
    due: list[Deadline]
    overdue: list[Deadline]
    counts: dict[str, int]
    groups: list[DeadlineGroup] = field(default_factory=list)


#: Deadlines listed per group on the workbench (the counts are of all of them).
GROUP_ROWS = 10


def _my_open_deadlines(actor: User) -> QuerySet[Deadline]:
    return Deadline.objects.filter(court=actor.court, done_at__isnull=True, cancelled_at__isnull=True).filter(
        Q(assignee=actor) | Q(case__officer=actor)
    )


def overdue_count(*, actor: User, today: date) -> int:
    """The actor's deadlines already past (the badge on 工作台)."""
    if getattr(actor, "court_id", None) is None:
        return 0
    return _my_open_deadlines(actor).filter(due_on__lt=today).count()


def workbench_for(*, actor: User, today: date, horizon_days: int = 7) -> Workbench:
    """What the actor has open and what is due, grouped by kind of deadline: the groups with
    overdue items first (most overdue first), each with its counts and its most urgent rows."""
    from datetime import timedelta

    from django.db.models import Count

    from .kinds import DeadlineKind

    visible = cases_visible_to(actor)
    mine = visible.filter(officer=actor).exclude(status=CaseStatus.CLOSED)
    deadlines = _my_open_deadlines(actor).select_related("case").order_by("due_on", "pk")
    horizon = today + timedelta(horizon_days)
    relevant = deadlines.filter(due_on__lte=horizon)
    per_kind = {
        row["kind"]: row
        for row in relevant.order_by()
        .values("kind")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due=Count("pk", filter=Q(due_on__gte=today)),
        )
    }
    labels = DeadlineKind.all_kinds()
    groups = [
        DeadlineGroup(
            kind=kind,
            label=str(labels[kind].label) if kind in labels else kind,
            overdue=row["overdue"],
            due=row["due"],
            rows=list(relevant.filter(kind=kind)[:GROUP_ROWS]),
        )
        for kind, row in per_kind.items()
    ]
    groups.sort(key=lambda g: (-g.overdue, -g.due, g.label))
    overdue_total = sum(g.overdue for g in groups)
    due_total = sum(g.due for g in groups)
    return Workbench(
        open_cases=list(mine.order_by("received_at")[:50]),
        due=list(deadlines.filter(due_on__gte=today, due_on__lte=horizon)[:100]),
        overdue=list(deadlines.filter(due_on__lt=today)[:100]),
        counts={
            "open": mine.count(),
            "overdue": overdue_total,
            "due": due_total,
            "court_open": visible.exclude(status=CaseStatus.CLOSED).count(),
        },
        groups=groups,
    )


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).order_by("chain_index")


def case_open_deadlines(*, case: Case) -> QuerySet[Deadline]:
    return Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True)


@dataclass
class ChainWalk:
    """What walking a court's chain found: how far it holds, and what it recorded on the way."""

    last_index: int = 0
    last_event: int = 0
    last_hash: str = GENESIS
    count: int = 0
    broken: ChainBreak | None = None
    hashes: dict[int, str] = field(default_factory=dict)  # hashes at the indexes asked for
    chained: dict[str, dict[int, Chained]] = field(default_factory=dict)  # witness kind -> id -> row


def _row_holds(ev: CaseEvent, court_code: str, key: AuditKey) -> bool:
    """Whether the row's hash is the keyed hash of its content and its predecessor's hash."""
    digest = event_digest(
        secret=key.secret,
        prev_hash=ev.prev_hash,
        court_code=court_code,
        chain_index=ev.chain_index,
        case_id=ev.case_id,
        occurred_at=canonical_time(ev.occurred_at),
        actor_id=ev.actor_id,
        actor_label=ev.actor_label,
        kind=ev.kind,
        summary=ev.summary,
        data=ev.data,
        legal_basis=ev.legal_basis,
    )
    return hmac.compare_digest(digest, ev.hash)


def audit_chain_walk(
    *,
    court: Court,
    key: AuditKey,
    after: Anchor | None = None,
    want: set[int] | None = None,
    collect: dict[str, str] | None = None,
    batch: int = 5000,
) -> ChainWalk:
    """Recompute the keyed hashes of ``court``'s chain in order and stop at the first bad row.

    ``after``: start after an anchor already checked (its row must still carry its hash).
    ``want``: indexes whose hash to keep (the anchored ones). ``collect``: {witness kind: data
    field of the row id} to gather what the chain recorded for other apps' rows.
    """
    walk = ChainWalk()
    want = want or set()
    collect = collect or {}
    for kind in collect:
        walk.chained[kind] = {}
    code = court.code
    qs = CaseEvent.objects.filter(court=court).order_by("chain_index")
    if after is not None and after.index > 0:
        row = qs.filter(chain_index=after.index).first()
        if row is None or row.hash != after.head or not _row_holds(row, code, key):
            walk.broken = ChainBreak(
                code,
                after.index,
                row.pk if row else 0,
                "锚定的链头记录已被删除或改写（与锚点记载的哈希不符）",
            )
            return walk
        walk.last_index, walk.last_event, walk.last_hash = row.chain_index, row.pk, row.hash
        walk.count = row.chain_index
        qs = qs.filter(chain_index__gt=after.index)
    expected = walk.last_index + 1
    prev_hash = walk.last_hash
    for ev in qs.iterator(chunk_size=batch):
        if ev.chain_index != expected:
            walk.broken = ChainBreak(
                code,
                expected,
                0 if ev.chain_index > expected else ev.pk,
                "审计链序号不连续，可能有记录被删除或插入",
            )
            return walk
        if ev.prev_hash != prev_hash:
            walk.broken = ChainBreak(
                code, ev.chain_index, ev.pk, "与前一条记录的哈希不衔接（记录被删除、插入或调换）"
            )
            return walk
        if not _row_holds(ev, code, key):
            walk.broken = ChainBreak(
                code, ev.chain_index, ev.pk, "记录内容与密钥哈希不符：该条被改写（或哈希被无密钥地重算）"
            )
            return walk
        if ev.chain_index in want:
            walk.hashes[ev.chain_index] = ev.hash
        if ev.kind in collect and isinstance(ev.data, dict):
            record_id = ev.data.get(collect[ev.kind])
            if isinstance(record_id, int):
                walk.chained[ev.kind][record_id] = Chained(ev.chain_index, ev.pk, ev.data)
            elif isinstance(ev.data.get("rows"), list):  # one event recording a batch of rows
                for row in ev.data["rows"]:
                    if isinstance(row, dict) and isinstance(row.get(collect[ev.kind]), int):
                        walk.chained[ev.kind][row[collect[ev.kind]]] = Chained(ev.chain_index, ev.pk, row)
        prev_hash = ev.hash
        walk.last_index, walk.last_event, walk.last_hash = ev.chain_index, ev.pk, ev.hash
        walk.count += 1
        expected += 1
    return walk


def _anchor_break(code: str, walk: ChainWalk, log: AnchorLog) -> ChainBreak | None:
    """The first anchor the chain no longer matches, as the first bad row it implies."""
    for a in log.anchors:
        where = f"锚点文件第 {a.line} 行（{a.at}）"
        if a.index > walk.last_index:
            return ChainBreak(
                code,
                walk.last_index + 1,
                0,
                f"{where}记载链头为第 {a.index} 条（事件ID {a.event}），数据库只到第 {walk.last_index} 条："
                f"第 {walk.last_index + 1} 至 {a.index} 条被删除，链头被回退",
                record=f"anchor line {a.line}",
            )
        if a.index and walk.hashes.get(a.index) != a.head:
            return ChainBreak(
                code,
                a.index,
                0,
                f"{where}记载的链头哈希与数据库不符：链被整体重写",
                record=f"anchor line {a.line}",
            )
        if a.count != a.index:
            return ChainBreak(
                code, a.index, 0, f"{where}记载的记录数与链序号不符", record=f"anchor line {a.line}"
            )
    return None


def audit_verify(
    *,
    court: Court | None = None,
    batch: int = 5000,
    key: AuditKey | None = None,
    anchors: bool = True,
    anchors_root: Path | None = None,
) -> list[ChainBreak]:
    """Check every court's trail with the key and the anchors; return the first bad row of each.

    Per court, in this order: the keyed hash chain (a changed, inserted, deleted or reordered row,
    or one rewritten with its hashes recomputed without the key); the chain head; the anchors (a
    deleted tail with a rewound head, or a chain rewritten as a whole); the rows of other apps
    recorded in the chain (a ledger transaction added, removed or changed). An anchor file whose
    lines were edited, removed or forged is reported as well, naming its first bad line.
    """
    key = key or audit_key()
    courts = [court] if court is not None else list(Court.objects.order_by("code"))
    registered = witnesses()
    collect = {kind: w.id_field for kind, w in registered.items()}
    breaks: list[ChainBreak] = []
    for c in courts:
        path = anchors_root / f"{c.code}.jsonl" if anchors_root is not None else None
        log = anchors_read(c.code, key=key, path=path) if anchors else AnchorLog(c.code)
        if log.problem is not None:
            breaks.append(
                ChainBreak(
                    c.code,
                    0,
                    0,
                    f"锚点文件第 {log.problem.line} 行：{log.problem.reason}",
                    record=f"anchor line {log.problem.line}",
                )
            )
        want = {a.index for a in log.anchors}
        walk = audit_chain_walk(court=c, key=key, want=want, collect=collect, batch=batch)
        broken = walk.broken
        if broken is None:
            head = AuditChainHead.objects.filter(court=c).first()
            if head is not None and (head.last_index != walk.last_index or head.last_hash != walk.last_hash):
                broken = ChainBreak(c.code, walk.last_index + 1, 0, "链尾记录缺失（链头与最后一条记录不符）")
        if broken is None:
            broken = _anchor_break(c.code, walk, log)
        if broken is None:
            for kind, w in registered.items():
                found = w.check(c, walk.chained[kind])
                if found:
                    broken = found[0]
                    break
        if broken is not None:
            breaks.append(broken)
    return breaks


@dataclass(frozen=True)
class CourtAnchor:
    court: Court
    anchor: Anchor | None
    problem: str = ""


def audit_latest_anchors(*, court_ids: list[int], until: datetime | None = None) -> list[CourtAnchor]:
    """The latest valid anchor of each court (taken at or before ``until``), for reports."""
    key = audit_key()
    out: list[CourtAnchor] = []
    for c in Court.objects.filter(pk__in=court_ids).order_by("code"):
        log = anchors_read(c.code, key=key)
        valid = [a for a in log.anchors if until is None or a.taken_at <= until]
        problem = f"锚点文件第 {log.problem.line} 行：{log.problem.reason}" if log.problem else ""
        out.append(CourtAnchor(c, valid[-1] if valid else None, problem))
    return out


def audit_count(*, court: Court | None = None) -> int:
    qs = CaseEvent.objects.all()
    if court is not None:
        qs = qs.filter(court=court)
    return qs.count()
