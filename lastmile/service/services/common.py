"""What every service method shares: who may serve, the legal bases, and the case event of an
order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.service.kinds import ServiceEvent

from ..models import ServiceOrder

ONLINE_RULES = "人民法院在线诉讼规则"
CPL_INTERPRETATION = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
BASIS_RECEIPT = cpl(87)  # 送达回证; the date signed is the date of service
BASIS_DIRECT = cpl(88)
BASIS_LEFT = cpl(89)
BASIS_E_SERVICE = cpl(90)
BASIS_E_SERVICE_DATE = LegalBasis(ONLINE_RULES, "2021", "29、30、31")
BASIS_MAIL_OR_COMMISSION = cpl(91)
BASIS_COMMISSION_LETTER = LegalBasis(CPL_INTERPRETATION, "2022", "134")
BASIS_ORG_RECEIVER = LegalBasis(CPL_INTERPRETATION, "2022", "130")
BASIS_TRANSFER_ARMY = cpl(92)
BASIS_TRANSFER_CUSTODY = cpl(93)
BASIS_TRANSFER_DATE = cpl(94)
BASIS_PUBLIC_NOTICE = cpl(95)
PUBLIC_NOTICE_DAYS = 30  # CPL 2023 art. 95 (60 days before the 2021 amendment)
SERVICE_CAPABILITY = "service.work"
# Kept for callers that list who serves; the one capability now says it.
SERVING_CAPABILITIES = (SERVICE_CAPABILITY,)


def service_actor_check(actor: User | None, case: Case) -> None:
    """Staff who serve documents (capability ``service.work``: judges, mediators, enforcement
    staff) of the case's court. ``actor=None`` is the system (a sweep, a gateway callback)."""
    if actor is None:
        return
    if not actor_can(actor, SERVICE_CAPABILITY):
        raise PermissionDenied("您没有送达文书的权限。", details={"capability": SERVICE_CAPABILITY})
    if actor.court_id != case.court_id:
        raise PermissionDenied("不能操作其他法院的案件或数据。", details={"court": case.court.code})


def order_event(
    order: ServiceOrder,
    *,
    kind: ServiceEvent,
    summary: str,
    actor: User | None,
    now: datetime,
    legal_basis: LegalBasis,
    **data: Any,
) -> None:
    """Record what happened to one service order on its case's timeline."""
    case_event_record(
        case=order.case,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        data={"order": order.pk, "document": order.document_id, "recipient": order.recipient_id, **data},
        legal_basis=legal_basis,
    )
