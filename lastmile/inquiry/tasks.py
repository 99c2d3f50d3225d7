"""Background work of network inquiry and control, run by ``lastmile db_worker`` on the
"inquiry" queue. Tasks take no arguments but ids, are idempotent, and reschedule themselves
for the next due order (retries with backoff, overdue results) so nothing waits for a click."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django_tasks import task

from lastmile.core.clock import get_clock

from .models import OPEN_ORDER_STATUSES, Order
from .services import inquiry_sweep, orders_dispatch

log = logging.getLogger(__name__)
SWEEP_EVERY = timedelta(seconds=60)
MAX_ROUNDS = 50


def _already_scheduled(task_path: str, before: datetime) -> bool:
    """Whether a run of ``task_path`` is already waiting to start by ``before`` (DB backend)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: enqueue anyway, the tasks are idempotent
        return False
    return DBTaskResult.objects.filter(task_path=task_path, status="READY", run_after__lte=before).exists()


def _schedule(t, run_after: datetime) -> None:  # type: ignore[no-untyped-def]
    if not _already_scheduled(t.module_path, run_after):
        t.using(run_after=run_after).enqueue()


@task(queue_name="inquiry")
def orders_dispatch_task() -> int:
    """Send due orders until none is due, then schedule the next run for the next due order."""
    sent = 0
    for _ in range(MAX_ROUNDS):
        report = orders_dispatch(now=get_clock().now())
        sent += report.sent
        if not report.sent:
            break
    nxt = (
        Order.objects.filter(status__in=OPEN_ORDER_STATUSES, next_attempt_at__isnull=False)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if nxt is not None:
        _schedule(orders_dispatch_task, max(nxt, get_clock().now()))
    _schedule(inquiry_sweep_task, get_clock().now() + SWEEP_EVERY)
    return sent


@task(queue_name="inquiry")
def inquiry_sweep_task() -> dict[str, int]:
    """Freeze after the wait, release what is paid, record lapses; again in a minute while
    anything is under control."""
    now = get_clock().now()
    report = inquiry_sweep(now=now)
    from .models import Control

    if Control.objects.exists():
        _schedule(inquiry_sweep_task, now + SWEEP_EVERY)
    return {"planned": report.planned, "released": report.released, "lapsed": report.lapsed}
