"""Portable SQL expressions for day arithmetic (SQLite and PostgreSQL), so indicators aggregate in
the database instead of in Python."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DateField, Expression, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate

from lastmile.core.clock import SHANGHAI


def local_date(field: str | Expression) -> TruncDate:
    """The Beijing date of a timestamp column (court dates are Beijing dates)."""
    return TruncDate(field, tzinfo=SHANGHAI)


class DaysBetween(Func):
    """``later - earlier`` in whole days; both arguments are dates."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class AddMonths(Func):
    """``date + n months``, clamped to the month's last day (31 Aug + 6 months = 29 Feb), as
    :func:`lastmile.core.periods.period_end_months` counts months."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL
        d_sql, d_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        return f"(({d_sql}) + make_interval(months => ({n_sql})::int))::date", (*d_params, *n_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        d_sql, d_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"min(date({d_sql}, 'start of month', '+' || ({n_sql}) || ' months', "
            f"'+' || (CAST(strftime('%%d', {d_sql}) AS INTEGER) - 1) || ' days'), "
            f"date({d_sql}, 'start of month', '+' || (({n_sql}) + 1) || ' months', '-1 day'))"
        )
        return sql, (*d_params, *n_params, *d_params, *d_params, *n_params)


class BeijingDaysBetween(Func):
    """Whole days from the Beijing date of timestamp ``earlier`` to that of ``later``, in plain SQL
    (no per-row Python function on SQLite). China has kept UTC+8 all year since 1991, so on SQLite
    the Beijing date is the UTC timestamp moved by eight hours."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL
        a_sql, a_params = compiler.compile(self.source_expressions[0])
        b_sql, b_params = compiler.compile(self.source_expressions[1])
        tz = "AT TIME ZONE 'Asia/Shanghai'"
        return f"((({a_sql}) {tz})::date - (({b_sql}) {tz})::date)", (*a_params, *b_params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        a_sql, a_params = compiler.compile(self.source_expressions[0])
        b_sql, b_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(julianday(date({a_sql}, '+8 hours')) - julianday(date({b_sql}, '+8 hours')) AS INTEGER)"
        return sql, (*a_params, *b_params)


class BeijingPeriodStart(Func):
    """The first day of the month, quarter or year (``kind``) holding the Beijing date of a
    timestamp, in plain SQL (see :class:`BeijingDaysBetween` for the fixed UTC+8)."""

    arity = 1
    output_field = DateField()
    KINDS = ("month", "quarter", "year")

    def __init__(self, expression: Any, kind: str) -> None:
        if kind not in self.KINDS:
            raise ValueError(kind)
        self.kind = kind
        super().__init__(expression)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_trunc('{self.kind}', ({sql}) AT TIME ZONE 'Asia/Shanghai')::date", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.kind == "year":
            return f"date({sql}, '+8 hours', 'start of year')", params
        if self.kind == "month":
            return f"date({sql}, '+8 hours', 'start of month')", params
        back = f"((CAST(strftime('%%m', {sql}, '+8 hours') AS INTEGER) - 1) %% 3)"
        return f"date({sql}, '+8 hours', 'start of month', '-' || {back} || ' months')", (*params, *params)


class _WidthBucket(Func):
    """PostgreSQL's ``width_bucket(timestamp, thresholds[])``: a binary search in an array of
    instants (see :func:`time_bucket`)."""

    output_field = IntegerField()

    def __init__(self, field: str, instants: Sequence[datetime]) -> None:
        self.instants = list(instants)
        super().__init__(F(field))

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"width_bucket({sql}, %s::timestamptz[])", (*params, self.instants)


def time_bucket(field: str, instants: Sequence[datetime]) -> Expression:
    """Which of the intervals cut by ``instants`` (sorted, aware) the timestamp ``field`` falls in:
    0 before the first, i for ``instants[i-1] <= t < instants[i]``, ``len(instants)`` from the
    last on. With month starts and the periods' bounds among the instants, one small integer per
    case tells its Beijing month and which side of every bound it is on, so a grouping by it
    replaces a month truncation in a time zone and a flag per bound (about half the cost of the
    open cases' grouping, docs/benchmarks.md ``statistics``). PostgreSQL: ``width_bucket``;
    elsewhere the same as a ``CASE``."""
    if connection.vendor == "postgresql":
        return _WidthBucket(field, instants)
    whens = [When(Q(**{f"{field}__lt": t}), then=Value(i)) for i, t in enumerate(instants)]
    return Case(*whens, default=Value(len(instants)), output_field=IntegerField())


@contextmanager
def dashboard_reads() -> Iterator[None]:
    """Run the enclosed reads in one transaction with PostgreSQL's JIT compilation off and room to
    group in memory (``SET LOCAL``, so only this transaction, in one round trip). The dashboard's
    aggregates cost enough for the planner to compile them (``jit_above_cost``), and compiling
    took about 1 s of a 1.75 s query over a million cases, more than it saved; with the default
    ``work_mem`` (4 MB) the direct cases' grouping sorted ~120,000 rows on disk instead of hashing
    them (docs/benchmarks.md, ``statistics``). Nothing on SQLite."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        yield


def no_parallel_workers() -> None:
    """No parallel workers for the rest of the transaction (PostgreSQL, ``SET LOCAL``): with the
    summary the dashboard's reads are small or grouped in the leader (their aggregates hold
    sub-queries), and the planner launched two workers for the closed direct cases, about 12 ms
    of start-up for a read of 0.2 ms alone (docs/benchmarks.md ``statistics``). Nothing on
    SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")


@contextmanager
def grouped_by_hashing() -> Iterator[None]:
    """Let PostgreSQL group the enclosed query's rows by hashing rather than sorting them
    (``enable_sort`` and ``enable_incremental_sort`` off while it runs, then back to their
    defaults; inside a transaction). For a grouping of ~120,000 rows on a dozen keys into a few
    thousand groups, which the planner sorts because it cannot foresee how few the groups are
    (``EXPLAIN ANALYZE``: about twice as long sorted, docs/benchmarks.md ``statistics``). Nothing
    on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET enable_sort; RESET enable_incremental_sort")
