"""Reads of the party portal: a party sees only its own cases, others' data masked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseEvent, Deadline
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.core.identifiers import mask_phone, mask_resident_id
from lastmile.parties.selectors import party_public_view

from .models import BookingStatus, PortalAccount, ReceptionBooking, ReceptionSlot

# 18- or 15-digit ID numbers and mainland mobile numbers inside free text.
_ID_RE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def scrub_text(text: str) -> str:
    """Mask ID numbers and phone numbers that appear inside free text."""
    text = _ID_RE.sub(lambda m: mask_resident_id(m.group(1)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(1)), text)


def account_for(user: Any) -> PortalAccount:
    pk = getattr(user, "pk", None)
    account = None
    if pk is not None:
        account = PortalAccount.objects.filter(user_id=pk).select_related("party").first()
    if account is None:
        raise PermissionDenied("请使用当事人账号登录诉讼服务门户。")
    return account


def party_cases(*, account: PortalAccount) -> QuerySet[Case]:
    return (
        Case.objects.filter(case_parties__party=account.party)
        .select_related("court", "officer")
        .distinct()
        .order_by("-received_at")
    )


def party_case_get(*, account: PortalAccount, case_id: int) -> Case:
    case = party_cases(account=account).filter(pk=case_id).first()
    if case is None:
        raise NotFound("案件不存在或您无权查看。")
    return case


@dataclass(frozen=True)
class ProgressItem:
    at: datetime
    summary: str


@dataclass(frozen=True)
class Progress:
    case: Case
    parties: list[dict[str, str]]
    events: list[ProgressItem]
    next_steps: list[tuple[str, date]]
    officer_name: str
    court_phone: str
    bookings: list[ReceptionBooking]


def case_progress(*, account: PortalAccount, case: Case) -> Progress:
    """Key events, next steps and who handles the case, as the party may see them.

    The party's own identity is shown in full; every other party's is masked, and ID and phone
    numbers inside event summaries are masked too.
    """
    parties = []
    for cp in case.case_parties.select_related("party").order_by("role", "position"):
        if cp.party_id == account.party_id:
            shown = {"name": cp.party.name, "id_number": cp.party.id_number}
        else:
            view = party_public_view(cp.party)
            shown = {"name": view["name"], "id_number": view["id_number"]}
        parties.append({"role": cp.get_role_display(), **shown})
    events = [
        ProgressItem(e.occurred_at, scrub_text(e.summary))
        for e in CaseEvent.objects.filter(case=case).order_by("chain_index")
    ]
    steps = [
        (d.label, d.due_on)
        for d in Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).order_by(
            "due_on"
        )
    ]
    return Progress(
        case=case,
        parties=parties,
        events=events,
        next_steps=steps,
        officer_name=case.officer.name if case.officer else "待分配",
        court_phone=case.court.phone,
        bookings=list(
            ReceptionBooking.objects.filter(account=account, case=case)
            .select_related("slot", "slot__duty_officer")
            .order_by("-booked_at")
        ),
    )


def slots_open(*, case: Case, now: datetime) -> list[tuple[ReceptionSlot, int]]:
    """Future reception slots of the case's court with the places left."""
    result = []
    for slot in ReceptionSlot.objects.filter(court_id=case.court_id, starts_at__gt=now).select_related(
        "duty_officer"
    )[:30]:
        left = slot.capacity - slot.bookings.filter(status=BookingStatus.BOOKED).count()
        result.append((slot, left))
    return result


def duty_bookings(*, officer: User, since: datetime) -> QuerySet[ReceptionBooking]:
    """Bookings the duty officer will receive: slots they hold, from ``since`` on."""
    require(officer, "enforcement.work")
    return (
        ReceptionBooking.objects.filter(
            slot__court=officer.court, slot__duty_officer=officer, slot__ends_at__gte=since
        )
        .select_related("slot", "case", "account__party")
        .order_by("slot__starts_at")
    )
