"""Closing a case, restoring it after 终本, and the property re-queries after 终本."""

from __future__ import annotations

from django.http import HttpRequest

from .. import services
from ..models import Clue, PropertyRequery, ZhongbenAssent
from .router import _actor, _case, _now, _row, router
from .schemas import CaseRefOut, CloseIn, IdOut, RequeryIn, RestoreIn, ZhongbenOpinionIn, ZhongbenReviewIn


@router.post("/cases/{case_id}/close", response=CaseRefOut, summary="结案（六种结案方式）")
def close(request: HttpRequest, case_id: int, payload: CloseIn):  # type: ignore[no-untyped-def]
    c = services.enforcement_close(
        case=_case(request, case_id),
        method=payload.method,
        actor=_actor(request),
        now=_now(),
        reason=payload.reason,
        ground=payload.ground,
        confirm_full_performance=payload.confirm_full_performance,
    )
    return CaseRefOut(id=c.pk, number=c.number, status=c.status)


@router.post(
    "/cases/{case_id}/zhongben-opinions", response={201: IdOut}, summary="登记申请执行人对终本的签字意见"
)
def zhongben_opinion(request: HttpRequest, case_id: int, payload: ZhongbenOpinionIn):  # type: ignore[no-untyped-def]
    row = services.zhongben_opinion_record(
        case=_case(request, case_id),
        actor=_actor(request),
        now=_now(),
        signed_by=payload.signed_by,
        content=payload.content,
        agrees=payload.agrees,
        signed_on=payload.signed_on,
    )
    return 201, IdOut(id=row.pk)


@router.post(
    "/cases/{case_id}/zhongben-reviews",
    response={201: IdOut},
    summary="登记合议庭对终本的审查意见（报院长批准）",
)
def zhongben_review(request: HttpRequest, case_id: int, payload: ZhongbenReviewIn):  # type: ignore[no-untyped-def]
    row = services.zhongben_review_record(
        case=_case(request, case_id),
        actor=_actor(request),
        now=_now(),
        panel=payload.panel,
        content=payload.content,
        signed_on=payload.signed_on,
    )
    return 201, IdOut(id=row.pk)


@router.post("/zhongben-reviews/{review_id}/approve", response=IdOut, summary="院长批准合议庭终本审查意见")
def zhongben_review_approve(request: HttpRequest, review_id: int):  # type: ignore[no-untyped-def]
    row = services.zhongben_review_approve(
        review=_row(request, ZhongbenAssent, review_id), actor=_actor(request), now=_now()
    )
    return IdOut(id=row.pk)


@router.post("/cases/{case_id}/restore", response={201: CaseRefOut}, summary="终本后恢复执行（执恢）")
def restore(request: HttpRequest, case_id: int, payload: RestoreIn):  # type: ignore[no-untyped-def]
    case = _case(request, case_id)
    clue_row = _row(request, Clue, payload.clue_id) if payload.clue_id else None
    c = services.enforcement_restore(
        case=case, actor=_actor(request), now=_now(), reason=payload.reason, clue=clue_row
    )
    return 201, CaseRefOut(id=c.pk, number=c.number, status=c.status)


@router.post("/requeries/{requery_id}", response=IdOut, summary="登记终本后财产复查")
def requery(request: HttpRequest, requery_id: int, payload: RequeryIn):  # type: ignore[no-untyped-def]
    row = services.requery_record(
        requery=_row(request, PropertyRequery, requery_id),
        actor=_actor(request),
        now=_now(),
        result=payload.result,
        note=payload.note,
    )
    return IdOut(id=row.pk)
