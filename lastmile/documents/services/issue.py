"""Issuing documents, one or many at a time, and correcting one.

Issuing renders and seals outside the transaction, then numbers, stores and records under the case
lock with the case event. :func:`documents_issue_many` does this per chunk rather than per
document (one query per kind of fact for the whole chunk); :func:`document_issue` is the same path
for one document."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import ChainEntry, audit_chain_append, case_event_record
from lastmile.core.errors import ConditionsNotMet, DomainError
from lastmile.documents.kinds import DocumentsEvent

from ..context import case_context, case_parties_many, json_safe, officers_many
from ..models import BatchItem, Document, DocumentStatus, DocumentTemplate, ItemStatus, TemplateVersion
from ..rendering import render_document, render_pool
from ..seal import SignaturePort, signature_port
from .files import _store
from .render import _missing_elements, case_document_context, document_number
from .templates import template_get, template_version_current


@dataclass(frozen=True)
class IssueRequest:
    """One document to issue with :func:`documents_issue_many`: ``template_code`` for ``case``
    with the caller's elements ``context``; ``batch_item`` makes it idempotent (the item's
    existing document is returned instead of a second one)."""

    case: Case
    template_code: str
    context: dict[str, Any] | None = None
    batch_item: BatchItem | None = None


@dataclass
class IssueOutcome:
    """What became of one :class:`IssueRequest`: ``document`` when issued (``existed`` when its
    batch item already had it), else ``error``, the refusal (nothing was written for it)."""

    request: IssueRequest
    document: Document | None = None
    error: DomainError | None = None
    existed: bool = False


@dataclass
class _Prepared:
    number: str
    series_index: int
    context: dict[str, Any]
    seal_record: dict[str, Any]
    sha256: str
    pdf_path: str  # stored already (by its digest)
    size: int


@dataclass
class _Job:
    """A request on its way through :func:`documents_issue_many`."""

    outcome: IssueOutcome
    template: DocumentTemplate
    version: TemplateVersion
    extra: dict[str, Any]
    key: tuple[int, str, int]
    base: dict[str, Any]
    index: int = 0  # the number in its series
    prepared: _Prepared | None = None


def _series_key(case_id: int, template: DocumentTemplate) -> tuple[int, str, int]:
    """Documents numbered together: a case's documents of one series, or of one unnumbered template."""
    return (case_id, template.series, 0) if template.series else (case_id, "", template.pk)


def _series_max(case_ids: set[int]) -> dict[tuple[int, str, int], int]:
    """The highest ``series_index`` issued so far per :func:`_series_key`, for many cases in one query."""
    rows = (
        Document.objects.filter(case_id__in=case_ids, version=1)
        .order_by()
        .values_list("case_id", "series", "template_id")
        .annotate(n=Max("series_index"))
    )
    result: dict[tuple[int, str, int], int] = {}
    for case_id, series, template_id, n in rows:
        key = (case_id, series, 0) if series else (case_id, "", template_id)
        result[key] = max(result.get(key, 0), n or 0)
    return result


def _elements(
    *,
    case: Case,
    template: DocumentTemplate,
    extra: dict[str, Any],
    series_index: int,
    now: datetime,
    actor: User | None,
    base: dict[str, Any] | None = None,
    officers: dict[int, User] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The document's number and elements (reads the database: the signer's clerk). Refuses a
    template whose required elements are missing."""
    number = document_number(case, series_index)
    ctx = case_document_context(
        case, extra, number=number, title=template.title, now=now, actor=actor, base=base, officers=officers
    )
    missing = _missing_elements(template, ctx)
    if missing:
        raise ConditionsNotMet(f"生成“{template.name}”缺少文书要素：{'、'.join(missing)}。", unmet=missing)
    return number, ctx


def _typeset(
    *,
    court: Court,
    title: str,
    version: TemplateVersion,
    number: str,
    ctx: dict[str, Any],
    series_index: int,
    now: datetime,
    port: SignaturePort,
) -> _Prepared:
    """Render, seal and store one document. No database: it may run on a render thread
    (:func:`~lastmile.documents.rendering.render_pool`)."""
    mark = port.mark(court_name=court.name, number=number)
    rendered = render_document(
        body=version.body,
        context=ctx,
        title=title,
        number=number,
        court_name=court.name,
        timestamp=now,
        seal=mark,
    )
    sealed = port.seal(rendered.pdf, court_name=court.name, number=number)
    record = {**sealed.record, "mark": mark.text if mark else ""}
    # The file is written here, before the case locks and the transaction: it is stored by its
    # digest, so a retry writes the same file, and a transaction that then fails leaves a file no
    # document names (as a write inside the transaction would: files are not transactional).
    sha = hashlib.sha256(sealed.pdf).hexdigest()
    rel = _store(court, sha, sealed.pdf)
    return _Prepared(number, series_index, ctx, record, sha, rel, len(sealed.pdf))


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

    With ``batch_item`` the call is idempotent: the item's existing document is returned.
    (:func:`documents_issue_many` with one request.)"""
    request = IssueRequest(case=case, template_code=template_code, context=context, batch_item=batch_item)
    (outcome,) = documents_issue_many(requests=[request], actor=actor, now=now)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.document is not None
    return outcome.document


