"""Database helpers: the cursor of the set-based writers (audit chain, ledger posting), an update
of many rows in one statement, and the answer to a request the database was too busy for."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

from django.db import OperationalError, connection
from django.db.models import Field, Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import error_body

logger = logging.getLogger("lastmile.db")

# How long a client is asked to wait when the database was too busy to answer (503 Retry-After).
BUSY_RETRY_AFTER_S = 5
BUSY_MESSAGE = "系统繁忙，请稍后重试。"


def database_busy(exc: BaseException) -> bool:
    """True when ``exc`` says the database was too busy, not broken: SQLite's write lock was not
    had within the busy timeout ("database is locked"). The request changed nothing (its
    transaction was rolled back) and can be sent again; it is answered 503 ``service_busy``
    with Retry-After, never 500."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def busy_answer_for(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """The 503 answer (:func:`busy_answer`), logged as a warning, when ``exc`` says the database
    was too busy; ``None`` for any other error."""
    if not database_busy(exc):
        return None
    logger.warning("database busy in %s %s: %s", request.method, request.path, exc)
    return busy_answer(request)


def busy_answer(request: HttpRequest) -> HttpResponse:
    """503 for a request the database was too busy for: JSON ``service_busy`` under ``/api/``,
    a page in Chinese elsewhere; Retry-After either way."""
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            error_body(CoreErrorCode.SERVICE_BUSY, BUSY_MESSAGE),
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_S)
    return response


class DatabaseBusyMiddleware:
    """A page whose view met a busy database answers 503 (:func:`busy_answer`) instead of 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_answer_for(request, exception)


@contextmanager
def bulk_cursor() -> Iterator[Any]:
    """The cursor of batch statements. On PostgreSQL it binds parameters on the server, in binary
    (``%b``): arrays of thousands of values go as they are, instead of being quoted into the SQL
    text by the client-side binding Django uses by default. Same connection and transaction;
    Django's execute wrappers (query counting, debug logging) still see every statement."""
    with _server_cursor(prepared=False) as cur:
        yield cur


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """The cursor of the few statements an anonymous endpoint runs on every request (the public
    失信 query and its rate counter). On PostgreSQL each statement is prepared on the connection
    the first time it runs there and only executed afterwards: parsing and planning the public
    query's two statements cost the database about 90 µs of CPU per request (about 210 µs
    against 120 µs, measured in docs/benchmarks.md ``public_query``). Django's execute wrappers
    still see every statement.

    On SQLite a read goes straight to the sqlite3 cursor when nothing watches the statements (no
    execute wrapper, no query log; then Django's own cursor): Django's layers cost about 18 µs of
    the 25 µs the search takes, and sqlite3 caches the prepared statement by its text already."""
    if connection.vendor == "sqlite" and not connection.queries_logged and not connection.execute_wrappers:
        connection.ensure_connection()
        with connection.wrap_database_errors:
            cur = _SQLiteReadCursor(connection.connection.cursor())
            try:
                yield cur
            finally:
                cur.close()
        return
    with _server_cursor(prepared=True) as cur:
        yield cur


class _SQLiteReadCursor:
    """The sqlite3 cursor for reads, with Django's ``%s`` placeholders; any other statement goes
    through Django's cursor (a write outside a transaction passes the turnstile there,
    :mod:`lastmile.core.sqlite`)."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.django: Any = None  # Django's cursor, opened for the first statement that is no read
        self.last = cursor

    def execute(self, sql: str, params: Any = ()) -> Any:
        read = _plain_read(sql)
        if read is None:
            if self.django is None:
                self.django = connection.cursor()
            self.last = self.django
            return self.django.execute(sql, params)
        self.last = self.cursor
        return self.cursor.execute(read, params)

    def close(self) -> None:
        self.cursor.close()
        if self.django is not None:
            self.django.close()

    def fetchone(self) -> Any:
        return self.last.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self.last.fetchall())


@lru_cache(maxsize=64)
def _plain_read(sql: str) -> str | None:
    """``sql`` with ``?`` placeholders when it is a SELECT with plain ``%s`` ones, else None."""
    if sql.lstrip()[:6].upper() != "SELECT" or "%%" in sql:
        return None
    return sql.replace("%s", "?")


# psycopg prepares only on a connection with a threshold; one this high never prepares a
# statement by itself (Django's cursors bind on the client and never do), only when asked.
_PREPARE_WHEN_ASKED = 2**31


@contextmanager
def _server_cursor(*, prepared: bool) -> Iterator[Any]:
    conn = connection
    if conn.vendor != "postgresql":
        with conn.cursor() as cur:
            yield cur
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    conn.ensure_connection()
    factory = ServerBindingCursor
    if prepared:
        factory = _preparing_cursor_class()
        if conn.connection.prepare_threshold is None:
            conn.connection.prepare_threshold = _PREPARE_WHEN_ASKED
    raw = factory(conn.connection)
    wrapped = conn.make_debug_cursor(raw) if conn.queries_logged else conn.make_cursor(raw)
    with wrapped as cur:
        yield cur


@cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        """Server-side binding, and every statement prepared (once per connection)."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    return PreparingCursor


