"""Issuing and correcting one document: render and seal outside the transaction, then number, store
and record it under the case lock with its case event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import ConditionsNotMet
from lastmile.documents.kinds import DocumentsEvent

from ..context import json_safe
from ..models import BatchItem, Document, DocumentStatus, DocumentTemplate, ItemStatus, TemplateVersion
from ..rendering import RenderedDocument, render_document
from ..seal import signature_port
from .files import _store
from .render import _missing_elements, case_document_context, document_number
from .templates import template_get, template_version_current


@dataclass
class _Prepared:
    number: str
    series_index: int
    context: dict[str, Any]
    rendered: RenderedDocument
    pdf: bytes
    seal_record: dict[str, Any]


def _series_next(case: Case, template: DocumentTemplate) -> int:
    qs = Document.objects.filter(case=case, version=1)
    qs = qs.filter(series=template.series) if template.series else qs.filter(template=template, series="")
    return (qs.aggregate(n=Max("series_index"))["n"] or 0) + 1


def _prepare(
    *,
    case: Case,
    template: DocumentTemplate,
    version: TemplateVersion,
    extra: dict[str, Any],
    series_index: int,
    now: datetime,
    actor: User | None = None,
) -> _Prepared:
    number = document_number(case, series_index)
    ctx = case_document_context(case, extra, number=number, title=template.title, now=now, actor=actor)
    missing = _missing_elements(template, ctx)
    if missing:
        raise ConditionsNotMet(f"生成“{template.name}”缺少文书要素：{'、'.join(missing)}。", unmet=missing)
    port = signature_port()
    mark = port.mark(court_name=case.court.name, number=number)
    rendered = render_document(
        body=version.body,
        context=ctx,
        title=template.title,
        number=number,
        court_name=case.court.name,
        timestamp=now,
        seal=mark,
    )
    sealed = port.seal(rendered.pdf, court_name=case.court.name, number=number)
    record = {**sealed.record, "mark": mark.text if mark else ""}
    return _Prepared(number, series_index, ctx, rendered, sealed.pdf, record)


def _item_done(item: BatchItem, document: Document) -> None:
    """A batch item whose document exists is done (a reclaimed item after a late crash)."""
    BatchItem.objects.filter(pk=item.pk).exclude(status=ItemStatus.DONE).update(
        status=ItemStatus.DONE, done_at=document.issued_at, error=""
    )


def document_issue(
    *,
    case: Case,
    template_code: str,
    context: dict[str, Any] | None,
    actor: User | None,
    now: datetime,
    batch_item: BatchItem | None = None,
) -> Document:
    """Render, seal, store and issue one document for ``case``; writes a ``document.issued``
    case event in the same transaction. Refusals (no permission, missing elements, a character
    the fonts lack) raise and leave nothing behind.

    With ``batch_item`` the call is idempotent: the item's existing document is returned."""
    if actor is not None and batch_item is None:
        require(actor, "document.issue", court=case.court)
    if batch_item is not None:
        existing = Document.objects.filter(batch_item=batch_item).first()
        if existing is not None:
            _item_done(batch_item, existing)
            return existing
    template = template_get(template_code, now=now)
    version = template_version_current(template, case.court)
    extra = dict(context or {})
    # Render outside the transaction (the slow part), then confirm the number under the case lock.
    prepared = _prepare(
        case=case,
        template=template,
        version=version,
        extra=extra,
        series_index=_series_next(case, template),
        now=now,
        actor=actor,
    )
    with transaction.atomic():
        document = _issue_locked(
            case=case,
            template=template,
            version=version,
            extra=extra,
            prepared=prepared,
            actor=actor,
            now=now,
            batch_item=batch_item,
        )
    return document


