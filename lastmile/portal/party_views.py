"""Party pages: my cases, progress, reception booking; and the duty officer's bookings."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.enforcement.services import ExecutionBasisIn
from lastmile.filing.forms import respondent_formset
from lastmile.ledger.services import CostItem

from . import selectors, services
from .forms import ClueForm, OnlineFilingForm, store_uploads

LOGIN = "portal:party_login"


def _error(request: AuthedRequest, exc: DomainError, status: int = 400) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


@login_required(login_url=LOGIN)
def home(request: AuthedRequest) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    cases = selectors.party_cases(account=account)
    can_file = not selectors.account_is_debtor_only(account=account)
    return render(
        request, "portal/party/home.html", {"account": account, "cases": cases, "can_file": can_file}
    )


@login_required(login_url=LOGIN)
def case_progress(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    now = get_clock().now()
    return render(
        request,
        "portal/party/progress.html",
        {
            "progress": selectors.case_progress(account=account, case=case),
            "slots": selectors.slots_open(case=case, now=now),
        },
    )


@require_POST
@login_required(login_url=LOGIN)
def booking_make(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
        slot_id = int(request.POST.get("slot", "0") or 0)
        services.booking_make(
            account=account,
            case=case,
            slot_id=slot_id,
            topic=request.POST.get("topic", ""),
            now=get_clock().now(),
        )
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:party_case", case_id=case_id)
    messages.success(request, "预约成功，请按时到院。")
    return redirect("portal:party_case", case_id=case_id)


@require_POST
@login_required(login_url=LOGIN)
def booking_cancel(request: AuthedRequest, booking_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        booking = services.booking_cancel(account=account, booking_id=booking_id, now=get_clock().now())
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        return _error(request, exc)
    messages.success(request, "预约已取消。")
    return redirect("portal:party_case", case_id=booking.case_id)


@login_required
def duty(request: AuthedRequest) -> HttpResponse:
    """The duty officer's reception list (执行值班接待)."""
    try:
        bookings = selectors.duty_bookings(
            officer=request.user, since=get_clock().now() - timedelta(hours=12)
        )
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    return render(request, "portal/party/duty.html", {"bookings": bookings})


@require_POST
@login_required
def duty_receive(request: AuthedRequest, booking_id: int) -> HttpResponse:
    try:
        services.booking_receive(
            officer=request.user,
            booking_id=booking_id,
            outcome=request.POST.get("outcome", ""),
            now=get_clock().now(),
        )
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        return _error(request, exc)
    messages.success(request, "已记录接待情况。")
    return redirect("portal:duty")


@login_required(login_url=LOGIN)
def file_online(request: AuthedRequest) -> HttpResponse:
    """An applicant files for enforcement online (网上申请执行); a clerk accepts it within 7 days.
    A debtor's account is refused before anything (uploads included) is stored."""
    try:
        account = selectors.account_for(request.user)
        services.applicant_require(account=account)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    form = OnlineFilingForm(request.POST or None, request.FILES or None)
    respondents = respondent_formset(request.POST or None)  # several respondents, guarantors marked
    if request.method == "POST" and all([form.is_valid(), respondents.is_valid()]):
        d = form.cleaned_data
        costs = [CostItem(kind="acceptance_fee", label="案件受理费", amount=d["costs"])] if d["costs"] else []
        basis = ExecutionBasisIn(
            kind=d["basis_kind"],
            issuer=d["basis_issuer"],
            number=d["basis_number"],
            effective_on=d["effective_on"],
            performance_deadline=d["performance_deadline"],
            principal=d["principal"],
            costs=costs,
        )
        try:
            case = services.party_enforcement_file(
                account=account,
                court=d["court"],
                basis=basis,
                respondents=respondents.respondents(),
                attachments=store_uploads(d["documents"]),
                known_assets=d.get("known_assets", ""),
                now=get_clock().now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"申请已提交，案号{case.number}，法院将在7日内审查立案。")
            return redirect("portal:party_case", case_id=case.pk)
    return render(request, "portal/party/file.html", {"form": form, "respondents": respondents})


@login_required(login_url=LOGIN)
def clue_submit(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The case's applicant reports an asset or whereabouts clue (checked within 7 days, 3 if
    urgent). Anyone else on the case is refused."""
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
        services.applicant_require(account=account, case=case)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    form = ClueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.party_clue_submit(
                account=account,
                case=case,
                kind=d["kind"],
                description=d["description"],
                location=d.get("location", ""),
                urgent=d.get("urgent", False),
                now=get_clock().now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "线索已提交，法院将依法核查。")
            return redirect("portal:party_case", case_id=case.pk)
    return render(request, "portal/party/clue.html", {"form": form, "case": case})
