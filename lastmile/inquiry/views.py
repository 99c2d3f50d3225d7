"""Pages of network inquiry and control: the 查控 panel on the case page (htmx), the command
center's queue of orders, and the endpoint where institutions post their signed results."""

from __future__ import annotations

import json
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError

from . import protocol, selectors, services
from .conf import inquiry_setting, institution_key
from .error_codes import InquiryErrorCode
from .models import Control


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The 查控 panel: shown to those who may order inquiries, or once the case has control data."""
    user = request.user
    can_order = actor_can(user, "inquiry.order")
    if not can_order and not Control.objects.filter(case=case).exists():
        return None
    view = selectors.case_control(case=case, as_of=get_clock().today())
    # a deduction, release or renewal sent and not answered is shown instead of its buttons
    in_flight = selectors.freeze_orders_in_flight(case=case)
    for f in view.freezes:
        f.in_flight = in_flight.get(f.pk)  # type: ignore[attr-defined]
    return {
        "view": view,
        "can_order": can_order,
        # 扣划 and 解除 are the enforcement judge's (the services refuse anyone else as well).
        "can_deduct": actor_can(user, "control.deduct"),
        "can_release": actor_can(user, "control.release"),
        "today": get_clock().today(),
    }


def _panel_response(request: AuthedRequest, case_id: int) -> HttpResponse:
    if not request.htmx:
        return redirect(reverse("web:case_detail", args=[case_id]))
    case = case_get_for(actor=request.user, case_id=case_id)
    context = case_panel(request, case)
    return render(request, "inquiry/_case_panel.html", {"panel": context, "partial": True})


@login_required
def panel(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The panel alone (htmx refreshes it while orders are in flight)."""
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    return render(request, "inquiry/_case_panel.html", {"panel": case_panel(request, case), "partial": True})


def _act(request: AuthedRequest, case_id: int, fn: Any, success: str) -> HttpResponse:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        if request.htmx:
            response = _panel_response(request, case_id)
            response.content = f'<p class="error">{exc.message}</p>'.encode() + response.content
            return response
        return redirect(reverse("web:case_detail", args=[case_id]))
    messages.success(request, success)
    return _panel_response(request, case_id)


@login_required
@require_POST
def start(request: AuthedRequest, case_id: int) -> HttpResponse:
    def go() -> None:
        case = case_get_for(actor=request.user, case_id=case_id)
        services.inquiry_start(case=case, actor=request.user, now=get_clock().now())

    return _act(request, case_id, go, "已向各协助机构发出查询，结果将自动显示。")


@login_required
@require_POST
def freeze_action(request: AuthedRequest, freeze_id: int, action: str) -> HttpResponse:
    freeze = None
    try:
        freeze = selectors.freeze_get_for(actor=request.user, freeze_id=freeze_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    now = get_clock().now()
    actions = {
        "deduct": (
            lambda: services.freeze_deduct(freeze=freeze, actor=request.user, now=now),
            "已发出扣划指令。",
        ),
        "release": (
            lambda: services.freeze_release(
                freeze=freeze, actor=request.user, now=now, reason=request.POST.get("reason", "")
            ),
            "已发出解除指令。",
        ),
        "renew": (
            lambda: services.freeze_renew(freeze=freeze, actor=request.user, now=now),
            "已发出续行指令。",
        ),
    }
    if action not in actions:
        return HttpResponse("未知操作", status=404)
    fn, success = actions[action]
    return _act(request, freeze.case_id, fn, success)


@login_required
@require_POST
def seize(request: AuthedRequest, asset_id: int) -> HttpResponse:
    try:
        asset = selectors.asset_get_for(actor=request.user, asset_id=asset_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    return _act(
        request,
        asset.case_id,
        lambda: services.asset_seize(
            asset=asset,
            actor=request.user,
            now=get_clock().now(),
            # 活封 when ticked; left to the rules otherwise (a necessary home is only 活封).
            live_seal=True if request.POST.get("live_seal") else None,
        ),
        "已发出查封登记指令。",
    )


@login_required
@require_POST
def resend(request: AuthedRequest, order_id: int) -> HttpResponse:
    order = None
    try:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
        services.order_resend(order=order, actor=request.user, now=get_clock().now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新发送。")
    if request.POST.get("back") == "queue":
        return redirect("inquiry:queue")
    return _panel_response(request, order.case_id) if order is not None else redirect("inquiry:queue")


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """The command center's queue of pending and failed orders."""
    try:
        orders = list(selectors.orders_queue(actor=request.user)[:500])
        counts = selectors.queue_counts(actor=request.user)
        held = list(selectors.held_results_queue(actor=request.user)[:200])
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    return render(
        request,
        "inquiry/queue.html",
        {
            "orders": orders,
            "counts": counts,
            "held": held,
            "can_order": actor_can(request.user, "inquiry.order"),
            "can_review": actor_can(request.user, "control.deduct"),
        },
    )


@login_required
@require_POST
def held_review(request: AuthedRequest, held_id: int) -> HttpResponse:
    """Close a held institution result after comparing it with the institution's statement."""
    try:
        held = selectors.held_result_get_for(actor=request.user, held_id=held_id)
        services.held_result_review(
            held=held, actor=request.user, now=get_clock().now(), note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已记录核对意见。")
    return redirect("inquiry:queue")


@csrf_exempt
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    """Where institutions post their results. No session: the HMAC signature of the institution
    authenticates the message; stale or badly signed messages are refused with a code. A
    verified message is only stored (one INSERT, a repeat ignored) and answered; the inquiry
    worker applies it (``services.inbox_apply``)."""
    code = request.headers.get("X-Institution", "")
    raw = request.body
    try:
        protocol.verify(
            secret=institution_key(code),
            method="POST",
            path=request.path,
            timestamp=request.headers.get("X-Timestamp", ""),
            key=request.headers.get("X-Idempotency-Key", ""),
            body=raw,
            signature=request.headers.get("X-Signature", ""),
            now=time.time(),
            max_skew=int(inquiry_setting("MAX_SKEW_SECONDS")),
        )
        message = json.loads(raw)
    except protocol.SignatureError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=401)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JsonResponse({"code": InquiryErrorCode.BAD_REQUEST, "message": "报文格式错误"}, status=400)
    batch = _callback_messages(message, request.headers.get("X-Idempotency-Key", ""))
    if batch is None:
        return JsonResponse(
            {"code": InquiryErrorCode.BAD_REQUEST, "message": "报文头与报文体不一致"}, status=400
        )
    try:
        stored = services.inbox_store(institution=code, messages=batch, now=get_clock().now())
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=400)
    return JsonResponse({"ok": True, "stored": stored})


def _callback_messages(body: object, key: str) -> list[dict] | None:
    """The messages of a callback body: one message whose ``message_id`` is the idempotency key,
    or a batch ``{"batch_id": key, "messages": [...]}`` (one signature over all of them); None
    when the body does not match its headers."""
    if not isinstance(body, dict):
        return None
    if "messages" in body:
        items = body.get("messages")
        if body.get("batch_id") != key or not isinstance(items, list) or not items:
            return None
        if not all(isinstance(m, dict) and m.get("message_id") for m in items):
            return None
        return items
    if body.get("message_id") != key:
        return None
    return [body]
