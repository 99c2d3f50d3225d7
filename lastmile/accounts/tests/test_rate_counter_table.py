"""On PostgreSQL the rate counters live in an UNLOGGED table: a hit's commit does not wait for the
disk (migration 0006). Beside a SQLite file they live in the host's shared table in memory, and
in a SQLite file of their own when that table has no slot."""

from __future__ import annotations

import pytest
from django.db import connection

from lastmile.accounts.host_counters import HostCounters
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
def test_beside_a_sqlite_file_the_host_processes_share_one_table_in_memory(tmp_path, monkeypatch):
    """Beside a SQLite database file the counters live in the host's shared table: forked
    processes (each with its own lock descriptor, even the ones inherited) lose no hit, the
    court's database and the counters' SQLite file are not written, ended windows restart at 1."""
    import multiprocessing

    from lastmile.accounts import throttle

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = str(tmp_path / "lastmile.sqlite3-counters")
    monkeypatch.setattr(throttle, "_counters_path", lambda: path)
    assert window_hit("rate:t:198.51.100.2", window=600) == 1  # the parent's descriptor, then fork
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_hits, args=(path, 200)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert window_hit("rate:t:198.51.100.2", window=600) == 3 * 200 + 2
    assert not RateCounter.objects.exists()
    assert not (tmp_path / "lastmile.sqlite3-counters").exists()
    later = 2_000_000_000.0
    assert window_hit("rate:t:198.51.100.2", window=600, now=later) == 1  # the window had ended
    assert window_hit("rate:t:198.51.100.2", window=600, now=later + 1) == 2


def test_the_host_table_probes_reuses_ended_windows_and_says_when_it_is_full(tmp_path):
    table = HostCounters(str(tmp_path / "c"), slots=4)
    keys = [f"rate:t:192.0.2.{i}" for i in range(5)]
    assert [table.hit(k, window_ms=1000, now_ms=0) for k in keys[:4]] == [1, 1, 1, 1]
    assert table.hit(keys[4], window_ms=1000, now_ms=500) is None  # four live windows of others
    assert [table.hit(k, window_ms=1000, now_ms=600) for k in keys[:4]] == [2, 2, 2, 2]
    assert table.hit(keys[4], window_ms=1000, now_ms=1000) == 1  # an ended window's slot reused
    assert table.hit(keys[4], window_ms=1000, now_ms=1999) == 2
    again = HostCounters(str(tmp_path / "c"), slots=4)  # another process's view of the same file
    assert again.hit(keys[4], window_ms=1000, now_ms=1999) == 3
    (tmp_path / "c-v1-4").write_bytes(b"garbage")  # a torn or foreign file is started afresh
    assert HostCounters(str(tmp_path / "c"), slots=4).hit(keys[0], window_ms=1000, now_ms=0) == 1


@pytest.mark.django_db
def test_keys_without_a_slot_are_counted_in_a_sqlite_file_of_their_own(tmp_path, monkeypatch):
    """When the host's table has no slot for a key, the hit goes to ``<database>-counters`` (a
    SQLite file, never the court's database); its ended windows restart at 1 and are purged."""
    import sqlite3

    from lastmile.accounts import throttle

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = str(tmp_path / "lastmile.sqlite3-counters")
    monkeypatch.setattr(throttle, "_counters_path", lambda: path)
    monkeypatch.setattr(throttle, "_host_counters", lambda _path: HostCounters(path, slots=1))
    assert window_hit("rate:t:198.51.100.1", window=600) == 1  # the one slot
    assert [window_hit("rate:t:198.51.100.2", window=600) for _ in range(3)] == [1, 2, 3]
    assert not RateCounter.objects.exists()
    later = 2_000_000_000.0
    assert window_hit("rate:t:198.51.100.2", window=600, now=later) == 1  # the slot, free again
    monkeypatch.setattr(throttle, "_host_counters", lambda _path: None)  # no table (no fcntl)
    assert window_hit("rate:t:198.51.100.2", window=600, now=later) == 1  # the file's window ended
    monkeypatch.setattr(throttle, "PURGE_EVERY", 1)
    window_hit("rate:t:198.51.100.3", window=1, now=later + 601)  # purges what ended before now
    rows = sqlite3.connect(path).execute("SELECT key FROM rate_counter ORDER BY key").fetchall()
    assert rows == [("rate:t:198.51.100.3",)]


def test_a_thread_that_ends_gives_its_descriptor_back(tmp_path):
    import gc
    import os
    import threading

    table = HostCounters(str(tmp_path / "c"), slots=64)
    table.hit("rate:t:192.0.2.1", window_ms=60_000, now_ms=0)  # the map, opened once
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        t = threading.Thread(
            target=table.hit, args=("rate:t:192.0.2.1",), kwargs={"window_ms": 60_000, "now_ms": 1}
        )
        t.start()
        t.join()
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before + 1
    assert table.hit("rate:t:192.0.2.1", window_ms=60_000, now_ms=2) == 52
