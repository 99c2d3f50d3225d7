"""Staff pages of batch filing: upload on behalf of a bank, follow a batch's progress, download
its error report. Each view makes one service or selector call."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.inputs import int_or_none

from . import selectors, services
from .models import InstitutionClient
from .samples import HEADERS, rows_to_xlsx, sample_rows


class AuthedRequest(HttpRequest):
    """A request behind ``login_required`` (staff pages)."""

    user: User  # type: ignore[assignment]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(request: AuthedRequest, exc: DomainError, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


@login_required
def batch_list(request: AuthedRequest) -> HttpResponse:
    try:
        batches = selectors.batches_visible_to(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    clients = selectors.clients_for_court(request.user.court) if request.user.court else []
    form_error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        client = InstitutionClient.objects.filter(pk=int_or_none(request.POST.get("client")) or 0).first()
        if upload is None or client is None or request.user.court is None:
            form_error = "请选择申请机构并上传文件。"
        else:
            try:
                result = services.batch_submit(
                    court=request.user.court,
                    client=client,
                    external_id=request.POST.get("batch_id", ""),
                    now=get_clock().now(),
                    actor=request.user,
                    filename=upload.name or "",
                    content=upload.read(),
                )
            except DomainError as exc:
                form_error = exc.message
            else:
                return redirect("filing:batch_detail", batch_id=result.batch.pk)
    return render(
        request,
        "filing/batch_list.html",
        {"batches": batches[:100], "clients": clients, "form_error": form_error},
        status=400 if form_error else 200,
    )


def _batch(request: AuthedRequest, batch_id: int):  # type: ignore[no-untyped-def]
    return selectors.batch_get_for(actor=request.user, batch_id=batch_id)


@login_required
def batch_detail(request: AuthedRequest, batch_id: int) -> HttpResponse:
    try:
        batch = _batch(request, batch_id)
    except (NotFound, PermissionDenied) as exc:
        return _error(request, exc, 404)
    return render(
        request,
        "filing/batch_detail.html",
        {
            "batch": batch,
            "error_rows": selectors.batch_error_rows(batch)[:200],
            "created_rows": selectors.batch_created_rows(batch)[:200],
            "columns": batch.headers,
        },
    )


@login_required
def batch_progress(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The progress fragment polled by htmx; asks for a full reload once the batch is done."""
    try:
        batch = _batch(request, batch_id)
    except (NotFound, PermissionDenied) as exc:
        return _error(request, exc, 404)
    response = render(request, "filing/_progress.html", {"batch": batch})
    if batch.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
def batch_report(request: AuthedRequest, batch_id: int) -> HttpResponse:
    try:
        batch = _batch(request, batch_id)
    except (NotFound, PermissionDenied) as exc:
        return _error(request, exc, 404)
    response = HttpResponse(services.batch_error_report(batch=batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.xlsx"'
    return response


@login_required
def sample_template(request: AuthedRequest) -> HttpResponse:
    """A template spreadsheet with the documented headers and two example rows."""
    response = HttpResponse(
        rows_to_xlsx(sample_rows(2, today=get_clock().today()), headers=HEADERS), content_type=XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="filing-template.xlsx"'
    return response
