"""A bank's staff on the portal (机构经办人): upload a batch (the spreadsheet the API takes),
follow its progress, list their batches and each batch's cases, download the error report.

Only an institution staff login gets through (:func:`lastmile.filing.selectors.institution_staff_for`)
and it sees only its own institution's batches: any other batch is not found (404). Each view
makes one service or selector call."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from lastmile.accounts.http import AuthedRequest
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.filing import selectors as filing_selectors
from lastmile.filing import services as filing_services
from lastmile.filing.forms import BankUploadForm
from lastmile.filing.models import InstitutionStaff, IntakeBatch

LOGIN = "portal:bank_login"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(request: AuthedRequest, exc: DomainError, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


def _own_batch(request: AuthedRequest, batch_id: int) -> tuple[InstitutionStaff, IntakeBatch]:
    staff = filing_selectors.institution_staff_for(request.user)
    return staff, filing_selectors.batch_get_for_client(client=staff.client, batch_id=batch_id)


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename=\"errors\"; filename*=UTF-8''{quote(name)}"
    return response


@login_required(login_url=LOGIN)
def home(request: AuthedRequest) -> HttpResponse:
    """The institution's batches, newest first, and the upload form."""
    try:
        staff = filing_selectors.institution_staff_for(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    form = BankUploadForm(request.POST or None, request.FILES or None, client=staff.client)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = filing_services.batch_submit_by_staff(
                staff=staff,
                court=form.cleaned_data["court"],
                external_id=form.cleaned_data.get("batch_id", ""),
                filename=upload.name or "",
                content=upload.read(),
                now=get_clock().now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("portal:bank_batch", batch_id=result.batch.pk)
    batches = filing_selectors.batches_of_client(staff.client)[:100]
    return render(
        request,
        "portal/bank/home.html",
        {"staff": staff, "form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@login_required(login_url=LOGIN)
def batch(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """One batch: progress while it is processed, its counts, its cases with their status, its
    refused rows with the reasons."""
    try:
        staff, found = _own_batch(request, batch_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    return render(
        request,
        "portal/bank/batch.html",
        {
            "staff": staff,
            "batch": found,
            "error_rows": filing_selectors.batch_error_rows(found)[:200],
            "created_rows": filing_selectors.batch_created_rows(found)[:500],
        },
    )


@login_required(login_url=LOGIN)
def batch_progress(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The progress fragment polled by htmx; asks for a full reload once the batch is done."""
    try:
        _staff, found = _own_batch(request, batch_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    response = render(request, "portal/bank/_progress.html", {"batch": found})
    if found.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required(login_url=LOGIN)
def batch_errors_csv(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The error list: one line per error with the row number, the column and the reason."""
    try:
        _staff, found = _own_batch(request, batch_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    response = HttpResponse(
        filing_services.batch_error_list_csv(batch=found), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{found.external_id}-错误清单.csv")


@login_required(login_url=LOGIN)
def batch_report_xlsx(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """The refused rows as uploaded, with their reasons (to correct and upload again)."""
    try:
        _staff, found = _own_batch(request, batch_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    response = HttpResponse(filing_services.batch_error_report(batch=found), content_type=XLSX)
    return _attachment(response, f"{found.external_id}-未受理明细.xlsx")
