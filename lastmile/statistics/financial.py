"""The financial-case platform's figures (the 岳麓 report): loan disputes filed on the platform and
how far each went — mediated, judicially confirmed, tried, closed — the documents they produced,
and the days from filing to closing, per period and per bank.

The unit is the **platform case**: a case of the pre-suit mediation type the filing app registers
(``LASTMILE["FILING"]["CASE_TYPE_CODE"]``, 民诉前调), filed in the period, in the chosen courts. It
is "filed by batch" when it came from a bank's batch (it has a :class:`LoanClaim`, written in the
same transaction as the batch row that became it), otherwise it was filed one by one (at the
counter or online). Every stage is read from the row of the app that owns it, through one-to-one
links, so a case is counted once whatever it went through:

- 调解成功: an agreement reached by the cut-off day, before the suit (its mediation) or in it (the
  mediation of the 民初 case the failed mediation became);
- 司法确认 / 调解书: the 诉前调确 / 诉前调书 case the agreement became (CPL 2023 arts. 205–206);
- 调解不成, 转诉讼: the mediation failed; the 民初 case filed from it (CPL 2023 art. 126);
- 判决: that suit's judgment issued;
- 结案: the dispute's last case at first instance closed: the suit's case if there is one, else
  the 调确/调书 case, else the platform case itself unless it closed only because mediation failed
  (then the dispute waits for its suit and is still open).

Days from filing to closing are whole Beijing days (closing date − filing date, as
``平均结案周期``), over the disputes closed by the cut-off. Everything is aggregated in the
database (GROUP BY over one row per case; the days as a histogram per group), then the groups are
combined here: the median and the 90th percentile come exactly from the histogram.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When

from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI
from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import DomainError
from lastmile.core.numbers import percent, ratio
from lastmile.documents.models import Document, DocumentStatus
from lastmile.filing.conf import filing_setting
from lastmile.filing.models import InstitutionClient
from lastmile.mediation.models import MediationStatus, ResultKind

from .conf import StatsConfig
from .dbfuncs import BeijingDaysBetween, BeijingPeriodStart

PERIODS = {"month": "按月", "quarter": "按季度", "year": "按年"}
# What the platform announces for its batch cases (press figures of the 岳麓 financial platform);
# shown beside the measured figures, never used in a computation.
CLAIMED_DAYS = (20, 27)
COUNTER_LABEL = "非批量立案（窗口、网上逐件立案）"


class BadFilter(DomainError):
    """A statistics request whose filters make no sense (pages: 400 with the message)."""

    code = CoreErrorCode.INVALID_REQUEST


def platform_type_code() -> str:
    """The type code of the cases the platform files (民诉前调 by default)."""
    return str(filing_setting("CASE_TYPE_CODE"))


@dataclass(frozen=True)
class DayFigures:
    """Days from filing to closing over ``closed`` disputes; ``None`` when none closed."""

    closed: int
    mean: Decimal | None
    median: Decimal | None
    p90: int | None
    within_claim: int  # closed within CLAIMED_DAYS[1] days
    within_claim_rate: Decimal

    @classmethod
    def of(cls, hist: Counter[int], config: StatsConfig) -> DayFigures:
        n = sum(hist.values())
        within = sum(c for d, c in hist.items() if d <= CLAIMED_DAYS[1])
        rate = percent(within, n, places=config.percent_places, rounding=config.rounding)
        if n == 0:
            return cls(0, None, None, None, 0, rate)
        total = sum(d * c for d, c in hist.items())
        mean = ratio(total, n, places=config.days_places, rounding=config.rounding)
        if n % 2:
            median = Decimal(_nth(hist, n // 2 + 1))
        else:
            median = (Decimal(_nth(hist, n // 2)) + Decimal(_nth(hist, n // 2 + 1))) / 2
        p90 = _nth(hist, math.ceil(n * 9 / 10))
        return cls(
            n, mean, median.normalize() if median == median.to_integral() else median, p90, within, rate
        )


def _nth(hist: Counter[int], k: int) -> int:
    """The ``k``-th smallest value (1-based) of the multiset ``hist``."""
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= k:
            return value
    raise ValueError(k)


COUNT_KEYS = ("filed", "batch", "mediated", "confirmed", "statements", "failed", "sued", "judged", "closed")


@dataclass(frozen=True)
class FlowRow:
    """One line of the report: a period, a bank, or the total."""

    key: str
    label: str
    counts: dict[str, int]
    days: DayFigures  # all closed disputes of the line
    days_batch: DayFigures  # those filed by batch

    @property
    def counter(self) -> int:
        return self.counts["filed"] - self.counts["batch"]

    @property
    def open(self) -> int:
        return self.counts["filed"] - self.counts["closed"]


@dataclass(frozen=True)
class DocRow:
    code: str
    title: str
    documents: int
    cases: int


@dataclass(frozen=True)
class FinancialFilters:
    court_ids: tuple[int, ...]
    start: date
    end: date
    as_of: date  # stages reached and closings up to the end of this day count
    period: str = "month"
    client_id: int | None = None


@dataclass(frozen=True)
class FinancialFigures:
    filters: FinancialFilters
    type_code: str
    total: FlowRow
    by_period: list[FlowRow]
    by_client: list[FlowRow]
    documents: list[DocRow] = field(default_factory=list)

    @property
    def documents_total(self) -> int:
        return sum(d.documents for d in self.documents)


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=SHANGHAI)


def cohort(filters: FinancialFilters) -> QuerySet[Case]:
    """The platform cases filed in the period in the chosen courts (and of the chosen bank)."""
    qs = Case.objects.filter(
        court_id__in=filters.court_ids,
        type_code=platform_type_code(),
        filed_at__gte=_day_start(filters.start),
        filed_at__lt=_day_start(filters.end + timedelta(days=1)),
    )
    if filters.client_id is not None:
        qs = qs.filter(loan_claim__client_id=filters.client_id)
    return qs.order_by()


def _closed_at() -> SqlCase:
    """When the dispute closed at first instance (NULL while it is open); see the module text."""
    return SqlCase(
        When(mediation__lawsuit__isnull=False, then=F("mediation__lawsuit__case__closed_at")),
        When(mediation__result_case__isnull=False, then=F("mediation__result_case__closed_at")),
        When(mediation__status=MediationStatus.FAILED, then=Value(None, output_field=DateTimeField())),
        default=F("closed_at"),
        output_field=DateTimeField(),
    )


def _annotated(filters: FinancialFilters) -> QuerySet[Case]:
    return cohort(filters).annotate(
        dispute_closed_at=_closed_at(),
        period=BeijingPeriodStart("filed_at", filters.period),
        client=F("loan_claim__client_id"),
    )


def _grouped(qs: QuerySet[Case], cut: datetime, as_of: date) -> QuerySet[Case, dict[str, Any]]:
    """One pass: the counts per (period, bank, days), ``days`` being NULL for a dispute not closed
    by the cut-off; so a group with ``days`` holds only closed disputes and is the histogram."""
    agreed = Q(mediation__agreement__agreed_on__lte=as_of) | Q(
        mediation__lawsuit__case__mediation__agreement__agreed_on__lte=as_of
    )
    result_by_cut = Q(mediation__result_case__filed_at__lt=cut)
    return (
        qs.annotate(
            days=SqlCase(
                When(dispute_closed_at__lt=cut, then=BeijingDaysBetween("dispute_closed_at", "filed_at")),
                default=None,
                output_field=IntegerField(),
            )
        )
        .values("period", "client", "days")
        .annotate(
            filed=Count("pk"),
            batch=Count("pk", filter=Q(loan_claim__isnull=False)),
            mediated=Count("pk", filter=agreed),
            confirmed=Count("pk", filter=result_by_cut & Q(mediation__result_kind=ResultKind.CONFIRMATION)),
            statements=Count("pk", filter=result_by_cut & Q(mediation__result_kind=ResultKind.STATEMENT)),
            failed=Count(
                "pk", filter=Q(mediation__status=MediationStatus.FAILED, mediation__closed_at__lt=cut)
            ),
            sued=Count("pk", filter=Q(mediation__lawsuit__filed_at__lt=cut)),
            judged=Count("pk", filter=Q(mediation__lawsuit__judgment__issued_at__lt=cut)),
            closed=Count("pk", filter=Q(dispute_closed_at__lt=cut)),
        )
    )


def _period_label(start: date, period: str) -> str:
    if period == "year":
        return f"{start.year}年"
    if period == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start:%Y-%m}"


class _Acc:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter(dict.fromkeys(COUNT_KEYS, 0))
        self.days: Counter[int] = Counter()
        self.days_batch: Counter[int] = Counter()

    def row(self, key: str, label: str, config: StatsConfig) -> FlowRow:
        return FlowRow(
            key,
            label,
            {k: self.counts[k] for k in COUNT_KEYS},
            DayFigures.of(self.days, config),
            DayFigures.of(self.days_batch, config),
        )


def financial_compute(*, filters: FinancialFilters, config: StatsConfig) -> FinancialFigures:
    """The report for ``filters``: one grouped query for the flows and the days, one for the
    documents."""
    if filters.period not in PERIODS:
        raise BadFilter("分组有误：应为按月（month）、按季度（quarter）或按年（year）。")
    if filters.end < filters.start:
        raise BadFilter("结束日期不能早于开始日期。")
    cut = _day_start(filters.as_of + timedelta(days=1))
    qs = _annotated(filters)
    total = _Acc()
    periods: dict[date, _Acc] = {}
    clients: dict[int | None, _Acc] = {}
    for r in _grouped(qs, cut, filters.as_of):
        p = _as_date(r["period"])
        for acc in (total, periods.setdefault(p, _Acc()), clients.setdefault(r["client"], _Acc())):
            acc.counts.update({k: r[k] for k in COUNT_KEYS})
            if r["days"] is not None:
                acc.days[int(r["days"])] += r["closed"]
                if r["client"] is not None:
                    acc.days_batch[int(r["days"])] += r["closed"]
    names = dict(
        InstitutionClient.objects.filter(pk__in=[c for c in clients if c is not None]).values_list(
            "pk", "name"
        )
    )
    by_client = [
        acc.row(str(c) if c is not None else "", names.get(c, COUNTER_LABEL) if c else COUNTER_LABEL, config)
        for c, acc in clients.items()
    ]
    by_client.sort(key=lambda r: (r.key == "", -r.counts["filed"], r.label))
    return FinancialFigures(
        filters=filters,
        type_code=platform_type_code(),
        total=total.row("total", "合计", config),
        by_period=[
            periods[p].row(p.isoformat(), _period_label(p, filters.period), config) for p in sorted(periods)
        ],
        by_client=by_client,
        documents=documents_by_kind(filters=filters),
    )


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def documents_by_kind(*, filters: FinancialFilters) -> list[DocRow]:
    """Documents issued by the cut-off in the platform cases and in the cases they became (the
    调确/调书 case, the 民初 case: ``parent`` = the platform case), by template; a corrected
    document counts once (its current version)."""
    ids = cohort(filters).values("pk")
    cut = _day_start(filters.as_of + timedelta(days=1))
    rows = (
        Document.objects.filter(Q(case__in=ids) | Q(case__parent__in=ids))
        .filter(status=DocumentStatus.ISSUED, issued_at__lt=cut, superseded_by__isnull=True)
        .values("template__code", "template__title")
        .annotate(documents=Count("pk"), cases=Count("case", distinct=True))
        .order_by("-documents", "template__code")
    )
    return [DocRow(r["template__code"], r["template__title"], r["documents"], r["cases"]) for r in rows]


def clients_in(court_ids: Iterable[int]) -> list[InstitutionClient]:
    """The banks that filed batches in these courts (the bank filter's choices)."""
    return list(
        InstitutionClient.objects.filter(batches__court_id__in=list(court_ids)).distinct().order_by("name")
    )
