"""Settlement agreements: recording one, its installment payments, lifting the freezes on the
applicant's application, and resuming when it is not kept."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Schema

from lastmile.core.errors import NotFound
from lastmile.ledger.services import InstallmentDue

from .. import services
from ..models import SettlementInstallment, SettlementRelease
from .router import _actor, _case, _now, _row, router
from .schemas import CaseRefOut, DecideIn, IdOut, InstallmentPayIn, ReasonIn, SettlementIn


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


class SettlementReleaseIn(Schema):
    applicant_id: int
    content: str
    applied_on: date | None = None


@router.post(
    "/cases/{case_id}/settlement-releases",
    response={201: IdOut},
    summary="登记申请执行人和解后解除查封、扣押、冻结的申请（执行和解规定第三条）",
)
def settlement_release_apply(request: HttpRequest, case_id: int, payload: SettlementReleaseIn):  # type: ignore[no-untyped-def]
    case = _case(request, case_id)
    row = case.case_parties.filter(party_id=payload.applicant_id).select_related("party").first()
    if row is None:
        raise NotFound("当事人不存在。")
    release = services.settlement_release_apply(
        case=case,
        applicant=row.party,
        content=payload.content,
        applied_on=payload.applied_on,
        actor=_actor(request),
        now=_now(),
    )
    return 201, IdOut(id=release.pk)


@router.post(
    "/settlement-releases/{release_id}/decide",
    response=IdOut,
    summary="决定是否解除查封、扣押、冻结（裁定解除）",
)
def settlement_release_decide(request: HttpRequest, release_id: int, payload: DecideIn):  # type: ignore[no-untyped-def]
    release = services.settlement_release_decide(
        application=_row(request, SettlementRelease, release_id),
        approve=payload.approve,
        note=payload.note,
        actor=_actor(request),
        now=_now(),
    )
    return IdOut(id=release.pk)
