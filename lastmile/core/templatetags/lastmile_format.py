"""Template filters every page may use without ``{% load %}`` (registered as builtins)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from lastmile.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    """An amount in yuan as ``450,000.00`` (thousands separators, two decimals); empty for none.
    A value that is not an amount is shown as it is rather than failing the page."""
    if value is None or value == "":
        return ""
    try:
        return format_yuan(value)
    except Exception:  # a page never fails on a display filter
        return str(value)
