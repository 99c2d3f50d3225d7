"""Installments of a concluded agreement: payments, the sweep that marks missed ones, and the
creditor's application for enforcement of a defaulted agreement (CPL 2023 art. 247)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.cases.services import (
    case_event_record,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, PermissionDenied
from lastmile.core.legal import cpl
from lastmile.core.money import format_yuan, sum_money, to_money
from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.filing.selectors import loan_guarantor_ids
from lastmile.ledger.services import InstallmentDue
from lastmile.mediation.kinds import MediationEvent

from ..models import (
    Agreement,
    Installment,
    Mediation,
    MediationStatus,
    ResultKind,
)
from .common import _lock, _parties

BASIS_APPLY_ENFORCEMENT = cpl(247)


@transaction.atomic
def mediation_installment_pay(
    *, installment: Installment, amount: Decimal, paid_on: date, actor: User, now: datetime
) -> Installment:
    """Record a payment on an installment (a clerk or mediator enters what the creditor reports)."""
    mediation = installment.agreement.mediation
    if not (actor_can(actor, "mediation.work") or actor_can(actor, "trial.work")):
        raise PermissionDenied("您没有登记履行情况的权限。")
    if actor.court_id != mediation.court_id:
        raise PermissionDenied("不能操作其他法院的案件或数据。")
    locked = Installment.objects.select_for_update().get(pk=installment.pk)
    amount = to_money(amount)
    if amount <= 0 or amount > locked.amount - locked.paid:
        raise ConditionsNotMet("付款金额应大于零且不超过该期未付金额。", unmet=["amount"])
    if paid_on > _today(now):
        raise ConditionsNotMet("付款日期不能晚于今天。", unmet=["paid_on"])
    Installment.objects.filter(pk=locked.pk).update(paid=F("paid") + amount)
    locked.refresh_from_db()
    if locked.paid == locked.amount:
        locked.paid_on = paid_on
        locked.save(update_fields=["paid_on"])
    case_event_record(
        case=mediation.result_case or mediation.case,
        kind=MediationEvent.INSTALLMENT_PAID,
        summary=f"第{locked.seq}期履行{format_yuan(amount)}元",
        actor=actor,
        now=now,
        data={"installment": locked.pk, "amount": amount, "paid_on": paid_on},
    )
    return locked


def mediation_installment_sweep(*, now: datetime) -> int:
    """Mark installments not paid in full by their due day as missed (the day after); the
    agreement is in default and the creditor may apply for enforcement at once (CPL 2023 art. 247;
    the agreements carry an acceleration clause). Idempotent; returns installments marked."""
    today = _today(now)
    marked = 0
    qs = Installment.objects.filter(
        missed_on__isnull=True,
        paid__lt=F("amount"),
        due_on__lt=today,
        agreement__mediation__status=MediationStatus.CONCLUDED,
    ).select_related("agreement", "agreement__mediation")
    for inst in qs:
        with transaction.atomic():
            locked = Installment.objects.select_for_update().get(pk=inst.pk)
            if locked.missed_on is not None or locked.paid >= locked.amount:
                continue
            locked.missed_on = today
            locked.save(update_fields=["missed_on"])
            agreement = Agreement.objects.select_for_update().get(pk=inst.agreement_id)
            first_default = agreement.defaulted_on is None
            if first_default:
                agreement.defaulted_on = today
                agreement.save(update_fields=["defaulted_on"])
            case_event_record(
                case=inst.agreement.mediation.result_case,
                kind=MediationEvent.INSTALLMENT_MISSED,
                summary=(
                    f"第{locked.seq}期（{locked.due_on:%Y-%m-%d}）未按期足额履行，"
                    "申请人可就全部未付款项申请强制执行"
                ),
                actor=None,
                now=now,
                data={"installment": locked.pk, "outstanding": locked.amount - locked.paid},
                legal_basis=BASIS_APPLY_ENFORCEMENT,
            )
            marked += 1
    return marked


def mediation_enforcement_file(
    *, mediation: Mediation, actor: User | None, now: datetime, channel: str | None = None
) -> Case:
    """The creditor applies for enforcement of a defaulted agreement: a 执 case for everything
    still unpaid (acceleration clause), basis = the 诉前调确 ruling or 诉前调书. ``actor=None`` is
    the bank on the portal (online, waits for a clerk's acceptance); a clerk files at the counter."""
    with transaction.atomic():
        locked = _lock(mediation)
        agreement = Agreement.objects.select_for_update().filter(mediation=locked).first()
        if agreement is None:
            raise ConditionsNotMet("暂不能申请执行：没有调解协议。", unmet=["没有调解协议"])
        problems = []
        if locked.status != MediationStatus.CONCLUDED or locked.effective_on is None:
            problems.append("调解书或确认裁定尚未生效")
        if agreement.defaulted_on is None:
            problems.append("被申请人没有未按期履行的记录")
        if agreement.enforcement_case_id is not None:
            raise Conflict("已就该调解协议申请执行。", details={"case": agreement.enforcement_case_id})
        if problems:
            raise ConditionsNotMet("暂不能申请执行：" + "；".join(problems) + "。", unmet=problems)
        rows = [i for i in agreement.installments.order_by("seq") if i.paid < i.amount]
        unpaid = sum_money(i.amount - i.paid for i in rows)
        assert locked.result_case is not None and locked.result_document is not None and locked.effective_on
        creditors, debtors = _parties(locked.result_case)
        kind = "mediation" if locked.result_kind == ResultKind.STATEMENT else "confirmation"
        case = enforcement_file(
            court=locked.court,
            basis=ExecutionBasisIn(
                kind=kind,
                issuer=locked.court.name,
                number=locked.result_document.number,
                effective_on=locked.effective_on,
                installments=[InstallmentDue(due_on=i.due_on, amount=i.amount - i.paid) for i in rows],
                principal=unpaid,
            ),
            applicants=creditors,
            respondents=debtors,
            guarantors=[p for p in debtors if p.pk in set(loan_guarantor_ids(locked.case))],
            actor=actor,
            now=now,
            channel=channel or ("counter" if actor is not None else "online"),
            cause=locked.case.cause,
        )
        agreement.enforcement_case = case
        agreement.save(update_fields=["enforcement_case"])
        case_event_record(
            case=locked.result_case,
            kind=MediationEvent.ENFORCEMENT_FILED,
            summary=f"申请人就未履行部分{format_yuan(unpaid)}元申请强制执行，执行案号{case.number}",
            actor=actor,
            now=now,
            data={"enforcement_case": case.pk, "number": case.number, "unpaid": unpaid},
            legal_basis=BASIS_APPLY_ENFORCEMENT,
        )
    return case
