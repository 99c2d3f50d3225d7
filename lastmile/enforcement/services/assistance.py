"""Requests between courts: 委托执行 (the assisting court executes the case) and 协助执行 (it does one
act: an inquiry, a freeze, a seizure, an investigation, service).

The requesting court sends the request with its letter (委托执行函 or 协助执行函). The assisting
court answers in its own account: it accepts (for a commission: files the case within 7 days and
names the officer and a phone, 委托执行规定 2020 art. 7), replies with the result or the state of
the work (CPL 2023 art. 240), or returns the request with its reasons (arts. 8–9). Every answer is
an event on the requesting court's case, so its officer sees it and is notified. A court that has
no users on the platform gets the letter to send through the 执行指挥管理平台 (art. 4), and the
requesting court records the answer that came back that way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.accounts.selectors import court_directory
from lastmile.accounts.services import court_from_directory
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record, case_lock, deadline_complete, deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import InvalidTransition
from lastmile.core.periods import period_end_provisional
from lastmile.documents.services import document_issue
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent

from .. import rules
from ..models import AssistanceKind, AssistanceRequest, AssistanceStatus, EnforcementCase
from ..selectors_assistance import court_on_platform
from .common import InvalidFiling, _guard

LETTER_TEMPLATE = {
    AssistanceKind.COMMISSION: "enforcement_commission_letter",
    AssistanceKind.ASSISTANCE: "enforcement_assistance_letter",
}
OPEN_STATUSES = (AssistanceStatus.SENT, AssistanceStatus.ACCEPTED)


def _basis_line(case: Case) -> str:
    ec = EnforcementCase.objects.filter(case=case).first()
    if ec is None:
        return ""
    return f"{ec.basis_issuer}{ec.basis_number}{ec.get_basis_kind_display()}"


def court_for_request(value: str) -> Court:
    """The court the officer picked: a 法院代字 of the national court directory, or a court's full
    name there. Its row is created from the directory on first use (with its superior courts)."""
    value = (value or "").strip()
    if not value:
        raise InvalidFiling("请选择受托法院。")
    directory = court_directory()
    if value not in directory:
        named = [c.code for c in directory.values() if c.name == value]
        if len(named) != 1:
            raise InvalidFiling(f"“{value}”不在全国法院名录中，请输入法院代字或名称后从搜索结果中选择。")
        value = named[0]
    return court_from_directory(code=value)


@transaction.atomic
def assistance_request_send(
    *, case: Case, kind: str, to_court: Court | str, matter: str, actor: User, now: datetime
) -> AssistanceRequest:
    """Ask another court, anywhere in China, to execute (委托执行) or to help (协助执行), and issue
    the letter. ``to_court`` is a court row, or the code or full name of a court in the national
    directory (:func:`court_for_request`). The assisting court starts within 15 days and finishes
    or reports within 30 (CPL 2023 art. 240; 审限规定 2000 art. 5); a commissioned court files the
    case within 7 days (委托执行规定 2020 art. 7). All three dates are kept for follow-up."""
    if isinstance(to_court, str):
        to_court = court_for_request(to_court)
    if kind not in AssistanceKind.values:
        raise InvalidFiling("请选择委托执行或协助执行。")
    if not matter.strip():
        raise InvalidFiling("请填写委托或协助事项。")
    if to_court.pk == case.court_id:
        raise InvalidFiling("不能委托本院。")
    locked, _ec = _guard(case, "assistance", actor)
    today = _today(now)
    dl = rules.commission_deadlines(today)
    accept = rules.commission_accept_due(today) if kind == AssistanceKind.COMMISSION else None
    req = AssistanceRequest.objects.create(
        case=locked,
        kind=kind,
        to_court=to_court,
        matter=matter.strip(),
        sent_on=today,
        start_due_on=dl.start.day,
        complete_due_on=dl.complete.day,
        accept_due_on=accept.day if accept else None,
        provisional=dl.start.provisional or dl.complete.provisional,
        sent_by=actor,
    )
    req.letter = document_issue(
        case=locked,
        template_code=LETTER_TEMPLATE[AssistanceKind(kind)],
        context={
            "to_court": {"name": to_court.name, "code": to_court.code},
            "matter": req.matter,
            "basis": _basis_line(locked) or "见所附生效法律文书",
            "officer_phone": actor.phone,
        },
        actor=actor,
        now=now,
    )
    req.save(update_fields=["letter"])
    deadline_open(
        case=locked,
        kind=EnforcementDeadline.ASSISTANCE_REPLY,
        source=req,
        label=f"跟进{req.get_kind_display()}（{to_court.name}，30日内办结或报告）",
        starts_on=today,
        due_on=dl.complete.day,
        provisional=dl.complete.provisional,
        legal_basis=rules.BASIS_TIME_LIMIT,
    )
    data: dict[str, Any] = {
        "request": req.pk,
        "to_court": to_court.code,
        "start_due_on": dl.start.day,
        "document": req.letter.pk,
        "on_platform": court_on_platform(to_court),
    }
    if accept is not None:
        data["accept_due_on"] = accept.day
    if kind == AssistanceKind.COMMISSION and locked.filed_at is not None:
        # 审限规定 2000 art. 5: the commissioning court finishes the formalities within 1 month of filing.
        limit = period_end_provisional(_today(locked.filed_at), months=1)
        if today > limit.day:
            data["formalities_late"] = True
    case_event_record(
        case=locked,
        kind=EnforcementEvent.ASSISTANCE_SENT,
        summary=f"向{to_court.name}发出{req.get_kind_display()}函：{req.matter[:60]}；"
        f"受托法院应于{dl.start.day:%Y-%m-%d}前开始办理",
        actor=actor,
        now=now,
        data=data,
        legal_basis=rules.BASIS_COMMISSION,
    )
    return req


def _locked(request: AssistanceRequest) -> AssistanceRequest:
    return AssistanceRequest.objects.select_for_update().select_related("case", "to_court").get(pk=request.pk)


def _assisting_lock(request: AssistanceRequest, actor: User) -> AssistanceRequest:
    """The request locked for an answer by the assisting court's own staff: the actor must work
    enforcement in ``to_court``; the requesting court may not answer for it."""
    require(actor, "enforcement.work", court=request.to_court)
    case_lock(request.case)
    req = _locked(request)
    if req.status not in OPEN_STATUSES:
        raise InvalidTransition(f"该请求已{req.get_status_display()}，不能再次办理。")
    return req


@transaction.atomic
def assistance_accept(
    *, request: AssistanceRequest, actor: User, now: datetime, phone: str = ""
) -> AssistanceRequest:
    """The assisting court accepts the request: for a commission it files the case and names the
    officer in charge and a phone (委托执行规定 2020 art. 7); for one act it takes it on (art. 2)."""
    req = _assisting_lock(request, actor)
    if req.status != AssistanceStatus.SENT:
        raise InvalidTransition("该请求已受理。")
    phone = (phone or actor.phone or "").strip()
    if not phone:
        raise InvalidFiling("请填写承办人联系电话（委托执行规定第七条）。")
    req.status = AssistanceStatus.ACCEPTED
    req.accepted_on = _today(now)
    req.accepted_by = actor
    req.handler_phone = phone[:32]
    req.save(update_fields=["status", "accepted_on", "accepted_by", "handler_phone"])
    late = req.accept_due_on is not None and req.accepted_on > req.accept_due_on
    case_event_record(
        case=req.case,
        kind=EnforcementEvent.ASSISTANCE_ACCEPTED,
        summary=f"{req.to_court.name}已受理{req.get_kind_display()}，承办人{actor.name}，联系电话{phone}",
        actor=actor,
        now=now,
        data={"request": req.pk, "to_court": req.to_court.code, "late": late},
        legal_basis=rules.BASIS_COMMISSION_ACCEPT
        if req.kind == AssistanceKind.COMMISSION
        else rules.BASIS_COMMISSION_MATTER,
    )
    return req


def _answer(
    req: AssistanceRequest, *, status: str, text: str, actor: User, now: datetime, **data: Any
) -> None:
    req.status = status
    req.reply = text[:512]
    req.replied_on = _today(now)
    req.replied_by = actor
    req.save(update_fields=["status", "reply", "replied_on", "replied_by", "external_reply"])
    deadline_complete(case=req.case, kind=EnforcementDeadline.ASSISTANCE_REPLY, source=req, now=now)


@transaction.atomic
def assistance_reply_record(
    *, request: AssistanceRequest, actor: User, now: datetime, reply: str
) -> AssistanceRequest:
    """The assisting court's answer: the result, or the state of the work when it is not finished
    within 30 days (CPL 2023 art. 240). It is written by the assisting court's own staff; only for
    a court not on the platform does the requesting court record the letter that came back."""
    if not reply.strip():
        raise InvalidFiling("请填写回复内容。")
    external = not court_on_platform(request.to_court)
    if external:
        require(actor, "enforcement.work", court=request.case.court)
        case_lock(request.case)
        req = (
            AssistanceRequest.objects.select_for_update()
            .select_related("case", "to_court")
            .get(pk=request.pk)
        )
        if req.status not in OPEN_STATUSES:
            raise InvalidTransition("已登记回复。")
        req.external_reply = True
    else:
        req = _assisting_lock(request, actor)
    _answer(req, status=AssistanceStatus.REPLIED, text=reply.strip(), actor=actor, now=now)
    source = "（线下回函）" if external else ""
    case_event_record(
        case=req.case,
        kind=EnforcementEvent.ASSISTANCE_REPLIED,
        summary=f"{req.to_court.name}回复{source}：{req.reply[:80]}",
        actor=actor,
        now=now,
        data={"request": req.pk, "outcome": "replied", "external": external},
        legal_basis=rules.BASIS_COMMISSION,
    )
    return req


@transaction.atomic
def assistance_return(
    *, request: AssistanceRequest, actor: User, now: datetime, reason: str
) -> AssistanceRequest:
    """The assisting court returns the request with a written explanation (委托执行规定 2020
    arts. 8–9: materials incomplete and not supplied, or wrongly commissioned). The requesting court
    sees the reason and is notified; it may commission again once the cause is removed."""
    if not reason.strip():
        raise InvalidFiling("请填写退回理由（委托执行规定第九条要求书面说明）。")
    req = _assisting_lock(request, actor)
    _answer(req, status=AssistanceStatus.RETURNED, text=reason.strip(), actor=actor, now=now)
    case_event_record(
        case=req.case,
        kind=EnforcementEvent.ASSISTANCE_REPLIED,
        summary=f"{req.to_court.name}退回{req.get_kind_display()}：{req.reply[:80]}",
        actor=actor,
        now=now,
        data={"request": req.pk, "outcome": "returned"},
        legal_basis=rules.BASIS_COMMISSION_RETURN,
    )
    return req
