"""The cases the summary does not hold, read once for every period of a dashboard.

Why: with the summary (:mod:`.summary`) the dashboard still read its direct cases (open, closed
since the summary's ``as_of``, late money, cut months) once per figure family and per period:
nine scans, each touching nearly every page of the cases table. Here they are read in ONE query
(the union of the periods' conditions), one row per case with what the families need computed in
the database (Beijing dates, days to closing, the time limit's end, the excluded days up to
closing, the money received up to each period's end), and the families' additive parts are summed
in Python from those rows. The rows are few (the cases still open plus this month's closings), so
this costs one pass instead of nine. The figures are the ones the grouped queries of
:mod:`.indicators` give (the summary tests compare the dashboard with and without the summary).
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
    DecimalField,
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
from lastmile.core.money import to_money
from lastmile.enforcement.models import EnforcementCase
from lastmile.ledger.models import Receipt

from .conf import CLOSING_METHODS, COMPLETED, METHOD_CODES, NO_PROPERTY, StatsConfig
from .dbfuncs import DaysBetween, local_date
from .indicators import Filters, _excluded_days_subquery, _limit_end


@dataclass(frozen=True)
class DirectPart:
    """One period's figures over its direct cases, in the shapes the indicator functions add."""

    indicators: dict[str, Any]
    trend: dict[date, tuple[int, int]]
    paths: list[dict[str, Any]]
    by_court: list[dict[str, Any]]


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


def direct_parts(periods: Sequence[Filters], config: StatsConfig) -> list[DirectPart]:
    """The direct cases' parts of each of ``periods`` (each with its ``only`` set by the summary),
    from one query over the cases."""
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

    days: dict[str, Any] = {"filed_day": local_date("filed_at"), "closed_day": local_date("closed_at")}
    annotations: dict[str, Any] = {
        "d": DaysBetween(local_date("closed_at"), local_date("filed_at")),
        "late_days": DaysBetween(local_date("closed_at"), _limit_end(config)),
        "excl": When_(
            When(
                closed_any,
                then=Coalesce(_excluded_days_subquery(OuterRef("closed_day")), Value(0)),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "track": Subquery(EnforcementCase.objects.filter(case=OuterRef("pk")).values("track")[:1]),
    }
    values = ["pk", "court_id", "closing_method", "amount_claimed", "filed_at", "closed_at"]
    for k, f in enumerate(periods):
        annotations[f"in{k}"] = When_(
            When(_in_period_q(f, config), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        # Receipts booked up to the period's end, for the cases closed in it (money basis "closed").
        annotations[f"rec{k}"] = When_(
            When(
                Q(closed_at__isnull=False, closed_at__lt=f.end_dt),
                then=received(f.end_dt),
            ),
            default=Value(None),
            output_field=DecimalField(),
        )
    any_period = Q()
    for f in periods:
        any_period |= _in_period_q(f, config)
    rows = list(
        Case.objects.filter(any_period)
        .order_by()
        .annotate(**days)
        .annotate(**annotations)
        .values(*values, *days, *annotations)
    )
    return [_part(rows, k, f) for k, f in enumerate(periods)]


def _part(rows: list[dict[str, Any]], k: int, f: Filters) -> DirectPart:
    start_dt, end_dt = f.start_dt, f.end_dt
    ind: dict[str, Any] = dict.fromkeys(("carried", "new", "closed", "open", "days_total", "excluded"), 0)
    ind["in_time"] = 0
    ind.update(dict.fromkeys(CLOSING_METHODS, 0))
    claimed, recovered = Decimal(0), Decimal(0)
    trend: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    paths: dict[tuple[str | None, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    courts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    codes = {code: name for name, code in METHOD_CODES.items()}
    completed, no_property = METHOD_CODES[COMPLETED], METHOD_CODES[NO_PROPERTY]
    in_k, rec_k = f"in{k}", f"rec{k}"
    for r in rows:
        if not r[in_k]:
            continue
        new = r["filed_at"] >= start_dt
        closed_at = r["closed_at"]
        closed = closed_at is not None and closed_at < end_dt
        method = r["closing_method"]
        acc = courts[r["court_id"]]
        acc[0] += 1
        ind["new" if new else "carried"] += 1
        if new:
            trend[r["filed_day"].replace(day=1)][0] += 1
            p = paths[(r["track"], method)]
            p[0 if closed else 1] += 1
            if closed:
                p[2] += r["d"]
        if closed:
            ind["closed"] += 1
            if method in codes:
                ind[codes[method]] += 1
            ind["days_total"] += r["d"]
            ind["excluded"] += r["excl"]
            if r["late_days"] <= r["excl"] or r["late_days"] <= 0:
                ind["in_time"] += 1
            claimed += r["amount_claimed"] or 0
            recovered += r[rec_k] or 0
            trend[r["closed_day"].replace(day=1)][1] += 1
            acc[1] += 1
            acc[3] += method == completed
            acc[4] += method == no_property
            acc[5] += r["d"]
        else:
            ind["open"] += 1
            acc[2] += 1
    ind["claimed"] = to_money(claimed)
    ind["recovered"] = to_money(recovered)
    names = dict(Court.objects.filter(pk__in=courts).values_list("pk", "short_name"))
    return DirectPart(
        indicators=ind,
        trend={m: (v[0], v[1]) for m, v in trend.items()},
        paths=[
            {"enforcement__track": t, "closing_method": m, "n": v[0], "o": v[1], "days": v[2]}
            for (t, m), v in paths.items()
        ],
        by_court=[
            {
                "court_id": c,
                "court__short_name": names.get(c, ""),
                "accepted": v[0],
                "closed": v[1],
                "open": v[2],
                "completed": v[3],
                "no_property": v[4],
                "days": v[5],
            }
            for c, v in courts.items()
        ],
    )
