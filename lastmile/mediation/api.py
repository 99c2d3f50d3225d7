"""Mediation API (``/api/v1/mediation``), staff sessions only: pre-suit and in-suit mediation, the
parties' paper signatures and counter applications. Errors carry a ``code``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound
from lastmile.parties.models import Party

from . import selectors, services
from .models import Mediation, MediationSession

router = Router(tags=["mediation"])


class MediationOut(Schema):
    id: int
    case: str
    stage: str
    status: str
    status_label: str
    mediator: str
    accepted_on: date
    period_ends_on: date
    result_case: str | None
    effective_on: date | None


def _out(m: Mediation) -> MediationOut:
    return MediationOut(
        id=m.pk,
        case=m.case.number,
        stage=m.stage,
        status=m.status,
        status_label=str(m.get_status_display()),
        mediator=m.mediator.name,
        accepted_on=m.accepted_on,
        period_ends_on=m.period_ends_on,
        result_case=m.result_case.number if m.result_case else None,
        effective_on=m.effective_on,
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _get(request: HttpRequest, mediation_id: int) -> Mediation:
    return selectors.mediation_get_for(actor=_user(request), mediation_id=mediation_id)


class AssignIn(Schema):
    case_ids: list[int]
    mediator_id: int


class SessionIn(Schema):
    scheduled_at: datetime
    link: str = ""


class RecordIn(Schema):
    record: str


class InstallmentSchema(Schema):
    due_on: date
    amount: Decimal


class AgreementIn(Schema):
    terms: list[str]
    installments: list[InstallmentSchema]


class MediationReasonIn(Schema):
    reason: str


class PartiesIn(Schema):
    party_ids: list[int]


class InSuitIn(Schema):
    case_id: int
    mediator_id: int
    procedure: str  # "ordinary" | "simplified" | "small_claims"


class ConcludeIn(Schema):
    kind: str  # "confirmation" | "statement"


@router.get("/mine", response=list[MediationOut], summary="我的调解案件")
def mine(request: HttpRequest) -> list[MediationOut]:
    return [_out(m) for m in selectors.mediator_workbench(_user(request))[:500]]


@router.post("/assign", response={201: list[MediationOut]}, summary="分派调解员（诉前调解期限30日）")
def assign(request: HttpRequest, body: AssignIn) -> Status:
    user = _user(request)
    cases = list(selectors.cases_awaiting_mediation(user).filter(pk__in=body.case_ids))
    if len(cases) != len(set(body.case_ids)):
        raise NotFound("部分案件不存在、已分派或您无权查看。")
    mediator = User.objects.filter(pk=body.mediator_id, court_id=user.court_id or 0).first()
    if mediator is None:
        raise NotFound("调解员不存在。")
    result = services.mediation_assign(cases=cases, mediator=mediator, actor=user, now=get_clock().now())
    return Status(201, [_out(m) for m in result])


@router.get("/{mediation_id}", response=MediationOut, summary="调解案件")
def detail(request: HttpRequest, mediation_id: int) -> MediationOut:
    return _out(_get(request, mediation_id))


@router.post("/{mediation_id}/sessions", response={201: dict[str, Any]}, summary="安排在线调解")
def session_schedule(request: HttpRequest, mediation_id: int, body: SessionIn) -> Status:
    s = services.mediation_session_schedule(
        mediation=_get(request, mediation_id),
        scheduled_at=body.scheduled_at,
        link=body.link,
        actor=_user(request),
        now=get_clock().now(),
    )
    return Status(201, {"id": s.pk, "scheduled_at": s.scheduled_at})


@router.post("/sessions/{session_id}/record", response=dict[str, Any], summary="记录调解笔录")
def session_record(request: HttpRequest, session_id: int, body: RecordIn) -> dict[str, Any]:
    session = MediationSession.objects.filter(
        pk=session_id, mediation__in=selectors.mediations_visible_to(_user(request))
    ).first()
    if session is None:
        raise NotFound("调解场次不存在。")
    s = services.mediation_session_record(
        session=session, record=body.record, actor=_user(request), now=get_clock().now()
    )
    return {"id": s.pk, "held_at": s.held_at}


@router.post("/{mediation_id}/agreement", response=MediationOut, summary="登记调解协议（可分期）")
def agreement(request: HttpRequest, mediation_id: int, body: AgreementIn) -> MediationOut:
    m = _get(request, mediation_id)
    services.mediation_agreement_record(
        mediation=m,
        terms=body.terms,
        installments=[services.InstallmentIn(i.due_on, i.amount) for i in body.installments],
        actor=_user(request),
        now=get_clock().now(),
    )
    return _out(_get(request, mediation_id))


@router.post("/{mediation_id}/fail", response=MediationOut, summary="调解不成")
def fail(request: HttpRequest, mediation_id: int, body: MediationReasonIn) -> MediationOut:
    return _out(
        services.mediation_fail(
            mediation=_get(request, mediation_id),
            reason=body.reason,
            actor=_user(request),
            now=get_clock().now(),
        )
    )


@router.post(
    "/{mediation_id}/conclude", response=MediationOut, summary="出具诉前调确裁定或诉前调书（审判员）"
)
def conclude(request: HttpRequest, mediation_id: int, body: ConcludeIn) -> MediationOut:
    return _out(
        services.mediation_conclude(
            mediation=_get(request, mediation_id), kind=body.kind, actor=_user(request), now=get_clock().now()
        )
    )


@router.post("/{mediation_id}/serve", response=MediationOut, summary="电子送达调确裁定/调书")
def serve(request: HttpRequest, mediation_id: int) -> MediationOut:
    return _out(
        services.mediation_result_serve(
            mediation=_get(request, mediation_id), actor=_user(request), now=get_clock().now()
        )
    )


@router.post(
    "/{mediation_id}/enforcement", response={201: dict[str, Any]}, summary="未按期履行，申请强制执行（窗口）"
)
def enforcement(request: HttpRequest, mediation_id: int) -> Status:
    case: Case = services.mediation_enforcement_file(
        mediation=_get(request, mediation_id), actor=_user(request), now=get_clock().now()
    )
    return Status(201, {"id": case.pk, "number": case.number, "status": case.status})


def _chosen(m: Mediation, ids: list[int]) -> list[Party]:
    chosen = [p for p in services.mediation_parties(m) if p.pk in set(ids)]
    if len(chosen) != len(set(ids)):
        raise NotFound("当事人不属于该调解案件。")
    return chosen


@router.post("/{mediation_id}/signatures", response=MediationOut, summary="登记当事人当面签署调解协议")
def signatures(request: HttpRequest, mediation_id: int, body: PartiesIn) -> MediationOut:
    m = _get(request, mediation_id)
    services.mediation_agreement_sign_on_site(
        mediation=m, parties=_chosen(m, body.party_ids), actor=_user(request), now=get_clock().now()
    )
    return _out(_get(request, mediation_id))


@router.post(
    "/{mediation_id}/confirmation-application",
    response=MediationOut,
    summary="登记当事人共同申请司法确认（协议生效之日起30日内）",
)
def confirmation_application(request: HttpRequest, mediation_id: int, body: PartiesIn) -> MediationOut:
    m = _get(request, mediation_id)
    services.mediation_confirmation_apply_at_counter(
        mediation=m, parties=_chosen(m, body.party_ids), actor=_user(request), now=get_clock().now()
    )
    return _out(_get(request, mediation_id))


@router.post("/in-suit", response={201: MediationOut}, summary="诉中调解（审判员）")
def in_suit(request: HttpRequest, body: InSuitIn) -> Status:
    user = _user(request)
    case = case_get_for(actor=user, case_id=body.case_id)
    mediator = User.objects.filter(pk=body.mediator_id, court_id=user.court_id or 0).first()
    if mediator is None:
        raise NotFound("调解员不存在。")
    m = services.mediation_in_suit_open(
        case=case, mediator=mediator, procedure=body.procedure, actor=user, now=get_clock().now()
    )
    return Status(201, _out(m))


@router.post("/{mediation_id}/repudiation", response=MediationOut, summary="调解书送达前当事人反悔，恢复审理")
def repudiation(request: HttpRequest, mediation_id: int, body: MediationReasonIn) -> MediationOut:
    return _out(
        services.mediation_statement_repudiate(
            mediation=_get(request, mediation_id),
            reason=body.reason,
            actor=_user(request),
            now=get_clock().now(),
        )
    )
