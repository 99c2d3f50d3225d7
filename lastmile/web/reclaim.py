"""Nothing stays stuck: the sweep that resumes work a dead worker left behind.

A worker can die at any instruction (``kill -9``, out of memory, a lost machine). What it held
is then found by time: every batch carries a hold (``lease_until``) its worker renews while it
works, and every django-tasks row a worker runs is ``RUNNING`` with a start time. The sweep
(every few minutes from ``lastmile schedule``, or ``lastmile reclaim`` by hand):

1. re-queues each unfinished **document batch** whose hold lapsed
   (:func:`lastmile.documents.services.batch_jobs_reclaim`);
2. re-queues each unfinished **filing batch** whose hold lapsed
   (:func:`lastmile.filing.services.batches_reclaim`);
3. marks each task row ``RUNNING`` for longer than ``TASKS_STALE_SECONDS`` as failed (worker
   lost) and queues it again with the same arguments.

Every task is idempotent and every item is written once (a row → case link, a
``Document.batch_item``), so a doubled run, or a worker thought dead that was only slow, does
nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

from lastmile.documents.services import batch_jobs_reclaim
from lastmile.filing.services import batches_reclaim

log = logging.getLogger(__name__)

DEFAULT_STALE_SECONDS = 30 * 60


def stale_after() -> timedelta:
    """How long a task may run before its worker counts as lost (``LASTMILE["TASKS_STALE_SECONDS"]``).
    Longer than any task runs: long work is chunked and re-queues itself."""
    configured: Any = settings.LASTMILE.get("TASKS_STALE_SECONDS", DEFAULT_STALE_SECONDS)
    return timedelta(seconds=int(configured))


class WorkerLost(Exception):
    """Recorded on a task row whose worker stopped without finishing it."""


def task_rows_reclaim(*, now: datetime, stale: timedelta | None = None) -> list[str]:
    """Fail every task row left ``RUNNING`` longer than ``stale`` and queue a fresh copy (same
    task, arguments, queue and priority). Returns the ids of the rows given up. Only for the
    database task backend; with another backend there is nothing to reclaim."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return []
    cutoff = now - (stale if stale is not None else stale_after())
    reclaimed = []
    for row in DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).order_by("started_at")[
        :500
    ]:
        with transaction.atomic():
            taken = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"worker {row.worker_ids[-1:] or '?'} lost: running since {row.started_at}, "
                "re-queued by the sweep",
            )
            if not taken:
                continue
            try:
                task = row.task
            except Exception:  # the task no longer exists in the code: nothing to resume
                log.warning("task row %s (%s) lost its worker and cannot be re-queued", row.pk, row.task_path)
                continue
            transaction.on_commit(partial(_enqueue_again, task, row.args_kwargs or {}))
            reclaimed.append(str(row.pk))
    return reclaimed


def _enqueue_again(task: Any, args_kwargs: dict[str, Any]) -> None:
    task.enqueue(*args_kwargs.get("args", []), **args_kwargs.get("kwargs", {}))


@dataclass
class ReclaimReport:
    document_batches: list[int] = field(default_factory=list)
    filing_batches: list[int] = field(default_factory=list)
    task_rows: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "document_batches": len(self.document_batches),
            "filing_batches": len(self.filing_batches),
            "task_rows": len(self.task_rows),
        }


def reclaim_all(*, now: datetime, stale: timedelta | None = None) -> ReclaimReport:
    """Run the three reclaims above; idempotent (a second run at once finds nothing)."""
    report = ReclaimReport(
        document_batches=batch_jobs_reclaim(now=now),
        filing_batches=batches_reclaim(now=now),
        task_rows=task_rows_reclaim(now=now, stale=stale),
    )
    if report.document_batches or report.filing_batches or report.task_rows:
        log.warning("reclaimed stuck work: %s", report.as_dict())
    return report
