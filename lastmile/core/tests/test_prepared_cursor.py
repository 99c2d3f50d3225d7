"""``prepared_cursor``: on PostgreSQL the hot public statements are prepared once per connection
and only executed afterwards; on SQLite reads skip Django's cursor layers unless something
watches the statements; Django's query capture sees each of them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lastmile.core.db import bulk_cursor, prepared_cursor

SQL = "SELECT %s::int + 1 AS lastmile_prepared_probe"


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_a_statement_is_prepared_once_and_counted_each_time():
    with CaptureQueriesContext(connection) as captured:
        for n in (1, 2, 3):
            with prepared_cursor() as cur:
                cur.execute(SQL, [n])
                assert cur.fetchone() == (n + 1,)
    assert len(captured.captured_queries) == 3
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%lastmile_prepared_probe%"],
        )
        assert cur.fetchone() == (1,)
    # Django's own cursors and the batch cursor never prepare by themselves
    for _ in range(10):
        with bulk_cursor() as cur:
            cur.execute("SELECT %s::int AS lastmile_unprepared_probe", [1])
        with connection.cursor() as cur:
            cur.execute("SELECT %s::int AS lastmile_unprepared_probe", [1])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%unprepared_probe%"]
        )
        assert cur.fetchone() == (0,)


@pytest.mark.django_db
def test_on_sqlite_reads_go_straight_to_sqlite3_unless_statements_are_watched():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with prepared_cursor() as cur:
        assert type(cur).__name__ == "_SQLiteReadCursor"
        cur.execute("SELECT %s + 1, %s", [1, "甲"])
        assert cur.fetchall() == [(2, "甲")]
        cur.execute("SELECT count(*) FROM django_session WHERE session_key = %s", ["x"])
        assert cur.fetchone() == (0,)
        cur.execute("DELETE FROM django_session WHERE session_key = %s RETURNING 1", ["x"])  # Django's
        assert cur.fetchall() == []
    with CaptureQueriesContext(connection) as captured, prepared_cursor() as cur:  # watched: Django's
        cur.execute("SELECT %s + 1", [1])
        assert cur.fetchone() == (2,)
    assert len(captured.captured_queries) == 1
