"""Pages of requests between courts (委托执行, 协助执行).

The assisting court works from its own list (and the inbox queue "委托/协助执行请求"): it reads a
request, downloads the letter, and accepts, replies or returns it in its own account. The
requesting court reads the same page from its case; for a court not on the platform it downloads
the letter to send through the 执行指挥管理平台 and records the answer that came back. The court
search box of the request form is served by :func:`court_search`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.permissions import actor_can
from lastmile.accounts.selectors import court_directory_search
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.documents.services import document_pdf

from .. import selectors_assistance as sel
from .. import services
from .common import _actor, _error_page, _text

SHOWN = 100


@login_required
def assistance_list(request: HttpRequest) -> HttpResponse:
    """The requests other courts addressed to the viewer's court, the open ones first."""
    actor = _actor(request)
    if not actor_can(actor, "enforcement.work") or actor.court_id is None:
        return _error_page(
            request, PermissionDenied("只有本院执行人员可以办理其他法院的委托、协助请求。"), 403
        )
    rows = sel.assistance_received(user=actor)
    return render(
        request,
        "enforcement/assistance_list.html",
        {"rows": rows[:SHOWN], "total": rows.count(), "shown": SHOWN},
    )


@login_required
def assistance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = sel.assistance_get(user=_actor(request), request_id=pk)
    except NotFound as exc:
        return _error_page(request, exc, 404)
    return render(request, "enforcement/assistance_detail.html", {"v": view, "r": view.request})


@login_required
def assistance_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The 委托执行函 / 协助执行函 as issued, for either of the two courts."""
    try:
        view = sel.assistance_get(user=_actor(request), request_id=pk)
    except NotFound as exc:
        return _error_page(request, exc, 404)
    letter = view.request.letter
    if letter is None:
        raise Http404
    response = HttpResponse(document_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=assistance-{view.request.pk}.pdf"
    return response


@login_required
@require_POST
def assistance_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, reply or return: each a service call that checks who may answer (the assisting
    court's own staff; the requesting court only records an off-platform court's letter)."""
    actor = _actor(request)
    try:
        view = sel.assistance_get(user=actor, request_id=pk)
    except NotFound as exc:
        return _error_page(request, exc, 404)
    now = get_clock().now()
    data = request.POST
    try:
        if action == "accept":
            services.assistance_accept(request=view.request, actor=actor, now=now, phone=_text(data, "phone"))
            messages.success(request, "已受理，委托法院将看到承办人和联系电话。")
        elif action == "reply":
            services.assistance_reply_record(
                request=view.request, actor=actor, now=now, reply=_text(data, "reply")
            )
            messages.success(request, "已回复，委托法院将收到通知。")
        elif action == "return":
            services.assistance_return(
                request=view.request, actor=actor, now=now, reason=_text(data, "reason")
            )
            messages.success(request, "已退回，委托法院将收到退回理由。")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enforcement:assistance_detail", pk=pk)


@login_required
def court_search(request: HttpRequest) -> HttpResponse:
    """Courts of the national directory whose code starts with, or whose name contains, ``q``, as
    the options of the request form's search box."""
    if not actor_can(_actor(request), "enforcement.work"):
        return _error_page(request, PermissionDenied("您没有查询法院名录的权限。"), 403)
    query = request.GET.get("q") or request.GET.get("to_court") or ""
    courts = court_directory_search(query=query, limit=20)
    return render(request, "enforcement/_court_options.html", {"courts": courts})
