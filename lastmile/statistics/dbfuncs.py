"""Portable SQL expressions for day arithmetic (SQLite and PostgreSQL), so indicators aggregate in
the database instead of in Python."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Expression, Func, IntegerField
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
