"""Network inquiry and control (网络查控): send orders, take in signed answers, freeze what is
owed and no more, deduct into the case account, release, renew, and record lapses.

Locks are always taken in one order: the case's :class:`Control` row, then the debtors' Party
rows (when freezing is decided: the living allowance is per debtor across cases), then orders,
then freezes, then (through the ledger) accounts and the court's audit chain head. Every
decision about how much to freeze is taken while the Control row is locked, so results that
arrive at the same moment are decided one after the other against the same budget:

    budget = what is owed today (ledger) − Σ held by pending and active money freezes

A pending freeze holds its requested amount; a partial or failed freeze gives the rest back.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty, CaseStatus, PartyRole
from lastmile.cases.services import case_event_record, deadline_cancel, deadline_complete, deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidAmount, InvalidTransition, NotFound
from lastmile.core.money import to_money
from lastmile.ledger.services import amount_outstanding, receipt_record
from lastmile.parties.models import Party, PartyKind

from . import protocol, rules
from .conf import gateway as configured_gateway
from .conf import inquiry_setting, institution_order
from .models import (
    HOLDING_STATUSES,
    OPEN_ORDER_STATUSES,
    Asset,
    AssetKind,
    Control,
    Freeze,
    FreezeStatus,
    HeldResult,
    HoldReason,
    InboxMessage,
    Order,
    OrderKind,
    OrderStatus,
)
from .ports import InstitutionGateway, OutboundOrder, SendOutcome

log = logging.getLogger(__name__)

ZERO = Decimal("0.00")
WORKING = (CaseStatus.FILED, CaseStatus.IN_PROGRESS)
SEIZABLE = (AssetKind.VEHICLE, AssetKind.REAL_ESTATE, AssetKind.EQUITY, AssetKind.SECURITIES)


def _new_key(kind: str) -> str:
    return f"{kind[:3]}-{uuid.uuid4().hex}"


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=float(inquiry_setting(name)))


def _on_commit_dispatch() -> None:
    from .tasks import orders_dispatch_task

    def enqueue() -> None:
        try:
            orders_dispatch_task.enqueue()
        except Exception:  # the worker's sweep sends due orders anyway
            log.exception("could not enqueue the inquiry dispatcher")

    transaction.on_commit(enqueue)


# --- the control row ------------------------------------------------------------------------


def _control_lock(case: Case) -> Control:
    """The case's Control row, created on first use, locked until the transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_control_lock must run inside a transaction")
    control = Control.objects.select_for_update().filter(case_id=case.pk).first()
    if control is None:
        try:
            with transaction.atomic():
                Control.objects.create(case_id=case.pk, court_id=case.court_id)
        except IntegrityError:
            pass
        control = Control.objects.select_for_update().get(case_id=case.pk)
    return control


def _held_total(case_id: int) -> Decimal:
    total = Freeze.objects.filter(case_id=case_id, is_money=True, status__in=HOLDING_STATUSES).aggregate(
        s=Sum("amount_held")
    )["s"]
    return to_money(total or ZERO)


def _event(case: Case, kind: str, summary: str, now: datetime, actor: User | None, **kw: Any) -> None:
    case_event_record(case=case, kind=kind, summary=summary, actor=actor, now=now, **kw)


# --- 一键查控 -----------------------------------------------------------------------------------