def _issue_locked(
    *,
    case: Case,
    template: DocumentTemplate,
    version: TemplateVersion,
    extra: dict[str, Any],
    prepared: _Prepared,
    actor: User | None,
    now: datetime,
    batch_item: BatchItem | None,
) -> Document:
    """Under the case lock (inside the caller's transaction): recheck the batch item, confirm the
    number (re-rendering when another document took it), store and record the document."""
    Case.objects.select_for_update().filter(pk=case.pk).first()
    if batch_item is not None:
        item = BatchItem.objects.select_for_update().get(pk=batch_item.pk)
        existing = Document.objects.filter(batch_item=item).first()
        if existing is not None:
            _item_done(item, existing)
            return existing
    index = _series_next(case, template)
    if index != prepared.series_index:
        prepared = _prepare(
            case=case,
            template=template,
            version=version,
            extra=extra,
            series_index=index,
            now=now,
            actor=actor,
        )
    document = _document_store(
        case=case,
        template=template,
        version=version,
        prepared=prepared,
        actor=actor,
        now=now,
        batch_item=batch_item,
    )
    if batch_item is not None:
        BatchItem.objects.filter(pk=batch_item.pk).update(status=ItemStatus.DONE, done_at=now, error="")
    case_event_record(
        case=case,
        kind=DocumentsEvent.ISSUED,
        summary=f"出具{template.name}，文书字号{prepared.number}",
        actor=actor,
        now=now,
        data={
            "document": document.pk,
            "template": template.code,
            "version": version.number,
            "number": prepared.number,
            "sha256": document.sha256,
            "batch": batch_item.job_id if batch_item is not None else None,
        },
    )
    return document


def _document_store(
    *,
    case: Case,
    template: DocumentTemplate,
    version: TemplateVersion,
    prepared: _Prepared,
    actor: User | None,
    now: datetime,
    batch_item: BatchItem | None,
) -> Document:
    """Store the sealed PDF by its digest and create the issued document's row (version 1)."""
    sha = hashlib.sha256(prepared.pdf).hexdigest()
    rel = _store(case.court, sha, prepared.pdf)
    return Document.objects.create(
        court=case.court,
        case=case,
        template=template,
        template_version=version,
        title=template.title,
        series=template.series,
        series_index=prepared.series_index,
        number=prepared.number,
        version=1,
        status=DocumentStatus.ISSUED,
        context=prepared.context,
        sha256=sha,
        pdf_path=rel,
        size=len(prepared.pdf),
        seal=prepared.seal_record,
        issued_at=now,
        issued_by=actor,
        batch_item=batch_item,
    )


def document_correct(
    *, document: Document, context: dict[str, Any], reason: str, actor: User | None, now: datetime
) -> Document:
    """Issue a corrected version: same 文书字号, version + 1, ``supersedes`` the old one (which is
    left untouched). Writes a ``document.corrected`` case event."""
    case = document.case
    if actor is not None:
        require(actor, "document.issue", court=case.court)
    if not reason.strip():
        raise ConditionsNotMet("更正文书须说明更正原因。", unmet=["reason"])
    if Document.objects.filter(supersedes=document).exists():
        raise ConditionsNotMet("该文书已有更正版本，请对最新版本进行更正。", unmet=["latest"])
    template = document.template
    version = template_version_current(template, case.court)
    ctx = {**document.context, **context}
    ctx["doc"] = {**document.context.get("doc", {}), "date": now.date().isoformat()}
    ctx = json_safe(ctx)
    port = signature_port()
    mark = port.mark(court_name=case.court.name, number=document.number)
    rendered = render_document(
        body=version.body,
        context=ctx,
        title=document.title,
        number=document.number,
        court_name=case.court.name,
        timestamp=now,
        seal=mark,
    )
    sealed = port.seal(rendered.pdf, court_name=case.court.name, number=document.number)
    sha = hashlib.sha256(sealed.pdf).hexdigest()
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        rel = _store(case.court, sha, sealed.pdf)
        try:
            with transaction.atomic():
                corrected = Document.objects.create(
                    court=case.court,
                    case=case,
                    template=template,
                    template_version=version,
                    title=document.title,
                    series=document.series,
                    series_index=document.series_index,
                    number=document.number,
                    version=document.version + 1,
                    supersedes=document,
                    status=DocumentStatus.ISSUED,
                    context=ctx,
                    sha256=sha,
                    pdf_path=rel,
                    size=len(sealed.pdf),
                    seal={**sealed.record, "mark": mark.text if mark else ""},
                    issued_at=now,
                    issued_by=actor,
                    correction_reason=reason,
                )
        except IntegrityError:
            raise ConditionsNotMet("该文书已有更正版本，请对最新版本进行更正。", unmet=["latest"]) from None
        case_event_record(
            case=case,
            kind=DocumentsEvent.CORRECTED,
            summary=f"更正{template.name}（{document.number}），第{corrected.version}版",
            actor=actor,
            now=now,
            data={"document": corrected.pk, "supersedes": document.pk, "sha256": sha, "reason": reason},
        )
    return corrected
