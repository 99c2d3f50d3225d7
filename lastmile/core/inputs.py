"""Reading what a person typed or a form posted, without trusting it.

A form field that names a record (a party, an asset, an officer) or a count arrives as text. It
is read here once: anything that is not a whole number a database column can hold becomes
``None``, which the caller treats as "not chosen" and answers with its own message, never a 500
(``int("abc")`` raises, and a 40-digit number overflows SQLite's and PostgreSQL's integers).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DB_INT_MAX", "int_list", "int_or_none"]

DB_INT_MAX = 2**63 - 1  # the largest BIGINT (PostgreSQL) and SQLite INTEGER


def int_or_none(raw: object) -> int | None:
    """``raw`` as a non-negative whole number (ASCII digits, surrounding spaces ignored) that fits a
    database integer column, else ``None``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= DB_INT_MAX else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


def int_list(values: Iterable[object]) -> list[int]:
    """The values of a multi-valued field (ticked rows) that :func:`int_or_none` reads; the rest are
    dropped."""
    return [number for number in map(int_or_none, values) if number is not None]
