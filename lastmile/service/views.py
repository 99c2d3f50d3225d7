"""The service status page (送达情况) and the service panel on the case page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.errors import PermissionDenied

from . import selectors
from .models import OrderStatus


@login_required
def status_page(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    try:
        qs = selectors.orders_visible_to(request.user).prefetch_related("attempts").order_by("-pk")
        counts = selectors.status_counts(request.user)
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    tiles = [(value, label, counts.get(value, 0)) for value, label in OrderStatus.choices]
    template = "service/_orders.html" if request.headers.get("HX-Request") else "service/status.html"
    return render(request, template, {"orders": qs[:200], "tiles": tiles, "status": status})


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    if not actor_can(request.user, "case.view"):
        return None
    orders = list(selectors.orders_of_case(case)[:50])
    return {"orders": orders} if orders else None
