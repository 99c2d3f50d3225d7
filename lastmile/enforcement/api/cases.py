"""Cases: the list, window filing, the detail, the 终本 check, the parties' progress view, accepting
an online application, recording procedural steps and payments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound
from lastmile.ledger.services import CostItem, InstallmentDue, InterestTerms, amount_outstanding

from .. import selectors, services
from .router import _actor, _case, _detail, _now, router
from .schemas import (
    CaseRowOut,
    ConditionOut,
    ConfirmIn,
    EnforcementOut,
    FilingIn,
    IdOut,
    PaymentIn,
    PaymentReportOut,
    ProgressOut,
    ReasonIn,
    ReassignIn,
    StepIn,
)


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


@router.get(
    "/cases/{case_id}/zhongben-check",
    response=list[ConditionOut],
    summary="终本条件核对（终本规定第一条、民诉解释第五百一十七条）",
)
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
    summary="登记执行事项（执行通知、报告财产令、现场调查、查找被执行人、约谈等）",
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


@router.post(
    "/cases/{case_id}/payments",
    response={201: PaymentReportOut},
    summary="登记到账款项（待财务核对确认后计入案款）",
)
def payment(request: HttpRequest, case_id: int, payload: PaymentIn):  # type: ignore[no-untyped-def]
    case = _case(request, case_id)
    report = services.payment_record(
        case=case,
        amount=payload.amount,
        actor=_actor(request),
        now=_now(),
        idempotency_key=payload.idempotency_key,
        source=payload.source,
        payer=payload.payer,
        paid_at=payload.paid_at,
        note=payload.note,
    )
    return 201, _report_out(report)


def _report_out(report: Any) -> PaymentReportOut:
    return PaymentReportOut(
        id=report.pk,
        amount=report.amount,
        status=report.status,
        paid_at=report.paid_at,
        outstanding=amount_outstanding(case=report.case, as_of=get_clock().today()),
    )


@router.post(
    "/cases/{case_id}/payments/{report_id}/confirm",
    response=PaymentReportOut,
    summary="财务核对确认到账登记（计入案款，以报称到账日停止计息）",
)
def payment_confirm(  # type: ignore[no-untyped-def]
    request: HttpRequest, case_id: int, report_id: int, payload: ConfirmIn
):
    case = _case(request, case_id)
    services.payment_confirm(
        report_id=_report_id(case, report_id),
        actor=_actor(request),
        now=_now(),
        bank_reference=payload.bank_reference,
    )
    return _report_out(_report(case, report_id))


@router.post(
    "/cases/{case_id}/payments/{report_id}/reject",
    response=PaymentReportOut,
    summary="到账登记未予确认（须写明理由，不计入案款）",
)
def payment_reject(  # type: ignore[no-untyped-def]
    request: HttpRequest, case_id: int, report_id: int, payload: ReasonIn
):
    case = _case(request, case_id)
    services.payment_reject(
        report_id=_report_id(case, report_id), actor=_actor(request), now=_now(), reason=payload.reason
    )
    return _report_out(_report(case, report_id))


def _report(case: Any, report_id: int) -> Any:
    report = case.payment_reports.filter(pk=report_id).first()
    if report is None:
        raise NotFound("到账登记不存在。")
    return report


def _report_id(case: Any, report_id: int) -> int:
    return int(_report(case, report_id).pk)


@router.post("/cases/{case_id}/green-channel", response=EnforcementOut, summary="纳入涉企绿色通道")
def green_channel(request: HttpRequest, case_id: int, payload: ReasonIn) -> EnforcementOut:
    """法发〔2019〕35号: the enterprise debtors screened first, then priority in triage and 审慎
    credit punishment; refused with the rule (and nothing written) when it does not apply."""
    case = _case(request, case_id)
    services.green_channel_flag(case=case, actor=_actor(request), now=_now(), reason=payload.reason)
    return _detail(request, _case(request, case_id))


@router.post(
    "/cases/{case_id}/assignment",
    response=EnforcementOut,
    summary="改变繁简分流或承办人（执行局长、院领导或指挥中心；须写明理由，记入案件流程）",
)
def assignment(request: HttpRequest, case_id: int, payload: ReassignIn) -> EnforcementOut:
    case = _case(request, case_id)
    officer = None
    if payload.officer_id is not None:
        officer = User.objects.filter(pk=payload.officer_id, court_id=case.court_id).first()
        if officer is None:
            raise NotFound("没有找到该执行人员。")
    services.case_reassign(
        case=case,
        actor=_actor(request),
        now=_now(),
        reason=payload.reason,
        track=payload.track,
        officer=officer,
    )
    return _detail(request, _case(request, case_id))
