"""Pages of 布控: the command center's live alert screen and its stream, an alert with its
dispatch and outcome, the court's watch list, and the endpoint where the joint-punishment feeds
post their signed messages."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.core.clock import get_clock
from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import ConditionsNotMet, DomainError
from lastmile.core.inputs import int_or_none
from lastmile.inquiry import protocol

from . import selectors, services
from .conf import FEEDS, feed_key, watch_setting
from .models import AlertStatus, WatchKind


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=exc.http_status)


def _map_box(cameras: list, alerts: list) -> dict[str, float]:
    """The bounding box of the map (cameras and alert positions), padded."""
    lats = [c.lat for c in cameras] + [a.lat for a in alerts if a.lat is not None]
    lngs = [c.lng for c in cameras] + [a.lng for a in alerts if a.lng is not None]
    if not lats:
        lats, lngs = [28.1, 28.3], [112.8, 113.1]
    pad_lat, pad_lng = max(0.005, (max(lats) - min(lats)) * 0.08), max(0.005, (max(lngs) - min(lngs)) * 0.08)
    return {
        "min_lat": min(lats) - pad_lat,
        "max_lat": max(lats) + pad_lat,
        "min_lng": min(lngs) - pad_lng,
        "max_lng": max(lngs) + pad_lng,
    }


def _xy(lat: float, lng: float, box: dict[str, float]) -> tuple[float, float]:
    x = (lng - box["min_lng"]) / (box["max_lng"] - box["min_lng"]) * 600
    y = (box["max_lat"] - lat) / (box["max_lat"] - box["min_lat"]) * 360
    return round(x, 1), round(y, 1)


@login_required
@require_GET
def center(request: AuthedRequest) -> HttpResponse:
    """布控预警: the live screen of the command center (alerts arrive without reload)."""
    try:
        alerts = selectors.alerts_for(actor=request.user, limit=50)
    except DomainError as exc:
        return _error(request, exc)
    cameras = selectors.cameras()
    box = _map_box(cameras, alerts)
    camera_points = [
        {"x": _xy(c.lat, c.lng, box)[0], "y": _xy(c.lat, c.lng, box)[1], "name": c.name} for c in cameras
    ]
    return render(
        request,
        "watch/center.html",
        {
            "alerts": alerts,
            "cameras": camera_points,
            "box": box,
            "after": selectors.latest_alert_id(court_id=request.user.court_id or 0),
            "can_dispatch": actor_can(request.user, "enforcement.dispatch"),
            "on_duty": _on_duty_today(request.user),
        },
    )


def _on_duty_today(user: Any) -> Any:
    court_id = user.court_id or 0
    officer_id = selectors.on_duty(court_ids={court_id}, on=get_clock().today()).get(court_id)
    return next((u for u in selectors.duty_candidates(court=court_id) if u.pk == officer_id), None)


def _date_or_none(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        raise ConditionsNotMet("日期格式无效。", unmet=["starts_on", "ends_on"]) from None


@login_required
def duty(request: AuthedRequest) -> HttpResponse:
    """值班表: who is told of the court's 布控 alerts; the command center keeps it."""
    if request.method == "POST":
        raw_weekday = request.POST.get("weekday", "").strip()
        raw_officer = request.POST.get("officer", "").strip()
        try:
            services.duty_shift_add(
                actor=request.user,
                officer_id=int_or_none(raw_officer) or 0,
                weekday=int_or_none(raw_weekday),
                starts_on=None if raw_weekday else _date_or_none(request.POST.get("starts_on", "")),
                ends_on=None if raw_weekday else _date_or_none(request.POST.get("ends_on", "")),
                note=request.POST.get("note", ""),
                now=get_clock().now(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已安排值班。")
        return redirect(reverse("watch:duty"))
    try:
        shifts = selectors.duty_shifts_for(actor=request.user)
    except DomainError as exc:
        return _error(request, exc)
    can_edit = actor_can(request.user, "enforcement.dispatch")
    rows = [
        {
            "shift": sh,
            "when": f"每{selectors.WEEKDAYS[sh.weekday]}"
            if sh.weekday is not None
            else f"{sh.starts_on:%Y-%m-%d} 至 {sh.ends_on:%Y-%m-%d}",
        }
        for sh in shifts
    ]
    return render(
        request,
        "watch/duty.html",
        {
            "shifts": rows,
            "can_edit": can_edit,
            "candidates": selectors.duty_candidates(court=request.user.court_id or 0) if can_edit else [],
            "weekdays": selectors.WEEKDAYS,
            "on_duty": _on_duty_today(request.user),
        },
    )


@login_required
@require_POST
def duty_remove(request: AuthedRequest, shift_id: int) -> HttpResponse:
    try:
        services.duty_shift_remove(actor=request.user, shift_id=shift_id, now=get_clock().now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除值班安排。")
    return redirect(reverse("watch:duty"))


def _sse(alerts: list[dict]) -> str:
    return "".join(
        f"id: {a['id']}\nevent: alert\ndata: {json.dumps(a, ensure_ascii=False)}\n\n" for a in alerts
    )


@login_required
@require_GET
def stream(request: AuthedRequest) -> HttpResponseBase:
    """Server-Sent Events of the court's new alerts after ``Last-Event-ID`` (or ``?after=``).
    With ``?wait=N`` the connection stays open up to N seconds (at most STREAM_MAX_SECONDS) and
    sends each alert as it is written; without it, what is there now."""
    if not selectors.can_view(request.user) or request.user.court_id is None:
        return HttpResponse("forbidden", status=403)
    court_id = request.user.court_id
    raw_after = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    after = int_or_none(raw_after)
    if after is None:
        after = selectors.latest_alert_id(court_id=court_id)
    try:
        wait = min(float(request.GET.get("wait", "0")), float(watch_setting("STREAM_MAX_SECONDS")))
    except ValueError:
        wait = 0.0
    if wait <= 0:
        body = "retry: 1000\n\n" + _sse(selectors.alerts_after(court_id=court_id, after_id=after))
        return HttpResponse(body, content_type="text/event-stream; charset=utf-8")

    def events(after_id: int) -> Iterator[str]:
        yield "retry: 200\n\n"
        deadline = time.monotonic() + wait
        poll = float(watch_setting("STREAM_POLL_SECONDS"))
        beat = time.monotonic()
        while time.monotonic() < deadline:
            rows = selectors.alerts_after(court_id=court_id, after_id=after_id)
            if rows:
                after_id = rows[-1]["id"]
                yield _sse(rows)
            elif time.monotonic() - beat > 1.0:
                beat = time.monotonic()
                yield ": ping\n\n"  # a closed page shows as a failed write: the stream ends
            else:
                time.sleep(poll)
        yield ": bye\n\n"

    response = StreamingHttpResponse(events(after), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@login_required
@require_GET
def alert_detail(request: AuthedRequest, alert_id: int) -> HttpResponse:
    try:
        alert = selectors.alert_get_for(actor=request.user, alert_id=alert_id)
    except DomainError as exc:
        return _error(request, exc)
    kind = WatchKind(alert.entry.kind)
    return render(
        request,
        "watch/alert.html",
        {
            "alert": alert,
            "sightings": alert.sighting_rows.order_by("-seen_at")[:50],
            "can_dispatch": actor_can(request.user, "enforcement.dispatch")
            and alert.status == AlertStatus.OPEN,
            "can_outcome": actor_can(request.user, "enforcement.work")
            and alert.status in (AlertStatus.OPEN, AlertStatus.DISPATCHED),
            "outcomes": [(o.value, o.label) for o in services.OUTCOMES[kind]],
        },
    )


@login_required
@require_POST
def alert_act(request: AuthedRequest, alert_id: int, action: str) -> HttpResponse:
    """``dispatch`` (指挥中心派警) or ``outcome`` (the officer's result at the scene)."""
    now = get_clock().now()
    try:
        if action == "dispatch":
            services.alert_dispatch(
                actor=request.user, alert_id=alert_id, note=request.POST.get("note", ""), now=now
            )
            messages.success(request, "已派警。")
        elif action == "outcome":
            alert = services.alert_outcome_record(
                actor=request.user,
                alert_id=alert_id,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                now=now,
                acknowledge_warnings=request.POST.get("acknowledge") == "1",
            )
            messages.success(
                request,
                "已扣押车辆，执行裁定书已生成并送达。" if alert.measure_id else "已记录处置结果。",
            )
        else:
            return render(request, "web/error.html", {"message": "未知的操作。"}, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("watch:alert", args=[alert_id]))


@login_required
def entries(request: AuthedRequest) -> HttpResponse:
    """The court's watch list; an officer adds a seized vehicle by plate and ruling number."""
    if request.method == "POST":
        try:
            case = selectors.case_for_watch(actor=request.user, number=request.POST.get("case_number", ""))
            entry = services.watch_entry_add(
                actor=request.user,
                case=case,
                plate=request.POST.get("plate", ""),
                ruling_number=request.POST.get("ruling_number", ""),
                note=request.POST.get("note", ""),
                now=get_clock().now(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已布控车辆 {entry.plate}。")
        return redirect(reverse("watch:entries"))
    try:
        rows = list(selectors.entries_for(actor=request.user)[:500])
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "watch/entries.html",
        {"entries": rows, "can_add": actor_can(request.user, "enforcement.work")},
    )


@login_required
@require_POST
def entry_end(request: AuthedRequest, entry_id: int) -> HttpResponse:
    try:
        selectors.entry_get_for(actor=request.user, entry_id=entry_id)
        services.watch_entry_end(
            actor=request.user,
            entry_id=entry_id,
            reason=request.POST.get("reason", ""),
            now=get_clock().now(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销布控。")
    return redirect(reverse("watch:entries"))


@csrf_exempt
@require_POST
def feed(request: HttpRequest, feed_name: str) -> HttpResponse:
    """Where a joint-punishment feed posts (railway, airline, hotel): signed like the
    institutions' callbacks (``lastmile.inquiry.protocol``), idempotent on ``X-Idempotency-Key``."""
    raw = request.body
    try:
        protocol.verify(
            secret=feed_key(feed_name) if feed_name in FEEDS else None,
            method="POST",
            path=request.path,
            timestamp=request.headers.get("X-Timestamp", ""),
            key=request.headers.get("X-Idempotency-Key", ""),
            body=raw,
            signature=request.headers.get("X-Signature", ""),
            now=time.time(),
            max_skew=int(watch_setting("MAX_SKEW_SECONDS")),
        )
        message = json.loads(raw)
    except protocol.SignatureError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=401)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JsonResponse({"code": CoreErrorCode.INVALID_REQUEST, "message": "报文格式错误"}, status=400)
    if not isinstance(message, dict) or message.get("message_id") != request.headers.get("X-Idempotency-Key"):
        return JsonResponse(
            {"code": CoreErrorCode.INVALID_REQUEST, "message": "报文头与报文体不一致"}, status=400
        )
    try:
        stored, alert = services.feed_receive(feed=feed_name, message=message, now=get_clock().now())
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=400)
    return JsonResponse({"ok": True, "matched": stored.matched, "alert": alert.pk if alert else None})