def documents_issue_many(
    *, requests: Sequence[IssueRequest], actor: User | None, now: datetime
) -> list[IssueOutcome]:
    """Issue many documents at once: what :func:`document_issue` does for each request, at the
    cost of a chunk rather than of each document. Other apps call it for their batches (e.g. a
    day's notices); ``lastmile.documents`` batch jobs call it per claimed chunk.

    ``documents_issue_many(*, requests: Sequence[IssueRequest], actor: User | None,
    now: datetime) -> list[IssueOutcome]``

    - Returns one :class:`IssueOutcome` per request, in the same order. A refused request (no
      permission for the case's court, an unknown template, missing elements, a character the
      fonts lack) carries its ``error`` and leaves nothing behind; it does not stop the others.
      A request with a ``batch_item`` whose document exists returns that document (``existed``)
      and marks the item done.
    - Without a ``batch_item``, ``actor`` (when given) needs ``document.issue`` in each case's
      court; a batch item was authorised when its job was created.
    - Every issued document gets its ``document.issued`` case event; all documents, their
      events, the items' status and the audit chain's head are written in ONE transaction (inside
      the caller's, when there is one), under the locks of the cases (in id order), then the
      items, then each court's chain head. Rendering and storing the files happen before, outside the locks.
    - 文书字号: several requests for one case and series get consecutive numbers, in request
      order; the numbers are reserved before rendering and confirmed under the case locks (a
      document another process issued meanwhile renumbers and re-renders the affected ones).
    - Keep chunks moderate (tens to a few hundred): one transaction holds the chunk's case
      locks and, on SQLite, the database's write lock.

    Queries: per chunk, not per document: the case parties, officers and their clerks, the
    templates and their current versions, the series counters, the documents (one insert), the
    items (one update) and the events (one insert, one chain head per court)."""
    outcomes = [IssueOutcome(request=r) for r in requests]
    if not outcomes:
        return outcomes
    port = signature_port()
    _existing_items(outcomes)
    allowed: dict[int, DomainError | None] = {}
    templates: dict[str, DomainError | DocumentTemplate] = {}
    versions: dict[tuple[int, int], TemplateVersion] = {}
    open_ = [o for o in outcomes if o.document is None]
    for o in open_:
        case = o.request.case
        if actor is not None and o.request.batch_item is None:
            if case.court_id not in allowed:
                try:
                    require(actor, "document.issue", court=case.court)
                    allowed[case.court_id] = None
                except DomainError as exc:
                    allowed[case.court_id] = exc
            o.error = allowed[case.court_id]
        if o.error is None and o.request.template_code not in templates:
            try:
                templates[o.request.template_code] = template_get(o.request.template_code, now=now)
            except DomainError as exc:
                templates[o.request.template_code] = exc
        found = templates.get(o.request.template_code)
        if isinstance(found, DomainError) and o.error is None:
            o.error = found
    todo = [o for o in open_ if o.error is None]
    case_ids = {o.request.case.pk for o in todo}
    parties = case_parties_many(case_ids)
    officers = officers_many(o.request.case.officer_id for o in todo if o.request.case.officer_id)
    bases: dict[tuple[int, frozenset[int]], dict[str, Any]] = {}
    jobs: list[_Job] = []
    for o in todo:
        case = o.request.case
        template = templates[o.request.template_code]
        assert isinstance(template, DocumentTemplate)
        vkey = (template.pk, case.court_id)
        if vkey not in versions:
            try:
                versions[vkey] = template_version_current(template, case.court)
            except DomainError as exc:
                o.error = exc
                continue
        extra = dict(o.request.context or {})
        gkey = (case.pk, frozenset(int(i) for i in (extra.get("guarantor_ids") or ())))
        if gkey not in bases:
            bases[gkey] = case_context(
                case, guarantor_ids=gkey[1], parties=parties.get(case.pk, []), officers=officers
            )
        jobs.append(_Job(o, template, versions[vkey], extra, _series_key(case.pk, template), bases[gkey]))
    reserved = _series_max(case_ids)
    _number(jobs, reserved)
    _render(jobs, actor=actor, now=now, port=port, officers=officers)
    ready = [j for j in jobs if j.prepared is not None]
    if ready:
        with transaction.atomic():
            _issue_locked(ready, reserved=reserved, actor=actor, now=now, port=port, officers=officers)
    return outcomes


