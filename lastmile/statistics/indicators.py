"""The indicator engine: court statistics computed in the database from the case core, the ledger
and the enforcement record, with a handful of aggregate queries whatever the number of cases.

Definitions (all over the counted case types of :mod:`.conf`, for a period ``[start, end]`` of
Beijing dates; every formula is written out in ``docs/statistics.md``):

- 旧存: filed before ``start`` and not closed before ``start``; 新收: filed within the period;
  受理 = 旧存 + 新收 (court practice; see docs/law.md). A case received online but never filed is not counted.
- 结案: closed within the period, by method (执行工作规定 2020 art. 64); 未结: 受理 − 结案, i.e.
  filed by ``end`` and not closed by ``end``.
- 结案率 = 结案 ÷ 受理 (verified as court practice; docs/law.md); 执行完毕率, 终本率 and 实际执结率 are
  over 结案 (UNVERIFIED, settings).
- 平均结案周期 = Σ(closing date − filing date) ÷ 结案, also net of the periods excluded from the
  time limit (审限规定 art. 9).
- 法定期限内结案: closed on or before filing + (6 + extension) months + excluded days
  (审限规定 arts. 5, 9); 超期未结: open at ``end`` with its time limit past and no excluded period
  running.

Measure counts are the measures app's own rows, read through its selector ``measure_counts_of_courts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth

from lastmile.accounts.models import Team, User
from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI
from lastmile.core.money import to_money
from lastmile.core.numbers import percent, ratio
from lastmile.enforcement.models import TimeLimitPause
from lastmile.enforcement.rules import TIME_LIMIT_MONTHS
from lastmile.ledger.models import Receipt
from lastmile.measures.selectors import measure_counts_of_courts

from .conf import CLOSING_METHODS, COMPLETED, METHOD_CODES, METHOD_NAMES, NO_PROPERTY, StatsConfig
from .dbfuncs import AddMonths, DaysBetween, local_date

ZERO = Decimal("0.00")

# Measure keys shown on the dashboard, in order, with their Chinese labels: the keys of
# ``lastmile.measures.selectors.measure_counts_of_courts``.
MEASURE_LABELS: dict[str, str] = {
    "summons_by_force": "拘传",
    "detention": "拘留",
    "fine": "罚款",
    "vehicle_seizure": "扣押车辆",
    "dishonest_published": "失信被执行人发布（人次）",
    "consumption_restriction": "限制消费",
    "exit_restriction": "限制出境",
    "refusal_referrals": "拒执移送",
}
# Other spellings a measures selector may use for the same counts.
_MEASURE_ALIASES: dict[str, str] = {
    "summons": "summons_by_force",
    "拘传": "summons_by_force",
    "拘留": "detention",
    "司法拘留": "detention",
    "罚款": "fine",
    "扣押车辆": "vehicle_seizure",
    "失信": "dishonest_published",
    "dishonest": "dishonest_published",
    "dishonest_listing": "dishonest_published",
    "限制消费": "consumption_restriction",
    "限制出境": "exit_restriction",
    "拒执": "refusal_referrals",
    "拒执移送": "refusal_referrals",
    "criminal_referral": "refusal_referrals",
}


@dataclass(frozen=True)
class Filters:
    """What to count: courts, a period of Beijing dates (both ends included), optionally one team
    or one officer."""

    court_ids: tuple[int, ...]
    start: date
    end: date
    team_id: int | None = None
    officer_id: int | None = None
    # Only these cases (the ones the summary does not hold; see .summary), when set.
    only: Q | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period end before start")

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI)

    @property
    def end_dt(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)

    def year_before(self) -> Filters:
        return Filters(
            court_ids=self.court_ids,
            start=_year_before(self.start),
            end=_year_before(self.end),
            team_id=self.team_id,
            officer_id=self.officer_id,
        )


def _year_before(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class Indicators:
    start: date
    end: date
    carried: int  # 旧存
    new: int  # 新收
    accepted: int  # 受理
    closed: int  # 结案
    closed_by_method: dict[str, int]
    open: int  # 未结
    closing_rate: Decimal  # 结案率 %
    completed_rate: Decimal  # 执行完毕率 %
    no_property_rate: Decimal  # 终本率 %
    actual_closed: int  # 实际执结
    actual_rate: Decimal  # 实际执结率 %
    amount_claimed: Decimal  # 申请执行标的
    amount_recovered: Decimal  # 实际执行到位金额
    recovery_rate: Decimal  # 执行到位率 %
    days_total: int
    excluded_days_total: int
    avg_days: Decimal  # 平均结案周期
    avg_days_net: Decimal  # 平均结案周期（扣除审限扣除期间）
    in_time: int
    in_time_rate: Decimal  # 法定期限内结案率 %
    overdue_open: int  # 超期未结
    measures: dict[str, int] = field(default_factory=dict)


def _base(filters: Filters, config: StatsConfig) -> QuerySet[Case]:
    """Counted cases that matter for the period: filed before its end, not closed before its start."""
    qs = Case.objects.filter(
        court_id__in=filters.court_ids,
        type_code__in=config.type_codes,
        filed_at__isnull=False,
        filed_at__lt=filters.end_dt,
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=filters.start_dt))
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.officer_id is not None:
        qs = qs.filter(officer_id=filters.officer_id)
    if filters.only is not None:
        qs = qs.filter(filters.only)
    return qs


def _closed_q(filters: Filters) -> Q:
    return Q(closed_at__isnull=False, closed_at__lt=filters.end_dt)


def _open_q(filters: Filters) -> Q:
    return Q(closed_at__isnull=True) | Q(closed_at__gte=filters.end_dt)


def _excluded_days_subquery(end_date_expr: Any) -> Subquery:
    """Days of excluded periods (审限规定 art. 9) of the outer case, a running one counted up to
    ``end_date_expr``."""
    per_case = (
        TimeLimitPause.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(
            days=Sum(
                Greatest(
                    DaysBetween(
                        Coalesce("ended_on", end_date_expr, output_field=DateField()), F("started_on")
                    ),
                    Value(0),
                    output_field=IntegerField(),
                )
            )
        )
        .values("days")
    )
    return Subquery(per_case, output_field=IntegerField())


def _counts(filters: Filters, config: StatsConfig) -> dict[str, Any]:
    closed = _closed_q(filters)
    aggregates: dict[str, Any] = {
        "carried": Count("pk", filter=Q(filed_at__lt=filters.start_dt)),
        "new": Count("pk", filter=Q(filed_at__gte=filters.start_dt)),
        "closed": Count("pk", filter=closed),
        "open": Count("pk", filter=_open_q(filters)),
        "days_total": Sum(
            DaysBetween(local_date("closed_at"), local_date("filed_at")),
            filter=closed,
            output_field=IntegerField(),
        ),
        "claimed_closed": Sum("amount_claimed", filter=closed),
        "claimed_accepted": Sum("amount_claimed"),
    }
    for i, method in enumerate(CLOSING_METHODS):
        aggregates[f"m{i}"] = Count("pk", filter=closed & Q(closing_method=METHOD_CODES[method]))
    return _base(filters, config).aggregate(**aggregates)


def _amount_recovered(filters: Filters, config: StatsConfig) -> Decimal:
    """Receipts booked to the basis cases up to the end of the period."""
    cases = _base(filters, config)
    if config.money_basis == "closed":
        cases = cases.filter(_closed_q(filters))
    total = Receipt.objects.filter(case__in=cases.values("pk"), received_at__lt=filters.end_dt).aggregate(
        s=Sum("amount")
    )["s"]
    return to_money(total or ZERO)


def _excluded_days_closed(filters: Filters, config: StatsConfig) -> int:
    """Σ excluded days of the cases closed in the period (a pause still open at closing counts up
    to the closing date)."""
    closed_cases = _base(filters, config).filter(_closed_q(filters))
    closing_date = local_date("case__closed_at")
    total = TimeLimitPause.objects.filter(case__in=closed_cases.values("pk")).aggregate(
        s=Sum(
            Greatest(
                DaysBetween(
                    Coalesce("ended_on", closing_date),
                    F("started_on"),
                ),
                Value(0),
                output_field=IntegerField(),
            )
        )
    )["s"]
    return int(total or 0)


def _limit_end(config: StatsConfig) -> Any:
    """The time limit's first day (filing when it has not started) + (6 + approved extension)
    months (审限规定 art. 5). With the statutory six months this is the copy the enforcement app
    keeps on the case (``Case.time_limit_ends_on``), so no enforcement row is joined; another
    ``TIME_LIMIT_MONTHS`` setting recomputes it from the enforcement rows."""
    if config.time_limit_months == TIME_LIMIT_MONTHS:
        return Coalesce(
            "time_limit_ends_on",
            AddMonths(local_date("filed_at"), Value(TIME_LIMIT_MONTHS)),
            output_field=DateField(),
        )
    return AddMonths(
        Coalesce("enforcement__time_limit_starts_on", local_date("filed_at")),
        Coalesce("enforcement__extension_months", Value(0)) + Value(config.time_limit_months),
    )


def _in_time(filters: Filters, config: StatsConfig) -> int:
    """Closures on or before the end of the time limit. Most close before filing + months, which
    needs no look at the excluded periods; only the later ones are checked against them."""
    closed_cases = _base(filters, config).filter(_closed_q(filters))
    closing_date = local_date("closed_at")
    with_limit = closed_cases.annotate(late_days=DaysBetween(closing_date, _limit_end(config)))
    plain = with_limit.filter(late_days__lte=0).count()
    excused = (
        with_limit.filter(late_days__gt=0)
        .annotate(closing_day=closing_date)
        .annotate(excluded=Coalesce(_excluded_days_subquery(OuterRef("closing_day")), Value(0)))
        .filter(late_days__lte=F("excluded"))
        .count()
    )
    return plain + excused


def _overdue_excluded_days(end: date) -> Coalesce:
    """Days of the outer case's excluded periods started by ``end``, each counted up to ``end``
    at most (0 when none)."""
    day = Value(end, output_field=DateField())
    per_case = (
        TimeLimitPause.objects.filter(case=OuterRef("pk"), started_on__lte=end)
        .order_by()
        .values("case")
        .annotate(
            days=Sum(
                Greatest(
                    DaysBetween(Least(Coalesce("ended_on", day), day), F("started_on")),
                    Value(0),
                    output_field=IntegerField(),
                )
            )
        )
        .values("days")
    )
    return Coalesce(Subquery(per_case, output_field=IntegerField()), Value(0))


def _overdue_q(end: date) -> Q:
    """超期未结 on ``end`` for a case annotated with ``late_days`` (``end`` − the nominal last day
    of its time limit, 审限规定 art. 5) and open on ``end``: late, and either no excluded period
    started by then, or none running on it and their days up to it short of the delay (审限规定 art.
    9). Whether a case had an excluded period by then is a column of the case (its earliest one's
    first day, :func:`no_pause_by_q`); the periods running on ``end`` are one ``IN`` sub-query
    PostgreSQL runs once (hashed), the days summed only for the late cases that had one and none
    running."""
    running = TimeLimitPause.objects.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    )
    return Q(late_days__gt=0) & (
        no_pause_by_q(end)
        | (~Q(pk__in=running.values("case_id")) & Q(late_days__gt=_overdue_excluded_days(end)))
    )


def no_pause_by_q(end: date) -> Q:
    """The cases with no period excluded from the time limit started by ``end`` (审限规定 2000 art.
    9), by the copy of their earliest one's first day the enforcement app keeps on the case
    (``Case.time_limit_first_pause_on``): a column comparison, read from the open cases' index."""
    return Q(time_limit_first_pause_on__isnull=True) | Q(time_limit_first_pause_on__gt=end)


