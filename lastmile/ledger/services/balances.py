"""What is owed and what was received, as enforcement and later stages read it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lastmile.cases.models import Case

from .posting import ZERO


def amount_outstanding(*, case: Case, as_of: date) -> Decimal:
    """What the debtor still owes on ``as_of``: costs, general interest, principal and doubled
    interest, after every receipt credited to the case that stops interest on or before
    ``as_of`` (0 when there is no recorded obligation)."""
    from ..selectors import case_statement

    statement = case_statement(case=case, as_of=as_of)
    return statement.outstanding_total if statement is not None else ZERO
