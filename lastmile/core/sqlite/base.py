"""Django's SQLite backend, with a turnstile in front of the write lock.

SQLite gives its one write lock to whoever asks at the right moment: a waiting connection polls
(its busy handler sleeps up to 100 ms between tries), while a process that writes transaction
after transaction (the court-year simulation, a document batch) takes the lock again microseconds
after each commit. The poller almost never finds the lock free, waits out its whole busy timeout
and fails with "database is locked": a web request that only had to count a hit or save a session
came back as a 500 after 60 s while the demo's simulation ran beside it.

The turnstile is an advisory file lock (``flock``) next to the database file. Every transaction
passes it on the way in: it is taken before ``BEGIN IMMEDIATE`` and given back as soon as the write
lock is held (or the attempt failed); a write outside a transaction (autocommit: a rate counter's
upsert) holds it for its one statement. A writer that is waiting for the write lock therefore holds
the turnstile, and the busy writer's next transaction stops at the turnstile instead of taking the
lock back, so the waiter gets the lock at its next poll. Holding the turnstile only while waiting
costs two system calls per transaction and never lengthens a transaction.

In-memory databases (the test suite's) have one connection and no turnstile; neither has a
platform without ``fcntl``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

try:
    import fcntl
except ImportError:  # pragma: no cover (not on Linux or macOS)
    fcntl = None  # type: ignore[assignment]

# How long to wait at the turnstile before going on without it (the write lock's own busy
# timeout still applies after it): a stuck turnstile can slow a writer down, never stop it.
TURNSTILE_TIMEOUT_S = 60.0
# Waits between tries at the turnstile: short first (an autocommit write holds it for tens of
# microseconds), then 2 ms (a writer waiting out another's transaction).
_POLLS_S = (0.00005, 0.0001, 0.0002, 0.0005, 0.001)
_POLL_S = 0.002


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turnstile_fd: int | None = None

    def sidecar_path(self, suffix: str) -> str | None:
        """A file beside the database file (``<database>-<suffix>``), or ``None`` for an
        in-memory database. The turnstile and the rate counters live there."""
        name = str(self.settings_dict.get("NAME") or "")
        if not name or self.is_in_memory_db():
            return None
        return f"{name}-{suffix}"

    def turnstile_path(self) -> str | None:
        """The turnstile's file, or ``None`` where there is none (in memory, no ``fcntl``)."""
        return None if fcntl is None else self.sidecar_path("turnstile")

    def _turnstile(self) -> int | None:
        if self._turnstile_fd is None:
            path = self.turnstile_path()
            if path is None:
                return None
            self._turnstile_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._turnstile_fd

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=TurnstileCursor)
        cursor.turnstile = self._turnstile()
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        fd = self._turnstile()
        with nullcontext() if fd is None else passing(fd):
            super()._start_transaction_under_autocommit()  # type: ignore[misc]

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            if self._turnstile_fd is not None:
                os.close(self._turnstile_fd)
                self._turnstile_fd = None


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class TurnstileCursor(SQLiteCursorWrapper):
    """A cursor whose writes outside a transaction pass the turnstile (a write inside one passed
    it at ``BEGIN``)."""

    turnstile: int | None = None

    def execute(self, query: str, params: Any = None) -> Any:
        with self._passing(query):
            return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        with self._passing(query):
            return super().executemany(query, param_list)

    def _passing(self, query: str) -> AbstractContextManager[None]:
        if self.turnstile is None or self.connection.in_transaction or not _writes(query):
            return nullcontext()
        return passing(self.turnstile)


def _writes(query: str) -> bool:
    return query.lstrip()[:6].upper() in _WRITES


@contextmanager
def passing(fd: int) -> Iterator[None]:
    """Hold the turnstile ``fd`` while the block runs (taking the write lock)."""
    held = _acquire(fd, TURNSTILE_TIMEOUT_S)
    try:
        yield
    finally:
        if held:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _acquire(fd: int, timeout: float) -> bool:
    """Take the turnstile within ``timeout`` seconds; ``False`` if it could not be had."""
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLLS_S[tries] if tries < len(_POLLS_S) else _POLL_S)
            tries += 1