def _late_days(filters: Filters, config: StatsConfig) -> Any:
    return DaysBetween(Value(filters.end, output_field=DateField()), _limit_end(config))


def _overdue_cases(filters: Filters, config: StatsConfig) -> Any:
    """The cases 超期未结 on the period's last day (:func:`_overdue_q`), with their ``late_days``."""
    return (
        _base(filters, config)
        .filter(_open_q(filters))
        .annotate(late_days=_late_days(filters, config))
        .filter(_overdue_q(filters.end))
    )


def _open_now(filters: Filters, config: StatsConfig) -> QuerySet[Case]:
    """The cases of :func:`_base` still open now (``closed_at`` null), written without its
    conditions on ``closed_at`` (all true for them), so the planner estimates their number right
    and reads the partial index ``case_open_statistics`` alone (an index-only scan)."""
    qs = Case.objects.filter(
        closed_at__isnull=True,
        court_id__in=filters.court_ids,
        type_code__in=config.type_codes,
        filed_at__isnull=False,
        filed_at__lt=filters.end_dt,
    )
    if filters.team_id is not None:
        qs = qs.filter(team_id=filters.team_id)
    if filters.officer_id is not None:
        qs = qs.filter(officer_id=filters.officer_id)
    return qs


def _overdue_open(filters: Filters, config: StatsConfig) -> int:
    return int(_overdue_cases(filters, config).count())


