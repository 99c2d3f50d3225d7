"""The time limit: suspending and resuming, periods deducted from it, and extensions."""

from __future__ import annotations

from django.http import HttpRequest

from .. import services
from ..models import TimeLimitExtension, TimeLimitPause
from .router import _actor, _case, _now, _row, router
from .schemas import CaseRefOut, DecideIn, IdOut, PauseEndIn, PauseIn, ReasonIn


@router.post("/cases/{case_id}/suspend", response=CaseRefOut, summary="中止执行")
def suspend(request: HttpRequest, case_id: int, payload: ReasonIn):  # type: ignore[no-untyped-def]
    c = services.enforcement_suspend(
        case=_case(request, case_id), actor=_actor(request), now=_now(), reason=payload.reason
    )
    return CaseRefOut(id=c.pk, number=c.number, status=c.status)


@router.post("/cases/{case_id}/resume", response=CaseRefOut, summary="中止后恢复执行")
def resume(request: HttpRequest, case_id: int, payload: ReasonIn):  # type: ignore[no-untyped-def]
    c = services.enforcement_resume(
        case=_case(request, case_id), actor=_actor(request), now=_now(), reason=payload.reason
    )
    return CaseRefOut(id=c.pk, number=c.number, status=c.status)


@router.post(
    "/cases/{case_id}/pauses",
    response={201: IdOut},
    summary="开始扣除审限期间（公告、管辖异议、评估、拍卖、担保暂缓、上级暂缓）",
)
def pause_start(request: HttpRequest, case_id: int, payload: PauseIn):  # type: ignore[no-untyped-def]
    row = services.time_limit_pause_start(
        case=_case(request, case_id),
        kind=payload.kind,
        actor=_actor(request),
        now=_now(),
        reason=payload.reason,
        started_on=payload.started_on,
    )
    return 201, IdOut(id=row.pk)


@router.post("/pauses/{pause_id}/end", response=IdOut, summary="结束扣除审限期间")
def pause_end(request: HttpRequest, pause_id: int, payload: PauseEndIn):  # type: ignore[no-untyped-def]
    row = services.time_limit_pause_end(
        pause=_row(request, TimeLimitPause, pause_id),
        actor=_actor(request),
        now=_now(),
        ended_on=payload.ended_on,
    )
    return IdOut(id=row.pk)


@router.post("/cases/{case_id}/extensions", response={201: IdOut}, summary="申请延长执行期限（院长审批）")
def extension_request(request: HttpRequest, case_id: int, payload: ReasonIn):  # type: ignore[no-untyped-def]
    row = services.time_limit_extension_request(
        case=_case(request, case_id), actor=_actor(request), now=_now(), reason=payload.reason
    )
    return 201, IdOut(id=row.pk)


@router.post("/extensions/{extension_id}/decide", response=IdOut, summary="院长审批延长执行期限")
def extension_decide(request: HttpRequest, extension_id: int, payload: DecideIn):  # type: ignore[no-untyped-def]
    row = services.time_limit_extension_decide(
        extension=_row(request, TimeLimitExtension, extension_id),
        actor=_actor(request),
        now=_now(),
        approve=payload.approve,
        note=payload.note,
    )
    return IdOut(id=row.pk)
