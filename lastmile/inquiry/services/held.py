"""Held results: a signed deduction answer that must not be booked is kept out of the books
(:class:`HeldResult`) until staff have compared it with the institution's statement."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.core.errors import InvalidAmount, InvalidTransition
from lastmile.core.money import format_yuan, to_money
from lastmile.inquiry.kinds import InquiryEvent

from .. import rules
from ..models import (
    OPEN_ORDER_STATUSES,
    FreezeStatus,
    HeldResult,
    HoldReason,
    InboxMessage,
    Order,
    OrderStatus,
)
from .common import _event, _order_freeze, log


def _deducted_amount(result: dict[str, Any]) -> Decimal:
    try:
        return to_money(str(result.get("deducted_amount") or "0"))
    except (ArithmeticError, ValueError):
        raise InvalidAmount("扣划回报金额无法识别。", details={"deducted_amount": "invalid"}) from None


def _deduct_hold_reason(order: Order, result: dict[str, Any]) -> str | None:
    """Why a signed "deduction done" must not be booked, or None when it may be.

    The order is the court's ruling (民诉解释 2022 art. 484): an institution's answer is booked
    only for a deduction in flight, on a freeze still in force, and for no more than the order
    asked and the freeze holds. Anything else is held for review (:class:`HeldResult`)."""
    amount = _deducted_amount(result)
    if order.status not in OPEN_ORDER_STATUSES:
        return HoldReason.NOT_IN_FLIGHT
    freeze = _order_freeze(order)
    if freeze.status != FreezeStatus.ACTIVE:
        return HoldReason.FREEZE_ENDED
    if amount > order.amount or amount > freeze.amount_frozen - freeze.amount_deducted:
        return HoldReason.OVER_AMOUNT
    return None


def _result_hold(order: Order, msg: InboxMessage, reason: str, result: dict[str, Any], now: datetime) -> None:
    """Keep a result out of the books: a :class:`HeldResult` for staff, the order marked
    ``held`` (out of the dispatcher's hands), and an event on the case's timeline."""
    amount = _deducted_amount(result)
    held, created = HeldResult.objects.get_or_create(
        message=msg,
        defaults={
            "court_id": order.court_id,
            "case_id": order.case_id,
            "order": order,
            "reason": reason,
            "amount": amount,
            "order_amount": order.amount,
            "order_status": order.status,
            "created_at": now,
        },
    )
    if not created:
        return
    label = HoldReason(reason).label
    order.status = OrderStatus.HELD
    order.finished_at = now
    order.next_attempt_at = None
    order.last_error = f"回报扣划{format_yuan(amount)}元，{label}，未入账，待人工核对"[:256]
    order.result = result
    order.save(update_fields=["status", "finished_at", "next_attempt_at", "last_error", "result"])
    log.warning(
        "institution %s: deduction result %s held for review (%s, order %s of %s)",
        order.institution,
        amount,
        reason,
        order.key,
        order.amount,
    )
    _event(
        order.case,
        InquiryEvent.RESULT_HELD,
        f"{order.institution_name}回报扣划{format_yuan(amount)}元（指令金额{format_yuan(order.amount)}元）：{label}，"
        "未入账，待人工核对",
        now,
        None,
        data={"order": order.pk, "held": held.pk, "amount": amount, "reason": reason},
        legal_basis=rules.BASIS_DEDUCT,
    )


@transaction.atomic
def held_result_review(*, held: HeldResult, actor: User, now: datetime, note: str) -> HeldResult:
    """Close a held deduction result once it has been compared with the institution's
    statement. Nothing is booked here: money that really reached the court's account is booked
    as a receipt by finance, with the bank statement in hand. The order ends as failed and
    superseded (it does not come back to the queue)."""
    require(actor, "control.deduct", court=held.case.court)
    note = note.strip()
    if not note:
        raise InvalidAmount("请填写核对意见（如与机构对账结果）。", details={"note": "required"})
    locked = HeldResult.objects.select_for_update().get(pk=held.pk)
    if locked.reviewed_at is not None:
        raise InvalidTransition("该回报已核对。")
    locked.reviewed_at = now
    locked.reviewed_by = actor
    locked.review_note = note[:256]
    locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    Order.objects.filter(pk=locked.order_id, status=OrderStatus.HELD).update(
        status=OrderStatus.FAILED, superseded=True, last_error=f"已人工核对：{note}"[:256]
    )
    _event(
        locked.case,
        InquiryEvent.RESULT_REVIEWED,
        f"已核对机构回报的扣划{format_yuan(locked.amount)}元（未入账）：{note}"[:256],
        now,
        actor,
        data={"held": locked.pk, "order": locked.order_id},
    )
    return locked
