"""Money in yuan as ``Decimal`` with two places (分); never ``float``.

Amounts are rounded half-up to the fen, the rounding courts use for fees and interest
(e.g. 诉讼费用交纳办法 2006 brackets, 迟延履行利息). :func:`parse_amount` reads what
clerks and parties type into forms and spreadsheets and refuses anything ambiguous
rather than guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lastmile.core.errors import InvalidAmount

__all__ = ["FEN", "MoneyInput", "format_yuan", "parse_amount", "sum_money", "to_money"]

FEN = Decimal("0.01")

MoneyInput = Decimal | int | str

_ZERO = Decimal("0.00")


def _reject_float(value: object) -> None:
    if isinstance(value, float):
        raise TypeError(f"money must not be a float ({value!r}); pass a Decimal, an int or a string")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"money must be a Decimal, an int or a string, not {type(value).__name__}")


def to_money(value: MoneyInput) -> Decimal:
    """``value`` as a ``Decimal`` rounded half-up to the fen (two places).

    Accepts ``Decimal``, ``int`` and plain numeric strings (``"12.345"``); raises
    ``TypeError`` for ``float`` and ``InvalidAmount`` for non-numeric or non-finite input.
    Negative amounts are allowed here (balances, refunds); user input goes through
    :func:`parse_amount`.
    """
    if type(value) is Decimal:  # the common case, without the type checks below
        if not value.is_finite():
            raise InvalidAmount(f"无法识别金额“{value}”", details={"value": str(value)})
        return value.quantize(FEN, rounding=ROUND_HALF_UP)
    _reject_float(value)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation:
        raise InvalidAmount(f"无法识别金额“{value}”", details={"value": str(value)}) from None
    if not amount.is_finite():
        raise InvalidAmount(f"无法识别金额“{value}”", details={"value": str(value)})
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def sum_money(values: Iterable[MoneyInput]) -> Decimal:
    """Sum of amounts, each rounded to the fen first (so the total matches the lines)."""
    return sum((to_money(v) for v in values), _ZERO)


def plain_yuan(value: MoneyInput) -> str:
    """``450000`` -> ``"450000.00"``: two decimals, no separators (a document's context)."""
    return f"{to_money(value):.2f}"


def format_yuan(value: MoneyInput) -> str:
    """``450000`` -> ``"450,000.00"``: thousands separators, always two decimals."""
    return f"{to_money(value):,.2f}"


_SCALES = {"": 1, "万": 10_000, "亿": 100_000_000}
_AMOUNT_RE = re.compile(
    r"""
    (?:¥|RMB|CNY|人民币)?\s*
    (?P<number>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<fraction>\.[0-9]+)?\s*
    (?P<scale>[万亿]?)
    (?:元整?)?
    """,
    re.VERBOSE,
)
_MAX_DIGITS = 18  # far above any court case; stops absurd inputs early


def parse_amount(text: MoneyInput) -> Decimal:
    """Read a non-negative amount in yuan as typed by a person, to two places.

    Accepted: ``450000``, ``450,000.00``, ``450，000``, ``￥450,000``, ``¥1,000.5``,
    ``45万``, ``45万元``, ``4.5万元``, ``1.2亿``, ``3000元``, ``3000元整``, full-width
    digits, surrounding spaces. ``Decimal`` and ``int`` values are accepted as they are.

    Refused with :class:`InvalidAmount` (message quotes the input): empty text, negative
    amounts, more than two decimal places once 万/亿 are applied (``1.234元``; no silent
    rounding), irregular digit grouping (``1,00,0``), formulas (``=1+1``) and anything
    else. ``float`` raises ``TypeError``: read spreadsheet cells as text or Decimal.
    """
    _reject_float(text)
    if isinstance(text, Decimal | int):
        return _checked(Decimal(text), str(text))
    shown = text.strip()
    normalised = unicodedata.normalize("NFKC", text).strip().upper()
    if not normalised:
        raise InvalidAmount("金额不能为空", details={"value": text})
    if normalised.startswith("="):
        raise InvalidAmount(f"金额“{shown}”是公式，请填写数值", details={"value": text})
    if normalised.lstrip("¥ ").startswith(("-", "−", "(")):
        raise InvalidAmount(f"金额“{shown}”不能为负数", details={"value": text})
    m = _AMOUNT_RE.fullmatch(normalised)
    if m is None:
        raise InvalidAmount(f"无法识别金额“{shown}”", details={"value": text})
    digits = m["number"].replace(",", "") + (m["fraction"] or "")
    if len(digits) > _MAX_DIGITS:
        raise InvalidAmount(f"金额“{shown}”过大", details={"value": text})
    return _checked(Decimal(digits) * _SCALES[m["scale"]], shown)


def _checked(amount: Decimal, shown: str) -> Decimal:
    if not amount.is_finite():
        raise InvalidAmount(f"无法识别金额“{shown}”", details={"value": shown})
    if amount < 0:
        raise InvalidAmount(f"金额“{shown}”不能为负数", details={"value": shown})
    if amount != amount.quantize(FEN, rounding=ROUND_HALF_UP):
        raise InvalidAmount(f"金额“{shown}”超过两位小数（最小单位为分）", details={"value": shown})
    return amount.quantize(FEN)
