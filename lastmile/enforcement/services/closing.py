"""Closing a case by one of the six methods, and the property re-queries after 终本."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import (
    case_event_record,
    case_status_change,
    deadline_cancel,
    deadline_complete,
    deadline_open,
    deadlines_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent
from lastmile.ledger.selectors import undisbursed_amount
from lastmile.ledger.services import amount_outstanding
from lastmile.measures.services import measures_case_closed, measures_requery_recorded

from .. import rules
from ..documents import closing_documents_issue
from ..models import (
    ApprovalStatus,
    ClosingMethod,
    EnforcementCase,
    InquiryResult,
    PropertyRequery,
    Settlement,
    SettlementStatus,
    TimeLimitExtension,
)
from ..selectors import zhongben_conditions
from ..transitions import ACTIONS, CLOSE_ACTION, status_after
from .common import InvalidFiling, _guard
from .time_limit import _pauses_close
from .zhongben import zhongben_publish, zhongben_ruling_issue_and_serve

TERMINATION_GROUNDS = {
    "withdrawn": "申请人撤销申请",
    "basis_revoked": "据以执行的法律文书被撤销",
    "debtor_died": "作为被执行人的公民死亡，无遗产可供执行，又无义务承担人",
    "beneficiary_died": "追索赡养费、扶养费、抚育费案件的权利人死亡",
    "hardship": "作为被执行人的公民因生活困难无力偿还借款，无收入来源，又丧失劳动能力",
    "bankruptcy": "被执行人被宣告破产",
    "other": "人民法院认为应当终结执行的其他情形",
}


def _close(
    *,
    case: Case,
    ec: EnforcementCase,
    method: str,
    reason: str,
    actor: User | None,
    now: datetime,
    legal_basis: LegalBasis,
    allowed_from: set[str] | frozenset[str],
    data: dict[str, Any] | None = None,
) -> None:
    label = ClosingMethod(method).label
    case_status_change(
        case=case,
        allowed_from=allowed_from,
        to_status=status_after(CLOSE_ACTION[ClosingMethod(method)]),
        kind=EnforcementEvent.CLOSED,
        summary=f"以“{label}”方式结案" + (f"：{reason}" if reason else ""),
        actor=actor,
        now=now,
        legal_basis=legal_basis,
        data={"method": method, "reason": reason, **(data or {})},
        closing_method=method,
    )
    ec.closing_method = method
    ec.closing_reason = reason[:256]
    ec.save(update_fields=["closing_method", "closing_reason"])
    _pauses_close(case=case, ended_on=_today(now))
    deadline_cancel(case=case, now=now)
    for pending in TimeLimitExtension.objects.filter(case=case, status=ApprovalStatus.PENDING):
        pending.status = ApprovalStatus.REFUSED
        pending.decision_note = "案件已结案"
        pending.save(update_fields=["status", "decision_note"])
    measures_case_closed(case=case, method=method, actor=actor, now=now)
    # Every closing is notified to the parties, 终结执行 by its ruling (issue K; docs/law.md).
    closing_documents_issue(
        case=case,
        ec=ec,
        method=method,
        reason=reason,
        ground=str((data or {}).get("ground", "")),
        actor=actor,
        now=now,
    )


@transaction.atomic
def enforcement_close(
    *,
    case: Case,
    method: str,
    actor: User,
    now: datetime,
    reason: str = "",
    ground: str = "",
    confirm_full_performance: bool = False,
) -> Case:
    """Close the case by one of the six methods (执行工作规定 2020 art. 64), each with its conditions.

    - 执行完毕: nothing outstanding in the ledger, or the officer confirms full performance
      (non-money acts, or a payment outside the ledger) with a note.
    - 终结本次执行程序: every condition of :func:`~.selectors.zhongben_conditions` holds
      (终本规定 2016 art. 1; 民诉解释 2022 art. 517); otherwise :class:`ConditionsNotMet` lists the
      unmet ones and nothing changes. Afterwards the 6-monthly property re-queries for 5 years are
      scheduled (art. 9), the 终本裁定 is issued and served (art. 6) and the 终本 information is
      published (art. 10).
    - 终结执行: one of the 民诉法 2023 art. 268 grounds (``ground``); "other" needs a reason.
    - 销案, 不予执行, 驳回申请: a reason.
    """
    if method not in ClosingMethod.values:
        raise InvalidFiling("结案方式不正确。")
    action = CLOSE_ACTION[ClosingMethod(method)]
    locked, ec = _guard(case, action, actor)
    today = _today(now)
    reason, basis, data = _closing_conditions(
        case=locked,
        ec=ec,
        method=method,
        today=today,
        reason=reason,
        ground=ground,
        confirm_full_performance=confirm_full_performance,
    )
    if method == ClosingMethod.COMPLETED and locked.status == CaseStatus.SETTLEMENT:
        for s in Settlement.objects.filter(case=locked, status=SettlementStatus.PERFORMING):
            s.status = SettlementStatus.PERFORMED
            s.save(update_fields=["status"])
    _close(
        case=locked,
        ec=ec,
        method=method,
        reason=reason.strip(),
        actor=actor,
        now=now,
        legal_basis=basis,
        allowed_from=ACTIONS[action].allowed_from,
        data=data,
    )
    if method == ClosingMethod.NO_PROPERTY:
        _requery_schedule(case=locked, closed_on=today, now=now)
        zhongben_ruling_issue_and_serve(case=locked, ec=ec, actor=actor, now=now)
        zhongben_publish(case=locked, ec=ec, closed_on=today, unpaid=data["outstanding"], now=now)
    case.refresh_from_db()
    return case


def _closing_conditions(
    *,
    case: Case,
    ec: EnforcementCase,
    method: str,
    today: date,
    reason: str,
    ground: str,
    confirm_full_performance: bool,
) -> tuple[str, LegalBasis, dict[str, Any]]:
    """Check the conditions of the closing method on the locked case; return the reason as it is
    recorded, the legal basis and the event data. Refuses with :class:`ConditionsNotMet` or
    :class:`InvalidFiling`."""
    basis = rules.BASIS_CLOSING_METHODS
    data: dict[str, Any] = {}
    if method == ClosingMethod.COMPLETED:
        outstanding = amount_outstanding(case=case, as_of=today)
        has_money = ec.principal > 0
        if ((has_money and outstanding > 0) or not has_money) and not confirm_full_performance:
            raise ConditionsNotMet(
                f"尚欠{format_yuan(outstanding)}元未执行到位，不能以执行完毕结案；如已全部履行，请确认并说明。"
                if has_money
                else "请确认非金钱给付义务已全部履行并说明履行情况。",
                unmet=["fully_performed"],
                details={"outstanding": str(outstanding)},
            )
        if confirm_full_performance and not reason.strip():
            raise InvalidFiling("确认已全部履行的，请说明履行情况。")
        # Money received for the case is paid out before the case is closed as performed
        # (执行款物管理规定 2017: funds pass through the case account to the payee), unless the
        # officer records why it stays (e.g. a payee who cannot be reached).
        held = undisbursed_amount(case=case)
        if held > 0 and not reason.strip():
            raise ConditionsNotMet(
                f"案款尚有{format_yuan(held)}元未发放，不能以执行完毕结案；请先发放，或说明暂不发放的原因。",
                unmet=["funds_disbursed"],
                details={"undisbursed": str(held)},
            )
        if held > 0:
            data["undisbursed"] = held
        data["outstanding"] = outstanding
    elif method == ClosingMethod.NO_PROPERTY:
        conditions = zhongben_conditions(case=case, as_of=today)
        unmet = [c for c in conditions if not c.met]
        if unmet:
            raise ConditionsNotMet(
                "不符合终结本次执行程序的条件：" + "；".join(f"{c.label}（{c.detail}）" for c in unmet),
                unmet=[c.key for c in unmet],
                details={"conditions": [c.as_dict() for c in conditions]},
            )
        basis = rules.BASIS_ZHONGBEN
        data["outstanding"] = amount_outstanding(case=case, as_of=today)
    elif method == ClosingMethod.TERMINATED:
        if ground not in TERMINATION_GROUNDS:
            raise InvalidFiling("请选择终结执行的事由。")
        if ground == "other" and not reason.strip():
            raise InvalidFiling("请说明终结执行的具体情形。")
        reason = TERMINATION_GROUNDS[ground] + (f"：{reason.strip()}" if reason.strip() else "")
        basis = rules.BASIS_TERMINATE
        data["ground"] = ground
    elif not reason.strip():
        raise InvalidFiling("请填写结案理由。")
    if method == ClosingMethod.NOT_ENFORCED and ec.late_application:
        basis = rules.BASIS_LATE_ACCEPTED
    return reason, basis, data


def _requery_schedule(*, case: Case, closed_on: date, now: datetime) -> None:
    plan = rules.requery_plan(closed_on)
    for seq, due in enumerate(plan, start=1):
        PropertyRequery.objects.create(case=case, seq=seq, due_on=due.day, provisional=due.provisional)
    _requery_deadline_next(case=case)
    case_event_record(
        case=case,
        kind=EnforcementEvent.REQUERY_SCHEDULED,
        summary=f"终本后五年内每六个月查询一次被执行人财产，共{len(plan)}次，首次{plan[0].day:%Y-%m-%d}",
        actor=None,
        now=now,
        data={"dates": [d.day for d in plan]},
        legal_basis=rules.BASIS_ZHONGBEN_AFTER,
    )


def _requery_deadline_next(*, case: Case) -> None:
    nxt = (
        PropertyRequery.objects.filter(case=case, done_on__isnull=True, cancelled=False)
        .order_by("seq")
        .first()
    )
    if nxt is None:
        return
    kind = EnforcementDeadline.REQUERY
    if deadlines_open(case=case, kind=kind, source=nxt).exists():
        return
    previous = PropertyRequery.objects.filter(case=case, seq=nxt.seq - 1).first()
    deadline_open(
        case=case,
        kind=kind,
        source=nxt,
        label=f"终本后第{nxt.seq}次财产查询并告知申请执行人",
        starts_on=min(previous.due_on if previous else nxt.due_on, nxt.due_on),
        due_on=nxt.due_on,
        provisional=nxt.provisional,
        legal_basis=rules.BASIS_ZHONGBEN_AFTER,
    )


@transaction.atomic
def requery_record(
    *, requery: PropertyRequery, actor: User, now: datetime, result: str, note: str = ""
) -> PropertyRequery:
    """Record a post-终本 property re-query and its result; the next one becomes due."""
    if result not in (InquiryResult.FOUND, InquiryResult.NOTHING_FOUND, InquiryResult.NOT_DISPOSABLE):
        raise InvalidFiling("请选择查询结果。")
    locked, _ec = _guard(requery.case, "requery", actor)
    row = PropertyRequery.objects.select_for_update().get(pk=requery.pk)
    if row.done_on is not None or row.cancelled:
        raise InvalidTransition("该次查询已登记。")
    row.done_on = _today(now)
    row.result = result
    row.note = note
    row.save(update_fields=["done_on", "result", "note"])
    deadline_complete(case=locked, kind=EnforcementDeadline.REQUERY, source=row, now=now)
    case_event_record(
        case=locked,
        kind=EnforcementEvent.REQUERY_DONE,
        summary=f"终本后第{row.seq}次财产查询：{row.get_result_display()}，已告知申请执行人",
        actor=actor,
        now=now,
        data={"requery": row.pk, "result": result},
        legal_basis=rules.BASIS_ZHONGBEN_AFTER,
    )
    _requery_deadline_next(case=locked)
    measures_requery_recorded(
        case=locked,
        empty_queries=PropertyRequery.objects.filter(case=locked, cancelled=False, done_on__isnull=False)
        .exclude(result=InquiryResult.FOUND)
        .count(),
        actor=actor,
        now=now,
    )
    return row
