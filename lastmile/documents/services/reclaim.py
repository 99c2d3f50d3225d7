"""The sweep that re-queues batch jobs whose worker's hold lapsed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q

from ..conf import documents_setting
from ..models import BatchJob
from .batches import _lease


def batch_jobs_reclaim(*, now: datetime, limit: int = 500) -> list[int]:
    """The sweep: re-queue every unfinished job whose hold lapsed (its worker died, or its task
    was lost), taking the hold for the new run so a job is queued once per lapse. Returns the
    job ids re-queued. The new run reclaims the dead worker's items once their claim is older
    than the lease; ``Document.batch_item`` is unique, so no item yields two documents."""
    from ..tasks import batch_run_task

    lapsed_q = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    retry = Q(reclaims__lt=int(documents_setting("BATCH_MAX_RECLAIMS")))
    lapsed = list(
        BatchJob.objects.filter(lapsed_q, retry, finished_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    requeued = []
    for pk in lapsed:
        taken = BatchJob.objects.filter(lapsed_q, retry, pk=pk, finished_at__isnull=True).update(
            lease_until=now + _lease(), reclaims=F("reclaims") + 1
        )
        if taken:
            requeued.append(pk)
            transaction.on_commit(lambda pk=pk: batch_run_task.enqueue(pk, 0))  # type: ignore[misc]
    return requeued
