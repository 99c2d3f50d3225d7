"""Sending orders: the dispatcher (claim, send outside any transaction, apply each outcome), the
officer's resend of a failed order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.db import bulk_set
from lastmile.core.errors import InvalidTransition
from lastmile.inquiry.kinds import InquiryEvent

from ..conf import gateway as configured_gateway
from ..conf import inquiry_setting
from ..models import OPEN_ORDER_STATUSES, Asset, Freeze, FreezeStatus, Order, OrderKind, OrderStatus
from ..ports import InstitutionGateway, OutboundOrder, SendOutcome
from .common import _control_lock, _event, _on_commit_dispatch, _seconds, log
from .inbox import inbox_receive
from .policy import _order_fail, _plan


def _envelope(order: Order) -> OutboundOrder:
    party = order.party
    payload: dict[str, Any] = {
        "order_id": order.key,
        "kind": order.kind,
        "case_number": order.case.number,
        "court": order.case.court.code if order.case.court_id else "",
        "subject": {"name": party.name, "id_type": party.id_type, "id_number": party.id_number},
        "callback_url": inquiry_setting("CALLBACK_URL"),
    }
    if order.amount:
        payload["amount"] = str(order.amount)
    if order.notice_number:  # the 协助执行通知书 the order carries; the answer refers to it
        payload["notice_number"] = order.notice_number
    if order.asset_id is not None:
        payload["account"] = order.asset.identifier if order.asset else ""
    if order.freeze_id is not None and order.freeze is not None:
        payload["freeze_ref"] = order.freeze.freeze_ref
        if order.kind == OrderKind.RENEW and order.freeze.expires_on:
            payload["until"] = order.freeze.expires_on.isoformat()
    return OutboundOrder(institution=order.institution, key=order.key, payload=payload)


def _backoff(attempts: int) -> timedelta:
    base = float(inquiry_setting("BACKOFF_BASE_SECONDS"))
    cap = float(inquiry_setting("BACKOFF_MAX_SECONDS"))
    return timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


@transaction.atomic
def _claim(*, now: datetime, limit: int) -> list[Order]:
    """Take up to ``limit`` due orders and lease them (so a second dispatcher skips them)."""
    qs = Order.objects.filter(status__in=OPEN_ORDER_STATUSES, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    claimed = list(qs.select_related("party", "case", "case__court", "asset", "freeze")[:limit])
    lease = now + timedelta(seconds=2 * float(inquiry_setting("SEND_TIMEOUT_SECONDS")) + 5)
    for order in claimed:
        order.attempts += 1
        order.next_attempt_at = lease
        if order.status == OrderStatus.PENDING:
            order.status = OrderStatus.SENT
            order.sent_at = now
    bulk_set(Order, claimed, ["attempts", "next_attempt_at", "status", "sent_at"])
    return claimed


@dataclass
class DispatchReport:
    sent: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def orders_dispatch(
    *, now: datetime, gateway: InstitutionGateway | None = None, limit: int | None = None
) -> DispatchReport:
    """Send every due order once (new ones, retries whose backoff has passed, and accepted
    orders whose result is overdue: a resend with the same key asks the institution again).
    Network work happens outside any transaction; each outcome is applied in its own."""
    gw = gateway or configured_gateway()
    report = DispatchReport()
    orders = _claim(now=now, limit=limit or int(inquiry_setting("DISPATCH_BATCH")))
    if not orders:
        return report
    outcomes = gw.send_many(
        [_envelope(o) for o in orders], timeout=float(inquiry_setting("SEND_TIMEOUT_SECONDS"))
    )
    accepted = _accepted_apply(orders, outcomes, now)
    for order, outcome in zip(orders, outcomes, strict=True):
        report.outcomes[outcome.kind] = report.outcomes.get(outcome.kind, 0) + 1
        if order.pk in accepted:
            continue
        try:
            order_outcome_apply(order_id=order.pk, outcome=outcome, now=now)
        except Exception:  # the lease expires and the order is sent again
            log.exception("inquiry order %s: outcome not applied", order.pk)
    report.sent = len(orders)
    return report


def _accepted_apply(orders: list[Order], outcomes: list[SendOutcome], now: datetime) -> set[int]:
    """The common outcome, "accepted" with attempts left, for all orders of a send in two
    UPDATEs (as :func:`order_outcome_apply` does for one); returns the orders so applied."""
    max_attempts = int(inquiry_setting("MAX_ATTEMPTS"))
    ids = {
        o.pk
        for o, out in zip(orders, outcomes, strict=True)
        if out.kind == "accepted" and o.attempts < max_attempts
    }
    if ids:
        Order.objects.filter(pk__in=ids, status__in=(OrderStatus.PENDING, OrderStatus.SENT)).update(
            status=OrderStatus.ACKNOWLEDGED, acknowledged_at=now
        )
        Order.objects.filter(pk__in=ids, status=OrderStatus.ACKNOWLEDGED).update(
            next_attempt_at=now + _seconds("RESULT_TIMEOUT_SECONDS"), last_error=""
        )
    return ids


def order_outcome_apply(*, order_id: int, outcome: SendOutcome, now: datetime) -> None:
    """Record what one send returned (see :class:`~lastmile.inquiry.ports.SendOutcome`).

    The common outcomes (accepted, retry later) are single conditional UPDATEs that touch only
    this order; a result goes through the inbox and a final failure takes the case lock."""
    if outcome.kind == "result":
        inbox_receive(
            institution=Order.objects.values_list("institution", flat=True).get(pk=order_id),
            message=outcome.message,
            now=now,
        )
        return
    row = (
        Order.objects.filter(pk=order_id, status__in=OPEN_ORDER_STATUSES).values("status", "attempts").first()
    )
    if row is None:
        return
    max_attempts = int(inquiry_setting("MAX_ATTEMPTS"))
    exhausted = row["attempts"] >= max_attempts
    if outcome.kind == "accepted" and not (exhausted and row["status"] == OrderStatus.ACKNOWLEDGED):
        Order.objects.filter(pk=order_id, status__in=(OrderStatus.PENDING, OrderStatus.SENT)).update(
            status=OrderStatus.ACKNOWLEDGED, acknowledged_at=now
        )
        Order.objects.filter(pk=order_id, status=OrderStatus.ACKNOWLEDGED).update(
            next_attempt_at=now + _seconds("RESULT_TIMEOUT_SECONDS"), last_error=""
        )
        return
    if outcome.kind == "retry" and not exhausted:
        Order.objects.filter(pk=order_id, status__in=OPEN_ORDER_STATUSES).update(
            next_attempt_at=now + _backoff(row["attempts"]), last_error=(outcome.error or "网络错误")[:256]
        )
        return
    error = {
        "accepted": "机构已受理但长时间未回复结果",
        "rejected": outcome.error or "机构拒绝",
        "retry": outcome.error or "网络错误",
    }[outcome.kind]
    with transaction.atomic():
        case = Case.objects.get(inquiry_orders__pk=order_id)
        control = _control_lock(case)
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.is_open:
            _order_fail(order, control, error, now)


@transaction.atomic
def order_resend(*, order: Order, actor: User, now: datetime) -> Order:
    """Send a failed order again (operator action in the queue or on the case page).

    The same idempotency key goes out again, so an institution that did act on it answers with
    its result instead of acting twice. A failed freeze is decided afresh against today's budget
    instead (its amount may no longer be right)."""
    require(actor, "inquiry.order", court=order.case.court)
    control = _control_lock(order.case)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.FAILED:
        raise InvalidTransition("只有失败的指令可以重新发送。")
    if locked.kind == OrderKind.FREEZE and locked.freeze_id is not None:
        freeze = Freeze.objects.get(pk=locked.freeze_id)
        if freeze.status == FreezeStatus.FAILED:
            Asset.objects.filter(pk=freeze.asset_id).update(planned_round=0)
            locked.last_error = "已按当前尚欠金额重新冻结"
            locked.superseded = True
            locked.save(update_fields=["last_error", "superseded"])
            _event(
                order.case,
                InquiryEvent.ORDER_RESENT,
                f"重新冻结{locked.institution_name}账户",
                now,
                actor,
                data={"order": locked.pk},
            )
            _plan(control, now, force=True)
            return locked
    locked.status = OrderStatus.ACKNOWLEDGED if locked.acknowledged_at else OrderStatus.SENT
    locked.attempts = 0
    locked.next_attempt_at = now
    locked.finished_at = None
    locked.last_error = ""
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "finished_at", "last_error"])
    _event(
        order.case,
        InquiryEvent.ORDER_RESENT,
        f"重新发送{locked.institution_name}{locked.get_kind_display()}指令",
        now,
        actor,
        data={"order": locked.pk, "key": locked.key},
    )
    _on_commit_dispatch()
    return locked
