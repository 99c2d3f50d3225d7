"""The procedural record (执行通知, 报告财产令, 限制消费, 失信, 查控 …) and payments received,
with the freezes that follow the money."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_event_record, case_status_change, deadline_complete
from lastmile.core.clock import court_date as _today
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.enforcement.documents import step_documents_issue
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent
from lastmile.enforcement.transitions import status_after
from lastmile.inquiry.services import controls_reconcile
from lastmile.ledger.models import PaymentReport
from lastmile.ledger.services import (
    amount_outstanding,
    payment_report,
    payment_report_confirm,
    payment_report_reject,
)

from .. import rules
from ..models import RETIRED_STEP_KINDS, InquiryResult, ProcedureStep, StepKind
from .common import InvalidFiling, _guard

_STEP_BASIS: dict[str, LegalBasis] = {
    StepKind.EXECUTION_NOTICE: rules.BASIS_NOTICE_10_DAYS,
    StepKind.PROPERTY_REPORT_ORDER: rules.BASIS_REPORT,
    StepKind.CONSUMPTION_RESTRICTION: rules.BASIS_CONSUMPTION,
    StepKind.DISHONEST_LISTED: rules.BASIS_DISHONEST,
    StepKind.DISHONEST_NOT_APPLICABLE: rules.BASIS_DISHONEST,
    StepKind.ONLINE_INQUIRY: LegalBasis(rules.ZHONGBEN, "2016", "3"),
    StepKind.ONSITE_INVESTIGATION: LegalBasis(rules.ZHONGBEN, "2016", "3"),
    StepKind.APPLICANT_INTERVIEW: rules.BASIS_ZHONGBEN,
}
# Facts owned by other apps are recorded there, never typed here (终本规定 2016 art. 1; docs/law.md
# "Closing and 终本").
_RETIRED_MESSAGE: dict[str, str] = {
    StepKind.CONSUMPTION_RESTRICTION: "限制消费令须在强制措施中提请并经院长批准后发出，不能登记为执行事项。",
    StepKind.DISHONEST_LISTED: "纳入失信名单须在强制措施中作出决定，不能登记为执行事项。",
    StepKind.DISHONEST_NOT_APPLICABLE: "不予纳入失信名单的理由须在强制措施中记录，不能登记为执行事项。",
    StepKind.ONLINE_INQUIRY: "网络查控须通过查控系统发起并以协助机构的反馈为准，不能登记为执行事项。",
    StepKind.OBSTRUCTION_PUNISHED: "对妨害执行的罚款、拘留须在强制措施中决定，不能登记为执行事项。",
}
_DECIDE_STEPS = {
    StepKind.CONSUMPTION_RESTRICTION,
    StepKind.DISHONEST_LISTED,
    StepKind.DISHONEST_NOT_APPLICABLE,
}


def _step_input_check(*, case: Case, kind: str, actor: User, result: str, note: str) -> str:
    """Refuse an unknown or incomplete step (a 限制消费 or 失信 decision needs
    ``enforcement.decide``); return the result as recorded (only inquiries and investigations
    have one)."""
    if kind not in StepKind.values:
        raise InvalidFiling("未知的执行事项。")
    if kind in RETIRED_STEP_KINDS:
        raise InvalidFiling(_RETIRED_MESSAGE[kind])
    if kind in _DECIDE_STEPS:
        require(actor, "enforcement.decide", court=case.court)
    if kind == StepKind.DISHONEST_NOT_APPLICABLE and not note.strip():
        raise InvalidFiling("请说明不符合纳入失信名单条件的理由。")
    if kind in (StepKind.ONLINE_INQUIRY, StepKind.ONSITE_INVESTIGATION) and result not in (
        InquiryResult.FOUND,
        InquiryResult.NOTHING_FOUND,
        InquiryResult.NOT_DISPOSABLE,
    ):
        raise InvalidFiling("请选择查控或调查结果。")
    if result and kind not in (StepKind.ONLINE_INQUIRY, StepKind.ONSITE_INVESTIGATION):
        result = ""
    return result


@transaction.atomic
def procedure_step_record(
    *,
    case: Case,
    kind: str,
    actor: User,
    now: datetime,
    done_on: date | None = None,
    result: str = "",
    note: str = "",
) -> ProcedureStep:
    """Record a procedural act (执行通知, 报告财产令, 限制消费, 失信, 网络查控, 现场调查, 约谈 …).

    The first act moves a filed case to 办理中. Kinds that re-typed another app's fact
    (:data:`~..models.RETIRED_STEP_KINDS`: 限消, 失信, 网络查控, 妨害执行处罚) are refused: those facts
    are recorded in the measures and inquiry apps, where the 终本 check reads them. An on-site
    investigation needs its result. The 执行通知书 and 报告财产令 are issued and served.
    """
    result = _step_input_check(case=case, kind=kind, actor=actor, result=result, note=note)
    today = _today(now)
    done_on = done_on or today
    if done_on > today:
        raise InvalidFiling("办理日期不能晚于今天。")
    locked, _ec = _guard(case, "step", actor)
    if locked.filed_at and done_on < _today(locked.filed_at):
        raise InvalidFiling("办理日期不能早于立案日期。")
    step = ProcedureStep.objects.create(
        case=locked,
        kind=kind,
        done_on=done_on,
        result=result,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    summary = step.get_kind_display()
    if result:
        summary += f"：{step.get_result_display()}"
    if note:
        summary += f"（{note.strip()[:80]}）"
    event_kind = EnforcementEvent(f"enforcement.step.{kind}")
    data = {"step": step.pk, "done_on": done_on, "result": result}
    if locked.status == CaseStatus.FILED:
        case_status_change(
            case=locked,
            allowed_from={CaseStatus.FILED},
            to_status=status_after("step"),
            kind=event_kind,
            summary=summary,
            actor=actor,
            now=now,
            data=data,
            legal_basis=_STEP_BASIS.get(kind),
        )
    else:
        case_event_record(
            case=locked,
            kind=event_kind,
            summary=summary,
            actor=actor,
            now=now,
            data=data,
            legal_basis=_STEP_BASIS.get(kind),
        )
    if kind in (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER):
        deadline_complete(case=locked, kind=EnforcementDeadline(kind), now=now)
        step_documents_issue(case=locked, kind=kind, actor=actor, now=now)
    case.refresh_from_db()
    return step


@transaction.atomic
def payment_record(
    *,
    case: Case,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    source: str = "debtor_transfer",
    payer: str = "",
    paid_at: datetime | None = None,
    note: str = "",
) -> PaymentReport:
    """登记到账款项: the officer reports money paid for the case. It waits for finance to confirm
    it against the execution account (:func:`payment_confirm`) and until then changes no balance,
    no interest and no payout deadline (执行款物管理规定 法发〔2017〕6号: the execution body and
    finance check each other). A retry with the same ``idempotency_key`` changes nothing."""
    locked, _ec = _guard(case, "payment", actor)
    return payment_report(
        case=locked,
        amount=to_money(amount),
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
        source=source,
        paid_at=paid_at,
        payer=payer,
        note=note,
    )


@transaction.atomic
def payment_confirm(*, report_id: int, actor: User, now: datetime, bank_reference: str = "") -> Decimal:
    """Finance confirms a reported payment: it is booked with the reported day, the freezes no
    longer needed are lifted after commit; returns what is still outstanding."""
    report = payment_report_confirm(report_id=report_id, actor=actor, now=now, bank_reference=bank_reference)
    _after_commit_reconcile_controls(case=report.case, now=now)
    return amount_outstanding(case=report.case, as_of=_today(now))


def payment_reject(*, report_id: int, actor: User, now: datetime, reason: str) -> PaymentReport:
    """Finance did not find the reported money: closed with the reason, nothing booked."""
    return payment_report_reject(report_id=report_id, actor=actor, now=now, reason=reason)


def _after_commit_reconcile_controls(*, case: Case, now: datetime) -> None:
    """Once money has arrived, lift the freezes no longer needed (all of them once nothing is
    owed). Runs after commit, in its own transaction, so the inquiry app takes its locks in its
    usual order (control row, then audit chain) and never waits on ours."""
    case_id = case.pk
    transaction.on_commit(lambda: controls_reconcile(case=Case.objects.get(pk=case_id), now=now, actor=None))
