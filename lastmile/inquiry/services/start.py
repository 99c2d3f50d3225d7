"""一键查控: one inquiry round to every institution for every debtor of the case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidAmount, InvalidTransition
from lastmile.inquiry.kinds import InquiryEvent

from .. import protocol, rules
from ..models import OPEN_ORDER_STATUSES, Order, OrderKind
from .common import WORKING, _control_lock, _event, _new_key, _on_commit_dispatch, _seconds


@transaction.atomic
def inquiry_start(
    *, case: Case, actor: User, now: datetime, institutions: Sequence[str] | None = None
) -> list[Order]:
    """一键查控: send an inquiry to every institution for every debtor (被执行人) of the case.

    Online control may be used against the debtor only (网络查询冻结规定 2013),
    so the subjects are exactly the case's respondents. Found balances are then frozen
    automatically, up to what is owed (see :func:`_plan`)."""
    require(actor, "inquiry.order", court=case.court)
    control = _control_lock(case)
    case.refresh_from_db(fields=["status"])
    if case.status not in WORKING:
        raise InvalidTransition(
            f"案件当前状态为“{case.get_status_display()}”，不能发起查控。", details={"status": case.status}
        )
    debtors = [
        cp.party for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES).select_related("party")
    ]
    if not debtors:
        raise ConditionsNotMet("本案没有被执行人，不能发起网络查控。", unmet=["respondent"])
    if Order.objects.filter(case=case, kind=OrderKind.INQUIRE, status__in=OPEN_ORDER_STATUSES).exists():
        raise Conflict("上一轮查询尚未全部回复，请稍后再试。")
    codes = list(institutions) if institutions else [i.code for i in protocol.INSTITUTIONS]
    unknown = [c for c in codes if c not in {i.code for i in protocol.INSTITUTIONS}]
    if unknown:
        raise InvalidAmount("协助机构无法识别。", details={"institutions": unknown})
    control.round += 1
    control.round_started_at = now
    control.plan_after = now + _seconds("ORDER_WAIT_SECONDS")
    control.released_at = None
    control.save(update_fields=["round", "round_started_at", "plan_after", "released_at"])
    orders = [
        Order(
            court_id=case.court_id,
            case=case,
            institution=code,
            kind=OrderKind.INQUIRE,
            party=party,
            round=control.round,
            key=_new_key("inquire"),
            next_attempt_at=now,
            created_at=now,
            created_by=actor,
        )
        for party in debtors
        for code in codes
        if protocol.INQUIRE in protocol.institution(code).ops
    ]
    Order.objects.bulk_create(orders)
    _event(
        case,
        InquiryEvent.STARTED,
        f"发起网络查控（第{control.round}轮）：{len(codes)}家协助机构，被执行人{len(debtors)}名",
        now,
        actor,
        data={"round": control.round, "institutions": codes, "parties": [p.pk for p in debtors]},
        legal_basis=rules.BASIS_ONLINE,
    )
    _on_commit_dispatch()
    return list(Order.objects.filter(case=case, round=control.round, kind=OrderKind.INQUIRE))