@transaction.atomic
def inquiry_start(
    *, case: Case, actor: User, now: datetime, institutions: Sequence[str] | None = None
) -> list[Order]:
    """一键查控: send an inquiry to every institution for every debtor (被执行人) of the case.

    Online control may be used against the debtor only (网络查询冻结规定 2013; rules.md §7.1),
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
        cp.party
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party")
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
        "inquiry.started",
        f"发起网络查控（第{control.round}轮）：{len(codes)}家协助机构，被执行人{len(debtors)}名",
        now,
        actor,
        data={"round": control.round, "institutions": codes, "parties": [p.pk for p in debtors]},
        legal_basis=rules.BASIS_ONLINE,
    )
    _on_commit_dispatch()
    return list(Order.objects.filter(case=case, round=control.round, kind=OrderKind.INQUIRE))


# --- sending --------------------------------------------------------------------------------


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
    Order.objects.bulk_update(claimed, ["attempts", "next_attempt_at", "status", "sent_at"])
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
    for order, outcome in zip(orders, outcomes, strict=True):
        try:
            order_outcome_apply(order_id=order.pk, outcome=outcome, now=now)
        except Exception:  # the lease expires and the order is sent again
            log.exception("inquiry order %s: outcome not applied", order.pk)
        report.outcomes[outcome.kind] = report.outcomes.get(outcome.kind, 0) + 1
    report.sent = len(orders)
    return report


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


def _order_fail(order: Order, control: Control, error: str, now: datetime) -> None:
    """Final failure: visible in the command-center queue; a freeze gives its budget back."""
    order.status = OrderStatus.FAILED
    order.last_error = error[:256]
    order.finished_at = now
    order.next_attempt_at = None
    order.save(update_fields=["status", "last_error", "finished_at", "next_attempt_at"])
    case = control.case
    if order.kind in (OrderKind.FREEZE, OrderKind.SEIZE) and order.freeze_id is not None:
        if order.asset_id is not None:  # not asked again this round (resend decides afresh)
            Asset.objects.filter(pk=order.asset_id).update(planned_round=control.round)
        Freeze.objects.filter(pk=order.freeze_id, status=FreezeStatus.PENDING).update(
            status=FreezeStatus.FAILED, amount_held=ZERO, ended_at=now, end_reason=error[:128]
        )
    _event(
        case,
        "inquiry.order_failed",
        f"{order.institution_name}{order.get_kind_display()}指令失败：{error}"[:256],
        now,
        None,
        data={"order": order.pk, "key": order.key, "kind": order.kind, "institution": order.institution},
    )
    _plan(control, now)


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
                "inquiry.order_resent",
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
        "inquiry.order_resent",
        f"重新发送{locked.institution_name}{locked.get_kind_display()}指令",
        now,
        actor,
        data={"order": locked.pk, "key": locked.key},
    )
    _on_commit_dispatch()
    return locked


# --- the inbox ------------------------------------------------------------------------------


def inbox_receive(*, institution: str, message: dict[str, Any], now: datetime) -> InboxMessage:
    """Store a verified message from ``institution`` (once: a duplicate returns the stored row)
    and process it. Processing is idempotent and tolerates any order of arrival."""
    message_id = str(message.get("message_id") or "")[:80]
    if not message_id:
        raise InvalidAmount("回执缺少消息编号。")
    try:
        with transaction.atomic():
            msg = InboxMessage.objects.create(
                institution=institution,
                message_id=message_id,
                order_key=str(message.get("order_id") or "")[:64],
                status=str(message.get("status") or "")[:16],
                payload=message,
                received_at=now,
            )
    except IntegrityError:
        msg = InboxMessage.objects.get(institution=institution, message_id=message_id)
    if msg.processed_at is None:
        inbox_process(message_id=msg.pk, now=now)
        msg.refresh_from_db()
    return msg


def inbox_process(*, message_id: int, now: datetime) -> None:
    try:
        _inbox_process(message_id=message_id, now=now)
    except Exception as exc:  # recorded for the sweep to retry; the message stays in the inbox
        log.exception("inquiry inbox message %s failed", message_id)
        InboxMessage.objects.filter(pk=message_id, processed_at__isnull=True).update(error=str(exc)[:256])


@transaction.atomic
def _inbox_process(*, message_id: int, now: datetime) -> None:
    msg = InboxMessage.objects.get(pk=message_id)
    if msg.processed_at is not None:
        return
    order_row = (
        Order.objects.filter(key=msg.order_key, institution=msg.institution).select_related("case").first()
    )
    if order_row is None:
        InboxMessage.objects.filter(pk=msg.pk).update(processed_at=now, error="未知指令")
        return
    if msg.status == "accepted":
        # Only moves an order forward from pending/sent; a late or repeated "accepted" is a no-op.
        Order.objects.filter(pk=order_row.pk, status__in=(OrderStatus.PENDING, OrderStatus.SENT)).update(
            status=OrderStatus.ACKNOWLEDGED,
            acknowledged_at=now,
            next_attempt_at=now + _seconds("RESULT_TIMEOUT_SECONDS"),
        )
        InboxMessage.objects.filter(pk=msg.pk).update(processed_at=now, error="")
        return
    control = _control_lock(order_row.case)
    msg = InboxMessage.objects.select_for_update().get(pk=message_id)
    if msg.processed_at is not None:
        return
    order = Order.objects.select_for_update().select_related("case", "party").get(pk=order_row.pk)
    _message_apply(order, control, msg, now)
    msg.processed_at = now
    msg.error = ""
    msg.save(update_fields=["processed_at", "error"])


def _message_apply(order: Order, control: Control, msg: InboxMessage, now: datetime) -> None:
    status = msg.status
    if status == "accepted":
        if order.status in (OrderStatus.PENDING, OrderStatus.SENT):
            order.status = OrderStatus.ACKNOWLEDGED
            order.acknowledged_at = now
            order.next_attempt_at = now + _seconds("RESULT_TIMEOUT_SECONDS")
            order.save(update_fields=["status", "acknowledged_at", "next_attempt_at"])
        return
    if status == "rejected":
        if order.status != OrderStatus.DONE and order.status != OrderStatus.FAILED:
            error = msg.payload.get("error") or {}
            _order_fail(order, control, str(error.get("message") or "机构拒绝执行"), now)
        return
    if status != "done" or order.status in (OrderStatus.DONE, OrderStatus.HELD):
        return
    result = msg.payload.get("result") or {}
    if order.kind == OrderKind.DEDUCT:
        hold = _deduct_hold_reason(order, result)
        if hold is not None:
            _result_hold(order, msg, hold, result, now)
            return
    # A freeze result after a final failure is still the truth: money may really be frozen.
    order.status = OrderStatus.DONE
    order.finished_at = now
    order.next_attempt_at = None
    order.last_error = ""
    order.result = result
    order.save(update_fields=["status", "finished_at", "next_attempt_at", "last_error", "result"])
    handler = _RESULT_HANDLERS[order.kind]
    handler(order, control, result, now)
    if order.kind != OrderKind.INQUIRE:  # only money movements change what is held or owed
        _reconcile(control, now, None)


def _assets_found(order: Order, control: Control, result: dict[str, Any], now: datetime) -> None:
    found = []
    for item in result.get("assets") or []:
        kind = str(item.get("kind") or "")
        if kind not in AssetKind.values:
            continue
        identifier = str(item.get("identifier") or "")[:64]
        balance = to_money(str(item["balance"])) if item.get("balance") not in (None, "") else None
        asset, created = Asset.objects.get_or_create(
            case_id=order.case_id,
            institution=order.institution,
            identifier=identifier,
            defaults={
                "court_id": order.court_id,
                "party_id": order.party_id,
                "kind": kind,
                "label": str(item.get("label") or "")[:128],
                "balance": balance,
                "details": item.get("details") or {},
                "found_at": now,
                "order": order,
            },
        )
        if not created:
            asset.balance = balance
            asset.details = item.get("details") or {}
            asset.found_at = now
            asset.order = order
            asset.save(update_fields=["balance", "details", "found_at", "order"])
        found.append(asset)
    if found:
        money = sum((a.balance or ZERO for a in found if a.kind == AssetKind.DEPOSIT), ZERO)
        _event(
            order.case,
            "inquiry.assets_found",
            f"{order.institution_name}反馈：查得{order.party.name}名下财产{len(found)}项"
            + (f"，余额合计{money}元" if money else ""),
            now,
            None,
            data={"order": order.pk, "assets": [a.pk for a in found], "deposits": money},
            legal_basis=rules.BASIS_ONLINE,
        )
    _plan(control, now)


def _freeze_done(order: Order, control: Control, result: dict[str, Any], now: datetime) -> None:
    freeze = _order_freeze(order)
    if freeze.status not in (FreezeStatus.PENDING, FreezeStatus.FAILED):
        return
    frozen = to_money(str(result.get("frozen_amount") or "0"))
    if freeze.is_money and frozen > freeze.amount_requested:
        log.warning(
            "institution %s froze %s, more than the %s ordered",
            order.institution,
            frozen,
            freeze.amount_requested,
        )
        frozen = (
            freeze.amount_requested
        )  # the order's amount is the court's ruling; the rest is released below
    if freeze.is_money and frozen <= 0:
        Asset.objects.filter(pk=freeze.asset_id).update(planned_round=control.round)
        freeze.status = FreezeStatus.FAILED
        freeze.amount_held = ZERO
        freeze.ended_at = now
        freeze.end_reason = "账户无可冻结余额"
        freeze.save(update_fields=["status", "amount_held", "ended_at", "end_reason"])
        _plan(control, now)
        return
    today = _today(now)
    years = rules.freeze_years(freeze.asset.kind)
    freeze.status = FreezeStatus.ACTIVE
    freeze.amount_frozen = frozen
    freeze.amount_held = frozen if freeze.is_money else ZERO
    freeze.freeze_ref = str(result.get("freeze_ref") or order.key)[:64]
    freeze.starts_on = today
    freeze.expires_on = rules.freeze_expiry(today, years)
    freeze.ended_at = None
    freeze.end_reason = ""
    freeze.save()
    _renewal_deadline_open(freeze, today)
    what = (
        f"冻结{freeze.asset.institution_name}账户{frozen}元"
        if freeze.is_money
        else (f"查封{freeze.asset.get_kind_display()}{freeze.asset.label or freeze.asset.identifier}")
    )
    _event(
        order.case,
        "inquiry.frozen" if freeze.is_money else "inquiry.seized",
        f"{what}（{order.party.name}），期限至{freeze.expires_on:%Y-%m-%d}",
        now,
        None,
        data={"freeze": freeze.pk, "amount": frozen, "expires_on": freeze.expires_on, "order": order.pk},
        legal_basis=rules.BASIS_PERIOD,
    )
    if freeze.is_money and frozen < freeze.amount_requested:
        # The institution had less than we knew: this account is done for the round, and the
        # part not frozen goes back to the budget for the next account.
        Asset.objects.filter(pk=freeze.asset_id).update(planned_round=control.round)
    if freeze.is_money:
        _plan(control, now)


def _order_freeze(order: Order) -> Freeze:
    if order.freeze_id is None:
        raise NotFound("指令未关联冻结记录。")
    return Freeze.objects.select_for_update().select_related("asset").get(pk=order.freeze_id)


def _renewal_deadline_open(freeze: Freeze, today: date) -> None:
    assert freeze.expires_on is not None
    deadline_open(
        case=freeze.case,
        kind=freeze.renewal_deadline_kind,
        label=f"续行{'冻结' if freeze.is_money else '查封'}：{freeze.asset.institution_name} "
        f"{freeze.asset.identifier}（{freeze.expires_on:%Y-%m-%d}届满）",
        starts_on=today,
        due_on=rules.renewal_reminder_on(freeze.expires_on, today),
        legal_basis=rules.BASIS_PERIOD,
    )


def _freeze_end(freeze: Freeze, status: str, reason: str, now: datetime) -> None:
    freeze.status = status
    freeze.ended_at = now
    freeze.end_reason = reason[:128]
    freeze.amount_held = ZERO
    freeze.save(
        update_fields=[
            "status",
            "ended_at",
            "end_reason",
            "amount_held",
            "amount_released",
            "amount_deducted",
        ]
    )
    deadline_cancel(case=freeze.case, kinds=[freeze.renewal_deadline_kind], now=now)


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
    order.last_error = f"回报扣划{amount}元，{label}，未入账，待人工核对"[:256]
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
        "inquiry.result_held",
        f"{order.institution_name}回报扣划{amount}元（指令金额{order.amount}元）：{label}，"
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
        "inquiry.result_reviewed",
        f"已核对机构回报的扣划{locked.amount}元（未入账）：{note}"[:256],
        now,
        actor,
        data={"held": locked.pk, "order": locked.order_id},
    )
    return locked


def _deduct_done(order: Order, control: Control, result: dict[str, Any], now: datetime) -> None:
    freeze = _order_freeze(order)
    amount = _deducted_amount(result)
    if amount <= 0:
        return
    receipt_record(
        case=order.case,
        amount=amount,
        source="bank_deduction",
        idempotency_key=f"inquiry:{order.key}",
        received_at=now,
        actor=None,
        payer=f"{order.institution_name} {order.party.name}"[:128],
        note=f"网络查控扣划 {freeze.asset.identifier}"[:256],
    )
    # The money has left the account: what we know of its balance follows.
    Asset.objects.filter(pk=freeze.asset_id, balance__isnull=False).update(balance=F("balance") - amount)
    freeze.amount_deducted = min(freeze.amount_frozen, freeze.amount_deducted + amount)
    freeze.amount_held = max(ZERO, freeze.amount_held - amount)
    freeze.save(update_fields=["amount_deducted", "amount_held"])
    _event(
        order.case,
        "inquiry.deducted",
        f"扣划{freeze.asset.institution_name}账户{amount}元至本案账户（{order.party.name}）",
        now,
        None,
        data={"freeze": freeze.pk, "amount": amount, "order": order.pk},
        legal_basis=rules.BASIS_DEDUCT,
    )
    if freeze.amount_held == 0 and freeze.status == FreezeStatus.ACTIVE:
        _freeze_end(freeze, FreezeStatus.DEDUCTED, "已扣划", now)


def _unfreeze_done(order: Order, control: Control, result: dict[str, Any], now: datetime) -> None:
    freeze = _order_freeze(order)
    if freeze.status != FreezeStatus.ACTIVE:
        return
    partial = order.amount > 0 and order.amount < freeze.amount_held
    if partial:
        freeze.amount_held -= order.amount
        freeze.amount_released += order.amount
        freeze.save(update_fields=["amount_held", "amount_released"])
        summary = f"部分解除冻结{freeze.asset.institution_name}账户{order.amount}元（超出尚欠金额部分）"
    else:
        freeze.amount_released += freeze.amount_held
        _freeze_end(freeze, FreezeStatus.RELEASED, order.note or "解除", now)
        summary = (
            f"解除冻结{freeze.asset.institution_name}账户（{order.party.name}）"
            if freeze.is_money
            else f"解除查封{freeze.asset.get_kind_display()}{freeze.asset.identifier}"
        )
    _event(
        order.case,
        "inquiry.released",
        summary,
        now,
        None,
        data={"freeze": freeze.pk, "amount": order.amount, "order": order.pk},
        legal_basis=rules.BASIS_NO_OVER_FREEZE,
    )


def _renew_done(order: Order, control: Control, result: dict[str, Any], now: datetime) -> None:
    freeze = _order_freeze(order)
    if freeze.status != FreezeStatus.ACTIVE or freeze.expires_on is None:
        return
    new_until = rules.freeze_expiry(
        freeze.expires_on + timedelta(days=1), rules.freeze_years(freeze.asset.kind)
    )
    freeze.expires_on = new_until
    freeze.renewals += 1
    freeze.save(update_fields=["expires_on", "renewals"])
    deadline_complete(case=freeze.case, kind=freeze.renewal_deadline_kind, now=now)
    _renewal_deadline_open(freeze, _today(now))
    _event(
        order.case,
        "inquiry.renewed",
        f"续行{'冻结' if freeze.is_money else '查封'}{freeze.asset.institution_name} "
        f"{freeze.asset.identifier}，期限至{new_until:%Y-%m-%d}",
        now,
        None,
        data={"freeze": freeze.pk, "expires_on": new_until},
        legal_basis=rules.BASIS_PERIOD,
    )


_RESULT_HANDLERS: dict[str, Callable[[Order, Control, dict[str, Any], datetime], None]] = {
    OrderKind.INQUIRE: _assets_found,
    OrderKind.FREEZE: _freeze_done,
    OrderKind.SEIZE: _freeze_done,
    OrderKind.DEDUCT: _deduct_done,
    OrderKind.UNFREEZE: _unfreeze_done,
    OrderKind.RENEW: _renew_done,
}


# --- the control policy -----------------------------------------------------------------------


def _owed(case: Case, now: datetime) -> Decimal:
    return to_money(amount_outstanding(case=case, as_of=_today(now)))


@dataclass(frozen=True)
class _Account:
    asset_id: int  # the latest Asset row that reported it
    balance: Decimal  # as last reported
    held: Decimal  # by every pending or active money freeze of the court's cases


def _account_key(asset: Asset) -> tuple[int, str, str]:
    return (asset.party_id, asset.institution, asset.identifier)


def _debtor_accounts(case: Case, deposits: Sequence[Asset]) -> dict[tuple[int, str, str], _Account]:
    """Every deposit account of the debtors in ``deposits`` known in the case's court, whichever
    case found it, with its last reported balance and what all the court's freezes hold on it.

    Locks the debtors' Party rows first (in id order, after the Control row): two cases of one
    debtor then decide their freezes one after the other, each seeing what the other holds."""
    party_ids = sorted({a.party_id for a in deposits})
    list(
        Party.objects.select_for_update().filter(pk__in=party_ids).order_by("pk").values_list("pk", flat=True)
    )
    rows = (
        Asset.objects.filter(court_id=case.court_id, party_id__in=party_ids, kind=AssetKind.DEPOSIT)
        .order_by("found_at", "pk")
        .values_list("pk", "party_id", "institution", "identifier", "balance")
    )
    latest: dict[tuple[int, str, str], tuple[int, Decimal]] = {}
    key_of: dict[int, tuple[int, str, str]] = {}
    for pk, party_id, institution, identifier, balance in rows:
        key = (party_id, institution, identifier)
        latest[key] = (pk, to_money(balance or ZERO))
        key_of[pk] = key
    held: dict[tuple[int, str, str], Decimal] = {}
    for asset_id, amount in (
        Freeze.objects.filter(asset_id__in=list(key_of), is_money=True, status__in=HOLDING_STATUSES)
        .values("asset_id")
        .annotate(s=Sum("amount_held"))
        .values_list("asset_id", "s")
    ):
        key = key_of[asset_id]
        held[key] = held.get(key, ZERO) + to_money(amount or ZERO)
    return {
        key: _Account(asset_id=pk, balance=balance, held=held.get(key, ZERO))
        for key, (pk, balance) in latest.items()
    }


def _plan(control: Control, now: datetime, *, force: bool = False) -> list[Freeze]:
    """Freeze found balances up to what is owed, in the configured order of institutions.

    Runs with the Control row locked. Waits until every inquiry of the round has answered (so
    the order of institutions is honoured) or ``plan_after`` has passed. Never freezes more than
    ``owed − held`` (查封规定 2020 art. 19) and leaves a natural-person debtor the living allowance
    (art. 3)."""
    case = control.case
    if case.status not in WORKING or control.released_at is not None:
        return []
    waiting = Order.objects.filter(
        case_id=case.pk, kind=OrderKind.INQUIRE, round=control.round, status__in=OPEN_ORDER_STATUSES
    ).exists()
    if waiting and not force and (control.plan_after is None or now < control.plan_after):
        return []
    if control.planned_round < control.round:
        control.planned_round = control.round
        control.save(update_fields=["planned_round"])
    owed = _owed(case, now)
    budget = owed - _held_total(case.pk)
    deposits = list(
        Asset.objects.filter(case_id=case.pk, kind=AssetKind.DEPOSIT, balance__gt=0).select_related("party")
    )
    if not deposits or budget <= 0:
        return []
    order_index = {code: i for i, code in enumerate(institution_order())}
    pending_assets = set(
        Freeze.objects.filter(case_id=case.pk, status=FreezeStatus.PENDING).values_list("asset_id", flat=True)
    )
    candidates_assets = sorted(
        (a for a in deposits if a.planned_round < control.round and a.pk not in pending_assets),
        key=lambda a: (order_index.get(a.institution, 999), a.pk),
    )
    if not candidates_assets:
        return []
    # What each debtor holds in the whole court, whichever case found it: the living allowance
    # is the person's, not the case's (查封规定 2020 art. 3).
    accounts = _debtor_accounts(case, deposits)
    here = {_account_key(a) for a in deposits}

    def candidate(a: Asset) -> rules.Candidate:
        account = accounts[_account_key(a)]
        return rules.Candidate(asset_id=a.pk, party_id=a.party_id, balance=account.balance, held=account.held)

    elsewhere = [
        rules.Candidate(asset_id=acc.asset_id, party_id=k[0], balance=acc.balance, held=acc.held)
        for k, acc in accounts.items()
        if k not in here
    ]
    allowances = {
        a.party_id: rules.living_allowance(court_code=case.court.code)
        for a in deposits
        if a.party.kind == PartyKind.PERSON
    }
    decisions = rules.plan_freezes(
        budget=budget,
        candidates=[candidate(a) for a in candidates_assets],
        all_balances=[candidate(a) for a in deposits] + elsewhere,
        allowance_by_party=allowances,
    )
    by_pk = {a.pk: a for a in candidates_assets}
    freezes = []
    for d in decisions:
        if d.amount <= 0:
            continue
        asset = by_pk[d.asset_id]
        freeze = Freeze.objects.create(
            court_id=case.court_id,
            case=case,
            asset=asset,
            is_money=True,
            status=FreezeStatus.PENDING,
            amount_requested=d.amount,
            amount_held=d.amount,
            created_at=now,
        )
        Order.objects.create(
            court_id=case.court_id,
            case=case,
            institution=asset.institution,
            kind=OrderKind.FREEZE,
            party_id=asset.party_id,
            asset=asset,
            freeze=freeze,
            amount=d.amount,
            round=control.round,
            key=_new_key("freeze"),
            next_attempt_at=now,
            created_at=now,
        )
        freezes.append(freeze)
    if freezes:
        total = sum((f.amount_requested for f in freezes), ZERO)
        _event(
            case,
            "inquiry.freeze_ordered",
            f"自动冻结{len(freezes)}个账户共{total}元（尚欠{owed}元，已冻结或冻结中{owed - budget}元）",
            now,
            None,
            data={
                "freezes": [f.pk for f in freezes],
                "total": total,
                "owed": owed,
                "budget": budget,
                "reserved": {str(d.asset_id): d.reserved for d in decisions if d.reserved},
            },
            legal_basis=rules.BASIS_NO_OVER_FREEZE,
        )
        _on_commit_dispatch()
    return freezes


def _open_order_on(freeze: Freeze, kind: str) -> Order | None:
    return Order.objects.filter(freeze=freeze, kind=kind, status__in=OPEN_ORDER_STATUSES).first()


def _held_deduction_on(freeze: Freeze) -> bool:
    return Order.objects.filter(freeze=freeze, kind=OrderKind.DEDUCT, status=OrderStatus.HELD).exists()


def _unfreeze_order(freeze: Freeze, amount: Decimal, now: datetime, actor: User | None, reason: str) -> Order:
    return Order.objects.create(
        court_id=freeze.court_id,
        case_id=freeze.case_id,
        institution=freeze.asset.institution,
        kind=OrderKind.UNFREEZE,
        party_id=freeze.asset.party_id,
        asset=freeze.asset,
        freeze=freeze,
        amount=amount,
        key=_new_key("unfreeze"),
        next_attempt_at=now,
        created_at=now,
        created_by=actor,
        note=reason[:128],
    )


def _reconcile(control: Control, now: datetime, actor: User | None) -> int:
    """Release what is no longer owed: everything when the debt is paid or release was ordered
    (settlement), otherwise the part of the freezes above what is owed (查封规定 2020 art. 19).
    Returns the number of unfreeze orders created."""
    case = control.case
    holding = list(Freeze.objects.filter(case_id=case.pk, status=FreezeStatus.ACTIVE).select_related("asset"))
    if not holding:
        return 0
    owed = _owed(case, now)
    release_all = owed <= 0 or control.released_at is not None
    created = 0
    if release_all:
        reason = "债务已全部履行" if owed <= 0 else "执行和解，中止执行"
        for f in holding:
            existing = _open_order_on(f, OrderKind.UNFREEZE)
            if existing is not None and (existing.amount == 0 or existing.amount >= f.amount_held):
                continue
            _unfreeze_order(f, ZERO, now, actor, reason)
            created += 1
        if created:
            _event(
                case,
                "inquiry.release_all",
                f"{reason}：解除全部冻结、查封（{created}项）",
                now,
                actor,
                data={"owed": owed, "orders": created},
                legal_basis=rules.BASIS_NO_OVER_FREEZE,
            )
    else:
        held = _held_total(case.pk)
        releasing = sum(
            (
                o.amount if o.amount > 0 else o.freeze.amount_held
                for o in Order.objects.filter(
                    case_id=case.pk, kind=OrderKind.UNFREEZE, status__in=OPEN_ORDER_STATUSES
                ).select_related("freeze")
                if o.freeze is not None and o.freeze.is_money
            ),
            ZERO,
        )
        excess = held - releasing - owed
        if excess <= 0:
            return 0
        order_index = {code: i for i, code in enumerate(institution_order())}
        for f in sorted(
            (f for f in holding if f.is_money),
            key=lambda f: (-order_index.get(f.asset.institution, 999), -f.pk),
        ):
            if excess <= 0:
                break
            if _open_order_on(f, OrderKind.UNFREEZE) or _open_order_on(f, OrderKind.DEDUCT):
                continue
            amount = min(excess, f.amount_held)
            _unfreeze_order(f, ZERO if amount == f.amount_held else amount, now, actor, "超出尚欠金额")
            excess -= amount
            created += 1
        if created:
            _event(
                case,
                "inquiry.release_excess",
                f"冻结金额超出尚欠金额{held - owed}元，解除超出部分",
                now,
                actor,
                data={"owed": owed, "held": held},
                legal_basis=rules.BASIS_NO_OVER_FREEZE,
            )
    if created:
        _on_commit_dispatch()
    return created


@transaction.atomic
def controls_reconcile(*, case: Case, now: datetime, actor: User | None = None) -> int:
    """Release freezes that are no longer needed (all of them once nothing is owed). Call after
    money arrives on the case by any route; the worker's sweep also calls it."""
    control = _control_lock(case)
    return _reconcile(control, now, actor)


