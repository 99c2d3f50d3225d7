"""Settlement agreements: recording one, its installment payments, and resuming when it is not kept."""

from __future__ import annotations

from django.http import HttpRequest

from lastmile.ledger.services import InstallmentDue

from .. import services
from ..models import SettlementInstallment
from .router import _actor, _case, _now, _row, router
from .schemas import CaseRefOut, IdOut, InstallmentPayIn, ReasonIn, SettlementIn


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
