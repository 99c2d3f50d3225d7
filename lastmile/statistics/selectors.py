"""Reads for the command center, scoped to what the actor may see.

Scope: the capability ``stats.view`` (院领导, 指挥中心, 管理员). A user sees the statistics of their
own court; a user of an intermediate or high court also sees every court whose ``parent`` chain
reaches theirs (its subordinate courts), one at a time or all together. No one sees a court
outside that tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q

from lastmile.accounts.models import Court, Team, User
from lastmile.accounts.permissions import require
from lastmile.cases.kinds import DeadlineKind
from lastmile.cases.models import Case, Deadline
from lastmile.core.clock import SHANGHAI
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.filing.models import InstitutionClient

from .conf import StatsConfig, stats_config
from .dbfuncs import dashboard_reads, no_parallel_workers
from .direct import DirectPart, direct_parts
from .financial import FinancialFigures, FinancialFilters, clients_in, financial_compute
from .indicators import (
    BreakdownRow,
    Filters,
    Indicators,
    MonthPoint,
    PathRow,
    breakdown,
    breakdown_teams_officers,
    closing_paths,
    indicators_compute,
    monthly_trend,
    overdue_cases,
    overdue_count_and_cases,
    parts_add,
)
from .summary import Part, summary_parts, summary_usable

ALL_COURTS = "all"


def stats_courts_for(actor: User) -> list[Court]:
    """The courts whose statistics ``actor`` may read: their own and its subordinates."""
    require(actor, "stats.view")
    if actor.court_id is None:
        return []
    courts = {c.pk: c for c in Court.objects.all()}
    children: dict[int | None, list[Court]] = {}
    for c in courts.values():
        children.setdefault(c.parent_id, []).append(c)
    out: list[Court] = []
    stack = [courts[actor.court_id]]
    while stack:
        court = stack.pop()
        out.append(court)
        stack.extend(sorted(children.get(court.pk, []), key=lambda c: c.code, reverse=True))
    return out


@dataclass(frozen=True)
class Scope:
    """What a dashboard request resolved to, after authorisation."""

    courts: list[Court]  # counted
    visible: list[Court]  # may be chosen
    court_choice: str  # a court code or "all"
    team: Team | None
    officer: User | None

    @property
    def court_ids(self) -> tuple[int, ...]:
        return tuple(c.pk for c in self.courts)

    @property
    def label(self) -> str:
        if len(self.courts) == 1:
            base = self.courts[0].name
        else:
            base = f"{self.courts[0].name}及辖区法院（{len(self.courts)}家）"
        if self.team is not None:
            base += f" · {self.team.name}"
        if self.officer is not None:
            base += f" · {self.officer.name}"
        return base


def stats_scope(
    *, actor: User, court_code: str = "", team_id: int | None = None, officer_id: int | None = None
) -> Scope:
    """Resolve and authorise the court / team / officer filters of a statistics request.

    Raises :class:`PermissionDenied` for a court outside the actor's tree and :class:`NotFound` for
    a team or officer that is not in the chosen courts."""
    visible = stats_courts_for(actor)
    if not visible:
        raise PermissionDenied("您的账号未关联法院，不能查看统计。")
    if court_code == ALL_COURTS and len(visible) > 1:
        courts, choice = visible, ALL_COURTS
    elif court_code:
        chosen = [c for c in visible if c.code == court_code]
        if not chosen:
            raise PermissionDenied("不能查看该法院的统计数据。", details={"court": court_code})
        courts, choice = chosen, court_code
    else:
        courts, choice = visible[:1], visible[0].code
    ids = [c.pk for c in courts]
    team = None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id, court_id__in=ids).first()
        if team is None:
            raise NotFound("团队不存在或不属于所选法院。")
    officer = None
    if officer_id is not None:
        officer = User.objects.filter(pk=officer_id, court_id__in=ids).first()
        if officer is None:
            raise NotFound("承办人不存在或不属于所选法院。")
    return Scope(courts=courts, visible=visible, court_choice=choice, team=team, officer=officer)


def filters_for(scope: Scope, *, start: date, end: date) -> Filters:
    return Filters(
        court_ids=scope.court_ids,
        start=start,
        end=end,
        team_id=scope.team.pk if scope.team else None,
        officer_id=scope.officer.pk if scope.officer else None,
    )


@dataclass(frozen=True)
class AlertRow:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    filters: Filters
    config: StatsConfig
    current: Indicators
    previous: Indicators
    trend: list[MonthPoint]
    trend_previous: list[MonthPoint]
    paths: list[PathRow]
    by_team: list[BreakdownRow]
    by_officer: list[BreakdownRow]
    by_court: list[BreakdownRow]
    overdue: list[Case]
    alerts: list[AlertRow]
    alerts_total: int
    alerts_as_of: date
    teams: list[Team]
    officers: list[User]


def open_alerts(*, court_ids: tuple[int, ...], as_of: date) -> tuple[list[AlertRow], int]:
    """Duties that were open on ``as_of`` and already past their due day, grouped by kind."""
    end = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    rows = (
        Deadline.objects.filter(court_id__in=court_ids, due_on__lt=as_of, starts_on__lte=as_of)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=end))
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end))
        .values("kind")
        .annotate(n=Count("pk"))
    )
    kinds = DeadlineKind.all_kinds()
    alerts = [
        AlertRow(r["kind"], str(kinds[r["kind"]].label) if r["kind"] in kinds else r["kind"], r["n"])
        for r in rows
    ]
    alerts.sort(key=lambda a: (-a.count, a.label))
    return alerts, sum(a.count for a in alerts)


def dashboard_for(
    *,
    actor: User,
    start: date,
    end: date,
    today: date,
    court_code: str = "",
    team_id: int | None = None,
    officer_id: int | None = None,
    config: StatsConfig | None = None,
) -> Dashboard:
    """Everything the command center shows for one period and the same period a year before."""
    with dashboard_reads():
        return _dashboard_for(
            actor=actor,
            start=start,
            end=end,
            today=today,
            court_code=court_code,
            team_id=team_id,
            officer_id=officer_id,
            config=config,
        )


def _dashboard_for(
    *,
    actor: User,
    start: date,
    end: date,
    today: date,
    court_code: str,
    team_id: int | None,
    officer_id: int | None,
    config: StatsConfig | None,
) -> Dashboard:
    scope = stats_scope(actor=actor, court_code=court_code, team_id=team_id, officer_id=officer_id)
    config = config or stats_config()
    filters = filters_for(scope, start=start, end=end)
    previous = filters.year_before()
    alerts_as_of = min(today, end)
    alerts, total = open_alerts(court_ids=scope.court_ids, as_of=alerts_as_of)
    ids = scope.court_ids
    # The cases closed in past months come from the summary when there is one (.summary), the rest
    # read once for both periods (.direct); every figure per team or officer from the cases.
    state = summary_usable(filters, config)
    if state is not None:
        no_parallel_workers()
        # The breakdowns by team and officer are shown for this period only.
        parts = summary_parts([filters, previous], config, state, officers=1)
        # 超期未结 from the overdue cells and the direct rows where the cells can say.
        direct = direct_parts(
            [p.direct for p in parts], config, [p.unheld if p.overdue is not None else None for p in parts]
        )
        now, before = (_merged(p, d) for p, d in zip(parts, direct, strict=True))
    summed = state is not None
    by_team, by_officer = breakdown_teams_officers(
        filters=filters, config=config, add=now.by_officer if summed else (), read_cases=not summed
    )
    officer_ids = [b.key for b in by_officer if b.key is not None]
    if summed and now.overdue is not None:
        overdue_open, overdue = now.overdue, overdue_cases(filters=filters, config=config)
    else:
        overdue_open, overdue = overdue_count_and_cases(filters=filters, config=config)
    return Dashboard(
        scope=scope,
        filters=filters,
        config=config,
        current=indicators_compute(
            filters=filters,
            config=config,
            add=now.indicators if summed else None,
            overdue_open=overdue_open,
            read_cases=not summed,
        ),
        previous=indicators_compute(
            filters=previous,
            config=config,
            add=before.indicators if summed else None,
            overdue_open=before.overdue if summed else None,
            read_cases=not summed,
        ),
        trend=monthly_trend(
            filters=filters, config=config, add=now.trend if summed else None, read_cases=not summed
        ),
        trend_previous=monthly_trend(
            filters=previous, config=config, add=before.trend if summed else None, read_cases=not summed
        ),
        paths=closing_paths(
            filters=filters, config=config, add=now.paths if summed else (), read_cases=not summed
        ),
        by_team=by_team,
        by_officer=by_officer,
        by_court=breakdown(
            filters=filters,
            config=config,
            by="court",
            add=now.by_court if summed else (),
            read_cases=not summed,
        )
        if len(ids) > 1
        else [],
        overdue=overdue,
        alerts=alerts,
        alerts_total=total,
        alerts_as_of=alerts_as_of,
        teams=list(Team.objects.filter(court_id__in=ids).order_by("court__code", "name")),
        officers=list(User.objects.filter(pk__in=officer_ids).order_by("display_name", "username")),
    )


def _merged(summary: Part, direct: DirectPart) -> DirectPart:
    """The summary's part of a period and its direct cases' part, added."""
    trend = dict(summary.trend)
    for m, (n, c) in direct.trend.items():
        a, b = trend.get(m, (0, 0))
        trend[m] = (a + n, b + c)
    return DirectPart(
        indicators=parts_add(summary.indicators, direct.indicators),
        trend=trend,
        paths=[*summary.paths, *direct.paths],
        by_court=[*summary.by_court, *direct.by_court],
        by_officer=[*summary.by_officer, *direct.by_officer],
        overdue=None
        if summary.overdue is None or direct.overdue is None
        else summary.overdue + direct.overdue,
    )


def default_period(*, actor: User, today: date, court_code: str = "") -> tuple[date, date, bool]:
    """This year up to ``today``; when the scope has no case filed this year, the latest year that
    has one (the third value says so)."""
    visible = stats_courts_for(actor)
    codes = [c.code for c in visible] if court_code == ALL_COURTS else [court_code or visible[0].code]
    start = date(today.year, 1, 1)
    qs = Case.objects.filter(court__code__in=codes, filed_at__isnull=False)
    if qs.filter(year=today.year).exists():
        return start, today, False
    latest = qs.order_by("-year").values_list("year", flat=True).first()
    if latest is None:
        return start, today, False
    return date(latest, 1, 1), date(latest, 12, 31), True


@dataclass(frozen=True)
class FinancialReport:
    """The financial-case platform's report (:mod:`.financial`) for one request, after authorisation."""

    scope: Scope
    figures: FinancialFigures
    clients: list[InstitutionClient]
    client: InstitutionClient | None


def financial_report_for(
    *,
    actor: User,
    start: date,
    end: date,
    as_of: date,
    period: str = "month",
    court_code: str = "",
    client_id: int | None = None,
    config: StatsConfig | None = None,
) -> FinancialReport:
    """The 岳麓 figures of the courts ``actor`` may see (``stats.view``), for the platform cases filed
    from ``start`` to ``end``, with every stage and closing counted up to the end of ``as_of``.

    Raises :class:`PermissionDenied` for a court outside the actor's tree, :class:`NotFound` for a
    bank that filed no batch in the chosen courts, :class:`.financial.BadFilter` for an unknown period
    or an end before the start."""
    scope = stats_scope(actor=actor, court_code=court_code)
    clients = clients_in(scope.court_ids)
    client = None
    if client_id is not None:
        client = next((c for c in clients if c.pk == client_id), None)
        if client is None:
            raise NotFound("该金融机构未在所选法院批量立案。")
    filters = FinancialFilters(
        court_ids=scope.court_ids, start=start, end=end, as_of=as_of, period=period, client_id=client_id
    )
    figures = financial_compute(filters=filters, config=config or stats_config())
    return FinancialReport(scope=scope, figures=figures, clients=clients, client=client)