def _existing_items(outcomes: list[IssueOutcome]) -> None:
    """Requests whose batch item already has its document: return it, mark the item done."""
    items = {o.request.batch_item.pk: o for o in outcomes if o.request.batch_item is not None}
    if not items:
        return
    for document in Document.objects.filter(batch_item_id__in=list(items)):
        assert document.batch_item_id is not None
        o = items[document.batch_item_id]
        o.document, o.existed = document, True
        _item_done(document)


def _item_done(document: Document) -> None:
    """A batch item whose document exists is done (a reclaimed item after a late crash)."""
    assert document.batch_item_id is not None
    BatchItem.objects.filter(pk=document.batch_item_id).exclude(status=ItemStatus.DONE).update(
        status=ItemStatus.DONE, done_at=document.issued_at, error=""
    )


def _number(jobs: list[_Job], highest: dict[tuple[int, str, int], int]) -> None:
    """Give each job the next number of its series, in order, after ``highest``."""
    taken = dict(highest)
    for job in jobs:
        taken[job.key] = taken.get(job.key, 0) + 1
        job.index = taken[job.key]
        job.prepared, job.outcome.error = None, None


def _render(
    jobs: list[_Job], *, actor: User | None, now: datetime, port: SignaturePort, officers: dict[int, User]
) -> None:
    """Prepare each job's document: its elements here, in order (they read the database), then
    the typesetting, on the render threads when there are several documents. A refusal (missing
    elements, a character the fonts lack) is the job's error and leaves the others."""
    typeset: list[tuple[_Job, Callable[[], _Prepared]]] = []
    for job in jobs:
        case = job.outcome.request.case
        job.prepared, job.outcome.error = None, None
        try:
            number, ctx = _elements(
                case=case,
                template=job.template,
                extra=job.extra,
                series_index=job.index,
                now=now,
                actor=actor,
                base=job.base,
                officers=officers,
            )
        except DomainError as exc:
            job.outcome.error = exc
            continue
        call = partial(
            _typeset,
            court=case.court,  # loaded here: the render threads do not query
            title=job.template.title,
            version=job.version,
            number=number,
            ctx=ctx,
            series_index=job.index,
            now=now,
            port=port,
        )
        typeset.append((job, call))

    def one(call: Callable[[], _Prepared]) -> _Prepared | DomainError:
        try:
            return call()
        except DomainError as exc:
            return exc

    calls = [call for _job, call in typeset]
    pool = render_pool() if len(calls) > 1 else None
    results = pool.map(one, calls) if pool is not None else map(one, calls)
    for (job, _call), result in zip(typeset, results, strict=True):
        if isinstance(result, DomainError):
            job.outcome.error = result
        else:
            job.prepared = result


