"""Party pages: my cases, progress, reception booking; and the duty officer's bookings."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.web.types import AuthedRequest

from . import selectors, services

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
    return render(request, "portal/party/home.html", {"account": account, "cases": cases})


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
