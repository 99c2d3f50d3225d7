"""Writes of the court's reception desk (执行值班接待): duty slots opened and closed by staff, and
visitors who come without booking (来访登记).

Slots are opened by staff who work enforcement or filing (``enforcement.work`` or ``case.file``)
for a range of dates and hours. Closing a slot cancels every booking on it, and each party is told:
the booking shows as cancelled with the court's reason, an SMS goes to the account's phone, and the
case records the cancellation. A walk-in visit records the visitor's name, a checked ID number
(GB 11643-1999), a phone, the case when there is one, the topic, the outcome and who received them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.identifiers import validate_resident_id
from lastmile.parties.models import ServiceChannel
from lastmile.portal.kinds import PortalEvent
from lastmile.service.ports import OutgoingMessage, service_port

from .conf import portal_setting
from .models import BookingStatus, ReceptionBooking, ReceptionSlot, WalkInVisit
from .selectors import reception_court_id

#: At most this many slots in one request (a month of four slots a day).
MAX_SLOTS = 124
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class SlotPlan:
    day_from: date
    day_to: date
    hours: list[tuple[time, time]]
    capacity: int
    place: str
    weekdays_only: bool = True


def _aware(day: date, t: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, t))


@transaction.atomic
def reception_slots_create(
    *, actor: User, plan: SlotPlan, duty_officer: User, now: datetime
) -> list[ReceptionSlot]:
    """Open duty slots for each day of ``plan`` (working days unless told otherwise) and each of
    its hours. A slot already open for the same officer and start is kept, not doubled; a slot in
    the past is refused; nothing is written when any part is refused."""
    court_id = reception_court_id(actor, now=now)
    if duty_officer.court_id != court_id or not duty_officer.is_active:
        raise PermissionDenied("值班干警须为本院在职人员。")
    if plan.day_to < plan.day_from:
        raise InvalidTransition("结束日期不能早于开始日期。")
    if not plan.hours:
        raise InvalidTransition("请至少填写一个接待时间段。")
    if not 1 <= plan.capacity <= 50:
        raise InvalidTransition("每个时段可预约人数应在1至50人之间。")
    for start, end in plan.hours:
        if end <= start:
            raise InvalidTransition(f"接待时间段{start:%H:%M}—{end:%H:%M}的结束时间须晚于开始时间。")
    days = [
        plan.day_from + timedelta(days=i)
        for i in range((plan.day_to - plan.day_from).days + 1)
        if not plan.weekdays_only or (plan.day_from + timedelta(days=i)).weekday() < 5
    ]
    if len(days) * len(plan.hours) > MAX_SLOTS:
        raise InvalidTransition(f"一次最多开放{MAX_SLOTS}个时段，请缩短日期范围。")
    created = []
    for day in days:
        for start, end in plan.hours:
            starts_at = _aware(day, start)
            if starts_at <= now:
                raise InvalidTransition(f"{day:%Y-%m-%d} {start:%H:%M}已过，不能开放。")
            existing = ReceptionSlot.objects.filter(
                court_id=court_id,
                duty_officer=duty_officer,
                starts_at=starts_at,
                closed_at__isnull=True,
            ).exists()
            if existing:
                continue
            created.append(
                ReceptionSlot.objects.create(
                    court_id=court_id,
                    starts_at=starts_at,
                    ends_at=_aware(day, end),
                    duty_officer=duty_officer,
                    capacity=plan.capacity,
                    place=(plan.place or "").strip()[:64] or "执行局接待大厅",
                    created_by=actor,
                )
            )
    return created


def _notify_cancelled(booking: ReceptionBooking, *, reason: str, now: datetime) -> bool:
    """An SMS to the booking account's phone; False when there is no phone or the channel refused."""
    phone = booking.account.user.phone if booking.account.user_id else ""
    phone = phone or booking.account.party.phone
    if not phone:
        return False
    slot = booking.slot
    text = (
        f"【{portal_setting('SMS_SIGNATURE')}】您预约的{slot.starts_at:%m月%d日 %H:%M}执行值班接待已取消："
        f"{reason}。请登录诉讼服务门户另约时间，或致电法院。"
    )
    receipt = service_port().send(
        OutgoingMessage(
            channel=ServiceChannel.SMS,
            address=phone,
            case_number=booking.case.number,
            title=text,
            document_number="",
            document_sha256=hashlib.sha256(f"booking-cancel:{booking.pk}".encode()).hexdigest(),
        ),
        now=now,
    )
    return bool(receipt.accepted)