def measure_counts_for(*, court_ids: Sequence[int], start: date, end: date) -> dict[str, int]:
    """Counts of coercive measures in the period, from the measures app's rows (its selector
    ``measure_counts_of_courts``: every court at once, three queries)."""
    counts = dict.fromkeys(MEASURE_LABELS, 0)
    for key, value in measure_counts_of_courts(court_ids=court_ids, start=start, end=end).items():
        name = _MEASURE_ALIASES.get(key, key)
        counts[name] = counts.get(name, 0) + int(value)
    return counts


def indicator_parts(*, filters: Filters, config: StatsConfig) -> dict[str, Any]:
    """The additive parts of the indicators (counts and sums) over the cases of ``filters``."""
    row = _counts(filters, config)
    closed = row["closed"]
    parts: dict[str, Any] = {
        "carried": row["carried"],
        "new": row["new"],
        "closed": closed,
        "open": row["open"],
        "days_total": int(row["days_total"] or 0),
        "claimed": to_money(
            row["claimed_closed" if config.money_basis == "closed" else "claimed_accepted"] or ZERO
        ),
        "recovered": _amount_recovered(filters, config),
        "excluded": _excluded_days_closed(filters, config) if closed else 0,
        "in_time": _in_time(filters, config) if closed else 0,
    }
    for i, method in enumerate(CLOSING_METHODS):
        parts[method] = row[f"m{i}"]
    return parts


