"""Periodic enforcement checks; each part is idempotent."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.cases.models import Case, CaseStatus, Deadline
from lastmile.cases.services import deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.enforcement.kinds import EnforcementDeadline

from .. import rules
from ..models import EnforcementCase, PropertyRequery
from .closing import _requery_deadline_next
from .settlement import settlement_default_sweep


@transaction.atomic
def requery_sweep(*, now: datetime) -> int:
    """Make sure every 终本 case has its next re-query on the workbench; returns how many are overdue."""
    today = _today(now)
    case_ids = set(
        PropertyRequery.objects.filter(done_on__isnull=True, cancelled=False).values_list(
            "case_id", flat=True
        )
    )
    for case in Case.objects.filter(pk__in=case_ids):
        _requery_deadline_next(case=case)
    return PropertyRequery.objects.filter(done_on__isnull=True, cancelled=False, due_on__lt=today).count()


@transaction.atomic
def time_limit_sweep(*, now: datetime, warn_days: int = 30) -> int:
    """Put a warning on the workbench of every open case whose time limit ends within
    ``warn_days``; idempotent. Returns how many warnings were added."""
    today = _today(now)
    added = 0
    horizon = rules.days_after(today, warn_days)
    rows = (
        EnforcementCase.objects.filter(time_limit_due_on__isnull=False, time_limit_due_on__lte=horizon)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
    )
    for ec in rows:
        due_on = ec.time_limit_due_on
        assert due_on is not None
        if Deadline.objects.filter(
            case=ec.case, kind=EnforcementDeadline.TIME_LIMIT_WARNING, due_on=due_on
        ).exists():
            continue
        deadline_open(
            case=ec.case,
            kind=EnforcementDeadline.TIME_LIMIT_WARNING,
            label=f"执行期限将于{due_on:%Y-%m-%d}届满，请结案或申请延长",
            starts_on=min(today, due_on),
            due_on=due_on,
            provisional=ec.time_limit_provisional,
            legal_basis=rules.BASIS_TIME_LIMIT,
        )
        added += 1
    return added


def enforcement_sweep(*, now: datetime) -> dict[str, int]:
    """All periodic enforcement checks; each part is idempotent."""
    return {
        "settlements_defaulted": settlement_default_sweep(now=now),
        "requeries_overdue": requery_sweep(now=now),
        "time_limit_warnings": time_limit_sweep(now=now),
    }
