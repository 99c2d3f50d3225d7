"""Writes of the documents app: templates and their versions, issuing and correcting documents,
and batch jobs. These are the functions other stages call.

An issued document is immutable: its PDF bytes are stored content-addressed and their SHA-256 is
recorded; a correction is a new version that ``supersedes`` the old one. Each issue and
correction writes a case event in the same transaction.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.clock import Clock, get_clock
from lastmile.core.errors import ConditionsNotMet, DomainError, NotFound, PermissionDenied

from .catalog import TEMPLATES
from .conf import documents_setting
from .context import case_context, json_safe
from .error_codes import DocumentErrorCode
from .markup import TemplateBodyError, _env, cn_num
from .models import (
    BatchItem,
    BatchJob,
    BatchStatus,
    Document,
    DocumentStatus,
    DocumentTemplate,
    ItemStatus,
    TemplateVersion,
)
from .rendering import RenderedDocument, SealMark, render_document
from .seal import signature_port

# --- Templates ------------------------------------------------------------------------------


def templates_ensure(*, now: datetime) -> int:
    """Load the built-in templates that are missing (version 1 of each). Idempotent; returns how
    many were added. Existing templates and their versions are never touched."""
    added = 0
    for spec in TEMPLATES:
        if DocumentTemplate.objects.filter(code=spec.code).exists():
            continue
        with transaction.atomic():
            template, created = DocumentTemplate.objects.get_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "title": spec.title,
                    "kind": spec.kind,
                    "series": spec.series,
                    "required": list(spec.required),
                    "sample": json_safe(spec.sample),
                },
            )
            if created:
                TemplateVersion.objects.create(
                    template=template, court=None, number=1, body=spec.body, note="内置模板", created_at=now
                )
                added += 1
    return added


def template_body_check(body: str) -> None:
    """Refuse a body Jinja cannot parse (the message says where)."""
    try:
        _env().parse(body)
    except Exception as exc:
        raise TemplateBodyError(f"模板正文有语法错误：{exc}", details={"error": str(exc)}) from exc


@transaction.atomic
def template_version_create(
    *,
    template: DocumentTemplate,
    body: str,
    actor: User | None,
    now: datetime,
    court: Court | None = None,
    note: str = "",
) -> TemplateVersion:
    """An admin's edit: a new immutable version (for one court, or for all when ``court`` is
    None and the actor is a superuser). Earlier documents keep the version they were issued with."""
    if actor is not None and not actor.is_superuser:
        require(actor, "config.edit", court=court)
        if court is None:
            raise PermissionDenied("只有系统管理员可以修改通用模板，法院管理员请保存为本院版本。")
    template_body_check(body)
    DocumentTemplate.objects.select_for_update().get(pk=template.pk)
    last = TemplateVersion.objects.filter(template=template, court=court).aggregate(n=Max("number"))["n"]
    return TemplateVersion.objects.create(
        template=template,
        court=court,
        number=(last or 0) + 1,
        body=body,
        note=note,
        created_at=now,
        created_by=actor,
    )


def template_get(code: str) -> DocumentTemplate:
    template = DocumentTemplate.objects.filter(code=code).first()
    if template is None:
        raise NotFound(f"文书模板“{code}”不存在。", details={"template": code})
    return template


def template_version_current(template: DocumentTemplate, court: Court | None) -> TemplateVersion:
    """The court's latest version of the template, or else the latest platform version."""
    if court is not None:
        version = TemplateVersion.objects.filter(template=template, court=court).order_by("-number").first()
        if version is not None:
            return version
    version = (
        TemplateVersion.objects.filter(template=template, court__isnull=True).order_by("-number").first()
    )
    if version is None:
        raise NotFound(f"文书模板“{template.name}”没有可用版本。")
    return version


# --- Rendering ------------------------------------------------------------------------------


def _missing_elements(template: DocumentTemplate, context: dict[str, Any]) -> list[str]:
    return [key for key in template.required if context.get(key) in (None, "", [], {})]


def document_number(case: Case, series_index: int) -> str:
    """文书字号: the case number; the n-th document of a numbered series in the same case is
    ``案号之(n-1)`` (e.g. （2025）湘0104执12号之一). UNVERIFIED practice, switchable with
    ``LASTMILE["DOCUMENTS"]["SERIES_SUFFIX"]``."""
    if series_index <= 1 or not documents_setting("SERIES_SUFFIX"):
        return case.number
    return f"{case.number}之{cn_num(series_index - 1)}"


def document_render(
    template_code: str,
    context: dict[str, Any],
    *,
    now: datetime,
    court: Court | None = None,
    number: str = "",
    sealed: bool = False,
) -> bytes:
    """Render a template to PDF bytes without storing anything (previews, tests, the bench).

    ``context`` is the full set of elements; for a case use :func:`case_document_context`."""
    template = template_get(template_code)
    version = template_version_current(template, court)
    court_name = court.name if court else context.get("court", {}).get("name", "")
    seal = signature_port().mark(court_name=court_name, number=number) if sealed else None
    ctx = json_safe(context)
    ctx.setdefault("doc", {"number": number, "date": now.date().isoformat(), "title": template.title})
    return render_document(
        body=version.body,
        context=ctx,
        title=template.title,
        number=number,
        court_name=court_name,
        timestamp=now,
        seal=seal,
    ).pdf


