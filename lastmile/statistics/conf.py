"""Settings of the statistics app: which case types count, how rates are rounded, and the
choices behind indicators whose official formula is UNVERIFIED (court practice; see docs/law.md "Statistics").

Each key lives in ``settings.LASTMILE["STATISTICS"]``; anything not set takes the default below.
Every key is documented in ``docs/statistics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from lastmile.core.numbers import Rounding

# The names of the six closing methods (执行工作规定 2020 art. 64).
COMPLETED = "执行完毕"
NO_PROPERTY = "终结本次执行程序"
TERMINATED = "终结执行"
CANCELLED = "销案"
NOT_ENFORCED = "不予执行"
REJECTED = "驳回申请"
CLOSING_METHODS: tuple[str, ...] = (COMPLETED, NO_PROPERTY, TERMINATED, CANCELLED, NOT_ENFORCED, REJECTED)
# Case.closing_method stores the enforcement.models.ClosingMethod code (issue K item 2); the
# figures keep the names above. Labels not in this table (调解, 判决) are stored as they are.
METHOD_CODES: dict[str, str] = {
    COMPLETED: "completed",
    NO_PROPERTY: "no_property",
    TERMINATED: "terminated",
    CANCELLED: "cancelled",
    NOT_ENFORCED: "not_enforced",
    REJECTED: "rejected",
}
METHOD_NAMES: dict[str, str] = {code: name for name, code in METHOD_CODES.items()}

DEFAULTS: dict[str, Any] = {
    # 执行实施类 cases (立结案意见 2014 art. 1; the mapping to type codes is derived, docs/law.md).
    "TYPE_CODES": ["执", "执恢", "执保"],
    # Local indicator manuals exclude these from 受理数 and 结案数 (local practice; docs/law.md).
    "EXCLUDED_TYPE_CODES": ["执恢", "执保", "诉前调确", "诉前调书"],
    # Court bulletins round inconsistently (practice): "half_up" or "truncate".
    "ROUNDING": "half_up",
    "PERCENT_PLACES": 2,
    "DAYS_PLACES": 2,
    # 实际执结: closures that really ended the debt (the 2008 assessment counted 强制执行 + 自动履行 + 和解;
    # under the six methods of 2020 art. 64 these map to 执行完毕 and 终结执行). UNVERIFIED.
    "ACTUAL_CLOSING_METHODS": [COMPLETED, TERMINATED],
    # Cases whose 申请执行标的 and recovered amount are compared for 执行到位率: "closed" (cases
    # closed in the period, as the 2008 assessment did) or "accepted" (旧存 + 新收).
    "MONEY_BASIS": "closed",
    # Months of the time limit before extensions (审限规定 art. 5; 执行工作规定 art. 63).
    "TIME_LIMIT_MONTHS": 6,
}


@dataclass(frozen=True)
class StatsConfig:
    type_codes: tuple[str, ...]
    rounding: Rounding
    percent_places: int
    days_places: int
    actual_closing_methods: tuple[str, ...]
    money_basis: str
    time_limit_months: int


def stats_config(**overrides: Any) -> StatsConfig:
    """The effective configuration: defaults, then ``settings.LASTMILE["STATISTICS"]``, then
    ``overrides`` (same keys, lower case allowed)."""
    raw: dict[str, Any] = dict(DEFAULTS)
    configured: Any = settings.LASTMILE.get("STATISTICS") or {}
    raw.update(dict(configured))
    raw.update({k.upper(): v for k, v in overrides.items()})
    rounding = raw["ROUNDING"]
    if rounding not in ("half_up", "truncate", "half_even"):
        raise ValueError(
            f"LASTMILE['STATISTICS']['ROUNDING'] must be 'half_up' or 'truncate', not {rounding!r}"
        )
    if raw["MONEY_BASIS"] not in ("closed", "accepted"):
        raise ValueError("LASTMILE['STATISTICS']['MONEY_BASIS'] must be 'closed' or 'accepted'")
    excluded = set(raw["EXCLUDED_TYPE_CODES"])
    return StatsConfig(
        type_codes=tuple(c for c in raw["TYPE_CODES"] if c not in excluded),
        rounding=rounding,
        percent_places=int(raw["PERCENT_PLACES"]),
        days_places=int(raw["DAYS_PLACES"]),
        actual_closing_methods=tuple(raw["ACTUAL_CLOSING_METHODS"]),
        money_basis=raw["MONEY_BASIS"],
        time_limit_months=int(raw["TIME_LIMIT_MONTHS"]),
    )