@transaction.atomic
def reception_slot_close(*, actor: User, slot_id: int, reason: str, now: datetime) -> list[ReceptionBooking]:
    """Close a slot of the actor's court. Every booking on it is cancelled with ``reason``, which
    the party reads on its booking; each party gets an SMS and each case records the cancellation.
    Returns the bookings cancelled."""
    court_id = reception_court_id(actor, now=now)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition("请填写关闭原因，预约的当事人将收到该原因。")
    slot = ReceptionSlot.objects.select_for_update().filter(pk=slot_id, court_id=court_id).first()
    if slot is None:
        raise NotFound("该接待时段不存在。")
    if slot.closed_at is not None:
        raise Conflict("该接待时段已关闭。")
    if slot.ends_at <= now:
        raise InvalidTransition("该接待时段已结束，不能关闭。")
    slot.closed_at = now
    slot.closed_by = actor
    slot.close_reason = reason[:256]
    slot.save(update_fields=["closed_at", "closed_by", "close_reason"])
    cancelled = list(
        ReceptionBooking.objects.select_for_update()
        .filter(slot=slot, status=BookingStatus.BOOKED)
        .select_related("slot", "case", "account__user", "account__party")
    )
    for booking in cancelled:
        booking.status = BookingStatus.CANCELLED
        booking.cancel_reason = f"法院关闭该接待时段：{reason}"[:256]
        booking.save(update_fields=["status", "cancel_reason"])
        sms = _notify_cancelled(booking, reason=reason, now=now)
        case_event_record(
            case=booking.case,
            kind=PortalEvent.CANCELLED,
            summary=f"法院关闭执行值班接待时段（{slot.starts_at:%Y-%m-%d %H:%M}），预约取消：{reason[:80]}",
            actor=actor,
            now=now,
            data={"booking": booking.pk, "slot": slot.pk, "by_court": True, "sms": sms},
        )
    return cancelled


@dataclass(frozen=True)
class WalkInIn:
    name: str
    id_number: str
    phone: str
    topic: str
    outcome: str
    case_number: str = ""


@transaction.atomic
def walk_in_record(*, actor: User, visit: WalkInIn, now: datetime) -> WalkInVisit:
    """Record a visitor received without a booking. The ID number must be a valid resident ID,
    the phone a mobile or landline number; a case, when named, must be one of the actor's court."""
    court_id = reception_court_id(actor, now=now)
    name = visit.name.strip()
    if not name:
        raise InvalidTransition("请填写来访人姓名。")
    rid = validate_resident_id(visit.id_number, today=timezone.localdate(now))
    phone = visit.phone.strip().replace(" ", "")
    if not _PHONE.match(phone):
        raise InvalidTransition("联系电话应为11位手机号码或带区号的固定电话。")
    if not visit.topic.strip():
        raise InvalidTransition("请填写来访事由。")
    if not visit.outcome.strip():
        raise InvalidTransition("请填写接待情况。")
    case = None
    number = visit.case_number.strip().replace("(", "（").replace(")", "）")
    if number:
        case = Case.objects.filter(court_id=court_id, number=number).first()
        if case is None:
            raise NotFound(f"本院没有案号为“{number}”的案件。")
    row = WalkInVisit.objects.create(
        court_id=court_id,
        visited_at=now,
        name=name[:64],
        id_number=rid.number,
        phone=phone,
        case=case,
        topic=visit.topic.strip()[:256],
        outcome=visit.outcome.strip()[:512],
        handled_by=actor,
    )
    if case is not None:
        case_event_record(
            case=case,
            kind=PortalEvent.WALK_IN,
            summary=f"来访接待：{row.topic[:60]}",
            actor=actor,
            now=now,
            data={"visit": row.pk},
        )
    return row
