"""Reads of the party portal: a party sees only its own cases, and of them only what
:mod:`lastmile.cases.disclosure` lets its side see; others' data masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.disclosure import (
    SIDE_ROLES,
    Side,
    case_disclosed,
    party_deadlines,
    party_events,
    sides_of,
)
from lastmile.cases.disclosure import scrub_text as scrub_text  # re-exported for the portal's callers
from lastmile.cases.models import Case, CaseParty
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.enforcement.selectors import ENFORCEMENT_TYPES, case_progress_for_party
from lastmile.inquiry.selectors import control_in_flight
from lastmile.parties.selectors import party_public_view

from .models import BookingStatus, PortalAccount, ReceptionBooking, ReceptionSlot


def account_for(user: Any) -> PortalAccount:
    pk = getattr(user, "pk", None)
    account = None
    if pk is not None:
        account = PortalAccount.objects.filter(user_id=pk).select_related("party").first()
    if account is None:
        raise PermissionDenied("请使用当事人账号登录诉讼服务门户。")
    return account


def account_sides(*, account: PortalAccount, case: Case) -> frozenset[Side]:
    """The sides of ``case`` the account's party stands on (see :mod:`lastmile.cases.disclosure`)."""
    return sides_of(case=case, party_id=account.party_id)


def account_is_debtor_only(*, account: PortalAccount) -> bool:
    """A debtor's account: its party is on the debtor side of some case and a creditor in none.

    Such an account may follow its cases but cannot act as an applicant (file for enforcement,
    report clues): 民事诉讼法 2023 art. 247 gives the right to apply for enforcement to the
    party entitled under the judgment, not to the one bound by it."""
    roles = set(CaseParty.objects.filter(party_id=account.party_id).values_list("role", flat=True))
    return bool(roles & set(SIDE_ROLES[Side.DEBTOR])) and not roles & set(SIDE_ROLES[Side.APPLICANT])


def _party_case_rows(account: PortalAccount) -> QuerySet[Case]:
    return (
        Case.objects.filter(case_parties__party=account.party)
        .select_related("court", "officer")
        .distinct()
        .order_by("-received_at")
    )


def party_cases(*, account: PortalAccount) -> list[Case]:
    """The account's cases that are disclosed to it: an applicant sees the cases it asked for; a
    debtor sees an enforcement case only once an act of the court has reached it."""
    party_id = account.party_id
    return [
        case
        for case in _party_case_rows(account)
        if case_disclosed(case=case, sides=account_sides(account=account, case=case), party_id=party_id)
    ]


def party_case_get(*, account: PortalAccount, case_id: int) -> Case:
    case = _party_case_rows(account).filter(pk=case_id).first()
    if case is None or not case_disclosed(
        case=case, sides=account_sides(account=account, case=case), party_id=account.party_id
    ):
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
    guidance: list[str]
    officer_name: str
    court_phone: str
    bookings: list[ReceptionBooking]
    is_applicant: bool


def case_progress(*, account: PortalAccount, case: Case) -> Progress:
    """Key events, next steps and who handles the case, as the party may see them.

    What each side sees of the events and deadlines is decided by
    :mod:`lastmile.cases.disclosure` (deny by default). The party's own identity is shown in
    full; every other party's is masked, and ID and phone numbers inside texts are masked too.
    """
    sides = account_sides(account=account, case=case)
    parties = []
    for cp in case.case_parties.select_related("party").order_by("role", "position"):
        if cp.party_id == account.party_id:
            shown = {"name": cp.party.name, "id_number": cp.party.id_number}
        else:
            view = party_public_view(cp.party)
            shown = {"name": view["name"], "id_number": view["id_number"]}
        parties.append({"role": cp.get_role_display(), **shown})
    controlling = control_in_flight(case=case)
    if case.type_code in ENFORCEMENT_TYPES:
        summary = case_progress_for_party(case, sides=sides, party_id=account.party_id)
        guidance = summary.next_steps
    else:
        guidance = []
    events = [
        ProgressItem(e.at, e.text)
        for e in party_events(
            case=case, sides=sides, party_id=account.party_id, control_in_flight=controlling
        )
    ]
    steps = [
        (d.text, d.due_on)
        for d in party_deadlines(
            case=case, sides=sides, party_id=account.party_id, control_in_flight=controlling
        )
    ]
    return Progress(
        case=case,
        parties=parties,
        events=events,
        next_steps=steps,
        guidance=guidance,
        officer_name=case.officer.name if case.officer else "待分配",
        court_phone=case.court.phone,
        bookings=list(
            ReceptionBooking.objects.filter(account=account, case=case)
            .select_related("slot", "slot__duty_officer")
            .order_by("-booked_at")
        ),
        is_applicant=Side.APPLICANT in sides and not account_is_debtor_only(account=account),
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