def parts_add(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}


def indicators_compute(
    *,
    filters: Filters,
    config: StatsConfig,
    with_measures: bool = True,
    add: dict[str, Any] | None = None,
    overdue_open: int | None = None,
    read_cases: bool = True,
) -> Indicators:
    """Every indicator for ``filters`` (see the module docstring and docs/statistics.md); ``add``:
    parts of cases counted elsewhere (the summary's), added before the rates are taken;
    ``read_cases=False``: ``add`` holds every part (.direct read the rest), no case is read here.
    The overdue count reads the cases themselves (it depends on the period's last day) unless given."""
    parts = indicator_parts(filters=filters, config=config) if read_cases else {}
    if add:
        parts = parts_add(parts, add)
    pct: Callable[[Any, Any], Decimal] = lambda n, d: percent(  # noqa: E731
        n, d, places=config.percent_places, rounding=config.rounding
    )
    carried, new, closed = parts["carried"], parts["new"], parts["closed"]
    accepted = carried + new
    by_method = {m: parts.get(m, 0) for m in CLOSING_METHODS}
    actual = sum(by_method.get(m, 0) for m in config.actual_closing_methods)
    claimed = to_money(parts["claimed"])
    recovered = to_money(parts["recovered"])
    days_total = int(parts["days_total"])
    excluded = int(parts["excluded"])
    in_time = int(parts["in_time"])
    places, rounding = config.days_places, config.rounding
    if with_measures:
        measures = measure_counts_for(court_ids=filters.court_ids, start=filters.start, end=filters.end)
    else:
        measures = {}
    whole = replace(filters, only=None)
    return Indicators(
        start=filters.start,
        end=filters.end,
        carried=carried,
        new=new,
        accepted=accepted,
        closed=closed,
        closed_by_method=by_method,
        open=parts["open"],
        closing_rate=pct(closed, accepted),
        completed_rate=pct(by_method[COMPLETED], closed),
        no_property_rate=pct(by_method[NO_PROPERTY], closed),
        actual_closed=actual,
        actual_rate=pct(actual, closed),
        amount_claimed=claimed,
        amount_recovered=recovered,
        recovery_rate=pct(recovered, claimed),
        days_total=days_total,
        excluded_days_total=excluded,
        avg_days=ratio(days_total, closed, places=places, rounding=rounding),
        avg_days_net=ratio(max(days_total - excluded, 0), closed, places=places, rounding=rounding),
        in_time=in_time,
        in_time_rate=pct(in_time, closed),
        overdue_open=_overdue_open(whole, config) if overdue_open is None else overdue_open,
        measures=measures,
    )


