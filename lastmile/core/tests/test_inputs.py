"""What a form posts is read once: a record id or count that is not a whole number a database
column holds is ``None``, never an exception that becomes a 500."""

from __future__ import annotations

import pytest

from lastmile.core.inputs import DB_INT_MAX, int_list, int_or_none


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        (str(DB_INT_MAX), DB_INT_MAX),
        (12, 12),
        ("", None),
        (None, None),
        ("abc", None),
        ("-1", None),
        ("1.5", None),
        ("²", None),  # str.isdigit() accepts it, int() does not
        ("１２", None),  # full-width digits: not what a select or an id field posts
        ("9" * 40, None),  # overflows SQLite's and PostgreSQL's integers
        (str(DB_INT_MAX + 1), None),
        (-3, None),
        (True, None),
        (1.0, None),
    ],
)
def test_int_or_none(raw, expected):
    assert int_or_none(raw) == expected


def test_int_list_keeps_only_what_reads():
    assert int_list(["3", "x", "²", "9" * 40, " 5", ""]) == [3, 5]
