"""布控 API (staff of a court): mounted at /api/v1/watch. Thin: one service or selector call each.

Every read is scoped to the caller's court (the selectors refuse a login without ``alerts.view``
or ``enforcement.work``); every write checks its capability in the service: the watch list and an
alert's outcome need ``enforcement.work``, dispatch and the duty roster ``enforcement.dispatch``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.core.clock import get_clock

from . import selectors, services
from .models import Alert, DutyShift, WatchEntry

router = Router(tags=["布控"])


def _entry(e: WatchEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "case_id": e.case_id,
        "case_number": e.case.number,
        "debtor": e.debtor.name,
        "kind": e.kind,
        "source": e.source,
        "plate": e.plate,
        "ruling_number": e.ruling_number,
        "officer_id": e.officer_id,
        "note": e.note,
        "starts_at": e.starts_at,
        "expires_on": e.expires_on,
        "ended_at": e.ended_at,
        "end_reason": e.end_reason,
    }


def _alert(a: Alert) -> dict[str, Any]:
    return {
        **selectors.alert_as_dict(a),
        "case_id": a.case_id,
        "entry_id": a.entry_id,
        "notified_id": a.notified_id,
        "dispatched_at": a.dispatched_at,
        "dispatch_note": a.dispatch_note,
        "outcome_at": a.outcome_at,
        "outcome_note": a.outcome_note,
        "measure_id": a.measure_id,
    }


def _shift(s: DutyShift) -> dict[str, Any]:
    return {
        "id": s.pk,
        "officer_id": s.officer_id,
        "officer": s.officer.display_name or s.officer.username,
        "weekday": s.weekday,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "note": s.note,
    }


class WatchEntryIn(Schema):
    case_number: str
    plate: str
    ruling_number: str
    note: str = ""


class WatchEndIn(Schema):
    reason: str = ""


class WatchNoteIn(Schema):
    note: str = ""


class WatchOutcomeIn(Schema):
    outcome: str
    note: str = ""
    acknowledge_warnings: bool = False


class WatchShiftIn(Schema):
    officer_id: int
    weekday: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str = ""


@router.get("/entries", summary="布控名单（本院）")
def entries(request: HttpRequest, live: bool = True, limit: int = 200) -> list[dict[str, Any]]:
    rows = selectors.entries_for(actor=request.user, live_only=live)  # type: ignore[arg-type]
    return [_entry(e) for e in rows[: max(1, min(limit, 1000))]]


@router.post("/entries", summary="布控车辆（须有查封、扣押裁定文号）")
def entry_add(request: HttpRequest, body: WatchEntryIn) -> dict[str, Any]:
    case = selectors.case_for_watch(actor=request.user, number=body.case_number)  # type: ignore[arg-type]
    entry = services.watch_entry_add(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        plate=body.plate,
        ruling_number=body.ruling_number,
        note=body.note,
        now=get_clock().now(),
    )
    return _entry(selectors.entry_get_for(actor=request.user, entry_id=entry.pk))  # type: ignore[arg-type]


@router.post("/entries/{entry_id}/end", summary="撤销布控")
def entry_end(request: HttpRequest, entry_id: int, body: WatchEndIn) -> dict[str, Any]:
    selectors.entry_get_for(actor=request.user, entry_id=entry_id)  # type: ignore[arg-type]
    services.watch_entry_end(
        actor=request.user,  # type: ignore[arg-type]
        entry_id=entry_id,
        reason=body.reason,
        now=get_clock().now(),
    )
    return _entry(selectors.entry_get_for(actor=request.user, entry_id=entry_id))  # type: ignore[arg-type]


@router.get("/alerts", summary="布控预警（本院，新到旧；after= 只取该编号之后的）")
def alerts(request: HttpRequest, live: bool = False, after: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    rows = selectors.alerts_for(
        actor=request.user,  # type: ignore[arg-type]
        live_only=live,
        limit=max(1, min(limit, 500)),
        after_id=max(0, after),
    )
    return [_alert(a) for a in rows]


@router.get("/alerts/{alert_id}", summary="预警详情及命中记录")
def alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    a = selectors.alert_get_for(actor=request.user, alert_id=alert_id)  # type: ignore[arg-type]
    sightings = [
        {"observed": s.observed, "source": s.source, "seen_at": s.seen_at, "channel": s.channel}
        for s in a.sighting_rows.order_by("-seen_at")[:50]
    ]
    return {**_alert(a), "sighting_rows": sightings}


@router.post("/alerts/{alert_id}/dispatch", summary="指挥中心派警")
def dispatch(request: HttpRequest, alert_id: int, body: WatchNoteIn) -> dict[str, Any]:
    services.alert_dispatch(
        actor=request.user,  # type: ignore[arg-type]
        alert_id=alert_id,
        note=body.note,
        now=get_clock().now(),
    )
    return _alert(selectors.alert_get_for(actor=request.user, alert_id=alert_id))  # type: ignore[arg-type]


@router.post("/alerts/{alert_id}/outcome", summary="记录处置结果（已扣押则生成扣押措施及裁定）")
def outcome(request: HttpRequest, alert_id: int, body: WatchOutcomeIn) -> dict[str, Any]:
    services.alert_outcome_record(
        actor=request.user,  # type: ignore[arg-type]
        alert_id=alert_id,
        outcome=body.outcome,
        note=body.note,
        now=get_clock().now(),
        acknowledge_warnings=body.acknowledge_warnings,
    )
    return _alert(selectors.alert_get_for(actor=request.user, alert_id=alert_id))  # type: ignore[arg-type]


@router.get("/duty", summary="布控值班表及今日值班干警")
def duty(request: HttpRequest) -> dict[str, Any]:
    shifts = selectors.duty_shifts_for(actor=request.user)  # type: ignore[arg-type]
    court_id = request.user.court_id or 0  # type: ignore[union-attr]
    today = get_clock().today()
    return {
        "date": today,
        "on_duty_officer_id": selectors.on_duty(court_ids={court_id}, on=today).get(court_id),
        "shifts": [_shift(s) for s in shifts],
    }


@router.post("/duty", summary="安排值班（每周某日，或起止日期）")
def duty_add(request: HttpRequest, body: WatchShiftIn) -> dict[str, Any]:
    shift = services.duty_shift_add(
        actor=request.user,  # type: ignore[arg-type]
        officer_id=body.officer_id,
        weekday=body.weekday,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        note=body.note,
        now=get_clock().now(),
    )
    return _shift(shift)


@router.post("/duty/{shift_id}/remove", summary="删除值班安排")
def duty_remove(request: HttpRequest, shift_id: int) -> dict[str, Any]:
    shift = services.duty_shift_remove(
        actor=request.user,  # type: ignore[arg-type]
        shift_id=shift_id,
        now=get_clock().now(),
    )
    return {"id": shift.pk, "removed_at": shift.removed_at}
