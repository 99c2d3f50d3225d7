"""The port the domain owns for asking inquiry platforms, pricing bodies and appraisal firms
for a price. Adapters live in ``lastmile.integrations`` and are chosen in
``LASTMILE["VALUATION"]["ADAPTER"]``; the domain never imports them (import-linter checks it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class PriceRequest:
    """What is priced: the asset's kind, its registration number or description, and what the
    registry or the officer knows of it (area, model, year)."""

    key: str  # idempotency: the same request asked twice gets the same answer
    asset_kind: str
    identifier: str
    label: str
    details: dict[str, object]
    asked_at: datetime


@dataclass(frozen=True)
class Quote:
    """One answer: who gave it, the price, and when it reached the court (the platform's or the
    firm's own clock is not trusted for timeliness; the court's receipt is)."""

    source: str
    value: Decimal
    answered_at: datetime
    reference: str = ""


class PricingPort(Protocol):
    def quotes(self, *, request: PriceRequest, sources: list[str], now: datetime) -> list[Quote]:
        """The answers that have arrived by ``now`` from ``sources`` (platforms, a pricing body or
        a firm); a source that has not answered yet is absent."""
        ...
