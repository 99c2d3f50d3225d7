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