@transaction.atomic
def controls_release_all(*, case: Case, reason: str, actor: User | None, now: datetime) -> int:
    """Lift every freeze and seizure of the case at once (execution suspended by settlement,
    执行和解规定 2020 art. 3; or any other ground in ``reason``). Idempotent: a second call
    creates no further orders. Freezes still in flight are released when their result arrives;
    new freezing stops until the next 一键查控. Returns the number of unfreeze orders created."""
    if actor is not None:
        # Lifting freezes is the enforcement judge's act (a 解除裁定, 查封规定 2020 art. 28).
        require(actor, "control.release", court=case.court)
    control = _control_lock(case)
    first = control.released_at is None
    if first:
        control.released_at = now
        control.save(update_fields=["released_at"])
    # Orders not yet on the wire are withdrawn; the others are released when they land.
    for order in Order.objects.select_for_update().filter(
        case_id=case.pk, kind__in=[OrderKind.FREEZE, OrderKind.SEIZE], status=OrderStatus.PENDING
    ):
        _order_fail(order, control, "已撤回（解除全部控制措施）", now)
    created = 0
    for f in Freeze.objects.filter(case_id=case.pk, status=FreezeStatus.ACTIVE).select_related("asset"):
        existing = _open_order_on(f, OrderKind.UNFREEZE)
        if existing is not None and existing.amount == 0:
            continue
        _unfreeze_order(f, ZERO, now, actor, reason)
        created += 1
    if first or created:
        _event(
            case,
            "inquiry.release_all",
            f"解除全部冻结、查封：{reason}"[:256],
            now,
            actor,
            data={"orders": created, "reason": reason},
            legal_basis=rules.BASIS_SETTLEMENT,
        )
    if created:
        _on_commit_dispatch()
    return created


