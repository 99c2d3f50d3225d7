"""Staff pages of the reception desk (执行值班接待): open duty slots for dates and hours, close a
slot (its bookings are cancelled and each party told), and record walk-in visitors, with the
day's list and counts. Each view translates the form, makes one service or selector call and
shows the Chinese message of a refusal."""

from __future__ import annotations

from datetime import date, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, InvalidTransition, PermissionDenied
from lastmile.core.inputs import int_or_none

from . import selectors, services_reception
from .services_reception import SlotPlan, WalkInIn


def _error(request: AuthedRequest, exc: DomainError, status: int = 400) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _back(day: date | None = None) -> HttpResponse:
    url = reverse("portal:reception")
    return redirect(f"{url}?day={day:%Y-%m-%d}" if day else url)


@login_required
def reception(request: AuthedRequest) -> HttpResponse:
    """The day's slots (open or closed) with their bookings, the walk-in visits, the counts, and
    the forms to open slots and record a visit."""
    now = get_clock().now()
    today = get_clock().today()
    day = _day(request.GET.get("day"), today)
    try:
        sheet = selectors.reception_day(actor=request.user, day=day)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    officers = (
        User.objects.filter(court_id=selectors.reception_court_id(request.user), is_active=True)
        .exclude(role="")
        .order_by("pk")
    )
    return render(
        request,
        "portal/reception/desk.html",
        {
            "sheet": sheet,
            "ahead": selectors.reception_slots_ahead(actor=request.user, now=now),
            "officers": officers,
            "today": today,
            # The officer's own bookings of duty reception (值班接待); a filing clerk has none.
            "on_duty": actor_can(request.user, "enforcement.work"),
        },
    )


def _time(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidTransition(f"时间“{value}”格式不正确（例如 09:00）。") from None


@require_POST
@login_required
def slots_create(request: AuthedRequest) -> HttpResponse:
    data = request.POST
    try:
        day_from = date.fromisoformat(data.get("day_from", ""))
        day_to = date.fromisoformat(data.get("day_to", "") or data.get("day_from", ""))
    except ValueError:
        messages.error(request, "请填写有效的开始和结束日期。")
        return _back()
    try:
        hours = []
        for line in (data.get("hours") or "").replace("，", ",").replace(",", "\n").splitlines():
            if line.strip():
                start, _, end = line.replace("—", "-").replace("–", "-").partition("-")
                hours.append((_time(start), _time(end)))
        capacity = int(data.get("capacity") or 4)
        officer = User.objects.filter(pk=int_or_none(data.get("duty_officer")) or 0).first()
        if officer is None:
            raise InvalidTransition("请选择值班干警。")
        created = services_reception.reception_slots_create(
            actor=request.user,
            plan=SlotPlan(
                day_from=day_from,
                day_to=day_to,
                hours=hours,
                capacity=capacity,
                place=data.get("place", ""),
                weekdays_only=data.get("weekends") != "1",
            ),
            duty_officer=officer,
            now=get_clock().now(),
        )
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, "可预约人数应为整数。")
    else:
        messages.success(request, f"已开放{len(created)}个接待时段。")
    return _back(day_from)


@require_POST
@login_required
def slot_close(request: AuthedRequest, slot_id: int) -> HttpResponse:
    try:
        cancelled = services_reception.reception_slot_close(
            actor=request.user, slot_id=slot_id, reason=request.POST.get("reason", ""), now=get_clock().now()
        )
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已关闭该时段，取消预约{len(cancelled)}件，已通知预约的当事人。")
    return _back(_day(request.POST.get("day"), get_clock().today()))


@require_POST
@login_required
def walk_in(request: AuthedRequest) -> HttpResponse:
    data = request.POST
    try:
        services_reception.walk_in_record(
            actor=request.user,
            visit=WalkInIn(
                name=data.get("name", ""),
                id_number=data.get("id_number", ""),
                phone=data.get("phone", ""),
                topic=data.get("topic", ""),
                outcome=data.get("outcome", ""),
                case_number=data.get("case_number", ""),
            ),
            now=get_clock().now(),
        )
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记来访。")
    return _back()


@login_required
def case_search(request: AuthedRequest) -> HttpResponse:
    """Cases of the viewer's court by number or party name, as options for the walk-in form."""
    try:
        selectors.reception_staff_require(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    query = request.GET.get("q") or request.GET.get("case_number") or ""
    cases = selectors.reception_case_search(actor=request.user, query=query)
    return render(request, "portal/reception/_case_options.html", {"cases": cases})
