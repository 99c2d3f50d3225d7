"""Writes of the party portal: accounts and reception bookings (执行值班接待)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from lastmile.parties.models import Party

from .models import BookingStatus, PortalAccount, ReceptionBooking, ReceptionSlot


@transaction.atomic
def portal_account_create(*, party: Party, username: str, password: str, now: datetime) -> PortalAccount:
    """A login for ``party``: no court, no staff role, so it sees only its own cases."""
    user = User(username=username, display_name=party.name, role="")
    user.set_password(password)
    user.save()
    return PortalAccount.objects.create(user=user, party=party, verified_at=now)


def _party_on_case(account: PortalAccount, case: Case) -> bool:
    return CaseParty.objects.filter(case=case, party=account.party).exists()


@transaction.atomic
def reception_slot_open(
    *, actor: User, starts_at: datetime, ends_at: datetime, duty_officer: User, capacity: int = 4
) -> ReceptionSlot:
    require(actor, "enforcement.work")
    if actor.court is None or duty_officer.court_id != actor.court_id:
        raise PermissionDenied("值班干警须为本院人员。")
    if ends_at <= starts_at:
        raise InvalidTransition("接待结束时间须晚于开始时间。")
    return ReceptionSlot.objects.create(
        court=actor.court,
        starts_at=starts_at,
        ends_at=ends_at,
        duty_officer=duty_officer,
        capacity=capacity,
    )


@transaction.atomic
def booking_make(
    *, account: PortalAccount, case: Case, slot_id: int, topic: str, now: datetime
) -> ReceptionBooking:
    """Book a reception slot of the case's court for one's own case.

    The slot row is locked, so two bookings cannot both take its last place.
    """
    if not _party_on_case(account, case):
        raise NotFound("案件不存在或您无权查看。")
    slot = ReceptionSlot.objects.select_for_update().filter(pk=slot_id, court_id=case.court_id).first()
    if slot is None:
        raise NotFound("该接待时段不存在。")
    if slot.starts_at <= now:
        raise InvalidTransition("该接待时段已开始或已结束，请选择其他时段。")
    topic = (topic or "").strip()
    if not topic:
        raise InvalidTransition("请填写来访事由。")
    taken = slot.bookings.filter(status=BookingStatus.BOOKED).count()
    if taken >= slot.capacity:
        raise Conflict("该接待时段已约满，请选择其他时段。")
    if slot.bookings.filter(account=account, status=BookingStatus.BOOKED).exists():
        raise Conflict("您已预约该时段。")
    booking = ReceptionBooking.objects.create(
        slot=slot, case=case, account=account, topic=topic[:256], booked_at=now
    )
    case_event_record(
        case=case,
        kind="reception.booked",
        summary=f"当事人预约执行值班接待（{slot.starts_at:%Y-%m-%d %H:%M}）",
        actor=account.user,
        now=now,
        data={"slot": slot.pk, "booking": booking.pk},
    )
    return booking


@transaction.atomic
def booking_cancel(*, account: PortalAccount, booking_id: int, now: datetime) -> ReceptionBooking:
    booking = (
        ReceptionBooking.objects.select_for_update()
        .filter(pk=booking_id, account=account)
        .select_related("slot", "case")
        .first()
    )
    if booking is None:
        raise NotFound("预约不存在。")
    if booking.status != BookingStatus.BOOKED:
        raise InvalidTransition("该预约已不能取消。")
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    case_event_record(
        case=booking.case,
        kind="reception.cancelled",
        summary="当事人取消执行值班接待预约",
        actor=account.user,
        now=now,
        data={"booking": booking.pk},
    )
    return booking


@transaction.atomic
def booking_receive(*, officer: User, booking_id: int, outcome: str, now: datetime) -> ReceptionBooking:
    """The duty officer records the reception."""
    require(officer, "enforcement.work")
    booking = (
        ReceptionBooking.objects.select_for_update()
        .filter(pk=booking_id, slot__court=officer.court)
        .filter(Q(slot__duty_officer=officer) | Q(case__officer=officer))
        .select_related("case")
        .first()
    )
    if booking is None:
        raise NotFound("预约不存在或不由您接待。")
    if booking.status != BookingStatus.BOOKED:
        raise InvalidTransition("该预约已处理。")
    booking.status = BookingStatus.RECEIVED
    booking.outcome = (outcome or "").strip()[:512]
    booking.save(update_fields=["status", "outcome"])
    case_event_record(
        case=booking.case,
        kind="reception.received",
        summary="执行值班接待完成",
        actor=officer,
        now=now,
        data={"booking": booking.pk},
    )
    return booking
