"""Enforcement API (/api/v1/enforcement): the same operations as the staff pages, each endpoint one
call into a service or selector. Another court's case or row answers 404 (``not_found``); a refused
action answers 409 with ``invalid_transition`` or ``conditions_not_met`` (``details.unmet``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lastmile.accounts.models import Court, User
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound
from lastmile.ledger.services import CostItem, InstallmentDue, InterestTerms
from lastmile.parties.services import party_upsert

from . import selectors, services
from .models import (
    AssistanceRequest,
    Clue,
    EmergencyAction,
    PropertyRequery,
    SettlementInstallment,
    TimeLimitExtension,
    TimeLimitPause,
)

router = Router(tags=["enforcement"])


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _now() -> datetime:
    return get_clock().now()


def _case(request: HttpRequest, case_id: int) -> Any:
    return selectors.enforcement_case_get(actor=_actor(request), case_id=case_id)


def _row(request: HttpRequest, model: type[Any], pk: int) -> Any:
    return selectors.case_row_get_for(actor=_actor(request), model=model, pk=pk)


# --- Schemas --------------------------------------------------------------------------------


class PartyIn(Schema):
    kind: str  # "person" | "organisation"
    name: str
    id_type: str  # "resident_id" | "uscc" | "passport" | "other"
    id_number: str
    phone: str = ""
    address: str = ""


class CostIn(Schema):
    kind: str = "acceptance_fee"
    label: str
    amount: Decimal


class InstallmentIn(Schema):
    due_on: date
    amount: Decimal


class FilingIn(Schema):
    basis_kind: str
    basis_issuer: str
    basis_number: str
    effective_on: date
    performance_deadline: date | None = None
    basis_installments: list[InstallmentIn] = []
    principal: Decimal = Decimal("0")
    interest_kind: str = "none"
    interest_annual_rate: Decimal | None = None
    interest_lpr_multiple: Decimal | None = None
    interest_start: date | None = None
    costs: list[CostIn] = []
    non_money_acts: str = ""
    applicants: list[PartyIn]
    respondents: list[PartyIn]
    applied_on: date | None = None
    cause: str = ""
    known_assets: str = ""
    priority_claim: str = ""


class ConditionOut(Schema):
    key: str
    label: str
    met: bool
    detail: str


class EnforcementOut(Schema):
    id: int
    number: str
    type_code: str
    status: str
    status_label: str
    parent: str | None
    officer: str | None
    team: str | None
    channel: str
    basis_kind: str
    basis_issuer: str
    basis_number: str
    basis_effective_on: date
    performance_deadline: date | None
    principal: Decimal
    non_money_acts: str
    application_deadline: date
    late_application: bool
    track: str
    triage_score: int
    triage_reasons: list[str]
    time_limit_due_on: date | None
    extension_months: int
    closing_method: str
    closing_reason: str
    actions: list[str]
    zhongben_conditions: list[ConditionOut]


class CaseRowOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    track: str
    officer: str | None
    amount: Decimal | None
    received_at: datetime


class StepIn(Schema):
    kind: str
    done_on: date | None = None
    result: str = ""
    note: str = ""


class IdOut(Schema):
    id: int


class CaseRefOut(Schema):
    id: int
    number: str
    status: str


class PaymentIn(Schema):
    amount: Decimal
    idempotency_key: str
    source: str = "debtor_transfer"
    payer: str = ""


class OutstandingOut(Schema):
    outstanding: Decimal


class ReasonIn(Schema):
    reason: str = ""


class PauseIn(Schema):
    kind: str
    reason: str = ""
    started_on: date | None = None


class PauseEndIn(Schema):
    ended_on: date | None = None


class DecideIn(Schema):
    approve: bool
    note: str = ""


class ClueIn(Schema):
    kind: str
    description: str
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    seen_at: datetime | None = None
    urgent: bool = False
    submitted_by: str = ""


class VerifyIn(Schema):
    valid: bool
    note: str


class EmergencyIn(Schema):
    team: str
    planned_at: datetime


class OutcomeIn(Schema):
    outcome: str


class AssistanceIn(Schema):
    kind: str
    to_court: str  # court code, e.g. "湘0702"
    matter: str


class ReplyIn(Schema):
    reply: str


class SettlementIn(Schema):
    agreed_on: date
    terms: str
    installments: list[InstallmentIn]


class InstallmentPayIn(Schema):
    amount: Decimal
    idempotency_key: str
    paid_on: date | None = None


class CloseIn(Schema):
    method: str
    reason: str = ""
    ground: str = ""
    confirm_full_performance: bool = False


class RestoreIn(Schema):
    reason: str = ""
    clue_id: int | None = None


class RequeryIn(Schema):
    result: str
    note: str = ""


class ProgressOut(Schema):
    number: str
    court: str
    status: str
    status_label: str
    filed_on: date | None
    closing: str
    officer: dict[str, str]
    events: list[dict[str, Any]]
    next_steps: list[str]


def _detail(request: HttpRequest, case: Any) -> EnforcementOut:
    sheet = selectors.enforcement_sheet(case=case, actor=_actor(request), today=get_clock().today())
    ec = sheet.ec
    return EnforcementOut(
        id=case.pk,
        number=case.number,
        type_code=case.type_code,
        status=case.status,
        status_label=case.get_status_display(),
        parent=case.parent.number if case.parent_id else None,
        officer=case.officer.name if case.officer_id else None,
        team=case.team.name if case.team_id else None,
        channel=ec.channel,
        basis_kind=ec.basis_kind,
        basis_issuer=ec.basis_issuer,
        basis_number=ec.basis_number,
        basis_effective_on=ec.basis_effective_on,
        performance_deadline=ec.performance_deadline,
        principal=ec.principal,
        non_money_acts=ec.non_money_acts,
        application_deadline=ec.application_deadline,
        late_application=ec.late_application,
        track=ec.track,
        triage_score=ec.triage_score,
        triage_reasons=ec.triage_reasons,
        time_limit_due_on=ec.time_limit_due_on,
        extension_months=ec.extension_months,
        closing_method=ec.closing_method,
        closing_reason=ec.closing_reason,
        actions=sheet.actions,
        zhongben_conditions=[ConditionOut(**c.as_dict()) for c in sheet.conditions],
    )


# --- Endpoints ------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseRowOut], summary="执行案件列表（状态、分流、承办人、超期筛选）")
def case_list(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    status: str = "",
    track: str = "",
    officer_id: int | None = None,
    overdue: bool = False,
    limit: int = Query(50, ge=0),
):
    qs = selectors.enforcement_case_list(
        actor=_actor(request),
        today=get_clock().today(),
        status=status,
        track=track,
        officer_id=officer_id,
        overdue=overdue,
    )
    return [
        CaseRowOut(
            id=c.pk,
            number=c.number,
            status=c.status,
            status_label=c.get_status_display(),
            track=c.enforcement.track,
            officer=c.officer.name if c.officer is not None else None,
            amount=c.amount_claimed,
            received_at=c.received_at,
        )
        for c in qs[: min(limit, 200)]
    ]


def _party(p: PartyIn, now: datetime) -> Any:
    return party_upsert(
        kind=p.kind,
        name=p.name,
        id_type=p.id_type,
        id_number=p.id_number,
        now=now,
        phone=p.phone,
        address=p.address,
    )


@router.post("/cases", response={201: EnforcementOut}, summary="窗口立案（执）")
def case_file(request: HttpRequest, payload: FilingIn):  # type: ignore[no-untyped-def]
    actor = _actor(request)
    now = _now()
    if actor.court is None:
        raise NotFound("未找到所属法院。")
    case = services.enforcement_file_with_parties(
        court=actor.court,
        basis=services.ExecutionBasisIn(
            kind=payload.basis_kind,
            issuer=payload.basis_issuer,
            number=payload.basis_number,
            effective_on=payload.effective_on,
            performance_deadline=payload.performance_deadline,
            installments=[
                InstallmentDue(due_on=i.due_on, amount=i.amount) for i in payload.basis_installments
            ],
            principal=payload.principal,
            interest=InterestTerms(
                kind=payload.interest_kind,
                annual_rate=payload.interest_annual_rate,
                lpr_multiple=payload.interest_lpr_multiple,
                start=payload.interest_start,
            ),
            costs=[CostItem(kind=c.kind, label=c.label, amount=c.amount) for c in payload.costs],
            non_money_acts=payload.non_money_acts,
        ),
        applicants=[p.dict() for p in payload.applicants],
        respondents=[p.dict() for p in payload.respondents],
        actor=actor,
        now=now,
        applied_on=payload.applied_on,
        cause=payload.cause,
        known_assets=payload.known_assets,
        priority_claim=payload.priority_claim,
    )
    return 201, _detail(request, _case(request, case.pk))


@router.get("/cases/{case_id}", response=EnforcementOut, summary="执行案件详情（含可执行操作与终本条件）")
def case_get(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    return _detail(request, _case(request, case_id))


@router.get("/cases/{case_id}/zhongben-check", response=list[ConditionOut], summary="终本五项条件核对")
def zhongben_check(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    case = _case(request, case_id)
    return [
        ConditionOut(**c.as_dict())
        for c in selectors.zhongben_conditions(case=case, as_of=get_clock().today())
    ]


@router.get("/cases/{case_id}/progress", response=ProgressOut, summary="当事人可见的案件进度")
def progress(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    progress = selectors.case_progress_for_party(_case(request, case_id))
    return ProgressOut(**progress.__dict__)


@router.post("/cases/{case_id}/accept", response=EnforcementOut, summary="网上申请受理立案")
def accept(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    case = services.enforcement_accept(case=_case(request, case_id), actor=_actor(request), now=_now())
    return _detail(request, _case(request, case.pk))


@router.post(
    "/cases/{case_id}/steps",
    response={201: IdOut},
    summary="登记执行事项（通知、报告财产令、限消、失信、查控、约谈等）",
)
def step(request: HttpRequest, case_id: int, payload: StepIn):  # type: ignore[no-untyped-def]
    row = services.procedure_step_record(
        case=_case(request, case_id),
        kind=payload.kind,
        actor=_actor(request),
        now=_now(),
        done_on=payload.done_on,
        result=payload.result,
        note=payload.note,
    )
    return 201, IdOut(id=row.pk)


@router.post("/cases/{case_id}/payments", response=OutstandingOut, summary="登记到账执行款")
def payment(request: HttpRequest, case_id: int, payload: PaymentIn):  # type: ignore[no-untyped-def]
    left = services.payment_record(
        case=_case(request, case_id),
        amount=payload.amount,
        actor=_actor(request),
        now=_now(),
        idempotency_key=payload.idempotency_key,
        source=payload.source,
        payer=payload.payer,
    )
    return OutstandingOut(outstanding=left)


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


@router.post("/cases/{case_id}/pauses", response={201: IdOut}, summary="开始扣除审限期间（评估、拍卖、暂缓）")
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


@router.post("/cases/{case_id}/clues", response={201: IdOut}, summary="登记财产或下落线索")
def clue(request: HttpRequest, case_id: int, payload: ClueIn):  # type: ignore[no-untyped-def]
    row = services.clue_submit(
        case=_case(request, case_id),
        kind=payload.kind,
        description=payload.description,
        now=_now(),
        actor=_actor(request),
        submitted_by=payload.submitted_by,
        location=payload.location,
        latitude=payload.latitude,
        longitude=payload.longitude,
        seen_at=payload.seen_at,
        urgent=payload.urgent,
    )
    return 201, IdOut(id=row.pk)


@router.post("/clues/{clue_id}/verify", response=IdOut, summary="核查线索")
def clue_verify(request: HttpRequest, clue_id: int, payload: VerifyIn):  # type: ignore[no-untyped-def]
    row = services.clue_verify(
        clue=_row(request, Clue, clue_id),
        actor=_actor(request),
        now=_now(),
        valid=payload.valid,
        note=payload.note,
    )
    return IdOut(id=row.pk)


@router.post("/clues/{clue_id}/emergency-actions", response={201: IdOut}, summary="依紧急线索启动紧急行动")
def emergency_open(request: HttpRequest, clue_id: int, payload: EmergencyIn):  # type: ignore[no-untyped-def]
    row = services.emergency_action_open(
        clue=_row(request, Clue, clue_id),
        actor=_actor(request),
        now=_now(),
        team=payload.team,
        planned_at=payload.planned_at,
    )
    return 201, IdOut(id=row.pk)


@router.post("/emergency-actions/{action_id}/close", response=IdOut, summary="登记紧急行动结果")
def emergency_close(request: HttpRequest, action_id: int, payload: OutcomeIn):  # type: ignore[no-untyped-def]
    row = services.emergency_action_close(
        action=_row(request, EmergencyAction, action_id),
        actor=_actor(request),
        now=_now(),
        outcome=payload.outcome,
    )
    return IdOut(id=row.pk)


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


@router.post("/cases/{case_id}/settlements", response={201: IdOut}, summary="登记执行和解协议（中止执行）")
def settlement(request: HttpRequest, case_id: int, payload: SettlementIn):  # type: ignore[no-untyped-def]
    row = services.settlement_record(
        case=_case(request, case_id),
        actor=_actor(request),
        now=_now(),
        agreed_on=payload.agreed_on,
        terms=payload.terms,
        installments=[InstallmentDue(due_on=i.due_on, amount=i.amount) for i in payload.installments],
    )
    return 201, IdOut(id=row.pk)


@router.post("/installments/{installment_id}/payments", response=IdOut, summary="登记和解分期款")
def installment_pay(request: HttpRequest, installment_id: int, payload: InstallmentPayIn):  # type: ignore[no-untyped-def]
    row = services.settlement_installment_pay(
        installment=_row(request, SettlementInstallment, installment_id),
        amount=payload.amount,
        actor=_actor(request),
        now=_now(),
        idempotency_key=payload.idempotency_key,
        paid_on=payload.paid_on,
    )
    return IdOut(id=row.pk)


@router.post(
    "/cases/{case_id}/settlement-resume", response={201: CaseRefOut}, summary="和解未履行，恢复执行（执恢）"
)
def settlement_resume(request: HttpRequest, case_id: int, payload: ReasonIn):  # type: ignore[no-untyped-def]
    c = services.settlement_resume(
        case=_case(request, case_id), actor=_actor(request), now=_now(), reason=payload.reason
    )
    return 201, CaseRefOut(id=c.pk, number=c.number, status=c.status)


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
