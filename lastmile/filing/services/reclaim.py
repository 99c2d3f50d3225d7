"""The sweep that re-queues batches whose worker stopped holding them."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q

from ..conf import filing_setting
from ..models import (
    FINISHED_STATUSES,
    IntakeBatch,
)
from .common import _lease


def batches_reclaim(*, now: datetime, limit: int = 500) -> list[int]:
    """The sweep: re-queue every unfinished batch whose hold lapsed (its worker died, or its
    task was lost), taking the hold for the new run so a batch is queued once per lapse.
    Returns the ids re-queued. Resuming is :func:`batch_process`'s (idempotent) job: rows that
    already have a case are never filed again."""
    from ..tasks import batch_process_task

    lapsed_q = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    # a batch that keeps killing its worker is left for a person (lastmile filing process <id>)
    retry = Q(reclaims__lt=int(filing_setting("MAX_RECLAIMS")))
    lapsed = (
        IntakeBatch.objects.exclude(status__in=FINISHED_STATUSES)
        .filter(lapsed_q, retry)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    requeued = []
    for pk in list(lapsed):
        taken = (
            IntakeBatch.objects.filter(pk=pk)
            .exclude(status__in=FINISHED_STATUSES)
            .filter(lapsed_q, retry)
            .update(lease_until=now + _lease(), reclaims=F("reclaims") + 1)
        )
        if taken:
            requeued.append(pk)
            transaction.on_commit(lambda pk=pk: batch_process_task.enqueue(pk))  # type: ignore[misc]
    return requeued
