"""Reading and validating a stored batch once, keeping every row with its errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..columns import header_map
from ..conf import filing_setting
from ..error_codes import RowErrorCode
from ..models import (
    BatchSource,
    BatchStatus,
    IntakeBatch,
    IntakeRow,
    LoanClaim,
    RowStatus,
)
from ..reading import ParsedSheet, UnreadableFile, read_json_rows, read_upload
from ..validation import RowResult, ValidationLimits, validate_sheet

# --- processing -------------------------------------------------------------------------------


def _limits(now: datetime) -> ValidationLimits:
    return ValidationLimits(
        today=timezone.localtime(now).date(),
        max_annual_rate=Decimal(str(filing_setting("MAX_ANNUAL_RATE"))),
        max_overdue_rate=Decimal(str(filing_setting("MAX_OVERDUE_RATE"))),
    )


@contextmanager
def _read_batch(batch: IntakeBatch) -> Iterator[ParsedSheet]:
    """The stored file as a sheet whose rows stream from the open file (caps in ``reading``)."""
    with batch.file.open("rb") as fh:
        if batch.source == BatchSource.JSON:
            items = json.loads(fh.read())
            if not isinstance(items, list):
                raise UnreadableFile("rows 应为对象数组。")
            yield read_json_rows(items)
        else:
            yield read_upload(batch.original_name or f"x.{batch.source}", fh)[1]


def _mark_already_filed(batch: IntakeBatch, results: list[RowResult]) -> None:
    """重复立案: a contract this client already has a case for is refused."""
    wanted = [r.contract_no for r in results if r.ok]
    filed: dict[str, tuple[str, str]] = {}
    for i in range(0, len(wanted), 500):
        for contract, number, ext in LoanClaim.objects.filter(
            client=batch.client, contract_no__in=wanted[i : i + 500]
        ).values_list("contract_no", "case__number", "batch__external_id"):
            filed[contract] = (number, ext)
    for r in results:
        if r.ok and r.contract_no in filed:
            number, ext = filed[r.contract_no]
            r.errors.append(
                {
                    "field": "contract_no",
                    "column": "合同编号",
                    "code": RowErrorCode.DUPLICATE_FILED,
                    "message": f"重复立案：合同编号“{r.contract_no}”已于批次{ext}立案（案号{number}）",
                }
            )
            r.data = {}


def _refuse(batch: IntakeBatch, message: str, now: datetime) -> IntakeBatch:
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.REJECTED, message=message[:500], finished_at=now, progress_done=0, progress_total=0
    )
    batch.refresh_from_db()
    return batch


def batch_validate(*, batch: IntakeBatch, now: datetime) -> IntakeBatch:
    """Read and validate every row, store the rows with their errors (all at once, or none),
    and move the batch to ``creating``. A file that cannot be taken at all (unreadable, over a
    cap of :mod:`lastmile.filing.reading`, no data, required columns missing) rejects the batch
    with the reason; a cell over the cap is an error of its row only."""
    try:
        with _read_batch(batch) as sheet:
            hmap = header_map(sheet.headers)
            if hmap.missing:
                return _refuse(batch, f"缺少必需的列：{'、'.join(hmap.missing)}", now)
            results = validate_sheet(sheet, hmap, _limits(now))
    except (UnreadableFile, OSError, ValueError) as exc:
        message = exc.message if isinstance(exc, UnreadableFile) else "无法读取文件，请确认文件未损坏。"
        return _refuse(batch, message, now)
    if not results:
        return _refuse(batch, "文件中没有数据行。", now)
    _mark_already_filed(batch, results)
    errors = sum(1 for r in results if not r.ok)
    with transaction.atomic():
        locked = IntakeBatch.objects.select_for_update().get(pk=batch.pk)
        if IntakeRow.objects.filter(batch=locked).exists():  # another worker stored them first
            return locked
        IntakeRow.objects.bulk_create(
            [
                IntakeRow(
                    batch=locked,
                    row_number=r.row_number,
                    raw=r.raw,
                    data=r.data,
                    contract_no=(r.contract_no if r.ok else _raw_contract(r, hmap.index.get("contract_no")))[
                        :64
                    ],
                    status=RowStatus.OK if r.ok else RowStatus.ERROR,
                    errors=r.errors,
                )
                for r in results
            ],
            batch_size=1000,
        )
        IntakeBatch.objects.filter(pk=locked.pk).update(
            status=BatchStatus.CREATING,
            headers=sheet.headers,
            total_rows=len(results),
            ok_rows=len(results) - errors,
            error_rows=errors,
            progress_total=len(results),
            progress_done=errors,
        )
    batch.refresh_from_db()
    return batch


def _raw_contract(r: RowResult, pos: int | None) -> str:
    return r.raw[pos].strip() if pos is not None and pos < len(r.raw) else ""
