"""Staff pages: thin views, one selector call each."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lastmile.accounts.http import AuthedRequest
from lastmile.cases import selectors as case_selectors
from lastmile.cases.models import CaseStatus
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound, PermissionDenied

from .panels import case_panels
from .presenters import party_rows


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    try:
        bench = case_selectors.workbench_for(actor=request.user, today=get_clock().today())
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    return render(request, "web/workbench.html", {"bench": bench, "today": get_clock().today()})


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    status = request.GET.get("status", "")
    try:
        qs = case_selectors.case_search(
            actor=request.user,
            query=q,
            status=status,
            type_code=request.GET.get("type", ""),
            mine=request.GET.get("mine") == "1",
        )
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "web/_case_rows.html" if request.htmx else "web/case_list.html"
    return render(
        request,
        template,
        {"page": page, "q": q, "status": status, "statuses": CaseStatus.choices},
    )


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        case = case_selectors.case_get_for(actor=request.user, case_id=case_id)
    except (NotFound, PermissionDenied) as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "parties": party_rows(case, viewer=request.user),
            "timeline": case_selectors.case_timeline(case=case),
            "deadlines": case_selectors.case_open_deadlines(case=case),
            "panels": case_panels(request, case),
            "today": get_clock().today(),
        },
    )