# --- officer actions on one freeze ------------------------------------------------------------


def _locked_freeze(freeze: Freeze, actor: User, capability: str = "inquiry.order") -> tuple[Control, Freeze]:
    require(actor, capability, court=freeze.case.court)
    control = _control_lock(freeze.case)
    locked = Freeze.objects.select_for_update().select_related("asset", "case").get(pk=freeze.pk)
    return control, locked


def _order_for(freeze: Freeze, kind: str, amount: Decimal, now: datetime, actor: User) -> Order:
    return Order.objects.create(
        court_id=freeze.court_id,
        case_id=freeze.case_id,
        institution=freeze.asset.institution,
        kind=kind,
        party_id=freeze.asset.party_id,
        asset=freeze.asset,
        freeze=freeze,
        amount=amount,
        key=_new_key(kind),
        next_attempt_at=now,
        created_at=now,
        created_by=actor,
    )


@transaction.atomic
def freeze_deduct(*, freeze: Freeze, actor: User, now: datetime) -> Order:
    """一键扣划: transfer the frozen money into the case account, never more than is owed
    (民诉解释 2022 art. 484). The ledger books the receipt when the institution confirms.
    A 划拨 is made by ruling (民事诉讼法 2023 art. 253), so only the enforcement judge
    (``control.deduct``) orders it; an 执行员 or the command center may not."""
    _control, locked = _locked_freeze(freeze, actor, "control.deduct")
    if locked.case.status not in (*WORKING, CaseStatus.SUSPENDED):
        raise InvalidTransition("案件当前状态不能扣划。")
    if not locked.is_money or locked.status != FreezeStatus.ACTIVE or locked.amount_held <= 0:
        raise InvalidTransition("只有已冻结且尚有余额的资金可以扣划。")
    if _open_order_on(locked, OrderKind.DEDUCT) or _open_order_on(locked, OrderKind.UNFREEZE):
        raise Conflict("该账户已有正在办理的扣划或解除指令。")
    if _held_deduction_on(locked):
        raise Conflict("该账户有待人工核对的扣划回报，请先核对。")
    amount = min(locked.amount_held, _owed(locked.case, now))
    if amount <= 0:
        raise Conflict("本案已无尚欠金额，无需扣划。")
    order = _order_for(locked, OrderKind.DEDUCT, amount, now, actor)
    _event(
        locked.case,
        "inquiry.deduct_ordered",
        f"扣划{locked.asset.institution_name}账户{amount}元（{locked.asset.party.name}）",
        now,
        actor,
        data={"freeze": locked.pk, "amount": amount, "order": order.pk},
        legal_basis=rules.BASIS_DEDUCT,
    )
    _on_commit_dispatch()
    return order


