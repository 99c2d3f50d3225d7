"""Entrusted and assisted enforcement between courts: the court directory search, the request, and
the assisting court's answers (accept, reply, return) in its own account."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Schema

from lastmile.accounts.permissions import require
from lastmile.accounts.selectors import court_directory_search

from .. import selectors_assistance as sel
from .. import services
from .router import _actor, _case, _now, router
from .schemas import AssistanceIn, IdOut, ReplyIn


class DirectoryCourtOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


class AcceptIn(Schema):
    phone: str = ""


class ReturnIn(Schema):
    reason: str


class IncomingOut(Schema):
    id: int
    kind: str
    status: str
    from_court: str
    case_number: str
    matter: str
    sent_on: date
    accept_due_on: date | None
    start_due_on: date
    complete_due_on: date


@router.get("/courts", response=list[DirectoryCourtOut], summary="全国法院名录检索（法院代字或名称）")
def court_search(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    require(_actor(request), "enforcement.work")
    return [
        DirectoryCourtOut(code=c.code, name=c.name, level=c.level, parent=c.parent)
        for c in court_directory_search(query=q, limit=20)
    ]


@router.post("/cases/{case_id}/assistance", response={201: IdOut}, summary="委托执行或协助执行")
def assistance(request: HttpRequest, case_id: int, payload: AssistanceIn):  # type: ignore[no-untyped-def]
    """``to_court`` is a 法院代字 (or full name) of any court in the national directory."""
    row = services.assistance_request_send(
        case=_case(request, case_id),
        kind=payload.kind,
        to_court=payload.to_court,
        matter=payload.matter,
        actor=_actor(request),
        now=_now(),
    )
    return 201, IdOut(id=row.pk)


@router.get("/assistance/incoming", response=list[IncomingOut], summary="其他法院发来的待办委托、协助请求")
def assistance_incoming(request: HttpRequest):  # type: ignore[no-untyped-def]
    actor = _actor(request)
    require(actor, "enforcement.work")
    return [
        IncomingOut(
            id=r.pk,
            kind=r.kind,
            status=r.status,
            from_court=r.case.court.code,
            case_number=r.case.number,
            matter=r.matter,
            sent_on=r.sent_on,
            accept_due_on=r.accept_due_on,
            start_due_on=r.start_due_on,
            complete_due_on=r.complete_due_on,
        )
        for r in sel.assistance_incoming(user=actor)[:200]
    ]


@router.post("/assistance/{request_id}/accept", response=IdOut, summary="受托法院受理")
def assistance_accept(request: HttpRequest, request_id: int, payload: AcceptIn):  # type: ignore[no-untyped-def]
    view = sel.assistance_get(user=_actor(request), request_id=request_id)
    row = services.assistance_accept(
        request=view.request, actor=_actor(request), now=_now(), phone=payload.phone
    )
    return IdOut(id=row.pk)


@router.post("/assistance/{request_id}/reply", response=IdOut, summary="受托法院回复")
def assistance_reply(request: HttpRequest, request_id: int, payload: ReplyIn):  # type: ignore[no-untyped-def]
    """The assisting court's answer; the requesting court may record one only for a court that is
    not on the platform."""
    view = sel.assistance_get(user=_actor(request), request_id=request_id)
    row = services.assistance_reply_record(
        request=view.request, actor=_actor(request), now=_now(), reply=payload.reply
    )
    return IdOut(id=row.pk)


@router.post("/assistance/{request_id}/return", response=IdOut, summary="受托法院退回")
def assistance_return(request: HttpRequest, request_id: int, payload: ReturnIn):  # type: ignore[no-untyped-def]
    view = sel.assistance_get(user=_actor(request), request_id=request_id)
    row = services.assistance_return(
        request=view.request, actor=_actor(request), now=_now(), reason=payload.reason
    )
    return IdOut(id=row.pk)
