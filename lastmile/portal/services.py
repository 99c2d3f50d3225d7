"""Writes of the party portal: accounts and reception bookings (执行值班接待)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.accounts.services import party_login_create
from lastmile.cases.disclosure import Side
from lastmile.cases.models import Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from lastmile.enforcement.models import Clue
from lastmile.enforcement.services import ExecutionBasisIn, clue_submit, enforcement_file_with_parties
from lastmile.parties.models import Party
from lastmile.portal.kinds import PortalEvent

from .models import BookingStatus, PortalAccount, ReceptionBooking, ReceptionSlot
from .selectors import account_is_debtor_only, account_sides

NOT_APPLICANT = "not_applicant"


@transaction.atomic
def portal_account_create(*, party: Party, username: str, password: str, now: datetime) -> PortalAccount:
    """A login for ``party``: no court, no staff role, so it sees only its own cases."""
    user = party_login_create(username=username, display_name=party.name, password=password)
    return PortalAccount.objects.create(user=user, party=party, verified_at=now)


def applicant_require(*, account: PortalAccount, case: Case | None = None) -> None:
    """Refuse a debtor's account acting as an applicant (filing for enforcement, reporting clues).

    Only the party entitled under an effective judgment may apply for enforcement (民事诉讼法
    2023 art. 247) and it is the applicant who reports the debtor's property (最高人民法院关于民事
    执行中财产调查若干问题的规定 2020 art. 2). A debtor's account — on the debtor side of some
    case and a creditor in none — is refused; on a given case, only its applicant side may act.
    Raises :class:`PermissionDenied` (``details.reason == "not_applicant"``)."""
    if account_is_debtor_only(account=account):
        raise PermissionDenied(
            "您的账号是被执行人账号，不能以申请执行人身份申请执行或提交线索。"
            "如您对他人享有经生效法律文书确定的债权，请持身份证明到法院诉讼服务中心办理。",
            details={"reason": NOT_APPLICANT},
        )
    if case is not None and Side.APPLICANT not in account_sides(account=account, case=case):
        raise PermissionDenied(
            "只有本案申请执行人可以提交财产或下落线索。", details={"reason": NOT_APPLICANT}
        )


@transaction.atomic
def party_enforcement_file(
    *,
    account: PortalAccount,
    court: Court,
    basis: ExecutionBasisIn,
    attachments: Sequence[dict[str, Any]],
    known_assets: str,
    now: datetime,
    respondents: Sequence[dict[str, Any]] = (),
    respondent: dict[str, str] | None = None,
) -> Case:
    """An applicant files for enforcement online (网上申请执行) in its own name; a clerk accepts
    it within 7 days. A debtor's account, or a filing against oneself, is refused and nothing is
    written. ``respondents``: one or several (a guarantor marked ``guarantor``); ``respondent``:
    the earlier one-respondent form."""
    applicant_require(account=account)
    party = account.party
    rows = list(respondents) or ([respondent] if respondent is not None else [])
    if any(str(r.get("id_number", "")).strip().upper() == party.id_number.upper() for r in rows):
        raise PermissionDenied(
            "被执行人不能是您自己，请核对被执行人信息。", details={"reason": NOT_APPLICANT}
        )
    return enforcement_file_with_parties(
        court=court,
        basis=basis,
        applicants=[
            {
                "kind": party.kind,
                "name": party.name,
                "id_type": party.id_type,
                "id_number": party.id_number,
                "phone": party.phone,
                "address": party.address,
            }
        ],
        respondents=rows,
        actor=None,
        now=now,
        channel="online",
        submitted_by=party.name,
        known_assets=known_assets,
        attachments=list(attachments),
    )


def party_clue_submit(
    *,
    account: PortalAccount,
    case: Case,
    kind: str,
    description: str,
    location: str,
    urgent: bool,
    now: datetime,
) -> Clue:
    """The case's applicant reports an asset or whereabouts clue (checked within 7 days, 3 if
    urgent; 财产调查规定 2020 art. 2). Anyone else on the case is refused, nothing written."""
    applicant_require(account=account, case=case)
    return clue_submit(
        case=case,
        kind=kind,
        description=description,
        location=location,
        urgent=urgent,
        submitted_by=account.party.name,
        now=now,
    )


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
    if slot.closed_at is not None:
        raise InvalidTransition("该接待时段已由法院关闭，请选择其他时段。")
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
        kind=PortalEvent.BOOKED,
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
        kind=PortalEvent.CANCELLED,
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
        kind=PortalEvent.RECEIVED,
        summary="执行值班接待完成",
        actor=officer,
        now=now,
        data={"booking": booking.pk},
    )
    return booking