@transaction.atomic
def freeze_release(*, freeze: Freeze, actor: User, now: datetime, reason: str = "") -> Order:
    """Lift one freeze or seizure (解除冻结/查封). Made by a 解除裁定 (查封规定 2020 art. 28), so only
    the enforcement judge (``control.release``) may order it."""
    _control, locked = _locked_freeze(freeze, actor, "control.release")
    if locked.status != FreezeStatus.ACTIVE:
        raise InvalidTransition("只有生效中的冻结或查封可以解除。")
    if _open_order_on(locked, OrderKind.UNFREEZE) or _open_order_on(locked, OrderKind.DEDUCT):
        raise Conflict("该账户已有正在办理的扣划或解除指令。")
    if _held_deduction_on(locked):
        raise Conflict("该账户有待人工核对的扣划回报，请先核对。")
    order = _unfreeze_order(locked, ZERO, now, actor, reason.strip() or "承办人解除")
    _event(
        locked.case,
        "inquiry.release_ordered",
        f"解除{locked.asset.institution_name} {locked.asset.identifier}"
        + (f"：{reason.strip()}" if reason.strip() else ""),
        now,
        actor,
        data={"freeze": locked.pk},
    )
    _on_commit_dispatch()
    return order


@transaction.atomic
def freeze_renew(*, freeze: Freeze, actor: User, now: datetime) -> Order:
    """续行冻结/查封 before expiry, for up to the same maximum period (民诉解释 2022 art. 485)."""
    _control, locked = _locked_freeze(freeze, actor)
    if locked.status != FreezeStatus.ACTIVE or locked.expires_on is None:
        raise InvalidTransition("只有生效中的冻结或查封可以续行。")
    if _today(now) > locked.expires_on:
        raise InvalidTransition("冻结期限已届满，不能续行，请重新冻结。")
    if _open_order_on(locked, OrderKind.RENEW):
        raise Conflict("续行指令正在办理中。")
    order = _order_for(locked, OrderKind.RENEW, ZERO, now, actor)
    _event(
        locked.case,
        "inquiry.renew_ordered",
        f"续行{locked.asset.institution_name} {locked.asset.identifier}",
        now,
        actor,
        data={"freeze": locked.pk},
        legal_basis=rules.BASIS_PERIOD,
    )
    _on_commit_dispatch()
    return order


