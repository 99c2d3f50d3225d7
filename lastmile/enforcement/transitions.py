"""The explicit transition table of an enforcement case: which action is allowed in which status,
where it leads and who may do it. Services refuse anything not in this table, and the case page
offers exactly the actions it allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lastmile.cases.models import CaseStatus

from .models import ClosingMethod

S = CaseStatus
WORKING = frozenset({S.FILED, S.IN_PROGRESS})
OPEN = frozenset({S.FILED, S.IN_PROGRESS, S.SUSPENDED, S.SETTLEMENT})


@dataclass(frozen=True)
class Action:
    label: str | Promise
    allowed_from: frozenset[str]
    to_status: str | None  # None: the status does not change
    capability: str
    # Extra requirement on the closing method of a closed case (after 终本 only).
    closed_as: str | None = None


ACTIONS: dict[str, Action] = {
    "accept": Action(_("受理立案"), frozenset({S.RECEIVED}), S.FILED, "case.file"),
    "step": Action(_("登记执行事项"), WORKING, S.IN_PROGRESS, "enforcement.work"),
    "payment": Action(
        _("登记到账款项"), frozenset({S.FILED, S.IN_PROGRESS, S.SUSPENDED}), None, "enforcement.work"
    ),
    "suspend": Action(_("中止执行"), WORKING, S.SUSPENDED, "enforcement.decide"),
    "resume": Action(
        _("中止事由消除，恢复执行"), frozenset({S.SUSPENDED}), S.IN_PROGRESS, "enforcement.decide"
    ),
    "pause": Action(_("开始扣除审限期间"), WORKING, None, "enforcement.work"),
    "pause_end": Action(_("结束扣除审限期间"), OPEN, None, "enforcement.work"),
    "extension_request": Action(_("申请延长执行期限"), OPEN, None, "enforcement.work"),
    "extension_decide": Action(_("审批延长执行期限"), OPEN, None, "approve.president"),
    "clue": Action(_("登记线索"), OPEN, None, "enforcement.work"),
    "green_channel": Action(_("纳入涉企绿色通道"), OPEN, None, "enforcement.decide"),
    "clue_after_zhongben": Action(
        _("登记线索"), frozenset({S.CLOSED}), None, "enforcement.work", closed_as=ClosingMethod.NO_PROPERTY
    ),
    "clue_verify": Action(_("核查线索"), OPEN | {S.CLOSED}, None, "enforcement.work"),
    "emergency": Action(_("紧急行动"), OPEN | {S.CLOSED}, None, "enforcement.work"),
    "assistance": Action(_("委托或协助执行"), WORKING, None, "enforcement.work"),
    "settlement": Action(_("登记执行和解协议"), WORKING, S.SETTLEMENT, "enforcement.decide"),
    "installment_pay": Action(_("登记和解分期款"), frozenset({S.SETTLEMENT}), None, "enforcement.work"),
    "settlement_release_apply": Action(
        _("登记申请执行人解除冻结的申请"), frozenset({S.SETTLEMENT}), None, "enforcement.work"
    ),
    "settlement_release_decide": Action(
        _("决定是否解除冻结、查封"), frozenset({S.SETTLEMENT}), None, "enforcement.decide"
    ),
    "settlement_resume": Action(
        _("和解未履行，恢复执行（执恢）"), frozenset({S.SETTLEMENT}), S.CLOSED, "enforcement.decide"
    ),
    "zhongben_opinion": Action(_("登记申请执行人对终本的意见"), WORKING, None, "enforcement.work"),
    "zhongben_review": Action(_("登记合议庭对终本的审查意见"), WORKING, None, "enforcement.decide"),
    "zhongben_review_approve": Action(_("院长批准合议庭终本意见"), WORKING, None, "approve.president"),
    "close_completed": Action(_("执行完毕结案"), OPEN, S.CLOSED, "enforcement.decide"),
    "close_no_property": Action(
        _("终结本次执行程序"), frozenset({S.IN_PROGRESS}), S.CLOSED, "enforcement.decide"
    ),
    "close_terminated": Action(_("终结执行"), OPEN, S.CLOSED, "enforcement.decide"),
    "close_cancelled": Action(_("销案"), frozenset({S.RECEIVED}) | WORKING, S.CLOSED, "enforcement.decide"),
    "close_not_enforced": Action(
        _("不予执行"), frozenset({S.FILED, S.IN_PROGRESS, S.SUSPENDED}), S.CLOSED, "enforcement.decide"
    ),
    "close_rejected": Action(
        _("驳回申请"), frozenset({S.RECEIVED}) | WORKING, S.CLOSED, "enforcement.decide"
    ),
    "restore": Action(
        _("恢复执行（执恢）"),
        frozenset({S.CLOSED}),
        None,
        "enforcement.decide",
        closed_as=ClosingMethod.NO_PROPERTY,
    ),
    "requery": Action(
        _("登记终本后财产复查"),
        frozenset({S.CLOSED}),
        None,
        "enforcement.work",
        closed_as=ClosingMethod.NO_PROPERTY,
    ),
}

CLOSE_ACTION = {
    ClosingMethod.COMPLETED: "close_completed",
    ClosingMethod.NO_PROPERTY: "close_no_property",
    ClosingMethod.TERMINATED: "close_terminated",
    ClosingMethod.CANCELLED: "close_cancelled",
    ClosingMethod.NOT_ENFORCED: "close_not_enforced",
    ClosingMethod.REJECTED: "close_rejected",
}


def status_after(name: str) -> str:
    """The status action ``name`` leads to; services move the case there through this table."""
    to_status = ACTIONS[name].to_status
    if to_status is None:
        raise ValueError(f"action {name!r} does not change the case's status")
    return to_status


def action_allowed(name: str, *, status: str, closing_method: str = "") -> bool:
    """Whether the table allows ``name`` for a case in ``status`` (closed as ``closing_method``)."""
    action = ACTIONS[name]
    if status not in action.allowed_from:
        return False
    return not (action.closed_as is not None and closing_method != action.closed_as)
