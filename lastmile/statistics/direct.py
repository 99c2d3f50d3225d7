"""The cases the summary does not hold, read once for every period of a dashboard.

Why: with the summary (:mod:`.summary`) the dashboard still read its direct cases (open, closed
since the summary's ``as_of``, late money, cut months) once per figure family and per period:
nine scans, each touching nearly every page of the cases table. Here they are read in one pass
(the union of the periods' conditions), grouped in the database by what the families tell apart
(court, team, officer, closing method, triage track, months filed and closed, the period flags),
with what they add computed there (days to closing, the excluded days up to closing, the in-time
flag, the money received up to each period's end, 超期未结 on each period's last day), and the
families' additive parts summed in Python from those rows. The pass is two queries whose rows add
up: the cases still open, read from the partial index ``case_open_statistics`` alone, and the
closed ones. The figures are the ones the grouped queries of :mod:`.indicators` give (the summary
tests compare the dashboard with and without the summary).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
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
from django.db.models import Case as When_
from django.db.models.functions import Coalesce

from lastmile.accounts.models import Court
from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI
from lastmile.core.money import to_money
from lastmile.ledger.models import Receipt

from .conf import CLOSING_METHODS, COMPLETED, METHOD_CODES, NO_PROPERTY, StatsConfig
from .dbfuncs import BeijingPeriodStart, DaysBetween, grouped_by_hashing, local_date, time_bucket
from .indicators import (
    Filters,
    _excluded_days_subquery,
    _excused_days,
    _limit_end,
    _open_now,
    no_pause_by_q,
)
from .summary import _as_date, _court_rows, _dt, _next_month, _officer_rows, _path_rows


@dataclass(frozen=True)
class DirectPart:
    """One period's figures over its direct cases, in the shapes the indicator functions add
    (``paths`` for the first period of :func:`direct_parts` only)."""

    indicators: dict[str, Any]
    trend: dict[date, tuple[int, int]]
    paths: list[dict[str, Any]]
    by_court: list[dict[str, Any]]
    by_officer: list[dict[str, Any]]  # per (team, officer)
    overdue: int | None = None  # 超期未结 on the period's last day among the cases asked for


def _in_period_q(filters: Filters, config: StatsConfig) -> Q:
    """The conditions of :func:`.indicators._base` for ``filters`` as one Q (no team or officer:
    the summary serves neither)."""
    q = Q(
        court_id__in=filters.court_ids,
        type_code__in=config.type_codes,
        filed_at__isnull=False,
        filed_at__lt=filters.end_dt,
    ) & (Q(closed_at__isnull=True) | Q(closed_at__gte=filters.start_dt))
    if filters.only is not None:
        q &= filters.only
    return q


def direct_parts(
    periods: Sequence[Filters], config: StatsConfig, overdue: Sequence[Q | None] = ()
) -> list[DirectPart]:
    """The direct cases' parts of each of ``periods`` (each with its ``only`` set by the summary),
    from one query over the cases; ``overdue[k]``, when given and not None: also count 超期未结 on
    period k's last day among the cases it selects (they must all be in the period's direct set)."""
    closed_any = Q(closed_at__isnull=False)

    def received(end_dt: Any) -> Subquery:
        per_case = (
            Receipt.objects.filter(case=OuterRef("pk"), received_at__lt=end_dt)
            .order_by()
            .values("case")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        return Subquery(per_case, output_field=DecimalField())

    closing_day = local_date("closed_at")
    late_days = DaysBetween(closing_day, _limit_end(config))
    excluded = When_(
        When(closed_any, then=Coalesce(_excluded_days_subquery(OuterRef("closing_day")), Value(0))),
        default=Value(0),
        output_field=IntegerField(),
    )
    per_case: dict[str, Any] = {
        "d": DaysBetween(closing_day, local_date("filed_at")),
        "excl": excluded,
        # The triage track (the enforcement app's copy on the case) only where the paths need it:
        # new in the first period; elsewhere one value, so it splits no group.
        "track": When_(
            When(Q(filed_at__gte=periods[0].start_dt), then=F("enforcement_track")),
            default=Value(None),
            output_field=CharField(),
        ),
        "fm": BeijingPeriodStart("filed_at", "month"),
        "cm": BeijingPeriodStart("closed_at", "month"),
    }
    keys = ["court_id", "team_id", "officer_id", "closing_method", "track", "fm", "cm"]
    sums: dict[str, Any] = {
        "n": Count("pk"),
        "days": Sum("d"),
        "excluded": Sum("excl"),
        "in_time": Sum(
            When_(
                When(closed_any & (Q(late_days__lte=0) | Q(late_days__lte=F("excl"))), then=1),
                default=0,
                output_field=IntegerField(),
            )
        ),
        "claimed": Sum("amount_claimed"),
    }
    for k, f in enumerate(periods):
        per_case[f"in{k}"] = _flag(_in_period_q(f, config))
        per_case[f"new{k}"] = _flag(Q(filed_at__gte=f.start_dt))
        per_case[f"closed{k}"] = _flag(Q(closed_at__isnull=False, closed_at__lt=f.end_dt))
        keys += [f"in{k}", f"new{k}", f"closed{k}"]
        among = overdue[k] if k < len(overdue) else None
        if among is not None:
            per_case[f"late{k}"] = DaysBetween(Value(f.end, output_field=DateField()), _limit_end(config))
            per_case[f"excused{k}"] = _excused_days(f.end)
            sums[f"overdue{k}"] = Sum(_overdue_flag(f, k, among))
        # Receipts booked up to the period's end (counted for the cases closed in it: money basis
        # "closed").
        sums[f"rec{k}"] = Sum(
            When_(
                When(Q(closed_at__isnull=False, closed_at__lt=f.end_dt), then=received(f.end_dt)),
                default=Value(None),
                output_field=DecimalField(),
            )
        )
    any_period = Q()
    for f in periods:
        any_period |= _in_period_q(f, config)
    # One row per combination of the keys (the open cases of an officer filed in one month are one
    # row), so few rows travel whatever the number of cases. Two queries whose rows add up: the
    # cases still open (most of them), which have nothing to sum about a closing, read from the
    # partial index ``case_open_statistics`` alone (an index-only scan; selected by court, type
    # and filing only, a superset the ``in{k}`` flags narrow, so the planner counts them right and
    # groups them by hashing), and the closed ones with every sum.
    # (No 申请执行标的 for them: with the summary the money basis is the cases closed.)
    span = Filters(
        court_ids=tuple(sorted({c for f in periods for c in f.court_ids})),
        start=min(f.start for f in periods),
        end=max(f.end for f in periods),
    )
    rows = _open_rows(periods, config, span, [k for k in range(len(periods)) if f"overdue{k}" in sums])
    closed_rows = list(
        Case.objects.filter(any_period, closed_at__isnull=False)
        .order_by()
        .annotate(closing_day=closing_day, late_days=late_days)
        .annotate(**per_case)
        .values(*keys)
        .annotate(**sums)
    )
    for r in closed_rows:
        r["fm"] = _as_date(r["fm"]) if r["fm"] is not None else None
        r["cm"] = _as_date(r["cm"]) if r["cm"] is not None else None
    rows += closed_rows
    names = dict(Court.objects.filter(pk__in={r["court_id"] for r in rows}).values_list("pk", "short_name"))
    return [_part(rows, k, f, f"overdue{k}" in sums, names) for k, f in enumerate(periods)]


def _open_rows(
    periods: Sequence[Filters], config: StatsConfig, span: Filters, overdue: Sequence[int]
) -> list[dict[str, Any]]:
    """The cases still open, grouped, in the rows' shape of :func:`direct_parts` (with 超期未结 on
    the last day of each period in ``overdue``). Read from the partial index
    ``case_open_statistics`` alone (an index-only scan, grouped by hashing) and grouped by raw
    columns and one interval number (:func:`.dbfuncs.time_bucket` over the month starts and the
    periods' bounds): the month filed and the period flags follow from that number here, so the
    database computes no month in a time zone and no flag per case. Every open case is in each
    period's direct set (the summary holds closed cases only), so a period's conditions on it are
    its courts and its end."""
    months = []
    m = min(f.start for f in periods).replace(day=1)
    last = max(f.end for f in periods)
    while m <= last:
        months.append(_dt(m))
        m = _next_month(m)
    bounds = {t for f in periods for t in (f.start_dt, f.end_dt)}
    instants = sorted(bounds | set(months))
    late: dict[str, Any] = {}
    sums: dict[str, Any] = {"n": Count("pk")}
    for k in overdue:
        f = periods[k]
        late[f"late{k}"] = DaysBetween(Value(f.end, output_field=DateField()), _limit_end(config))
        late[f"excused{k}"] = _excused_days(f.end)
        sums[f"overdue{k}"] = Sum(_open_overdue_flag(f, k))
    # No closing method: an open case's is read only once it is closed (.direct._part, the paths).
    keys = ["court_id", "team_id", "officer_id", "enforcement_track", "bucket"]
    grouped = (
        _open_now(span, config)
        .order_by()
        .annotate(bucket=time_bucket("filed_at", instants), **late)
        .values(*keys)
        .annotate(**sums)
        .values_list(*keys, *sums)
    )
    with grouped_by_hashing():
        raw = list(grouped)
    # What each interval number says (the same for every row in it): month filed, new in each
    # period, filed before each period's end; a row adds its court's membership. The sums of a
    # closing are None for open cases.
    nothing = dict.fromkeys(
        ("days", "excluded", "in_time", "claimed", *(f"rec{k}" for k in range(len(periods))))
    )
    courts = [set(f.court_ids) for f in periods]
    by_bucket = {}
    for b in range(len(instants) + 1):
        lo = instants[b - 1] if b > 0 else None  # the interval [lo, hi) the filing falls in
        hi = instants[b] if b < len(instants) else None
        fm = lo.astimezone(SHANGHAI).date().replace(day=1) if lo is not None else None
        fixed = {**nothing, "closing_method": "", "cm": None, "fm": fm}
        for k, f in enumerate(periods):
            fixed[f"new{k}"] = lo is not None and lo >= f.start_dt
            fixed[f"closed{k}"] = False
        before_end = [hi is not None and hi <= f.end_dt for f in periods]
        by_bucket[b] = (fixed, before_end, lo is not None and lo >= periods[0].start_dt)
    names = [*keys, *sums]
    out = []
    for values in raw:
        r = dict(zip(names, values, strict=True))
        fixed, before_end, new_first = by_bucket[r.pop("bucket")]
        track = r.pop("enforcement_track")
        row: dict[str, Any] = {**fixed, **r, "track": track if new_first else None}
        for k in range(len(periods)):
            row[f"in{k}"] = before_end[k] and r["court_id"] in courts[k]
        out.append(row)
    return out


def _open_overdue_flag(f: Filters, k: int) -> When_:
    """:func:`_overdue_flag` for a case still open (open on every day, in every direct set): late,
    and no excluded period started by the last day (a column of the case,
    :func:`.indicators.no_pause_by_q`) or, for the few late cases that have one, their own
    excluded periods excusing fewer days than the delay (:func:`.indicators._excused_days`, a
    look-up by case; none running)."""
    return When_(
        When(Q(**{f"late{k}__lte": 0}), then=0),
        When(no_pause_by_q(f.end), then=1),
        When(Q(**{f"late{k}__gt": F(f"excused{k}")}), then=1),
        default=0,
        output_field=IntegerField(),
    )


def _overdue_flag(f: Filters, k: int, among: Q) -> When_:
    """1 for a case of ``among`` 超期未结 on ``f.end`` (the rule of
    :func:`.indicators._overdue_q`), else 0: open on that day, late, and its excluded periods
    excusing fewer days than the delay (:func:`.indicators._excused_days`, looked up only for the
    late cases)."""
    return When_(
        When(~among, then=0),
        When(Q(closed_at__isnull=False, closed_at__lt=f.end_dt), then=0),  # closed by the end
        When(Q(**{f"late{k}__lte": 0}), then=0),
        When(Q(**{f"late{k}__gt": F(f"excused{k}")}), then=1),
        default=0,
        output_field=IntegerField(),
    )


def _flag(q: Q) -> When_:
    return When_(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _part(
    rows: list[dict[str, Any]], k: int, f: Filters, with_overdue: bool, names: dict[int, str]
) -> DirectPart:
    ind: dict[str, Any] = dict.fromkeys(("carried", "new", "closed", "open", "days_total", "excluded"), 0)
    ind["in_time"] = 0
    ind.update(dict.fromkeys(CLOSING_METHODS, 0))
    claimed, recovered = Decimal(0), Decimal(0)
    trend: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    paths: dict[tuple[str | None, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    courts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    people: dict[tuple[int | None, int | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    codes = {code: name for name, code in METHOD_CODES.items()}
    completed, no_property = METHOD_CODES[COMPLETED], METHOD_CODES[NO_PROPERTY]
    in_k, new_k, closed_k, rec_k = f"in{k}", f"new{k}", f"closed{k}", f"rec{k}"
    overdue = 0 if with_overdue else None
    for r in rows:
        if not r[in_k]:
            continue
        if overdue is not None:
            overdue += int(r[f"overdue{k}"] or 0)
        n, new, closed, method = r["n"], r[new_k], r[closed_k], r["closing_method"]
        days = int(r["days"] or 0)
        acc = courts[r["court_id"]]
        per = people[(r["team_id"], r["officer_id"])]
        acc[0] += n
        per[0] += n
        ind["new" if new else "carried"] += n
        if new:
            trend[r["fm"]][0] += n
            if k == 0:  # the paths of the first period only (the dashboard shows no others)
                p = paths[(r["track"], method)]
                p[0 if closed else 1] += n
                if closed:
                    p[2] += days
        if closed:
            ind["closed"] += n
            if method in codes:
                ind[codes[method]] += n
            ind["days_total"] += days
            ind["excluded"] += int(r["excluded"] or 0)
            ind["in_time"] += int(r["in_time"] or 0)
            claimed += r["claimed"] or 0
            recovered += r[rec_k] or 0
            trend[r["cm"]][1] += n
            acc[1] += n
            acc[3] += n if method == completed else 0
            acc[4] += n if method == no_property else 0
            acc[5] += days
            per[1] += n
            per[3] += n if method == completed else 0
            per[4] += n if method == no_property else 0
            per[5] += days
        else:
            ind["open"] += n
            acc[2] += n
            per[2] += n
    ind["claimed"] = to_money(claimed)
    ind["recovered"] = to_money(recovered)
    return DirectPart(
        indicators=ind,
        trend={m: (v[0], v[1]) for m, v in trend.items()},
        paths=_path_rows(paths),
        by_court=_court_rows(courts, names),
        by_officer=_officer_rows(people),
        overdue=overdue,
    )
