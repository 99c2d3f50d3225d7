"""Batch jobs: creating one, claiming items under a lease, working through them, and finishing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.clock import Clock, get_clock
from lastmile.core.errors import ConditionsNotMet, PermissionDenied

from ..conf import batch_workers, documents_setting
from ..context import json_safe
from ..models import BatchItem, BatchJob, BatchStatus, ItemStatus
from .issue import IssueRequest, documents_issue_many
from .render import _missing_elements
from .templates import template_get


def batch_create(
    *,
    court: Court,
    template_code: str,
    cases: Iterable[Case],
    actor: User,
    now: datetime,
    context: dict[str, Any] | None = None,
    per_case: dict[int, dict[str, Any]] | None = None,
    enqueue: bool = True,
) -> BatchJob:
    """Create a batch issuing ``template_code`` for each case (one item per case, duplicates
    ignored) and, after commit, enqueue the worker task. Everything is checked first: another
    court's case or a missing element refuses the whole batch and creates nothing."""
    require(actor, "document.issue", court=court)
    template = template_get(template_code)
    shared = json_safe(context or {})
    per_case = {k: json_safe(v) for k, v in (per_case or {}).items()}
    case_list = list({c.pk: c for c in cases}.values())
    foreign = [c.number for c in case_list if c.court_id != court.pk]
    if foreign:
        raise PermissionDenied("批量任务中有其他法院的案件。", details={"cases": foreign[:20]})
    missing = sorted(
        {k for c in case_list for k in _missing_elements(template, {**shared, **per_case.get(c.pk, {})})}
    )
    if missing:
        raise ConditionsNotMet(
            f"批量生成“{template.name}”缺少文书要素：{'、'.join(missing)}。", unmet=missing
        )
    with transaction.atomic():
        job = BatchJob.objects.create(
            court=court,
            template=template,
            context=shared,
            created_at=now,
            created_by=actor,
            total=len(case_list),
            lease_until=now + _lease() if enqueue else None,
        )
        BatchItem.objects.bulk_create(
            [
                BatchItem(job=job, case=c, template=template, context=per_case.get(c.pk, {}))
                for c in case_list
            ],
            batch_size=1000,
        )
        if enqueue:
            from ..tasks import batch_run_task

            workers = batch_workers()
            for n in range(workers):
                transaction.on_commit(lambda n=n: batch_run_task.enqueue(job.pk, n))  # type: ignore[misc]
    return job


def _lease() -> timedelta:
    return timedelta(seconds=int(documents_setting("BATCH_LEASE_SECONDS")))


def batch_claim(
    job: BatchJob, *, worker_id: str, now: datetime, size: int, lease: timedelta | None = None
) -> list[BatchItem]:
    """Claim up to ``size`` items: pending ones, and ones whose claim is older than the lease
    (their worker died). Row locks with SKIP LOCKED keep two workers off the same item. An
    item already claimed ``BATCH_MAX_ATTEMPTS`` times whose claim lapsed again (it kills its
    worker) fails instead of being claimed once more."""
    lease = lease if lease is not None else _lease()
    cutoff = now - lease
    with transaction.atomic():
        BatchItem.objects.filter(
            job=job,
            status=ItemStatus.CLAIMED,
            claimed_at__lte=cutoff,
            attempts__gte=int(documents_setting("BATCH_MAX_ATTEMPTS")),
        ).exclude(claimed_by=worker_id).update(
            status=ItemStatus.FAILED, error="多次处理均中断（进程退出），已停止重试，请检查后单独出具。"
        )
        qs = (
            BatchItem.objects.select_for_update(skip_locked=True)
            .filter(job=job)
            .filter(
                Q(status=ItemStatus.PENDING)
                | Q(status=ItemStatus.CLAIMED, claimed_at__lte=cutoff)
                | Q(status=ItemStatus.CLAIMED, claimed_by=worker_id)
            )
            .order_by("pk")
        )
        ids = list(qs.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        BatchItem.objects.filter(pk__in=ids).update(
            status=ItemStatus.CLAIMED, claimed_by=worker_id, claimed_at=now, attempts=F("attempts") + 1
        )
        if job.status == BatchStatus.PENDING:
            BatchJob.objects.filter(pk=job.pk, status=BatchStatus.PENDING).update(status=BatchStatus.RUNNING)
        _job_hold(job, now=now)
    return list(
        BatchItem.objects.filter(pk__in=ids).select_related("case", "case__court", "template").order_by("pk")
    )


def _job_hold(job: BatchJob, *, now: datetime) -> None:
    """Renew the worker's hold on the job (the sweep leaves a held job alone)."""
    BatchJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(lease_until=now + _lease())


def batch_finish_if_complete(job: BatchJob, *, now: datetime) -> bool:
    open_items = BatchItem.objects.filter(
        job=job, status__in=[ItemStatus.PENDING, ItemStatus.CLAIMED]
    ).exists()
    if open_items:
        return False
    failed = BatchItem.objects.filter(job=job, status=ItemStatus.FAILED).exists()
    BatchJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(
        status=BatchStatus.FAILED if failed else BatchStatus.DONE, finished_at=now
    )
    return True


def batch_run(
    job: BatchJob,
    *,
    worker_id: str,
    clock: Clock | None = None,
    chunk: int | None = None,
    lease: timedelta | None = None,
    limit: int | None = None,
    progress: Any = None,
) -> int:
    """Work through a batch until nothing is left to claim; returns how many items this worker
    completed. Safe to run in several processes at once and to restart after a crash: every item
    yields exactly one document (``Document.batch_item`` is unique). Each claimed chunk is issued
    with :func:`documents_issue_many` (one transaction per chunk); an item refused (missing
    elements, a character the fonts lack) fails with its reason and the others go on.
    ``progress(done, total)`` is called after each chunk when given. ``chunk`` defaults to
    ``LASTMILE["DOCUMENTS"]["BATCH_CHUNK"]``."""
    clock = clock or get_clock()
    chunk = chunk or int(documents_setting("BATCH_CHUNK"))
    done_here = 0
    actor = job.created_by
    while limit is None or done_here < limit:
        size = chunk if limit is None else min(chunk, limit - done_here)
        items = batch_claim(job, worker_id=worker_id, now=clock.now(), size=size, lease=lease)
        if not items:
            break
        requests = [
            IssueRequest(
                case=item.case,
                template_code=item.template.code,
                context={**job.context, **item.context},
                batch_item=item,
            )
            for item in items
        ]
        for outcome in documents_issue_many(requests=requests, actor=actor, now=clock.now()):
            if outcome.error is not None:
                assert outcome.request.batch_item is not None
                BatchItem.objects.filter(pk=outcome.request.batch_item.pk).exclude(
                    status=ItemStatus.DONE
                ).update(status=ItemStatus.FAILED, error=outcome.error.message[:500])
        done_here += len(items)  # the next claim renews the job's hold (no write of its own here)
        if progress is not None:
            progress(*batch_counts(job))
    batch_finish_if_complete(job, now=clock.now())
    return done_here


def batch_counts(job: BatchJob) -> tuple[int, int]:
    """(finished items, total): done and failed count as finished."""
    finished = BatchItem.objects.filter(job=job, status__in=[ItemStatus.DONE, ItemStatus.FAILED]).count()
    return finished, job.total
