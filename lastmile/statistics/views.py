"""The command center pages: the dashboard, its XLSX export and the printable monthly report.
Each view reads the filters, makes one selector call and renders the result."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound
from lastmile.core.inputs import int_or_none

from . import exports, selectors
from .financial import CLAIMED_DAYS, PERIODS, BadFilter
from .presenters import (
    figure_rows,
    financial_days_chart,
    financial_flow_chart,
    paths_chart,
    period_label,
    trend_chart,
    wan,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class Query:
    start: date
    end: date
    court: str
    team: int | None
    officer: int | None
    fallback: bool  # the default period moved to the latest year with data

    def params(self, **extra: Any) -> str:
        values: dict[str, Any] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.court:
            values["court"] = self.court
        if self.team:
            values["team"] = self.team
        if self.officer:
            values["officer"] = self.officer
        values.update(extra)
        return urlencode(values)


def _int(value: str | None) -> int | None:
    if not value:
        return None
    number = int_or_none(value)
    if number is None:
        raise BadFilter("筛选条件有误。")
    return number


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"日期格式有误：{value}（应为 YYYY-MM-DD）。") from None


def _month(value: str) -> tuple[date, date]:
    try:
        y, m = (int(x) for x in value.split("-"))
        return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    except ValueError:
        raise BadFilter(f"月份格式有误：{value}（应为 YYYY-MM）。") from None


def _query(request: HttpRequest) -> Query:
    g = request.GET
    court = g.get("court", "")
    today = get_clock().today()
    fallback = False
    if g.get("month"):
        start, end = _month(g["month"])
    elif g.get("year"):
        y = _int(g["year"]) or today.year
        if not MINYEAR <= y <= MAXYEAR:
            raise BadFilter(f"年度有误：{g['year']}。")
        start, end = date(y, 1, 1), date(y, 12, 31)
    elif g.get("start") or g.get("end"):
        start = _date(g.get("start") or f"{today.year}-01-01")
        end = _date(g.get("end") or today.isoformat())
    else:
        start, end, fallback = selectors.default_period(actor=_actor(request), today=today, court_code=court)
    if end < start:
        raise BadFilter("结束日期不能早于开始日期。")
    if (end - start).days > 3 * 366:
        raise BadFilter("统计期间不能超过三年。")
    return Query(start, end, court, _int(g.get("team")), _int(g.get("officer")), fallback)


def _dashboard(request: HttpRequest, q: Query) -> selectors.Dashboard:
    return selectors.dashboard_for(
        actor=_actor(request),
        start=q.start,
        end=q.end,
        today=get_clock().today(),
        court_code=q.court,
        team_id=q.team,
        officer_id=q.officer,
    )


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, BadFilter) else 403
    return render(request, "web/error.html", {"message": exc.message}, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        q = _query(request)
        dash = _dashboard(request, q)
    except DomainError as exc:
        return _error(request, exc)
    cur, prev = dash.current, dash.previous
    rows = figure_rows(cur, prev)
    by_key = {r.key: r for r in rows}
    tiles = [
        by_key[k]
        for k in (
            "accepted",
            "closed",
            "closing_rate",
            "recovery_rate",
            "avg_days",
            "in_time_rate",
            "open",
            "overdue_open",
        )
    ]
    today = get_clock().today()
    return render(
        request,
        "statistics/dashboard.html",
        {
            "dash": dash,
            "q": q,
            "rows": rows,
            "tiles": tiles,
            "groups": _grouped(rows),
            "money": {
                "claimed": wan(cur.amount_claimed),
                "recovered": wan(cur.amount_recovered),
                "claimed_prev": wan(prev.amount_claimed),
                "recovered_prev": wan(prev.amount_recovered),
            },
            "trend_svg": trend_chart(dash.trend, dash.trend_previous),
            "paths_svg": paths_chart(dash.paths),
            "period": period_label(cur.start, cur.end),
            "period_prev": period_label(prev.start, prev.end),
            "years": range(today.year, today.year - 5, -1),
            "month_default": f"{q.end:%Y-%m}",
        },
    )


def _grouped(rows: list[Any]) -> list[tuple[str, list[Any]]]:
    out: dict[str, list[Any]] = {}
    for r in rows:
        out.setdefault(r.group, []).append(r)
    return list(out.items())


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        q = _query(request)
        dash = _dashboard(request, q)
    except DomainError as exc:
        return _error(request, exc)
    body = exports.dashboard_xlsx(dash, generated_at=get_clock().now())
    response = HttpResponse(body, content_type=XLSX)
    name = f"stats_{q.start:%Y%m%d}_{q.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report_query(request: HttpRequest) -> Query:
    q = _query(request)
    if not (request.GET.get("month") or request.GET.get("start")):
        # A monthly report: the last month of the chosen period.
        start, end = _month(f"{q.end:%Y-%m}")
        q = Query(start, end, q.court, q.team, q.officer, False)
    return q


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The printable monthly report (HTML with print CSS; the PDF link gives the same content)."""
    try:
        q = _report_query(request)
        dash = _dashboard(request, q)
    except DomainError as exc:
        return _error(request, exc)
    data = exports.monthly_report_data(dash, generated_at=get_clock().now())
    return render(
        request,
        "statistics/report.html",
        {"data": data, "q": q, "trend_svg": exports.year_to_date_chart(dash)},
    )


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    try:
        q = _report_query(request)
        dash = _dashboard(request, q)
    except DomainError as exc:
        return _error(request, exc)
    pdf = exports.monthly_report_pdf(dash, generated_at=get_clock().now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report_{q.start:%Y%m}.pdf"'
    return response


def _financial(request: HttpRequest) -> tuple[Query, str, selectors.FinancialReport]:
    """The 岳麓 report of a request: the period filters of the dashboard, ``by`` (month, quarter or
    year), ``client`` (a bank) and ``as_of`` (default today: stages and closings up to that day)."""
    q = _query(request)
    by = request.GET.get("by") or "month"
    as_of = _date(request.GET["as_of"]) if request.GET.get("as_of") else get_clock().today()
    report = selectors.financial_report_for(
        actor=_actor(request),
        start=q.start,
        end=q.end,
        as_of=as_of,
        period=by,
        court_code=q.court,
        client_id=_int(request.GET.get("client")),
    )
    return q, by, report


@login_required
def financial(request: HttpRequest) -> HttpResponse:
    """The financial-case platform tab of the command center (the 岳麓 figures)."""
    try:
        q, by, report = _financial(request)
    except DomainError as exc:
        return _error(request, exc)
    fig = report.figures
    extra: dict[str, Any] = {"by": by, "as_of": fig.filters.as_of.isoformat()}
    if report.client is not None:
        extra["client"] = report.client.pk
    return render(
        request,
        "statistics/financial.html",
        {
            "report": report,
            "fig": fig,
            "q": q,
            "by": by,
            "periods": PERIODS,
            "params": q.params(**extra),
            "period": period_label(q.start, q.end),
            "flow_svg": financial_flow_chart(fig.by_period),
            "days_svg": financial_days_chart(fig.by_period),
            "claimed_days": financial_claimed_days(),
            "claimed_max": CLAIMED_DAYS[1],
        },
    )


def financial_claimed_days() -> str:
    return f"{CLAIMED_DAYS[0]}–{CLAIMED_DAYS[1]}"


@login_required
def financial_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        q, by, report = _financial(request)
    except DomainError as exc:
        return _error(request, exc)
    body = exports.financial_xlsx(report, generated_at=get_clock().now())
    response = HttpResponse(body, content_type=XLSX)
    name = f"financial_{q.start:%Y%m%d}_{q.end:%Y%m%d}_{by}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
