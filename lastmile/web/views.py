"""Staff pages: thin views, one selector call each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.cases import selectors as case_selectors
from lastmile.core import listing
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.inputs import int_list
from lastmile.filing.selectors import is_institution_staff
from lastmile.notifications import selectors as notification_selectors
from lastmile.notifications.services import notifications_mark_read

from . import case_lists
from . import inbox as inboxes
from .panels import case_panels, case_tabs
from .presenters import party_rows


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    """Each login to its own start page: staff to the workbench, a bank's staff (机构经办人) to
    its batches, a party to its portal."""
    user = request.user
    if user.is_authenticated and not getattr(user, "role", "") and not user.is_superuser:
        return redirect("portal:bank_home" if is_institution_staff(user) else "portal:party_home")
    return redirect("web:workbench")


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    if not request.user.role and not request.user.is_superuser:
        return home(request)  # a party or bank login has no workbench: its own start page, never a 403
    try:
        bench = case_selectors.workbench_for(actor=request.user, today=get_clock().today())
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    return render(request, "web/workbench.html", {"bench": bench, "today": get_clock().today()})


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    """The court's cases: filters, search, sortable columns, pages with the true total, XLSX."""
    try:
        filters = case_lists.filters_from(request.GET)
        qs = case_lists.case_list(actor=request.user, filters=filters)
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    return listing.list_response(
        request,
        qs,
        columns=case_lists.COLUMNS,
        default_sort="-received",
        export_name="案件清单",
        template="web/case_list.html",
        partial="web/_case_rows.html",
        context={"f": filters, **case_lists.choices_for(request.user)},
        query=filters.as_query(),
    )


def _case_file(request: AuthedRequest, case_id: int, template: str, *, print_view: bool) -> HttpResponse:
    try:
        case = case_selectors.case_get_for(actor=request.user, case_id=case_id)
    except (NotFound, PermissionDenied) as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    panels = case_panels(request, case)
    return render(
        request,
        template,
        {
            "case": case,
            "parties": party_rows(case, viewer=request.user),
            "timeline": case_selectors.case_timeline(case=case),
            "deadlines": case_selectors.case_open_deadlines(case=case),
            "tabs": case_tabs(panels),
            "print": print_view,
            "today": get_clock().today(),
        },
    )


@login_required
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The case file in tabs: overview, parties, 查控 and property, measures, money, documents,
    time line (issue M item 6)."""
    return _case_file(request, case_id, "web/case_detail.html", print_view=False)


@login_required
def case_print(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The whole case file on one printable page, every tab in order, without the forms."""
    return _case_file(request, case_id, "web/case_print.html", print_view=True)


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """What waits for the viewer, queue by queue, oldest first (issue M item 2)."""
    sections = inboxes.inbox_for(request.user, now=get_clock().now())
    return render(request, "web/inbox.html", {"sections": sections})


@login_required
@require_POST
def inbox_act(request: AuthedRequest, queue: str, item_id: int, action: str) -> HttpResponse:
    try:
        inboxes.inbox_act(
            user=request.user,
            queue=queue,
            action=action,
            pk=item_id,
            now=get_clock().now(),
            data=request.POST,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已处理。")
    return redirect("web:inbox")


@login_required
@require_POST
def inbox_bulk(request: AuthedRequest, queue: str, action: str) -> HttpResponse:
    """The same act on several ticked items (批量审批); each item stands or falls alone."""
    pks = int_list(request.POST.getlist("ids"))
    if not pks:
        messages.error(request, "请先勾选要办理的事项。")
        return redirect("web:inbox")
    try:
        result = inboxes.inbox_act_many(
            user=request.user, queue=queue, action=action, pks=pks, now=get_clock().now(), data=request.POST
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:inbox")
    if result.done:
        messages.success(request, f"已办理{len(result.done)}项。")
    for _pk, reason in result.refused:
        messages.error(request, f"有一项未能办理：{reason}")
    return redirect("web:inbox")


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    """The officer's notifications, newest first; opening the page does not mark them read."""
    rows = notification_selectors.staff_notifications(request.user, today=get_clock().today())
    return render(request, "web/notifications.html", {"rows": rows})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    notifications_mark_read(user=request.user, now=get_clock().now())
    return redirect("web:notifications")