# Bound values per statement of :func:`bulk_set`, below SQLite's limit (32,766) and PostgreSQL's
# (65,535).
_BULK_SET_PARAMS = 30_000


def bulk_set(model: type[Model], objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of ``objs`` (saved rows of ``model``, each once) with one ``UPDATE … FROM
    (VALUES …)`` joined on the primary key (in chunks below the databases' limits of bound values).

    What Django's ``bulk_update`` does, without its cost: it builds a ``CASE WHEN pk = … THEN …``
    expression per row and field and compiles it, which took 4.0 ms of CPU for 4 rows of 5 fields
    and 9.7 ms for 12, where one ``UPDATE`` per row took 0.8 and 2.3 ms (the inquiry worker saves a
    case's orders this way after every batch of answers). Same semantics: each field prepares its
    own value (``get_db_prep_save``), no ``pre_save`` (``auto_now`` is not touched), no signals.
    PostgreSQL casts each column to its field's type; SQLite (3.33 or later, for ``UPDATE …
    FROM``) names the values' columns ``column1`` … (an older SQLite gets ``bulk_update``)."""
    if not objs:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    concrete: list[Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, Field) or not field.concrete or field.primary_key:
            raise ValueError(f"bulk_set: {name} is not a column bulk_set can write")
        concrete.append(field)
    if len({o.pk for o in objs}) != len(objs):
        raise ValueError("bulk_set: a row is given twice")
    vendor = connection.vendor
    if vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        model._default_manager.bulk_update(objs, list(fields))
        return
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    width = len(concrete) + 1
    if vendor == "postgresql":
        casts = [pk.cast_db_type(connection), *(f.cast_db_type(connection) for f in concrete)]  # type: ignore[attr-defined]
        row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
        names = ["pk_", *(f"c{i}" for i in range(len(concrete)))]
        source = "AS v(" + ", ".join(names) + ")"
    else:
        row = "(" + ", ".join(["%s"] * width) + ")"
        names = [f"column{i + 1}" for i in range(width)]
        source = "AS v"
    sets = ", ".join(f"{qn(f.column)} = v.{name}" for f, name in zip(concrete, names[1:], strict=True))
    step = max(1, _BULK_SET_PARAMS // width)
    with connection.cursor() as cur:
        for i in range(0, len(objs), step):
            chunk = objs[i : i + step]
            params: list[Any] = []
            for obj in chunk:
                params.append(pk.get_db_prep_save(obj.pk, connection))
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete)
            cur.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * len(chunk))}) {source} "  # noqa: S608
                f"WHERE {table}.{qn(pk.column)} = v.{names[0]}",
                params,
            )


#: Index entries ANALYZE reads per index on SQLite (``PRAGMA analysis_limit``): enough for the
#: planner to tell a column of a few values (a document's template) from one of thousands (its
#: case), and a bounded cost on a large file (tens of milliseconds for a court's year).
SQLITE_ANALYSIS_LIMIT = 1000


def planner_statistics_refresh() -> bool:
    """Refresh the query planner's statistics (SQLite's ``ANALYZE``, bounded by
    :data:`SQLITE_ANALYSIS_LIMIT`); returns whether it ran. Without statistics SQLite chooses
    blindly between two indexes of equal shape: the 执行通知书 of one case was looked up through
    the index of its template, reading every case's notice, so the lookup grew with the court's
    year (docs/benchmarks.md). The periodic sweep runs it every 10 minutes and the court-year simulation
    every simulated week. On PostgreSQL autovacuum keeps the statistics: nothing is done."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
