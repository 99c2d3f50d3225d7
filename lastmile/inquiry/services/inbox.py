"""The inbox: signed answers from institutions, stored once and applied in any order of arrival."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from lastmile.cases.services import audit_chain_batch, deadline_complete, deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.core.db import bulk_set
from lastmile.core.errors import InvalidAmount
from lastmile.core.money import format_yuan, to_money
from lastmile.inquiry.kinds import InquiryDeadline, InquiryEvent
from lastmile.ledger.services import receipt_record

from .. import rules
from ..documents import order_ruling_serve
from ..models import (
    Asset,
    AssetKind,
    Control,
    Freeze,
    FreezeStatus,
    InboxMessage,
    Order,
    OrderKind,
    OrderStatus,
)
from .common import ZERO, _control_lock, _deferred, _event, _freeze_end, _order_freeze, _seconds, log
from .held import _deduct_hold_reason, _deducted_amount, _result_hold
from .policy import _order_fail, _plan, _reconcile

INBOX_BATCH = 400  # messages one worker takes at a time


def _inbox_row(institution: str, message: dict[str, Any], now: datetime) -> InboxMessage:
    message_id = str(message.get("message_id") or "")[:80]
    if not message_id:
        raise InvalidAmount("回执缺少消息编号。")
    return InboxMessage(
        institution=institution,
        message_id=message_id,
        order_key=str(message.get("order_id") or "")[:64],
        status=str(message.get("status") or "")[:16],
        payload=message,
        received_at=now,
    )


def inbox_store(*, institution: str, messages: Sequence[dict[str, Any]], now: datetime) -> int:
    """Store verified messages from ``institution`` for the inbox worker (:func:`inbox_apply`):
    one INSERT for all of them, a message already stored (same institution and message id) is
    left as it is. Nothing is applied here, so an institution's callback is answered at once.
    Returns the number of messages given."""
    rows = [_inbox_row(institution, m, now) for m in messages]
    if rows:
        InboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@dataclass
class InboxReport:
    applied: int = 0  # messages applied (or recorded as about no known order)
    cases: int = 0  # cases whose messages were applied in one batch each
    busy: int = 0  # messages left for the next batch: their case was locked by someone else
    failed: int = 0  # messages whose case batch raised (left with an error for the sweep)


def inbox_apply(*, now: datetime, limit: int = INBOX_BATCH) -> InboxReport:
    """The inbox worker's step: take up to ``limit`` stored messages and apply them, per case,
    each case in a short transaction of its own.

    ``accepted`` messages move their orders forward in one UPDATE for the whole step. The results
    of one case are applied together under the case's Control lock, taken with ``SKIP LOCKED`` on
    PostgreSQL (a case another worker or an officer holds is left for the next step, so several
    workers share the inbox without waiting for each other; on SQLite, which takes one writer,
    run one worker): the case's messages claimed (``FOR UPDATE SKIP LOCKED``, still unapplied),
    its orders read in one query, each result applied, the freeze plan and the release of what is
    no longer owed decided once for the batch, and the messages marked done in one UPDATE. Short
    transactions matter: every event of a court appends to the court's audit chain, whose head
    stays locked until the transaction ends. A case whose batch fails is rolled back alone and its
    messages keep the error for the sweep, which retries them one by one. Workers visit the cases
    of a step in different orders (shuffled), so two of them seldom reach for the same case."""
    report = InboxReport()
    skip = connection.features.has_select_for_update_skip_locked
    messages = list(
        InboxMessage.objects.filter(processed_at__isnull=True, error="")
        .order_by("received_at", "pk")
        .values_list("pk", "order_key", "institution", "status")[:limit]
    )
    if not messages:
        return report
    orders = {
        key: (pk, institution, case_id)
        for pk, key, institution, case_id in Order.objects.filter(
            key__in={m[1] for m in messages}
        ).values_list("pk", "key", "institution", "case_id")
    }
    unknown: list[int] = []
    accepted: dict[int, int] = {}  # message -> order
    by_case: dict[int, list[int]] = {}
    for pk, key, institution, status in messages:
        found = orders.get(key)
        if found is None or found[1] != institution:  # an institution answers only its own orders
            unknown.append(pk)
        elif status == "accepted":
            accepted[pk] = found[0]
        else:
            by_case.setdefault(found[2], []).append(pk)
    if unknown:
        InboxMessage.objects.filter(pk__in=unknown, processed_at__isnull=True).update(
            processed_at=now, error="未知指令"
        )
        report.applied += len(unknown)
    if accepted:
        report.applied += _accepted_apply(accepted, now, skip=skip)
    cases = list(by_case)
    random.shuffle(cases)
    for case_id in cases:
        _case_batch_apply(case_id, by_case[case_id], now, report, skip=skip)
    return report


def _accepted_apply(accepted: dict[int, int], now: datetime, *, skip: bool) -> int:
    with transaction.atomic():
        qs = InboxMessage.objects.filter(pk__in=list(accepted), processed_at__isnull=True)
        mine = list((qs.select_for_update(skip_locked=True) if skip else qs).values_list("pk", flat=True))
        if not mine:
            return 0
        # Only moves an order forward from pending/sent; a late or repeated "accepted" is a no-op.
        Order.objects.filter(
            pk__in={accepted[m] for m in mine}, status__in=(OrderStatus.PENDING, OrderStatus.SENT)
        ).update(
            status=OrderStatus.ACKNOWLEDGED,
            acknowledged_at=now,
            next_attempt_at=now + _seconds("RESULT_TIMEOUT_SECONDS"),
        )
        InboxMessage.objects.filter(pk__in=mine).update(processed_at=now, error="")
    return len(mine)


def _case_batch_apply(
    case_id: int, ids: list[int], now: datetime, report: InboxReport, *, skip: bool
) -> None:
    token = _deferred.set({case_id: set()})
    try:
        # All the batch's events (the inquiry's, its documents', the services') go into the
        # court's audit chain in one append as the transaction ends: the head is locked last.
        with transaction.atomic(), audit_chain_batch():
            locked = Control.objects.select_for_update(skip_locked=skip, of=("self",)).filter(case_id=case_id)
            control = locked.select_related("case").first()
            if control is None:
                if Control.objects.filter(case_id=case_id).exists():  # held elsewhere: next step
                    report.busy += len(ids)
                    return
                from lastmile.cases.models import Case

                control = _control_lock(Case.objects.get(pk=case_id))
            claim = InboxMessage.objects.filter(pk__in=ids, processed_at__isnull=True, error="")
            if skip:
                claim = claim.select_for_update(skip_locked=True)
            msgs = list(claim.order_by("received_at", "pk"))
            if not msgs:
                return  # another worker applied them meanwhile
            keys = {m.order_key for m in msgs}
            orders = {
                o.key: o
                for o in Order.objects.select_for_update()
                .select_related("case", "party")
                .filter(key__in=keys, case_id=case_id)
            }
            done: list[Order] = []  # orders a result made final: saved in one statement below
            for msg in msgs:
                _message_apply(orders[msg.order_key], control, msg, now, done=done)
            if done:
                bulk_set(Order, list({o.pk: o for o in done}.values()), _DONE_FIELDS)
            wanted = (_deferred.get() or {}).get(case_id, set())
            _deferred.set(None)  # the decisions below run for real
            if "plan" in wanted:
                _plan(control, now)
            if "reconcile" in wanted:
                _reconcile(control, now, None)
            InboxMessage.objects.filter(pk__in=[m.pk for m in msgs]).update(processed_at=now, error="")
        report.applied += len(msgs)
        report.cases += 1
    except Exception as exc:  # recorded for the sweep to retry one by one; the step goes on
        log.exception("inquiry inbox: the batch of case %s failed", case_id)
        InboxMessage.objects.filter(pk__in=ids, processed_at__isnull=True).update(error=str(exc)[:256])
        report.failed += len(ids)
    finally:
        _deferred.reset(token)


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


_DONE_FIELDS = ["status", "finished_at", "next_attempt_at", "last_error", "result"]


def _message_apply(
    order: Order, control: Control, msg: InboxMessage, now: datetime, *, done: list[Order] | None = None
) -> None:
    """Apply one result to ``order``. ``done``: the batch saves the orders made final in one
    statement after its messages (before its plan and release decisions, which read them)."""
    # "accepted" never reaches here: _inbox_process answers it without the case lock.
    status = msg.status
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
    if done is None:
        order.save(update_fields=_DONE_FIELDS)
    else:
        done.append(order)
    handler = _RESULT_HANDLERS[order.kind]
    handler(order, control, result, now)
    if order.kind != OrderKind.INQUIRE:  # only money movements change what is held or owed
        _reconcile(control, now, None)


def _assets_found(order: Order, control: Control, result: dict[str, Any], now: datetime) -> None:
    """Record the assets an inquiry found: the case's known ones of this institution read in one
    query, the new ones inserted in one statement, the known ones updated in one."""
    items: list[tuple[str, str, dict[str, Any]]] = []
    for item in result.get("assets") or []:
        kind = str(item.get("kind") or "")
        if kind in AssetKind.values:
            items.append((kind, str(item.get("identifier") or "")[:64], item))
    known = {
        a.identifier: a
        for a in Asset.objects.filter(
            case_id=order.case_id,
            institution=order.institution,
            identifier__in={identifier for _, identifier, _ in items},
        )
    }
    found: list[Asset] = []
    new: dict[str, Asset] = {}
    changed: dict[str, Asset] = {}
    for kind, identifier, item in items:
        balance = to_money(str(item["balance"])) if item.get("balance") not in (None, "") else None
        asset = known.get(identifier)
        if asset is None:
            asset = Asset(
                case_id=order.case_id,
                institution=order.institution,
                identifier=identifier,
                court_id=order.court_id,
                party_id=order.party_id,
                kind=kind,
                label=str(item.get("label") or "")[:128],
                balance=balance,
                details=item.get("details") or {},
                found_at=now,
                order=order,
            )
            known[identifier] = new[identifier] = asset
        else:
            asset.balance = balance
            asset.details = item.get("details") or {}
            asset.found_at = now
            asset.order = order
            if identifier not in new:
                changed[identifier] = asset
        found.append(asset)
    if new:
        Asset.objects.bulk_create(list(new.values()))
    if changed:
        bulk_set(Asset, list(changed.values()), ["balance", "details", "found_at", "order"])
    if found:
        money = sum((a.balance or ZERO for a in found if a.kind == AssetKind.DEPOSIT), ZERO)
        _event(
            order.case,
            InquiryEvent.ASSETS_FOUND,
            f"{order.institution_name}反馈：查得{order.party.name}名下财产{len(found)}项"
            + (f"，余额合计{format_yuan(money)}元" if money else ""),
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
        f"冻结{freeze.asset.institution_name}账户{format_yuan(frozen)}元"
        if freeze.is_money
        else (f"查封{freeze.asset.get_kind_display()}{freeze.asset.label or freeze.asset.identifier}")
    )
    _event(
        order.case,
        InquiryEvent.FROZEN if freeze.is_money else InquiryEvent.SEIZED,
        f"{what}（{order.party.name}），期限至{freeze.expires_on:%Y-%m-%d}",
        now,
        None,
        data={"freeze": freeze.pk, "amount": frozen, "expires_on": freeze.expires_on, "order": order.pk},
        legal_basis=rules.BASIS_PERIOD,
    )
    order_ruling_serve(order=order, now=now)  # the act has landed: the parties are told
    if freeze.is_money and frozen < freeze.amount_requested:
        # The institution had less than we knew: this account is done for the round, and the
        # part not frozen goes back to the budget for the next account.
        Asset.objects.filter(pk=freeze.asset_id).update(planned_round=control.round)
    if freeze.is_money:
        _plan(control, now)


def _renewal_deadline_open(freeze: Freeze, today: date) -> None:
    assert freeze.expires_on is not None
    deadline_open(
        case=freeze.case,
        kind=InquiryDeadline.RENEWAL,
        source=freeze,
        label=f"续行{'冻结' if freeze.is_money else '查封'}：{freeze.asset.institution_name} "
        f"{freeze.asset.identifier}（{freeze.expires_on:%Y-%m-%d}届满）",
        starts_on=today,
        due_on=rules.renewal_reminder_on(freeze.expires_on, today),
        legal_basis=rules.BASIS_PERIOD,
    )


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
        InquiryEvent.DEDUCTED,
        f"扣划{freeze.asset.institution_name}账户{format_yuan(amount)}元至本案账户（{order.party.name}）",
        now,
        None,
        data={"freeze": freeze.pk, "amount": amount, "order": order.pk},
        legal_basis=rules.BASIS_DEDUCT,
    )
    order_ruling_serve(order=order, now=now)
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
        summary = (
            f"部分解除冻结{freeze.asset.institution_name}账户{format_yuan(order.amount)}元"
            "（超出尚欠金额部分）"
        )
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
        InquiryEvent.RELEASED,
        summary,
        now,
        None,
        data={"freeze": freeze.pk, "amount": order.amount, "order": order.pk},
        legal_basis=rules.BASIS_NO_OVER_FREEZE,
    )
    order_ruling_serve(order=order, now=now)


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
    deadline_complete(case=freeze.case, kind=InquiryDeadline.RENEWAL, source=freeze, now=now)
    _renewal_deadline_open(freeze, _today(now))
    _event(
        order.case,
        InquiryEvent.RENEWED,
        f"续行{'冻结' if freeze.is_money else '查封'}{freeze.asset.institution_name} "
        f"{freeze.asset.identifier}，期限至{new_until:%Y-%m-%d}",
        now,
        None,
        data={"freeze": freeze.pk, "expires_on": new_until},
        legal_basis=rules.BASIS_PERIOD,
    )
    order_ruling_serve(order=order, now=now)


_RESULT_HANDLERS: dict[str, Callable[[Order, Control, dict[str, Any], datetime], None]] = {
    OrderKind.INQUIRE: _assets_found,
    OrderKind.FREEZE: _freeze_done,
    OrderKind.SEIZE: _freeze_done,
    OrderKind.DEDUCT: _deduct_done,
    OrderKind.UNFREEZE: _unfreeze_done,
    OrderKind.RENEW: _renew_done,
}