def _issue_locked(
    jobs: list[_Job],
    *,
    reserved: dict[tuple[int, str, int], int],
    actor: User | None,
    now: datetime,
    port: SignaturePort,
    officers: dict[int, User],
) -> None:
    """Inside the caller's transaction: lock the cases and items, drop items issued meanwhile,
    confirm the numbers (renumbering and re-rendering a series another document entered), then
    write the documents, the items and the events in bulk."""
    case_ids = sorted({j.outcome.request.case.pk for j in jobs})
    list(Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk").values_list("pk", flat=True))
    item_ids = sorted(
        j.outcome.request.batch_item.pk for j in jobs if j.outcome.request.batch_item is not None
    )
    if item_ids:
        list(BatchItem.objects.select_for_update().filter(pk__in=item_ids).order_by("pk").values_list("pk"))
        issued = {d.batch_item_id: d for d in Document.objects.filter(batch_item_id__in=item_ids)}
        for job in jobs:
            item = job.outcome.request.batch_item
            if item is not None and item.pk in issued:
                job.outcome.document, job.outcome.existed = issued[item.pk], True
                job.prepared = None
                _item_done(issued[item.pk])
        jobs = [j for j in jobs if j.prepared is not None]
    now_max = _series_max(set(case_ids))
    moved = {key for key in {j.key for j in jobs} if now_max.get(key, 0) != reserved.get(key, 0)}
    if moved:
        again = [j for j in jobs if j.key in moved]
        _number(again, now_max)
        _render(again, actor=actor, now=now, port=port, officers=officers)
        jobs = [j for j in jobs if j.prepared is not None]
    if not jobs:
        return
    documents = [_document_row(job, actor=actor, now=now) for job in jobs]
    documents = Document.objects.bulk_create(documents, batch_size=500)
    done = [j.outcome.request.batch_item.pk for j in jobs if j.outcome.request.batch_item is not None]
    if done:
        BatchItem.objects.filter(pk__in=done).update(status=ItemStatus.DONE, done_at=now, error="")
    by_court: dict[int, tuple[Court, list[ChainEntry]]] = {}
    for job, document in zip(jobs, documents, strict=True):
        job.outcome.document = document
        case = job.outcome.request.case
        item = job.outcome.request.batch_item
        assert job.prepared is not None
        entry = ChainEntry(
            kind=DocumentsEvent.ISSUED,
            summary=f"出具{job.template.name}，文书字号{job.prepared.number}",
            occurred_at=now,
            case_id=case.pk,
            actor=actor,
            data={
                "document": document.pk,
                "template": job.template.code,
                "version": job.version.number,
                "number": job.prepared.number,
                "sha256": document.sha256,
                "batch": item.job_id if item is not None else None,
            },
        )
        by_court.setdefault(case.court_id, (case.court, []))[1].append(entry)
    for court_id in sorted(by_court):
        court, entries = by_court[court_id]
        audit_chain_append(court=court, entries=entries)


def _document_row(job: _Job, *, actor: User | None, now: datetime) -> Document:
    """The issued document's row (version 1); its PDF is already stored (:func:`_typeset`)."""
    prepared = job.prepared
    assert prepared is not None
    case = job.outcome.request.case
    return Document(
        court=case.court,
        case=case,
        template=job.template,
        template_version=job.version,
        title=job.template.title,
        series=job.template.series,
        series_index=prepared.series_index,
        number=prepared.number,
        version=1,
        status=DocumentStatus.ISSUED,
        context=prepared.context,
        sha256=prepared.sha256,
        pdf_path=prepared.pdf_path,
        size=prepared.size,
        seal=prepared.seal_record,
        issued_at=now,
        issued_by=actor,
        batch_item=job.outcome.request.batch_item,
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
    prepared = _typeset(
        court=case.court,
        title=document.title,
        version=version,
        number=document.number,
        ctx=ctx,
        series_index=document.series_index,
        now=now,
        port=signature_port(),
    )
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
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
                    sha256=prepared.sha256,
                    pdf_path=prepared.pdf_path,
                    size=prepared.size,
                    seal=prepared.seal_record,
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
            data={
                "document": corrected.pk,
                "supersedes": document.pk,
                "sha256": prepared.sha256,
                "reason": reason,
            },
        )
    return corrected
