"""On PostgreSQL the rate counters live in an UNLOGGED table: a hit's commit does not wait for the
disk (migration 0006)."""

from __future__ import annotations

import pytest
from django.db import connection

from lastmile.accounts.models import RateCounter
from lastmile.accounts.throttle import window_hit


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_rate_counter_table_is_unlogged_and_counts():
    with connection.cursor() as cur:
        cur.execute("SELECT relpersistence FROM pg_class WHERE relname = %s", [RateCounter._meta.db_table])
        assert cur.fetchone() == ("u",)
    assert [window_hit("rate:t:198.51.100.1", window=60, now=1_700_000_000.0 + s) for s in (0, 1)] == [1, 2]


def _hits(path: str, n: int) -> None:
    from lastmile.accounts import throttle

    throttle._counters_path = lambda: path  # this child process only
    for _ in range(n):
        window_hit("rate:t:198.51.100.2", window=600)


@pytest.mark.django_db
def test_on_a_sqlite_file_the_counters_have_a_file_of_their_own(tmp_path, monkeypatch):
    """Beside a SQLite database file the counters live in ``<database>-counters``: processes share
    the counts (none lost), the court's database is not written, ended windows restart at 1 and
    are purged."""
    import multiprocessing
    import sqlite3

    from lastmile.accounts import throttle

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = str(tmp_path / "lastmile.sqlite3-counters")
    monkeypatch.setattr(throttle, "_counters_path", lambda: path)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_hits, args=(path, 25)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert window_hit("rate:t:198.51.100.2", window=600) == 3 * 25 + 1
    assert not RateCounter.objects.exists()
    later = 2_000_000_000.0
    assert window_hit("rate:t:198.51.100.2", window=600, now=later) == 1  # the window had ended
    monkeypatch.setattr(throttle, "PURGE_EVERY", 1)
    window_hit("rate:t:198.51.100.3", window=1, now=later + 601)  # purges what ended before now
    rows = sqlite3.connect(path).execute("SELECT key FROM rate_counter ORDER BY key").fetchall()
    assert rows == [("rate:t:198.51.100.3",)]
