"""Percentages and ratios for court statistics (执行到位率, 结案率, …), in ``Decimal``.

Court bulletins mostly round half-up; some truncate (round toward zero) so that a rate is
never overstated. Both are offered; floats are refused so results are reproducible.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

__all__ = ["NumberInput", "Rounding", "percent", "ratio"]

NumberInput = Decimal | int | str
Rounding = Literal["half_up", "half_even", "truncate"]

_ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "truncate": ROUND_DOWN}
_HUNDRED = Decimal(100)


def _to_decimal(value: NumberInput) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"float not accepted ({value!r}); pass a Decimal, an int or a string")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"expected Decimal, int or str, not {type(value).__name__}")
    return value if isinstance(value, Decimal) else Decimal(value)


def _scaled_quotient(
    numerator: NumberInput,
    denominator: NumberInput,
    factor: Decimal,
    places: int,
    rounding: Rounding,
) -> Decimal:
    if places < 0:
        raise ValueError("places must be >= 0")
    if rounding not in _ROUNDING:
        raise ValueError(f"rounding must be one of {sorted(_ROUNDING)}, not {rounding!r}")
    num, den = _to_decimal(numerator), _to_decimal(denominator)
    exponent = Decimal(1).scaleb(-places)
    if den == 0:
        return Decimal(0).quantize(exponent)
    with localcontext() as ctx:
        ctx.prec = 50
        return (num * factor / den).quantize(exponent, rounding=_ROUNDING[rounding])


def percent(
    numerator: NumberInput,
    denominator: NumberInput,
    *,
    places: int = 2,
    rounding: Rounding = "half_up",
) -> Decimal:
    """``numerator / denominator`` in percent, e.g. ``percent("21.77", "51.30")`` ->
    ``Decimal("42.44")`` (``"truncate"`` gives ``42.43``).

    A zero denominator gives ``0`` at the requested places (a rate over no cases is
    reported as 0, not as an error); callers that must show "—" check the denominator.
    """
    return _scaled_quotient(numerator, denominator, _HUNDRED, places, rounding)


def ratio(
    numerator: NumberInput,
    denominator: NumberInput,
    *,
    places: int = 4,
    rounding: Rounding = "half_up",
) -> Decimal:
    """``numerator / denominator`` as a fraction (``0.4244``); zero denominator gives 0."""
    return _scaled_quotient(numerator, denominator, Decimal(1), places, rounding)
