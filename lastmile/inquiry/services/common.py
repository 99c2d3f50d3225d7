"""What every family of inquiry services shares: the keys, the settings read as periods, the
dispatcher's wake-up, the case's :class:`Control` row lock (the first lock of every action), the
money held on the case, the timeline event, and the locked freeze of an order and its end."""

from __future__ import annotations

import logging
import uuid
from contextvars import ContextVar
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_event_record, deadline_cancel
from lastmile.core.errors import NotFound
from lastmile.core.money import to_money
from lastmile.inquiry.kinds import InquiryDeadline, InquiryEvent

from ..conf import inquiry_setting
from ..models import HOLDING_STATUSES, AssetKind, Control, Freeze, Order

# The services' single logger, whichever module of the package logs.
log = logging.getLogger("lastmile.inquiry.services")

ZERO = Decimal("0.00")
WORKING = (CaseStatus.FILED, CaseStatus.IN_PROGRESS)
SEIZABLE = (AssetKind.VEHICLE, AssetKind.REAL_ESTATE, AssetKind.EQUITY, AssetKind.SECURITIES)


# While the inbox worker applies a batch of one case's messages, ``_plan`` and ``_reconcile`` only
# note that they are wanted (case id -> {"plan", "reconcile"}) and run once at the end of the batch,
# against everything the batch brought (see ``inbox.inbox_apply``).
_deferred: ContextVar[dict[int, set[str]] | None] = ContextVar("inquiry_deferred", default=None)


def _defer(case_id: int, what: str) -> bool:
    """Note ``what`` for the end of the batch applying ``case_id``; False when no batch is open."""
    pending = _deferred.get()
    if pending is None or case_id not in pending:
        return False
    pending[case_id].add(what)
    return True


def _new_key(kind: str) -> str:
    return f"{kind[:3]}-{uuid.uuid4().hex}"


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=float(inquiry_setting(name)))


def _on_commit_dispatch() -> None:
    from ..tasks import orders_dispatch_task

    def enqueue() -> None:
        try:
            orders_dispatch_task.enqueue()
        except Exception:  # the worker's sweep sends due orders anyway
            log.exception("could not enqueue the inquiry dispatcher")

    transaction.on_commit(enqueue)


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


def _event(
    case: Case, kind: InquiryEvent, summary: str, now: datetime, actor: User | None, **kw: Any
) -> None:
    case_event_record(case=case, kind=kind, summary=summary, actor=actor, now=now, **kw)


def _order_freeze(order: Order) -> Freeze:
    if order.freeze_id is None:
        raise NotFound("指令未关联冻结记录。")
    return Freeze.objects.select_for_update().select_related("asset").get(pk=order.freeze_id)


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
    deadline_cancel(case=freeze.case, kinds=[InquiryDeadline.RENEWAL], source=freeze, now=now)
    if not freeze.is_money:
        # 轮候查封 (查封规定 2020 art. 26): the earliest waiting seizure of the item takes effect.
        from .waiting import waiting_seizures_promote

        waiting_seizures_promote(identifier=freeze.asset.identifier, now=now)
