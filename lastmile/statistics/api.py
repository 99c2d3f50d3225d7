"""Statistics API (/api/v1/stats): the indicators of one period beside the same period a year
before, for the courts the caller may see (``stats.view``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock

from . import selectors
from .conf import stats_config
from .indicators import indicators_compute

router = Router(tags=["statistics"])


class IndicatorsOut(Schema):
    scope: str
    court_codes: list[str]
    current: dict[str, Any]
    previous: dict[str, Any]
    rounding: str
    type_codes: list[str]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@router.get("/indicators", response=IndicatorsOut)
def indicators(
    request: HttpRequest,
    start: date,
    end: date,
    court: str = "",
    team: int | None = None,
    officer: int | None = None,
) -> dict[str, Any]:
    """旧存, 新收, 受理, 结案 by method, 未结, rates, amounts, closing days and measures; rates are
    decimal strings in percent."""
    actor: User = request.user  # type: ignore[assignment]
    scope = selectors.stats_scope(actor=actor, court_code=court, team_id=team, officer_id=officer)
    filters = selectors.filters_for(scope, start=start, end=end)
    config = stats_config()
    cur = indicators_compute(filters=filters, config=config)
    prev = indicators_compute(filters=filters.year_before(), config=config)
    return {
        "scope": scope.label,
        "court_codes": [c.code for c in scope.courts],
        "current": _jsonable(asdict(cur)),
        "previous": _jsonable(asdict(prev)),
        "rounding": config.rounding,
        "type_codes": list(config.type_codes),
    }


class FinancialOut(Schema):
    scope: str
    court_codes: list[str]
    client: str | None
    type_code: str
    start: date
    end: date
    as_of: date
    period: str
    total: dict[str, Any]
    by_period: list[dict[str, Any]]
    by_client: list[dict[str, Any]]
    documents: list[dict[str, Any]]


def _flow(row: Any) -> dict[str, Any]:
    return _jsonable(
        {
            "key": row.key,
            "label": row.label,
            **row.counts,
            "counter": row.counter,
            "open": row.open,
            "days": asdict(row.days),
            "days_batch": asdict(row.days_batch),
        }
    )


@router.get("/financial", response=FinancialOut)
def financial(
    request: HttpRequest,
    start: date,
    end: date,
    as_of: date | None = None,
    by: str = "month",
    court: str = "",
    client: int | None = None,
) -> Any:
    """The financial-case platform's figures (the 岳麓 report): platform cases filed from ``start``
    to ``end``, filed by batch, mediated, confirmed, sued, judged, closed; days from filing to
    closing (median, mean, p90) per period (``by`` = month, quarter or year) and per bank;
    documents by template. Stages and closings count up to ``as_of`` (default today)."""
    actor: User = request.user  # type: ignore[assignment]
    report = selectors.financial_report_for(
        actor=actor,
        start=start,
        end=end,
        as_of=as_of or get_clock().today(),
        period=by,
        court_code=court,
        client_id=client,
    )
    fig = report.figures
    return {
        "scope": report.scope.label,
        "court_codes": [c.code for c in report.scope.courts],
        "client": report.client.name if report.client else None,
        "type_code": fig.type_code,
        "start": start,
        "end": end,
        "as_of": fig.filters.as_of,
        "period": by,
        "total": _flow(fig.total),
        "by_period": [_flow(r) for r in fig.by_period],
        "by_client": [_flow(r) for r in fig.by_client],
        "documents": [asdict(d) for d in fig.documents],
    }
