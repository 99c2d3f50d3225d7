"""Reads of the case core. Every staff read is scoped to the actor's court."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.core.errors import InvalidIdentifier, NotFound
from lastmile.core.identifiers import parse_case_number

from .audit import GENESIS, ChainBreak, canonical_time, event_digest
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
class Workbench:
    open_cases: list[Case]
    due: list[Deadline]
    overdue: list[Deadline]
    counts: dict[str, int]


def workbench_for(*, actor: User, today: date, horizon_days: int = 7) -> Workbench:
    """What the actor has open and what is due: overdue, then due within ``horizon_days``."""
    visible = cases_visible_to(actor)
    mine = visible.filter(officer=actor).exclude(status=CaseStatus.CLOSED)
    deadlines = (
        Deadline.objects.filter(court=actor.court, done_at__isnull=True, cancelled_at__isnull=True)
        .filter(Q(assignee=actor) | Q(case__officer=actor))
        .select_related("case")
        .order_by("due_on")
    )
    from datetime import timedelta

    overdue = list(deadlines.filter(due_on__lt=today)[:100])
    due = list(deadlines.filter(due_on__gte=today, due_on__lte=today + timedelta(horizon_days))[:100])
    return Workbench(
        open_cases=list(mine.order_by("received_at")[:50]),
        due=due,
        overdue=overdue,
        counts={
            "open": mine.count(),
            "overdue": len(overdue),
            "due": len(due),
            "court_open": visible.exclude(status=CaseStatus.CLOSED).count(),
        },
    )


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).order_by("chain_index")


def case_open_deadlines(*, case: Case) -> QuerySet[Deadline]:
    return Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True)


def audit_verify(*, court: Court | None = None, batch: int = 5000) -> list[ChainBreak]:
    """Recompute every court's hash chain; return the first broken row of each broken chain.

    Detects a changed row (its hash no longer matches its content), a deleted or inserted row
    (a gap in the index or a ``prev_hash`` that does not link), and a head that does not match.
    """
    courts = [court] if court is not None else list(Court.objects.order_by("code"))
    breaks: list[ChainBreak] = []
    for c in courts:
        prev_hash = GENESIS
        expected = 1
        broken: ChainBreak | None = None
        last_index = 0
        qs = CaseEvent.objects.filter(court=c).order_by("chain_index")
        for ev in qs.iterator(chunk_size=batch):
            if ev.chain_index != expected:
                broken = ChainBreak(c.code, expected, ev.pk, "审计链序号不连续，可能有记录被删除或插入")
                break
            if ev.prev_hash != prev_hash:
                broken = ChainBreak(c.code, ev.chain_index, ev.pk, "与前一条记录的哈希不衔接")
                break
            digest = event_digest(
                prev_hash=prev_hash,
                court_code=c.code,
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
            if digest != ev.hash:
                broken = ChainBreak(c.code, ev.chain_index, ev.pk, "记录内容与哈希不符，已被篡改")
                break
            prev_hash = ev.hash
            last_index = ev.chain_index
            expected += 1
        if broken is None:
            head = AuditChainHead.objects.filter(court=c).first()
            if head is not None and (head.last_index != last_index or head.last_hash != prev_hash):
                broken = ChainBreak(c.code, last_index + 1, 0, "链尾记录缺失（链头与最后一条记录不符）")
        if broken is not None:
            breaks.append(broken)
    return breaks


def audit_count(*, court: Court | None = None) -> int:
    qs = CaseEvent.objects.all()
    if court is not None:
        qs = qs.filter(court=court)
    return qs.count()