@transaction.atomic
def asset_seize(*, asset: Asset, actor: User, now: datetime) -> Order:
    """查封登记 of a found vehicle, real estate, equity or securities holding (decided by the
    officer: such assets are not divisible by amount, 查封规定 2020 art. 19 exception)."""
    require(actor, "inquiry.order", court=asset.case.court)
    _control_lock(asset.case)
    if asset.case.status not in WORKING:
        raise InvalidTransition("案件当前状态不能查封。")
    if asset.kind not in SEIZABLE:
        raise InvalidTransition("该类财产不能通过网络查封登记。")
    if (
        protocol.SEIZE not in protocol.institution(asset.institution).ops
        and asset.kind != AssetKind.SECURITIES
    ):
        raise InvalidTransition("该机构不办理网络查封登记。")
    if Freeze.objects.filter(asset=asset, status__in=HOLDING_STATUSES).exists():
        raise Conflict("该财产已查封或正在查封。")
    freeze = Freeze.objects.create(
        court_id=asset.court_id,
        case=asset.case,
        asset=asset,
        is_money=False,
        status=FreezeStatus.PENDING,
        created_at=now,
    )
    kind = (
        OrderKind.SEIZE if protocol.SEIZE in protocol.institution(asset.institution).ops else OrderKind.FREEZE
    )
    order = _order_for(freeze, kind, ZERO, now, actor)
    _event(
        asset.case,
        "inquiry.seize_ordered",
        f"查封{asset.get_kind_display()} {asset.label or asset.identifier}",
        now,
        actor,
        data={"asset": asset.pk, "order": order.pk},
        legal_basis=rules.BASIS_PERIOD,
    )
    _on_commit_dispatch()
    return order


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepReport:
    planned: int = 0
    released: int = 0
    lapsed: int = 0
    inbox_retried: int = 0


