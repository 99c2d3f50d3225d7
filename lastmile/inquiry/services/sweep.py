"""The worker's periodic sweep: retry the inbox, decide rounds whose wait is over, release what
is no longer owed, and record lapsed freezes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F

from lastmile.cases.models import Case
from lastmile.core.clock import court_date as _today
from lastmile.inquiry.kinds import InquiryEvent

from .. import rules
from ..models import Control, Freeze, FreezeStatus, InboxMessage
from .common import _control_lock, _event, _freeze_end
from .inbox import inbox_process
from .policy import _plan, _reconcile


@dataclass
class SweepReport:
    planned: int = 0
    released: int = 0
    lapsed: int = 0
    inbox_retried: int = 0


def inquiry_sweep(*, now: datetime) -> SweepReport:
    """Periodic work (idempotent): freeze for rounds whose wait is over, release what is no
    longer owed (payments that arrived by other routes), record lapsed freezes (查封规定 2020
    art. 27), and retry inbox messages whose processing failed."""
    report = SweepReport()
    # Messages whose batch failed, one by one (the others are the inbox worker's).
    failed = InboxMessage.objects.filter(processed_at__isnull=True, received_at__lt=now).exclude(error="")
    for msg_id in failed.values_list("pk", flat=True)[:1000]:
        inbox_process(message_id=msg_id, now=now)
        report.inbox_retried += 1
    due = Control.objects.filter(plan_after__lte=now, released_at__isnull=True, planned_round__lt=F("round"))
    for case_id in due.values_list("case_id", flat=True):
        with transaction.atomic():
            control = _control_lock(Case.objects.get(pk=case_id))
            report.planned += len(_plan(control, now))
    for case_id in set(Freeze.objects.filter(status=FreezeStatus.ACTIVE).values_list("case_id", flat=True)):
        with transaction.atomic():
            control = _control_lock(Case.objects.get(pk=case_id))
            report.released += _reconcile(control, now, None)
    report.lapsed = freezes_lapse(now=now)
    return report


def freezes_lapse(*, now: datetime) -> int:
    """Freezes whose period ended without renewal lapse by law (查封规定 2020 art. 27): the
    freeze is recorded as lapsed, its budget returns, and the officer sees it on the timeline."""
    today = _today(now)
    count = 0
    for pk, case_id in Freeze.objects.filter(status=FreezeStatus.ACTIVE, expires_on__lt=today).values_list(
        "pk", "case_id"
    ):
        with transaction.atomic():
            control = _control_lock(Case.objects.get(pk=case_id))
            freeze = Freeze.objects.select_for_update().select_related("asset", "case").get(pk=pk)
            if (
                freeze.status != FreezeStatus.ACTIVE
                or freeze.expires_on is None
                or freeze.expires_on >= today
            ):
                continue
            expired = freeze.expires_on
            _freeze_end(freeze, FreezeStatus.LAPSED, "期限届满未续行", now)
            _event(
                freeze.case,
                InquiryEvent.FREEZE_LAPSED,
                f"{freeze.asset.institution_name} {freeze.asset.identifier} 的"
                f"{'冻结' if freeze.is_money else '查封'}已于{expired:%Y-%m-%d}届满未续行，自动失效",
                now,
                None,
                data={"freeze": freeze.pk, "expired_on": expired},
                legal_basis=rules.BASIS_LAPSE,
            )
            count += 1
            del control
    return count
