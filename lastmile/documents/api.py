"""HTTP API of the documents app (mounted at /api/v1/documents). Thin: one call each."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.accounts.models import User
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock

from . import selectors, services
from .models import BatchJob, Document

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    case_id: int
    template: str
    title: str
    number: str
    version: int
    supersedes_id: int | None
    sha256: str
    issued_at: datetime | None


class IssueIn(Schema):
    case_id: int
    template: str
    context: dict[str, Any] = {}


class DocumentBatchOut(Schema):
    id: int
    template: str
    status: str
    done: int
    total: int


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _doc_out(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.pk,
        case_id=doc.case_id,
        template=doc.template.code,
        title=doc.title,
        number=doc.number,
        version=doc.version,
        supersedes_id=doc.supersedes_id,
        sha256=doc.sha256,
        issued_at=doc.issued_at,
    )


def _batch_out(job: BatchJob) -> DocumentBatchOut:
    done, total = services.batch_counts(job)
    return DocumentBatchOut(id=job.pk, template=job.template.code, status=job.status, done=done, total=total)


@router.get("/cases/{case_id}", response=list[DocumentOut])
def case_documents(request: HttpRequest, case_id: int) -> list[DocumentOut]:
    case = case_get_for(actor=_user(request), case_id=case_id)
    return [_doc_out(d) for d in selectors.documents_of_case(actor=_user(request), case=case)]


@router.post("/issue", response=DocumentOut)
def issue(request: HttpRequest, payload: IssueIn) -> DocumentOut:
    case = case_get_for(actor=_user(request), case_id=payload.case_id)
    doc = services.document_issue(
        case=case,
        template_code=payload.template,
        context=payload.context,
        actor=_user(request),
        now=get_clock().now(),
    )
    return _doc_out(doc)


@router.get("/batches/{job_id}", response=DocumentBatchOut)
def batch(request: HttpRequest, job_id: int) -> DocumentBatchOut:
    return _batch_out(selectors.batch_get_for(actor=_user(request), job_id=job_id))
