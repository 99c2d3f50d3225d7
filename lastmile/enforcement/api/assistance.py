"""Entrusted and assisted enforcement between courts: the request and the other court's reply."""

from __future__ import annotations

from django.http import HttpRequest

from lastmile.accounts.models import Court
from lastmile.core.errors import NotFound

from .. import services
from ..models import AssistanceRequest
from .router import _actor, _case, _now, _row, router
from .schemas import AssistanceIn, IdOut, ReplyIn


@router.post("/cases/{case_id}/assistance", response={201: IdOut}, summary="委托执行或协助执行")
def assistance(request: HttpRequest, case_id: int, payload: AssistanceIn):  # type: ignore[no-untyped-def]
    to_court = Court.objects.filter(code=payload.to_court).first()
    if to_court is None:
        raise NotFound("受托法院不存在。")
    row = services.assistance_request_send(
        case=_case(request, case_id),
        kind=payload.kind,
        to_court=to_court,
        matter=payload.matter,
        actor=_actor(request),
        now=_now(),
    )
    return 201, IdOut(id=row.pk)


@router.post("/assistance/{request_id}/reply", response=IdOut, summary="登记受托法院回复")
def assistance_reply(request: HttpRequest, request_id: int, payload: ReplyIn):  # type: ignore[no-untyped-def]
    row = services.assistance_reply_record(
        request=_row(request, AssistanceRequest, request_id),
        actor=_actor(request),
        now=_now(),
        reply=payload.reply,
    )
    return IdOut(id=row.pk)
