"""``core.db.bulk_set`` writes what Django's ``bulk_update`` writes (text, dates, times with their
zone, booleans, JSON, foreign keys, NULLs), in one statement per chunk, on SQLite and PostgreSQL.
Tried on the cases app's deadlines (core itself imports no app)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lastmile.cases.models import Case, Deadline
from lastmile.core import db as core_db
from lastmile.core.db import bulk_set

FIELDS = ["label", "due_on", "provisional", "legal_basis", "assignee", "done_at"]


def _deadlines(court, case, n: int) -> list[Deadline]:
    return [
        Deadline.objects.create(
            court=court,
            case=case,
            kind="test",
            label=f"第{i}项",
            starts_on=date(2025, 1, 1),
            due_on=date(2025, 2, 1),
        )
        for i in range(n)
    ]


def _changed(rows: list[Deadline], officer, shift: int) -> list[Deadline]:
    for i, d in enumerate(rows):
        d.label = f"改后{i}'\"\\{shift}"  # quotes and a backslash
        d.due_on = date(2025, 3, 1) + timedelta(days=i + shift)
        d.provisional = i % 2 == 0
        d.legal_basis = {"law": "民事诉讼法", "article": 100 + i, "list": [1, "二", None]}
        d.assignee = officer if i % 2 else None
        d.done_at = datetime(2025, 3, 2, 8, 30, tzinfo=UTC) + timedelta(minutes=i) if i % 3 else None
    return rows


def _state(rows: list[Deadline]) -> list[tuple]:
    return [
        tuple(getattr(d, f if f != "assignee" else "assignee_id") for f in FIELDS)
        for d in Deadline.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    ]


@pytest.mark.django_db
def test_bulk_set_writes_what_bulk_update_writes(yuelu, officer, registered_case):
    case = registered_case
    mine, theirs = _deadlines(yuelu, case, 7), _deadlines(yuelu, case, 7)
    Deadline.objects.bulk_update(_changed(theirs, officer, 0), FIELDS)
    with CaptureQueriesContext(connection) as queries:
        bulk_set(Deadline, _changed(mine, officer, 0), FIELDS)
    assert len(queries) == 1
    assert _state(mine) == _state(theirs)
    untouched = Deadline.objects.get(pk=mine[0].pk)
    assert (untouched.kind, untouched.starts_on) == ("test", date(2025, 1, 1))
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_bulk_set_goes_in_chunks_and_refuses_a_row_twice(yuelu, officer, registered_case, monkeypatch):
    case = registered_case
    rows = _deadlines(yuelu, case, 5)
    monkeypatch.setattr(core_db, "_BULK_SET_PARAMS", 2 * (len(FIELDS) + 1))  # two rows per statement
    with CaptureQueriesContext(connection) as queries:
        bulk_set(Deadline, _changed(rows, officer, 3), FIELDS)
    assert len(queries) == 3
    assert [d.label for d in Deadline.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")] == [
        r.label for r in rows
    ]
    with pytest.raises(ValueError):
        bulk_set(Deadline, [rows[0], rows[0]], ["label"])
    with pytest.raises(ValueError):
        bulk_set(Deadline, rows, ["id"])