def case_document_context(
    case: Case, extra: dict[str, Any] | None, *, number: str, title: str, now: datetime
) -> dict[str, Any]:
    """The case's elements + the caller's + the document's own (number, title, date)."""
    ctx = case_context(case)
    ctx.update(extra or {})
    ctx["doc"] = {"number": number, "title": title, "date": timezone.localtime(now).date().isoformat()}
    return json_safe(ctx)


# --- Storage --------------------------------------------------------------------------------


def documents_root() -> Path:
    """Where PDFs live: ``LASTMILE["DOCUMENTS"]["ROOT"]`` or ``MEDIA_ROOT/documents``."""
    root = documents_setting("ROOT")
    return Path(str(root)) if root else Path(settings.MEDIA_ROOT) / "documents"


def _store(court: Court, sha: str, data: bytes) -> str:
    """Write ``data`` content-addressed (idempotent: a retry writes the same file)."""
    rel = f"court-{court.pk}/{sha[:2]}/{sha}.pdf"
    path = documents_root() / rel
    if path.exists() and path.stat().st_size == len(data):
        return rel
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return rel


def document_pdf(document: Document) -> bytes:
    """The stored PDF, verified against the recorded SHA-256."""
    data = (documents_root() / document.pdf_path).read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DomainError(
            "文书文件与出具时记录的摘要不符，可能已被篡改。", code=DocumentErrorCode.DOCUMENT_TAMPERED
        )
    return data


def document_docx(document: Document) -> bytes:
    """The document as .docx for staff who edit, rendered again from the stored elements and
    template version (the PDF remains the issued original)."""
    version = document.template_version
    seal = document.seal.get("mark", "")
    rendered = render_document(
        body=version.body,
        context=document.context,
        title=document.title,
        number=document.number,
        court_name=document.context.get("court", {}).get("name", ""),
        timestamp=document.issued_at or version.created_at,
        seal=SealMark(document.context.get("court", {}).get("name", ""), seal) if seal else None,
    )
    return rendered.docx()


# --- Issue ----------------------------------------------------------------------------------


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
) -> _Prepared:
    number = document_number(case, series_index)
    ctx = case_document_context(case, extra, number=number, title=template.title, now=now)
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
    template = template_get(template_code)
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
    )
    with transaction.atomic():
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
                case=case, template=template, version=version, extra=extra, series_index=index, now=now
            )
        sha = hashlib.sha256(prepared.pdf).hexdigest()
        rel = _store(case.court, sha, prepared.pdf)
        document = Document.objects.create(
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
        if batch_item is not None:
            BatchItem.objects.filter(pk=batch_item.pk).update(status=ItemStatus.DONE, done_at=now, error="")
        case_event_record(
            case=case,
            kind="document.issued",
            summary=f"出具{template.name}，文书字号{prepared.number}",
            actor=actor,
            now=now,
            data={
                "document": document.pk,
                "template": template.code,
                "version": version.number,
                "number": prepared.number,
                "sha256": sha,
                "batch": batch_item.job_id if batch_item is not None else None,
            },
        )
    return document


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
            kind="document.corrected",
            summary=f"更正{template.name}（{document.number}），第{corrected.version}版",
            actor=actor,
            now=now,
            data={"document": corrected.pk, "supersedes": document.pk, "sha256": sha, "reason": reason},
        )
    return corrected


# --- Batch ----------------------------------------------------------------------------------


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
            from .tasks import batch_run_task

            workers = int(documents_setting("BATCH_WORKERS"))
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


def batch_jobs_reclaim(*, now: datetime, limit: int = 500) -> list[int]:
    """The sweep: re-queue every unfinished job whose hold lapsed (its worker died, or its task
    was lost), taking the hold for the new run so a job is queued once per lapse. Returns the
    job ids re-queued. The new run reclaims the dead worker's items once their claim is older
    than the lease; ``Document.batch_item`` is unique, so no item yields two documents."""
    from .tasks import batch_run_task

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
    chunk: int = 10,
    lease: timedelta | None = None,
    limit: int | None = None,
    progress: Any = None,
) -> int:
    """Work through a batch until nothing is left to claim; returns how many items this worker
    completed. Safe to run in several processes at once and to restart after a crash: every item
    yields exactly one document (``Document.batch_item`` is unique). ``progress(done, total)`` is
    called after each item when given."""
    clock = clock or get_clock()
    done_here = 0
    while limit is None or done_here < limit:
        items = batch_claim(job, worker_id=worker_id, now=clock.now(), size=chunk, lease=lease)
        if not items:
            break
        for item in items:
            extra = {**job.context, **item.context}
            try:
                document_issue(
                    case=item.case,
                    template_code=item.template.code,
                    context=extra,
                    actor=job.created_by,
                    now=clock.now(),
                    batch_item=item,
                )
            except DomainError as exc:
                BatchItem.objects.filter(pk=item.pk).exclude(status=ItemStatus.DONE).update(
                    status=ItemStatus.FAILED, error=exc.message[:500]
                )
            done_here += 1
            _job_hold(job, now=clock.now())
            if progress is not None:
                progress(*batch_counts(job))
            if limit is not None and done_here >= limit:
                break
    batch_finish_if_complete(job, now=clock.now())
    return done_here


def batch_counts(job: BatchJob) -> tuple[int, int]:
    """(finished items, total): done and failed count as finished."""
    finished = BatchItem.objects.filter(job=job, status__in=[ItemStatus.DONE, ItemStatus.FAILED]).count()
    return finished, job.total
