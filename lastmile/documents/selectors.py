"""Reads of the documents app, scoped to the actor's court."""

from __future__ import annotations

from django.db.models import QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound

from .models import BatchJob, Document, DocumentStatus


def documents_of_case(*, actor: User, case: Case) -> QuerySet[Document]:
    require(actor, "case.view", court=case.court)
    return (
        Document.objects.filter(case=case)
        .select_related("template", "template_version", "issued_by")
        .order_by("-issued_at", "-pk")
    )


def document_get_for(*, actor: User, document_id: int) -> Document:
    require(actor, "case.view")
    if actor.court_id is None:
        raise NotFound("文书不存在或您无权查看。")
    doc = (
        Document.objects.select_related("case", "template", "template_version")
        .filter(pk=document_id, court_id=actor.court_id)
        .first()
    )
    if doc is None:
        raise NotFound("文书不存在或您无权查看。")
    return doc


def batches_for(*, actor: User) -> QuerySet[BatchJob]:
    require(actor, "case.view")
    if actor.court_id is None:
        return BatchJob.objects.none()
    return BatchJob.objects.filter(court_id=actor.court_id).select_related("template", "created_by")


def batch_get_for(*, actor: User, job_id: int) -> BatchJob:
    job = batches_for(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise NotFound("批量任务不存在或您无权查看。")
    return job


def execution_basis_recited(case: Case) -> str:
    """The 执行依据 as the case's latest issued 执行通知书 recites it ('' when no notice recites one):
    the one place the lower apps (inquiry, measures, auction) read it from, since the enforcement
    app that records the basis sits above them. Reads the one key, not the notice's context."""
    value = (
        Document.objects.filter(case=case, template__code="enforcement_notice", status=DocumentStatus.ISSUED)
        .order_by("-version", "-pk")
        .values_list("context__source_document", flat=True)
        .first()
    )
    return str(value)[:128] if value else ""
