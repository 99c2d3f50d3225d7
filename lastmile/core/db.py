"""Database helpers shared by the set-based writers (audit chain, ledger posting)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def bulk_cursor() -> Iterator[Any]:
    """The cursor of batch statements. On PostgreSQL it binds parameters on the server, in binary
    (``%b``): arrays of thousands of values go as they are, instead of being quoted into the SQL
    text by the client-side binding Django uses by default. Same connection and transaction;
    Django's execute wrappers (query counting, debug logging) still see every statement."""
    conn = connection
    if conn.vendor != "postgresql":
        with conn.cursor() as cur:
            yield cur
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    conn.ensure_connection()
    raw = ServerBindingCursor(conn.connection)
    wrapped = conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw)
    with wrapped as cur:
        yield cur
