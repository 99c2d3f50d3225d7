"""Running a batch to its end: validate once, create the cases, settle the status and report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from lastmile.core.clock import Clock, get_clock
from lastmile.core.errors import InvalidTransition

from ..models import (
    FINISHED_STATUSES,
    BatchStatus,
    IntakeBatch,
    IntakeRow,
    RowStatus,
)
from ..reports import error_list_csv, error_report_xlsx
from .common import ProgressFn, _lease
from .creating import batch_create_cases
from .validating import batch_validate


def batch_finish(*, batch: IntakeBatch, now: datetime) -> IntakeBatch:
    """Settle the status from the rows and write the error report."""
    batch.refresh_from_db()
    pending = IntakeRow.objects.filter(batch=batch, status=RowStatus.OK, case__isnull=True).exists()
    if pending:
        return batch
    created = IntakeRow.objects.filter(batch=batch, case__isnull=False).count()
    errors = IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR).count()
    if created == 0:
        status = BatchStatus.REJECTED
    elif errors == 0:
        status = BatchStatus.ACCEPTED
    else:
        status = BatchStatus.PARTIALLY_ACCEPTED
    if errors and not batch.error_report:
        report = error_report_xlsx(batch.headers, batch_error_rows_iter(batch))
        batch.error_report.save(f"{batch.court.code}-{batch.pk}-errors.xlsx", ContentFile(report), save=False)
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=status,
        created_cases=created,
        ok_rows=created,
        error_rows=errors,
        progress_done=F("progress_total"),
        error_report=batch.error_report.name or "",
        finished_at=now,
        message=f"受理{created}件，未受理{errors}行。",
    )
    batch.refresh_from_db()
    return batch


def batch_error_rows_iter(batch: IntakeBatch) -> Iterable[tuple[int, list[Any], list[dict[str, Any]]]]:
    qs = IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR).order_by("row_number")
    yield from qs.values_list("row_number", "raw", "errors").iterator(chunk_size=2000)


def batch_error_report(*, batch: IntakeBatch) -> bytes:
    """The XLSX of refused rows (from the stored file, or built now)."""
    if batch.error_report:
        with batch.error_report.open("rb") as fh:
            return fh.read()
    return error_report_xlsx(batch.headers, batch_error_rows_iter(batch))


def batch_error_list_csv(*, batch: IntakeBatch) -> bytes:
    """The errors of a batch as a CSV, one line per error (row number, contract, column, message)."""
    qs = IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR).order_by("row_number")
    return error_list_csv(qs.values_list("row_number", "contract_no", "errors").iterator(chunk_size=2000))


def batch_process(
    *, batch_id: int, now: datetime, progress: ProgressFn | None = None, clock: Clock | None = None
) -> IntakeBatch:
    """Validate a batch (once) and create its cases. Idempotent and resumable: a finished batch
    is returned as it is; an interrupted one continues where it stopped.

    The batch is held while it is worked on (``lease_until`` = the time of ``clock`` +
    ``LEASE_SECONDS``, renewed after every chunk), so :func:`batches_reclaim` leaves it alone
    until its worker stops renewing."""
    clock = clock or get_clock()

    def heartbeat() -> None:
        IntakeBatch.objects.filter(pk=batch_id).exclude(status__in=FINISHED_STATUSES).update(
            lease_until=clock.now() + _lease()
        )

    with transaction.atomic():
        batch = (
            IntakeBatch.objects.select_for_update()
            .select_related("client", "client__party", "court")
            .get(pk=batch_id)
        )
        if batch.is_finished:
            return batch
        batch.lease_until = clock.now() + _lease()
        if batch.status == BatchStatus.RECEIVED:
            batch.status = BatchStatus.VALIDATING
            batch.started_at = now
        batch.save(update_fields=["status", "started_at", "lease_until"])
    if batch.status == BatchStatus.VALIDATING:
        batch = batch_validate(batch=batch, now=now)
        if batch.is_finished:
            return batch
        heartbeat()
    if batch.status != BatchStatus.CREATING:
        raise InvalidTransition("批次状态异常，无法继续处理。", details={"status": batch.status})
    batch_create_cases(batch=batch, progress=progress, heartbeat=heartbeat)
    return batch_finish(batch=batch, now=now)