def inquiry_sweep(*, now: datetime) -> SweepReport:
    """Periodic work (idempotent): freeze for rounds whose wait is over, release what is no
    longer owed (payments that arrived by other routes), record lapsed freezes (查封规定 2020
    art. 27), and retry inbox messages whose processing failed."""
    report = SweepReport()
    for msg_id in InboxMessage.objects.filter(processed_at__isnull=True, received_at__lt=now).values_list(
        "pk", flat=True
    )[:1000]:
        inbox_process(message_id=msg_id, now=now)
        report.inbox_retried += 1
    due = Control.objects.filter(plan_after__lte=now, released_at__isnull=True, planned_round__lt=F("round"))
    for case_id in due.values_list("case_id", flat=True):
        with transaction.atomic():
            control = _control_lock(Case.objects.get(pk=case_id))
            report.planned += len(_plan(control, now))
    for case_id in set(Freeze.objects.filter(status=FreezeStatus.ACTIVE).values_list("case_id", flat=True)):
        with transaction.atomic():
            control = _control_lock(Case.objects.get(pk=case_id))
            report.released += _reconcile(control, now, None)
    report.lapsed = freezes_lapse(now=now)
    return report


def freezes_lapse(*, now: datetime) -> int:
    """Freezes whose period ended without renewal lapse by law (查封规定 2020 art. 27): the
    freeze is recorded as lapsed, its budget returns, and the officer sees it on the timeline."""
    today = _today(now)
    count = 0
    for pk, case_id in Freeze.objects.filter(status=FreezeStatus.ACTIVE, expires_on__lt=today).values_list(
        "pk", "case_id"
    ):
        with transaction.atomic():
            control = _control_lock(Case.objects.get(pk=case_id))
            freeze = Freeze.objects.select_for_update().select_related("asset", "case").get(pk=pk)
            if (
                freeze.status != FreezeStatus.ACTIVE
                or freeze.expires_on is None
                or freeze.expires_on >= today
            ):
                continue
            expired = freeze.expires_on
            _freeze_end(freeze, FreezeStatus.LAPSED, "期限届满未续行", now)
            _event(
                freeze.case,
                "inquiry.freeze_lapsed",
                f"{freeze.asset.institution_name} {freeze.asset.identifier} 的"
                f"{'冻结' if freeze.is_money else '查封'}已于{expired:%Y-%m-%d}届满未续行，自动失效",
                now,
                None,
                data={"freeze": freeze.pk, "expired_on": expired},
                legal_basis=rules.BASIS_LAPSE,
            )
            count += 1
            del control
    return count


def orders_for(*, case: Case) -> Iterable[Order]:
    return Order.objects.filter(case=case)


def order_get(*, pk: int) -> Order:
    order = Order.objects.select_related("case", "case__court").filter(pk=pk).first()
    if order is None:
        raise NotFound("指令不存在。")
    return order
