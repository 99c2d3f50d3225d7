"""What the trial actions share: the case's parties by side, and rows re-read locked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lastmile.cases.models import CREDITOR_ROLES, DEBTOR_ROLES, Case, CaseParty
from lastmile.parties.models import Party


def _parties(case: Case) -> tuple[list[Party], list[Party]]:
    rows = CaseParty.objects.filter(case=case).select_related("party").order_by("role", "position")
    return [r.party for r in rows if r.role in CREDITOR_ROLES], [
        r.party for r in rows if r.role in DEBTOR_ROLES
    ]


def _fresh(model: Any, objects: Sequence[Any]) -> list[Any]:
    """The rows again, locked and current, in the order given (callers may hold stale copies)."""
    rows = {o.pk: o for o in model.objects.select_for_update().filter(pk__in=[o.pk for o in objects])}
    return [rows[o.pk] for o in objects if o.pk in rows]
