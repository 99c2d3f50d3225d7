"""Taking a batch: idempotent by (client, batch id), checked cheaply, stored, queued."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.core.errors import PermissionDenied

from ..conf import filing_setting
from ..error_codes import FilingErrorCode
from ..models import (
    BatchSource,
    InstitutionClient,
    IntakeBatch,
)
from ..reading import sniff_kind, upload_check
from .clients import client_may_file
from .common import BatchIdConflict, BatchRefused, _lease
from .processing import batch_process

# --- submission -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSubmission:
    batch: IntakeBatch
    replayed: bool


def _content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _json_content(rows: Sequence[dict[str, Any]]) -> bytes:
    return json.dumps(list(rows), ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def batch_submit(
    *,
    court: Court,
    client: InstitutionClient,
    external_id: str,
    now: datetime,
    actor: User | None = None,
    via_api: bool = False,
    uploader: User | None = None,
    filename: str = "",
    content: bytes | None = None,
    rows: Sequence[dict[str, Any]] | None = None,
    process: str = "background",
) -> BatchSubmission:
    """Take a batch from ``client`` for ``court``: a file (``content`` + ``filename``, XLSX or
    CSV) or ``rows`` (JSON objects keyed by the column headers).

    A staff ``actor`` needs ``filing.batch`` in ``court``; the client must be active and allowed
    to file there. A file is checked cheaply before it is stored (size; an XLSX's ZIP directory,
    so a decompression bomb is refused with ``upload_too_large`` and nothing is stored) and is
    never parsed here. ``process``: ``"background"`` (pages and the API) queues the batch for the
    worker, ``"inline"`` runs it now (demo, command line), ``"none"`` only stores it (the
    sweep will pick it up once its hold lapses). ``uploader``: the institution's own staff login
    that uploaded the file in the portal (recorded, no court capability checked).
    """
    _submitter_check(court=court, client=client, actor=actor)
    external_id = (external_id or "").strip()
    content, source, filename = _payload_checked(filename=filename, content=content, rows=rows)
    digest = _content_hash(content)
    if not external_id:
        external_id = f"upload-{digest[:24]}"
    if len(external_id) > 64:
        raise BatchRefused("批次号最多64个字符。")
    existing = IntakeBatch.objects.filter(client=client, external_id=external_id).first()
    if existing is not None:
        return _replay(existing, digest, court)
    try:
        with transaction.atomic():
            batch = _batch_store(
                court=court,
                client=client,
                external_id=external_id,
                digest=digest,
                source=source,
                filename=filename,
                content=content,
                actor=actor or uploader,
                via_api=via_api,
                now=now,
            )
    except IntegrityError:
        existing = IntakeBatch.objects.get(client=client, external_id=external_id)
        return _replay(existing, digest, court)
    batch = _batch_start(batch, process=process, now=now)
    return BatchSubmission(batch=batch, replayed=False)


def _submitter_check(*, court: Court, client: InstitutionClient, actor: User | None) -> None:
    """A staff ``actor`` needs ``filing.batch`` in ``court``; the client must be allowed to file there."""
    if actor is not None:
        require(actor, "filing.batch", court=court)
    if not client_may_file(client, court):
        raise PermissionDenied(
            f"{client.name}未获准向{court.name}批量立案。",
            code=FilingErrorCode.COURT_NOT_ALLOWED,
            details={"court": court.code},
        )


def _payload_checked(
    *, filename: str, content: bytes | None, rows: Sequence[dict[str, Any]] | None
) -> tuple[bytes, str, str]:
    """The batch's bytes, source kind and file name, checked cheaply (size; an XLSX's ZIP
    directory) before anything is stored; ``rows`` become canonical JSON."""
    if content is None and rows is None:
        raise BatchRefused("请上传文件或提交数据行。")
    if content is not None:
        source = sniff_kind(filename, content)
    else:
        assert rows is not None
        content = _json_content(rows)
        source = BatchSource.JSON
        filename = filename or "rows.json"
    if len(content) > int(filing_setting("MAX_UPLOAD_BYTES")):
        raise BatchRefused("文件过大。", details={"bytes": len(content)})
    upload_check(source, content)
    return content, source, filename


def _batch_store(
    *,
    court: Court,
    client: InstitutionClient,
    external_id: str,
    digest: str,
    source: str,
    filename: str,
    content: bytes,
    actor: User | None,
    via_api: bool,
    now: datetime,
) -> IntakeBatch:
    """Create the batch row (held by a lease) and save its file (inside the caller's transaction)."""
    batch = IntakeBatch.objects.create(
        court=court,
        client=client,
        external_id=external_id,
        content_hash=digest,
        source=source,
        original_name=(filename or "")[:255],
        uploaded_by=actor,
        via_api=via_api,
        created_at=now,
        lease_until=now + _lease(),
    )
    ext = {"xlsx": "xlsx", "csv": "csv", "json": "json"}[source]
    batch.file.save(f"{court.code}-{batch.pk}-{digest[:12]}.{ext}", ContentFile(content), save=True)
    return batch


def _batch_start(batch: IntakeBatch, *, process: str, now: datetime) -> IntakeBatch:
    """``"inline"`` processes the batch now, ``"background"`` queues it after commit, ``"none"``
    leaves it for the sweep."""
    if process == "inline":
        batch = batch_process(batch_id=batch.pk, now=now)
    elif process == "background":
        from ..tasks import batch_process_task

        transaction.on_commit(lambda: batch_process_task.enqueue(batch.pk))
    return batch


def _replay(existing: IntakeBatch, digest: str, court: Court) -> BatchSubmission:
    if existing.content_hash != digest or existing.court_id != court.pk:
        raise BatchIdConflict(
            f"批次号“{existing.external_id}”已用于另一批数据，请使用新的批次号。",
            details={"batch": existing.pk, "batch_id": existing.external_id},
        )
    return BatchSubmission(batch=existing, replayed=True)
