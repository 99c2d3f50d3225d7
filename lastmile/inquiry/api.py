"""HTTP API of network inquiry and control (thin: one service or selector call each)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock

from . import selectors, services
from .models import Order

router = Router(tags=["网络查控"])


class InquiryOrderOut(Schema):
    id: int
    case_id: int
    institution: str
    kind: str
    status: str
    amount: Decimal
    attempts: int
    next_attempt_at: datetime | None
    last_error: str


class AssetOut(Schema):
    id: int
    party: str
    institution: str
    kind: str
    identifier: str
    balance: Decimal | None


class FreezeOut(Schema):
    id: int
    asset_id: int
    status: str
    is_money: bool
    amount_requested: Decimal
    amount_frozen: Decimal
    amount_deducted: Decimal
    amount_held: Decimal
    expires_on: str | None


class ControlOut(Schema):
    case_id: int
    round: int
    owed: Decimal
    held: Decimal
    deducted: Decimal
    institutions: list[dict[str, str | int]]
    assets: list[AssetOut]
    freezes: list[FreezeOut]
    failed_orders: list[InquiryOrderOut]


def _user(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user


def _order(o: Order) -> InquiryOrderOut:
    return InquiryOrderOut(
        id=o.pk,
        case_id=o.case_id,
        institution=o.institution,
        kind=o.kind,
        status=o.status,
        amount=o.amount,
        attempts=o.attempts,
        next_attempt_at=o.next_attempt_at,
        last_error=o.last_error,
    )


@router.get("/cases/{case_id}", response=ControlOut, summary="案件查控情况")
def control_get(request: HttpRequest, case_id: int) -> ControlOut:
    v = selectors.case_control_get_for(actor=_user(request), case_id=case_id, as_of=get_clock().today())
    return ControlOut(
        case_id=case_id,
        round=v.control.round if v.control else 0,
        owed=v.owed,
        held=v.held,
        deducted=v.deducted,
        institutions=[
            {"code": r.code, "name": r.name, "status": r.status, "found": r.found} for r in v.institutions
        ],
        assets=[
            AssetOut(
                id=a.pk,
                party=a.party.name,
                institution=a.institution,
                kind=a.kind,
                identifier=a.identifier,
                balance=a.balance,
            )
            for a in v.assets
        ],
        freezes=[
            FreezeOut(
                id=f.pk,
                asset_id=f.asset_id,
                status=f.status,
                is_money=f.is_money,
                amount_requested=f.amount_requested,
                amount_frozen=f.amount_frozen,
                amount_deducted=f.amount_deducted,
                amount_held=f.amount_held,
                expires_on=f.expires_on.isoformat() if f.expires_on else None,
            )
            for f in v.freezes
        ],
        failed_orders=[_order(o) for o in v.failed_orders],
    )


@router.post("/cases/{case_id}/start", response=list[InquiryOrderOut], summary="一键查控")
def start(request: HttpRequest, case_id: int) -> list[InquiryOrderOut]:
    case = case_get_for(actor=_user(request), case_id=case_id)
    return [_order(o) for o in services.inquiry_start(case=case, actor=_user(request), now=get_clock().now())]


class SeizeIn(Schema):
    live_seal: bool | None = None  # 活封 (the debtor keeps using it); None: the rule's default


@router.post("/assets/{asset_id}/seize", response=InquiryOrderOut, summary="查封（可选活封）")
def seize(request: HttpRequest, asset_id: int, payload: SeizeIn) -> InquiryOrderOut:
    """查封 of a found asset; 活封 on request, and always for the family's designated home (查封规定
    2020 arts. 4, 10), a 死封 of which is refused naming the rule."""
    asset = selectors.asset_get_for(actor=_user(request), asset_id=asset_id)
    return _order(
        services.asset_seize(
            asset=asset, actor=_user(request), now=get_clock().now(), live_seal=payload.live_seal
        )
    )


@router.post("/freezes/{freeze_id}/deduct", response=InquiryOrderOut, summary="扣划")
def deduct(request: HttpRequest, freeze_id: int) -> InquiryOrderOut:
    freeze = selectors.freeze_get_for(actor=_user(request), freeze_id=freeze_id)
    return _order(services.freeze_deduct(freeze=freeze, actor=_user(request), now=get_clock().now()))


@router.post("/freezes/{freeze_id}/release", response=InquiryOrderOut, summary="解除冻结或查封")
def release(request: HttpRequest, freeze_id: int, reason: str = "") -> InquiryOrderOut:
    freeze = selectors.freeze_get_for(actor=_user(request), freeze_id=freeze_id)
    return _order(
        services.freeze_release(freeze=freeze, actor=_user(request), now=get_clock().now(), reason=reason)
    )


@router.post("/freezes/{freeze_id}/renew", response=InquiryOrderOut, summary="续行冻结或查封")
def renew(request: HttpRequest, freeze_id: int) -> InquiryOrderOut:
    freeze = selectors.freeze_get_for(actor=_user(request), freeze_id=freeze_id)
    return _order(services.freeze_renew(freeze=freeze, actor=_user(request), now=get_clock().now()))


@router.post("/orders/{order_id}/resend", response=InquiryOrderOut, summary="重新发送失败的指令")
def resend(request: HttpRequest, order_id: int) -> InquiryOrderOut:
    order = selectors.order_get_for(actor=_user(request), order_id=order_id)
    return _order(services.order_resend(order=order, actor=_user(request), now=get_clock().now()))


@router.get("/queue", response=list[InquiryOrderOut], summary="待办和失败的查控指令")
def queue(request: HttpRequest) -> list[InquiryOrderOut]:
    return [_order(o) for o in selectors.orders_queue(actor=_user(request))[:500]]
