"""Pages of this app, and its panel on the staff case page."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound, PermissionDenied

from . import selectors, services


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refused(request: HttpRequest, exc: NotFound | PermissionDenied) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=404)


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case's documents, newest first, with PDF and DOCX links."""
    user = _user(request)
    if not actor_can(user, "case.view"):
        return None
    return {"case": case, "documents": list(selectors.documents_of_case(actor=user, case=case)[:50])}


@login_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        doc = selectors.document_get_for(actor=_user(request), document_id=pk)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    response = HttpResponse(services.document_pdf(doc), content_type="application/pdf")
    response["Content-Disposition"] = services.document_content_disposition(doc, ext="pdf")
    return response


@login_required
def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        doc = selectors.document_get_for(actor=_user(request), document_id=pk)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    response = HttpResponse(
        services.document_docx(doc),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = services.document_content_disposition(doc, ext="docx", attachment=True)
    return response


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    try:
        jobs = list(selectors.batches_for(actor=_user(request))[:50])
    except PermissionDenied as exc:
        return _refused(request, exc)
    rows = [(job, *services.batch_counts(job)) for job in jobs]
    return render(request, "documents/batch_list.html", {"rows": rows})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.batch_get_for(actor=_user(request), job_id=pk)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    done, total = services.batch_counts(job)
    template = (
        "documents/_batch_progress.html"
        if request.headers.get("HX-Request")
        else "documents/batch_detail.html"
    )
    failed = job.items.filter(status="failed").select_related("case")[:50]
    percent = 100 if total == 0 else int(100 * done / total)
    return render(
        request, template, {"job": job, "done": done, "total": total, "percent": percent, "failed": failed}
    )
