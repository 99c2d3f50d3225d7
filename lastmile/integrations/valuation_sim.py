"""A stand-in for the online inquiry platforms, pricing bodies and appraisal firms of the
reference-price procedure (确定财产处置参考价规定 2018), so the procedure runs offline: the adapter
behind :class:`lastmile.valuation.ports.PricingPort`, chosen in
``LASTMILE["VALUATION"]["ADAPTER"]`` like the institutions simulator behind the inquiry gateway.

Deterministic from the request: the base value is the asset's ``details["market_value"]``, else
its reported value, else derived from its identifier; each source quotes within ±6% of it
(derived from the source's name) and answers after a delay — platforms within 2 days, a pricing
body within 1 day, a firm within 20 days. The asset's details may script the world for a demo or
a test: ``sim_delay_hours`` {source: hours} and ``sim_silent`` [sources that never answer].
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal

from lastmile.valuation.ports import PriceRequest, Quote

_FEN = Decimal("0.01")


def _unit(*parts: str) -> float:
    """A number in [0, 1) derived from ``parts`` (stable across runs and machines)."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _base(request: PriceRequest) -> Decimal:
    raw = request.details.get("market_value") or request.details.get("value")
    if raw:
        return Decimal(str(raw))
    return Decimal(50_000 + int(_unit("base", request.identifier) * 950_000))


def _default_delay_hours(source: str, request: PriceRequest) -> float:
    if "评估" in source:
        return 24 * (5 + 15 * _unit("delay", source, request.key))
    if "机关" in source or "机构" in source:
        return 2 + 20 * _unit("delay", source, request.key)
    return 1 + 47 * _unit("delay", source, request.key)


class SimulatedPricing:
    """Answers price requests as the platforms, bodies and firms would (see the module doc)."""

    def quotes(self, *, request: PriceRequest, sources: list[str], now: datetime) -> list[Quote]:
        delays = dict(request.details.get("sim_delay_hours") or {})  # type: ignore[call-overload]
        silent = set(request.details.get("sim_silent") or [])  # type: ignore[call-overload]
        base = _base(request)
        out = []
        for source in sources:
            if source in silent:
                continue
            hours = float(delays.get(source, _default_delay_hours(source, request)))
            at = request.asked_at + timedelta(hours=hours)
            if at > now:
                continue
            factor = Decimal(str(round(0.94 + 0.12 * _unit("price", source, request.identifier), 4)))
            value = (base * factor).quantize(_FEN)
            out.append(Quote(source=source, value=value, answered_at=at, reference=f"SIM-{request.key[-8:]}"))
        return out