# --- Trends, breakdowns and paths -----------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    month: date
    new: int
    closed: int


def monthly_trend(
    *,
    filters: Filters,
    config: StatsConfig,
    add: dict[date, tuple[int, int]] | None = None,
    read_cases: bool = True,
) -> list[MonthPoint]:
    """新收 and 结案 per calendar month of the period (two grouped queries); ``add``: (new, closed)
    per month of cases counted elsewhere (the summary's; all of them when ``read_cases`` is false)."""
    if not read_cases:
        return _trend_points(filters, {}, {}, add)
    base = _base(filters, config)
    new = dict(
        base.filter(filed_at__gte=filters.start_dt)
        .annotate(m=TruncMonth("filed_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    closed = dict(
        base.filter(_closed_q(filters))
        .annotate(m=TruncMonth("closed_at", tzinfo=SHANGHAI))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )

    def key(d: Any) -> date:
        return d.date() if isinstance(d, datetime) else d

    return _trend_points(
        filters, {key(k): v for k, v in new.items()}, {key(k): v for k, v in closed.items()}, add
    )


def _trend_points(
    filters: Filters,
    new_by: dict[date, int],
    closed_by: dict[date, int],
    add: dict[date, tuple[int, int]] | None,
) -> list[MonthPoint]:
    for m, (n, c) in (add or {}).items():
        new_by[m] = new_by.get(m, 0) + n
        closed_by[m] = closed_by.get(m, 0) + c
    points = []
    m = filters.start.replace(day=1)
    while m <= filters.end:
        points.append(MonthPoint(m, new_by.get(m, 0), closed_by.get(m, 0)))
        m = (m + timedelta(days=32)).replace(day=1)
    return points


@dataclass(frozen=True)
class BreakdownRow:
    key: int | None
    label: str
    accepted: int
    closed: int
    open: int
    closing_rate: Decimal
    completed: int
    no_property: int
    avg_days: Decimal


_BREAKDOWN_FIELDS = {
    "court": ("court_id", "court__short_name"),
    "team": ("team_id", "team__name"),
    "officer": ("officer_id", "officer__display_name"),
}


_SUMS = ("accepted", "closed", "open", "completed", "no_property", "days")


def _breakdown_qs(filters: Filters, config: StatsConfig, fields: Sequence[str]) -> Any:
    closed = _closed_q(filters)
    return (
        _base(filters, config)
        .order_by()
        .values(*fields)
        .annotate(
            accepted=Count("pk"),
            closed=Count("pk", filter=closed),
            open=Count("pk", filter=_open_q(filters)),
            completed=Count("pk", filter=closed & Q(closing_method=METHOD_CODES[COMPLETED])),
            no_property=Count("pk", filter=closed & Q(closing_method=METHOD_CODES[NO_PROPERTY])),
            days=Sum(
                DaysBetween(local_date("closed_at"), local_date("filed_at")),
                filter=closed,
                output_field=IntegerField(),
            ),
        )
    )


def _breakdown_rows(
    rows: Iterable[dict[str, Any]], key_field: str, label_field: str, config: StatsConfig
) -> list[BreakdownRow]:
    merged: dict[Any, dict[str, Any]] = {}
    for r in rows:
        acc = merged.get(r[key_field])
        if acc is None:
            merged[r[key_field]] = {k: r[k] for k in (key_field, label_field, *_SUMS)}
            continue
        for k in _SUMS:
            acc[k] = (acc[k] or 0) + (r[k] or 0)
        acc[label_field] = acc[label_field] or r[label_field]
    out = [
        BreakdownRow(
            key=r[key_field],
            label=r[label_field] or ("未分配" if r[key_field] is None else str(r[key_field])),
            accepted=r["accepted"],
            closed=r["closed"],
            open=r["open"],
            closing_rate=percent(
                r["closed"], r["accepted"], places=config.percent_places, rounding=config.rounding
            ),
            completed=r["completed"],
            no_property=r["no_property"],
            avg_days=ratio(r["days"] or 0, r["closed"], places=config.days_places, rounding=config.rounding),
        )
        for r in merged.values()
    ]
    return sorted(out, key=lambda r: (-r.accepted, r.label))


def breakdown(
    *,
    filters: Filters,
    config: StatsConfig,
    by: str,
    add: Sequence[dict[str, Any]] = (),
    read_cases: bool = True,
) -> list[BreakdownRow]:
    """受理, 结案, 未结, 结案率 … per court, team or officer, in one grouped query; ``add``: rows
    of the same shape for cases counted elsewhere (the summary's; all of them when ``read_cases``
    is false), merged by key."""
    key_field, label_field = _BREAKDOWN_FIELDS[by]
    rows = _breakdown_qs(filters, config, (key_field, label_field)) if read_cases else []
    return _breakdown_rows([*rows, *add], key_field, label_field, config)


def breakdown_teams_officers(
    *,
    filters: Filters,
    config: StatsConfig,
    add: Sequence[dict[str, Any]] = (),
    read_cases: bool = True,
) -> tuple[list[BreakdownRow], list[BreakdownRow]]:
    """:func:`breakdown` by team and by officer from one grouped pass over (team, officer), the
    names read afterwards for the keys found (no join over the cases); ``add``: rows per (team,
    officer) counted elsewhere (the summary's; all of them when ``read_cases`` is false)."""
    rows = [*(_breakdown_qs(filters, config, ("team_id", "officer_id")) if read_cases else ()), *add]
    rows = [dict(r) for r in rows]
    teams = dict(Team.objects.filter(pk__in={r["team_id"] for r in rows}).values_list("pk", "name"))
    people = dict(
        User.objects.filter(pk__in={r["officer_id"] for r in rows}).values_list("pk", "display_name")
    )
    for r in rows:
        r["team__name"] = teams.get(r["team_id"])
        r["officer__display_name"] = people.get(r["officer_id"])
    return (
        _breakdown_rows(rows, "team_id", "team__name", config),
        _breakdown_rows(rows, "officer_id", "officer__display_name", config),
    )


@dataclass(frozen=True)
class PathRow:
    """Where the period's new cases went, per triage track: closed by method or still open."""

    track: str
    label: str
    total: int
    by_method: dict[str, int]
    open: int
    avg_days_by_method: dict[str, Decimal]


_TRACK_LABELS = {"fast": "快执", "complex": "精执", "pending": "待分流", "": "未分流"}


def closing_paths(
    *,
    filters: Filters,
    config: StatsConfig,
    add: Sequence[dict[str, Any]] = (),
    read_cases: bool = True,
) -> list[PathRow]:
    """The path 新收 cases took: triage track → closing method (or still open at the end);
    ``add``: rows of the same shape for cases counted elsewhere (the summary's; all of them when
    ``read_cases`` is false)."""
    qs: Any = (
        _base(filters, config)
        .filter(filed_at__gte=filters.start_dt)
        .order_by()
        .values("enforcement_track", "closing_method")
        .annotate(
            n=Count("pk", filter=_closed_q(filters)),
            o=Count("pk", filter=_open_q(filters)),
            days=Sum(
                DaysBetween(local_date("closed_at"), local_date("filed_at")),
                filter=_closed_q(filters),
                output_field=IntegerField(),
            ),
        )
    )
    tracks: dict[str, dict[str, Any]] = {}
    for r in [*(qs if read_cases else ()), *add]:
        t = r["enforcement_track"] or ""
        acc = tracks.setdefault(t, {"by": dict.fromkeys(CLOSING_METHODS, 0), "days": {}, "open": 0})
        acc["open"] += r["o"]
        if r["n"]:
            method = METHOD_NAMES.get(r["closing_method"], r["closing_method"]) or "—"
            acc["by"][method] = acc["by"].get(method, 0) + r["n"]
            acc["days"][method] = acc["days"].get(method, 0) + (r["days"] or 0)
    out = []
    for t in sorted(
        tracks, key=lambda k: ("fast", "complex", "pending", "").index(k) if k in _TRACK_LABELS else 9
    ):
        acc = tracks[t]
        out.append(
            PathRow(
                track=t,
                label=_TRACK_LABELS.get(t, t),
                total=sum(acc["by"].values()) + acc["open"],
                by_method=acc["by"],
                open=acc["open"],
                avg_days_by_method={
                    m: ratio(acc["days"].get(m, 0), n, places=1, rounding=config.rounding)
                    for m, n in acc["by"].items()
                    if n
                },
            )
        )
    return out


def overdue_count_and_cases(
    *, filters: Filters, config: StatsConfig, limit: int = 20
) -> tuple[int, list[Case]]:
    """超期未结 and the open cases longest past their time limit on the period's last day (ties by
    key): one query, its count a window over the overdue cases, its rows the first ``limit`` keys."""
    firsts = list(
        _overdue_cases(replace(filters, only=None), config)
        .annotate(total=Window(Count("pk")))
        .order_by("-late_days", "pk")
        .values_list("pk", "total")[:limit]
    )
    count = firsts[0][1] if firsts else 0
    return count, _cases_in_order([pk for pk, _ in firsts])


def overdue_cases(*, filters: Filters, config: StatsConfig, limit: int = 20) -> list[Case]:
    """The first ``limit`` cases of :func:`overdue_count_and_cases`, for a caller that has the
    count already: no window over every overdue case, only the first keys read.

    With the statutory time limit the cases still open are read in the order of their limit's
    nominal last day (``Case.time_limit_ends_on``, the index ``case_open_by_limit_end``): the
    longest overdue come first, so the first ``limit`` that pass the rule end the scan, each
    checked against its own excluded periods (:func:`_excused_days`) rather than the whole
    excluded-period table hashed. The few open cases without that day, and those closed since the
    period's end, are read in a second query; the first ``limit`` of both merged. Another time
    limit reads the overdue cases as :func:`overdue_count_and_cases` does."""
    whole = replace(filters, only=None)
    if config.time_limit_months != TIME_LIMIT_MONTHS:
        firsts = list(
            _overdue_cases(whole, config).order_by("-late_days", "pk").values_list("late_days", "pk")[:limit]
        )
        return _cases_in_order([pk for _, pk in firsts])
    end = Value(whole.end, output_field=DateField())
    by_limit = (
        _open_now(whole, config)
        .filter(time_limit_ends_on__lt=whole.end)
        .annotate(late_days=DaysBetween(end, F("time_limit_ends_on")))
        .annotate(excused=_excused_days(whole.end))
        .filter(late_days__gt=F("excused"))
        .order_by("time_limit_ends_on", "pk")
    )
    # The rest: open cases without that day, and cases closed since the period's end (open on it).
    others = (
        _base(whole, config)
        .filter(Q(closed_at__isnull=True, time_limit_ends_on__isnull=True) | Q(closed_at__gte=whole.end_dt))
        .annotate(late_days=_late_days(whole, config))
        .filter(late_days__gt=0)
        .annotate(excused=_excused_days(whole.end))
        .filter(late_days__gt=F("excused"))
        .order_by("-late_days", "pk")
    )
    firsts = [
        *by_limit.values_list("late_days", "pk")[:limit],
        *others.values_list("late_days", "pk")[:limit],
    ]
    return _cases_in_order([pk for _, pk in sorted(firsts, key=lambda r: (-r[0], r[1]))[:limit]])


# More days than any delay: what an excluded period still running excuses (see _excused_days).
_ALL_DAYS = 10**6


class _ExcusedDays(Func):
    """The correlated sub-query of :func:`_excused_days`, written out as SQL: one aggregate over the
    outer case's excluded periods, no grouping (no row gives NULL, taken as 0). Written out because
    Django spent more time building and hashing the equivalent queryset expression (a grouped
    sub-query, several times per dashboard) than the database spent running it."""

    output_field = IntegerField()

    def __init__(self, end: date) -> None:
        self.end = end
        super().__init__()

    def _sql(
        self, compiler: Any, days: str, least: str, greatest: str, end: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # Only identifiers from the models and fixed SQL are formatted in; the day is a parameter.
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        pk = compiler.quote_name_unless_alias(Case._meta.pk.column)  # type: ignore[union-attr]
        pauses = compiler.quote_name_unless_alias(TimeLimitPause._meta.db_table)
        upto = f"{least}(COALESCE(p.ended_on, %s), %s)"
        running = "MAX(CASE WHEN p.ended_on IS NULL OR p.ended_on > %s THEN 1 ELSE 0 END) = 1"
        sql = (
            f"COALESCE((SELECT CASE WHEN {running} THEN {_ALL_DAYS}"  # noqa: S608
            f" ELSE SUM({greatest}({days.format(upto, 'p.started_on')}, 0)) END"
            f" FROM {pauses} p WHERE p.case_id = {table}.{pk} AND p.started_on <= %s), 0)"
        )
        return sql, (end, end, end, end)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL
        return self._sql(compiler, "({} - {})", "LEAST", "GREATEST", self.end)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        days = "CAST(julianday({}) - julianday({}) AS INTEGER)"
        return self._sql(compiler, days, "MIN", "MAX", self.end.isoformat())


def _excused_days(end: date) -> Func:
    """The days the outer case's excluded periods excuse on ``end`` (the rule of
    :func:`_overdue_q`: 超期未结 when its delay is longer): 0 when none started by then, every day
    when one is running on it, else their days up to it. A per-case look-up (the excluded
    periods' ``case`` index), for a scan that stops after a few cases or for the few late cases
    that have an excluded period."""
    return _ExcusedDays(end)


def _cases_in_order(keys: list[int]) -> list[Case]:
    loaded = Case.objects.select_related("officer", "team", "enforcement").in_bulk(keys)
    return [loaded[k] for k in keys]
