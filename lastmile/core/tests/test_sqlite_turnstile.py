"""A busy SQLite writer cannot starve the others (lastmile.core.sqlite.base).

A second process writes transaction after transaction, each holding the write lock for 0.3 s, for
4 s. Without the turnstile, a write of this process waits for the write lock until the busy writer
stops (SQLite's busy handler polls; the busy writer takes the lock back microseconds after each
commit); with it, the write gets in at the end of the busy writer's current transaction.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from django.db.utils import ConnectionHandler

HOLD_S = 0.3
BUSY_FOR_S = 4.0


def _handler(path: Path, engine: str) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": engine,
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=60000;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 60,
                },
            }
        }
    )


def _busy_writer(path: str, engine: str, started: Any) -> None:
    conn = _handler(Path(path), engine)["default"]
    end = time.monotonic() + BUSY_FOR_S
    while time.monotonic() < end:
        with _atomic(conn), conn.cursor() as cur:
            cur.execute("INSERT INTO t VALUES (1)")
            started.set()
            time.sleep(HOLD_S)
    conn.close()


class _atomic:
    """BEGIN … COMMIT on a connection that is not in ``django.db.connections``."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.ensure_connection()
        self.conn._start_transaction_under_autocommit()

    def __exit__(self, *exc: object) -> None:
        self.conn.connection.commit()


def _wait_for_one_write(tmp_path: Path, engine: str) -> float:
    path = tmp_path / "db.sqlite3"
    setup = _handler(path, engine)["default"]
    with setup.cursor() as cur:
        cur.execute("CREATE TABLE t (x INTEGER)")
    setup.close()
    ctx = multiprocessing.get_context("fork")
    started = ctx.Event()
    busy = ctx.Process(target=_busy_writer, args=(str(path), engine, started))
    busy.start()
    try:
        assert started.wait(10)
        conn = _handler(path, engine)["default"]
        t0 = time.monotonic()
        with conn.cursor() as cur:
            cur.execute("INSERT INTO t VALUES (2)")  # autocommit: one statement
        waited = time.monotonic() - t0
        t1 = time.monotonic()
        with _atomic(conn), conn.cursor() as cur:
            cur.execute("INSERT INTO t VALUES (3)")
        waited = max(waited, time.monotonic() - t1)
        conn.close()
    finally:
        busy.join(BUSY_FOR_S + 10)
    return waited


def test_a_write_gets_in_beside_a_busy_writer(tmp_path: Path, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():  # its own database files, not the test database
        waited = _wait_for_one_write(tmp_path, "lastmile.core.sqlite")
    assert waited < 5 * HOLD_S, f"waited {waited:.2f} s for the write lock"


def test_without_the_turnstile_the_same_write_starves(tmp_path: Path, django_db_blocker: Any) -> None:
    """The test above can fail: Django's own backend waits until the busy writer stops."""
    with django_db_blocker.unblock():
        waited = _wait_for_one_write(tmp_path, "django.db.backends.sqlite3")
    assert waited > BUSY_FOR_S / 2


def test_no_turnstile_in_memory() -> None:
    conn = ConnectionHandler({"default": {"ENGINE": "lastmile.core.sqlite", "NAME": ":memory:"}})["default"]
    assert conn.turnstile_path() is None
