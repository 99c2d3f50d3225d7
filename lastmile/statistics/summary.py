"""The summary behind the command center: cases closed in past months, grouped by month cell.

Why: the dashboard over a province's cases read every case several times (about 20 passes over a
million rows). The cases closed before the current month rarely change, so they are summed once
into :class:`~lastmile.statistics.models.MonthCell` rows (court × type × track × closing method ×
month filed × month closed) and the dashboard reads only those cells plus the cases the summary
does not hold (:func:`direct_q`): the ones still open or closed since ``as_of``, the ones with money
received after their closing month, and those filed or closed in a month the period cuts in two.
Both parts add up to the figures computed from the cases alone (the test
``test_summary_figures_equal_the_direct_computation`` compares them).

Who writes it: only :func:`summary_rebuild`, which reads the stage apps' rows and writes the
statistics' own tables (the statistics import no service; pyproject.toml "The statistics only
read"). It is run by the ``statistics_rebuild`` command and hourly by ``lastmile schedule``
(``lastmile/web/schedule.py``). Between two rebuilds, a change to a case closed before ``as_of``
(reopened, its closing corrected, money received for it) shows after the next rebuild.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import (
    Case as When_,
)
from django.db.models.functions import Coalesce

from lastmile.accounts.models import Court
from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI
from lastmile.enforcement.models import TimeLimitPause
from lastmile.ledger.models import Receipt

from .conf import CLOSING_METHODS, METHOD_CODES, METHOD_NAMES, StatsConfig, stats_config
from .dbfuncs import AddMonths, BeijingPeriodStart, DaysBetween, local_date
from .indicators import ZERO, Filters, _excluded_days_subquery, _limit_end
from .models import MonthCell, OfficerCell, OverdueCell, SummaryState


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return (d.replace(day=1) + timedelta(days=32)).replace(day=1)


def _dt(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


# --- writing --------------------------------------------------------------------------------------


@transaction.atomic
def summary_rebuild(*, now: datetime, config: StatsConfig | None = None) -> SummaryState:
    """Rebuild the summary from the cases: every counted case closed before the first day of
    ``now``'s Beijing month, unless money was received for it after the month it closed."""
    config = config or stats_config()
    type_codes = list(stats_config(excluded_type_codes=[]).type_codes)
    as_of = _month_start(now.astimezone(SHANGHAI).date())
    closed = Case.objects.filter(
        type_code__in=type_codes, filed_at__isnull=False, closed_at__isnull=False, closed_at__lt=_dt(as_of)
    )
    late = sorted(
        set(
            Receipt.objects.filter(case__in=closed.values("pk"))
            .annotate(first_after=AddMonths(BeijingPeriodStart("case__closed_at", "month"), Value(1)))
            .annotate(received_on=local_date("received_at"))
            .filter(received_on__gte=F("first_after"))
            .values_list("case_id", flat=True)
        )
    )
    received = (
        Receipt.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    per_case = (
        closed.exclude(pk__in=late)
        .annotate(
            fm=BeijingPeriodStart("filed_at", "month"),
            cm=BeijingPeriodStart("closed_at", "month"),
            d=DaysBetween(local_date("closed_at"), local_date("filed_at")),
            closing_day=local_date("closed_at"),
        )
        .annotate(
            excl=Coalesce(_excluded_days_subquery(OuterRef("closing_day")), Value(0)),
            late_days=DaysBetween(F("closing_day"), _limit_end(config)),
            rec=Coalesce(Subquery(received, output_field=DecimalField()), Value(ZERO)),
        )
        .order_by()
        .values("court_id", "type_code", "enforcement_track", "closing_method", "fm", "cm")
        .annotate(
            n=Count("pk"),
            days=Sum("d"),
            excluded=Sum("excl"),
            in_time=Sum(
                When_(When(late_days__lte=F("excl"), then=1), default=0, output_field=IntegerField())
            ),
            claimed=Sum(Coalesce("amount_claimed", Value(ZERO))),
            recovered=Sum("rec"),
        )
    )
    MonthCell.objects.all().delete()
    cells = [
        MonthCell(
            court_id=r["court_id"],
            type_code=r["type_code"],
            track=r["enforcement_track"] or "",
            method=r["closing_method"] or "",
            filed_month=_as_date(r["fm"]),
            closed_month=_as_date(r["cm"]),
            n=r["n"],
            days=int(r["days"] or 0),
            excluded_days=int(r["excluded"] or 0),
            in_time=int(r["in_time"] or 0),
            claimed=Decimal(r["claimed"] or 0),
            recovered=Decimal(r["recovered"] or 0),
        )
        for r in per_case
    ]
    MonthCell.objects.bulk_create(cells, batch_size=2000)
    completed, no_property = METHOD_CODES[CLOSING_METHODS[0]], METHOD_CODES[CLOSING_METHODS[1]]
    per_officer = (
        closed.exclude(pk__in=late)
        .annotate(
            fm=BeijingPeriodStart("filed_at", "month"),
            cm=BeijingPeriodStart("closed_at", "month"),
            d=DaysBetween(local_date("closed_at"), local_date("filed_at")),
        )
        .order_by()
        .values("court_id", "type_code", "team_id", "officer_id", "fm", "cm")
        .annotate(
            n=Count("pk"),
            completed=Count("pk", filter=Q(closing_method=completed)),
            no_property=Count("pk", filter=Q(closing_method=no_property)),
            days=Sum("d"),
        )
    )
    OfficerCell.objects.all().delete()
    OfficerCell.objects.bulk_create(
        (
            OfficerCell(
                court_id=r["court_id"],
                type_code=r["type_code"],
                team_id=r["team_id"],
                officer_id=r["officer_id"],
                filed_month=_as_date(r["fm"]),
                closed_month=_as_date(r["cm"]),
                n=r["n"],
                completed=r["completed"],
                no_property=r["no_property"],
                days=int(r["days"] or 0),
            )
            for r in per_officer.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    OverdueCell.objects.all().delete()
    OverdueCell.objects.bulk_create(_overdue_cells(closed.exclude(pk__in=late), config), batch_size=5000)
    SummaryState.objects.all().delete()
    return SummaryState.objects.create(
        as_of=as_of,
        built_at=now,
        time_limit_months=config.time_limit_months,
        type_codes=type_codes,
        late_case_ids=late,
        cells=len(cells),
        cases=sum(c.n for c in cells),
    )


def _overdue_cells(held: Any, config: StatsConfig) -> list[OverdueCell]:
    """超期未结 on each month's last day among the ``held`` cases (closed before ``as_of``), per
    court and type: the rule of ``indicators._overdue_q`` worked out in Python for the few
    cases that closed at least two days after their nominal time limit ended (only those can have
    been open on a month end past it; the others are read no further)."""
    candidates = (
        held.annotate(closing_day=local_date("closed_at"), limit_end=_limit_end(config))
        .annotate(over=DaysBetween(F("closing_day"), F("limit_end")))
        .filter(over__gt=1)
    )
    rows = [
        (pk, court_id, type_code, _as_date(filed), _as_date(closing), _as_date(limit))
        for pk, court_id, type_code, filed, closing, limit in candidates.annotate(
            filed_day=local_date("filed_at")
        ).values_list("pk", "court_id", "type_code", "filed_day", "closing_day", "limit_end")
    ]
    pauses: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for case_id, started, ended in TimeLimitPause.objects.filter(
        case__in=candidates.values("pk")
    ).values_list("case_id", "started_on", "ended_on"):
        pauses[case_id].append((started, ended))
    counts: dict[tuple[int, str, date], int] = defaultdict(int)
    for pk, court_id, type_code, filed, closing, limit in rows:
        # Month ends M with the case filed by M, open on M (closed after it) and past its limit.
        m = _next_month(max(filed, limit + timedelta(days=1))) - timedelta(days=1)
        while m < closing:
            if _overdue_on(m, (m - limit).days, pauses.get(pk, ())):
                counts[(court_id, type_code, m)] += 1
            m = _next_month(m + timedelta(days=1)) - timedelta(days=1)
    return [OverdueCell(court_id=c, type_code=t, month_end=m, n=n) for (c, t, m), n in counts.items()]


def _overdue_on(day: date, late: int, pauses: Iterable[tuple[date, date | None]]) -> bool:
    """Past the time limit on ``day`` by ``late`` days and 超期未结 there (审限规定 art. 9): no
    excluded period started by then, or none running on it and their days short of ``late``."""
    started = [(s, e) for s, e in pauses if s <= day]
    if not started:
        return True
    if any(e is None or e > day for _, e in started):
        return False
    return sum(max((e - s).days, 0) for s, e in started if e is not None) < late


def _as_date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, str):
        return date.fromisoformat(v[:10])
    return v


def summary_clear() -> None:
    """Forget the summary: the dashboard computes everything from the cases again."""
    MonthCell.objects.all().delete()
    OfficerCell.objects.all().delete()
    OverdueCell.objects.all().delete()
    SummaryState.objects.all().delete()


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A period's figures split in two: ``direct`` filters for the cases read one by one, and the
    summary's contribution in the shapes the indicator functions add."""

    direct: Filters
    indicators: dict[str, Any]
    trend: dict[date, tuple[int, int]]
    paths: list[dict[str, Any]]
    by_court: list[dict[str, Any]]
    # Rows per (team, officer) in the shape of indicators._breakdown_qs.
    by_officer: list[dict[str, Any]]
    # 超期未结 on the period's last day among the cases the summary holds (the overdue cells), and
    # the cases it does not hold, whose overdue the direct rows count; ``overdue`` is None when the
    # cells cannot say (a last day before ``as_of`` that is not a month's last day).
    overdue: int | None = None
    unheld: Q | None = None


def summary_usable(filters: Filters, config: StatsConfig) -> SummaryState | None:
    """The summary's state when it can serve ``filters`` with ``config``: not for one team or
    officer (the cells are per court), nor for another time limit, money basis or case types."""
    if filters.team_id is not None or filters.officer_id is not None or config.money_basis != "closed":
        return None
    state = SummaryState.objects.order_by("-built_at").first()
    if state is None or state.time_limit_months != config.time_limit_months:
        return None
    if not set(config.type_codes) <= set(state.type_codes):
        return None
    return state


def _cut_months(filters: Filters) -> set[date]:
    """Months the period cuts in two: the summary's month cells cannot say which side a case is on."""
    cut = set()
    if filters.start.day != 1:
        cut.add(_month_start(filters.start))
    if (filters.end + timedelta(days=1)).day != 1:
        cut.add(_month_start(filters.end))
    return cut


def unheld_q(state: SummaryState) -> Q:
    """The cases the summary does not hold: open or closed since ``as_of``, or with money received
    after their closing month."""
    q = Q(closed_at__isnull=True) | Q(closed_at__gte=_dt(state.as_of))
    if state.late_case_ids:
        q |= Q(pk__in=state.late_case_ids)
    return q


def direct_q(state: SummaryState, cut: Iterable[date]) -> Q:
    """The cases read directly for this period: those the summary does not hold (:func:`unheld_q`)
    and those filed or closed in a month the period cuts."""
    q = unheld_q(state)
    for m in cut:
        lo, hi = _dt(m), _dt(_next_month(m))
        q |= Q(closed_at__gte=lo, closed_at__lt=hi) | Q(filed_at__gte=lo, filed_at__lt=hi)
    return q


def _month_part(filters: Filters, config: StatsConfig, state: SummaryState) -> Part:
    """:func:`summary_part` from the month cells (no officer rows, no court names yet)."""
    cut = _cut_months(filters)
    s, e = filters.start, filters.end
    in_window = (
        MonthCell.objects.filter(court_id__in=filters.court_ids, type_code__in=config.type_codes)
        .filter(filed_month__lte=e, closed_month__gte=_month_start(s))
        .exclude(filed_month__in=cut)
        .exclude(closed_month__in=cut)
        .order_by()
    )
    # Filed by the end, not closed before the start (the query's bounds): cases of the base. The
    # cells are added up in the database, by what the families tell apart (about 3,300 cells of a
    # year become a few hundred rows): per court × track × method × closed in the period × new in
    # it for the indicators, the paths and the breakdown by court; per month filed (the new) and
    # month closed (the closed in the period) for the trend.
    new_q, closed_q = Q(filed_month__gte=s), Q(closed_month__lte=e)
    grouped = (
        in_window.annotate(new=_bool(new_q), closed_in=_bool(closed_q))
        .values("court_id", "track", "method", "new", "closed_in")
        .annotate(
            n=Sum("n"),
            days=Sum("days"),
            excl=Sum("excluded_days"),
            in_time=Sum("in_time"),
            claimed=Sum("claimed"),
            recovered=Sum("recovered"),
        )
        .values_list(*_GROUPED)
    )
    by_month = (
        in_window.annotate(
            fm=When_(When(new_q, then=F("filed_month")), default=Value(None), output_field=DateField()),
            cm=When_(When(closed_q, then=F("closed_month")), default=Value(None), output_field=DateField()),
        )
        .values("fm", "cm")
        .annotate(total=Sum("n"))
        .values_list("fm", "cm", "total")
    )
    ind: dict[str, Any] = defaultdict(int)
    ind["claimed"] = ind["recovered"] = ZERO
    trend: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    paths: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    courts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    completed, no_property = METHOD_CODES[CLOSING_METHODS[0]], METHOD_CODES[CLOSING_METHODS[1]]
    for court_id, track, method, new, closed_in, n, days, excl, in_time, claimed, recovered in grouped:
        ind["new" if new else "carried"] += n
        acc = courts[court_id]
        acc[0] += n
        if new:
            p = paths[(track, method if closed_in else "")]
            p[0 if closed_in else 1] += n
            if closed_in:
                p[2] += days
        if closed_in:
            ind["closed"] += n
            if method in METHOD_NAMES:  # a code of the six methods (as the direct count filters)
                ind[METHOD_NAMES[method]] += n
            ind["days_total"] += days
            ind["excluded"] += excl
            ind["in_time"] += in_time
            ind["claimed"] += claimed
            ind["recovered"] += recovered
            acc[1] += n
            acc[3] += n if method == completed else 0
            acc[4] += n if method == no_property else 0
            acc[5] += days
        else:
            ind["open"] += n
            acc[2] += n
    for fm, cm, n in by_month:
        if fm is not None:
            trend[_as_date(fm)][0] += n
        if cm is not None:
            trend[_as_date(cm)][1] += n
    return Part(
        direct=replace(filters, only=direct_q(state, cut)),
        overdue=_overdue_held(filters, config, state),
        unheld=unheld_q(state),
        indicators=dict(ind),
        trend={m: (v[0], v[1]) for m, v in trend.items()},
        paths=_path_rows(paths),
        by_court=_court_rows(courts, {}),
        by_officer=[],
    )


def summary_parts(
    periods: Sequence[Filters], config: StatsConfig, state: SummaryState, officers: int | None = None
) -> list[Part]:
    """:func:`summary_part` of each of ``periods``, the courts' names read once; the officer cells
    only for the first ``officers`` periods (all by default; the dashboard shows the breakdowns by
    team and officer for its own period only, not the year before), in one scan with a sum per
    period."""
    parts = [_month_part(f, config, state) for f in periods]
    ids = {r["court_id"] for p in parts for r in p.by_court}
    names = dict(Court.objects.filter(pk__in=ids).values_list("pk", "short_name"))
    for p in parts:
        for r in p.by_court:
            r["court__short_name"] = names.get(r["court_id"], "")
    sums: dict[str, Any] = {}
    windows = Q(pk__in=[])
    with_officers = periods[: len(periods) if officers is None else officers]
    for k, f in enumerate(with_officers):
        cut = _cut_months(f)
        window = (
            Q(court_id__in=f.court_ids, filed_month__lte=f.end, closed_month__gte=_month_start(f.start))
            & ~Q(filed_month__in=cut)
            & ~Q(closed_month__in=cut)
        )
        windows |= window
        closed_by_end = window & Q(closed_month__lte=f.end)
        sums |= {
            f"accepted{k}": Sum("n", filter=window),
            f"closed{k}": Sum("n", filter=closed_by_end),
            f"open{k}": Sum("n", filter=window & Q(closed_month__gt=f.end)),
            f"completed{k}": Sum("completed", filter=closed_by_end),
            f"no_property{k}": Sum("no_property", filter=closed_by_end),
            f"days{k}": Sum("days", filter=closed_by_end),
        }
    # Added up per (team, officer) in the database: a few hundred rows instead of every cell.
    officer_sums = (
        []
        if not with_officers
        else list(
            OfficerCell.objects.filter(windows, type_code__in=config.type_codes)
            .order_by()
            .values("team_id", "officer_id")
            .annotate(**sums)
        )
    )
    keys = ("accepted", "closed", "open", "completed", "no_property", "days")
    out = []
    for k, p in enumerate(parts):
        if k >= len(with_officers):
            out.append(p)
            continue
        people = {
            (r["team_id"], r["officer_id"]): [int(r[f"{key}{k}"] or 0) for key in keys]
            for r in officer_sums
            if r[f"accepted{k}"] is not None
        }
        out.append(replace(p, by_officer=_officer_rows(people)))
    return out


def summary_part(filters: Filters, config: StatsConfig, state: SummaryState) -> Part:
    """The summary's share of ``filters``'s figures, and the filters for the rest."""
    return summary_parts([filters], config, state)[0]


# The columns of the month cells added up per court × track × method × closed in × new.
_GROUPED = (
    *("court_id", "track", "method", "new", "closed_in"),
    *("n", "days", "excl", "in_time", "claimed", "recovered"),
)


def _bool(q: Q) -> When_:
    return When_(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _overdue_held(filters: Filters, config: StatsConfig, state: SummaryState) -> int | None:
    """超期未结 on ``filters.end`` among the cases the summary holds: none when that day is on or
    after the summary's last day (they had all closed by then), the overdue cells when it is an
    earlier month's last day, None (unknown here) otherwise."""
    if filters.end + timedelta(days=1) >= state.as_of:
        return 0
    if (filters.end + timedelta(days=1)).day != 1:
        return None
    total = OverdueCell.objects.filter(
        court_id__in=filters.court_ids, type_code__in=config.type_codes, month_end=filters.end
    ).aggregate(n=Sum("n"))["n"]
    return int(total or 0)


def _path_rows(paths: dict[tuple[Any, Any], list[Any]]) -> list[dict[str, Any]]:
    """The paths family's rows, in the shape the indicators' grouped pass gives."""
    return [
        {"enforcement_track": t, "closing_method": m, "n": v[0], "o": v[1], "days": v[2]}
        for (t, m), v in paths.items()
    ]


def _court_rows(courts: dict[Any, list[Any]], names: dict[Any, str]) -> list[dict[str, Any]]:
    """The breakdown by court's rows, in the shape the indicators' grouped pass gives."""
    keys = ("accepted", "closed", "open", "completed", "no_property", "days")
    return [
        {"court_id": c, "court__short_name": names.get(c, ""), **dict(zip(keys, v[:6], strict=True))}
        for c, v in courts.items()
    ]


def _officer_rows(people: dict[tuple[int | None, int | None], list[int]]) -> list[dict[str, Any]]:
    keys = ("accepted", "closed", "open", "completed", "no_property", "days")
    return [
        {"team_id": t, "officer_id": o, **dict(zip(keys, v, strict=True))} for (t, o), v in people.items()
    ]
