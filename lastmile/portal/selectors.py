"""Reads of the party portal: a party sees only its own cases, and of them only what
:mod:`lastmile.cases.disclosure` lets its side see; others' data masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
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
from lastmile.documents.models import DocumentStatus
from lastmile.enforcement.selectors import ENFORCEMENT_TYPES, case_progress_for_party
from lastmile.inquiry.models import Freeze, FreezeStatus
from lastmile.inquiry.selectors import control_in_flight
from lastmile.parties.selectors import party_public_view
from lastmile.service.models import ServiceOrder
from lastmile.trial.models import Hearing
from lastmile.trial.selectors import lawsuit_of_case

from .models import (
    BookingStatus,
    PartyRequest,
    PortalAccount,
    ReceptionBooking,
    ReceptionSlot,
    RequestKind,
    WalkInVisit,
)


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
    for slot in ReceptionSlot.objects.filter(
        court_id=case.court_id, starts_at__gt=now, closed_at__isnull=True
    ).select_related("duty_officer")[:30]:
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


# --- served documents, hearings and requests (the parties online) ---------------------------------

#: Who answers a party's online request: staff of the case's court who work cases.
ANSWERING_CAPABILITIES = ("enforcement.work", "trial.work", "mediation.work")

#: Service states in which a document has been put before its recipient: sent (awaiting the
#: delivery report), served, or published by public notice. A failed or any future state shows
#: nothing (deny by default).
SERVICE_SHOWN = ("sent", "served", "notice")


def served_documents(*, account: PortalAccount, case: Case | None = None) -> QuerySet[ServiceOrder]:
    """The service orders of documents served on the account's own party (never another
    party's), newest first; of one case when ``case`` is given. Only issued documents in a
    state of :data:`SERVICE_SHOWN`."""
    qs = ServiceOrder.objects.filter(
        recipient_id=account.party_id, status__in=SERVICE_SHOWN, document__status=DocumentStatus.ISSUED
    )
    if case is not None:
        qs = qs.filter(case=case)
    return qs.select_related("document", "case", "case__court").order_by("-created_at", "-pk")


def served_document_get(*, account: PortalAccount, order_id: int) -> ServiceOrder:
    order = served_documents(account=account).filter(pk=order_id).first()
    if order is None:
        raise NotFound("文书不存在或未向您送达。")
    return order


@dataclass(frozen=True)
class HearingView:
    scheduled_at: datetime
    link: str  # empty until the party has asked for it
    asked: bool


def next_hearing(case: Case) -> Hearing | None:
    """The case's hearing not yet held, earliest first (read through the trial app's
    :func:`~lastmile.trial.selectors.lawsuit_of_case`); None when none is scheduled."""
    lawsuit = lawsuit_of_case(case)
    if lawsuit is None:
        return None
    return lawsuit.hearings.filter(held_at__isnull=True).order_by("scheduled_at", "pk").first()


def party_hearing(*, account: PortalAccount, case: Case) -> HearingView | None:
    """The case's next online hearing as the party sees it: its time, and its link once the
    party has asked for it (:func:`lastmile.portal.services_requests.hearing_link_request`)."""
    hearing = next_hearing(case)
    if hearing is None:
        return None
    asked = PartyRequest.objects.filter(
        case=case, account=account, kind=RequestKind.HEARING_LINK, hearing_id=hearing.pk
    ).exists()
    return HearingView(scheduled_at=hearing.scheduled_at, link=hearing.link if asked else "", asked=asked)


def party_requests(*, account: PortalAccount, case: Case) -> QuerySet[PartyRequest]:
    """The account's own requests on ``case`` with the court's answers, newest first."""
    return PartyRequest.objects.filter(account=account, case=case).exclude(kind=RequestKind.HEARING_LINK)


def case_has_active_freeze(case: Case) -> bool:
    return Freeze.objects.filter(case=case, status=FreezeStatus.ACTIVE).exists()


def requests_for_staff(*, actor: User) -> QuerySet[PartyRequest]:
    """Payment offers and release requests on the actor's court's cases, unanswered first (the
    officer's 当事人申请 page). Staff who work cases only."""
    if not any(actor_can(actor, cap) for cap in ANSWERING_CAPABILITIES) or actor.court_id is None:
        raise PermissionDenied("您没有查看当事人申请的权限。")
    return (
        PartyRequest.objects.filter(case__court_id=actor.court_id)
        .exclude(kind=RequestKind.HEARING_LINK)
        .select_related("case", "account__party", "answered_by")
        .order_by("-status", "-submitted_at", "-pk")
    )


# --- the reception desk (执行值班接待): slots, bookings and walk-in visits of a day -----------------


@dataclass(frozen=True)
class SlotRow:
    slot: ReceptionSlot
    booked: int
    received: int


@dataclass(frozen=True)
class ReceptionDay:
    day: date
    slots: list[SlotRow]
    walk_ins: list[WalkInVisit]
    counts: dict[str, int]


#: Staff who run the reception desk.
RECEPTION_CAPABILITIES = ("enforcement.work", "case.file")


def reception_staff_require(actor: User | Any, *, now: datetime | None = None) -> None:
    """Only court staff who work enforcement or filing run the reception desk."""
    if getattr(actor, "court_id", None) is None or not any(
        actor_can(actor, cap, now=now) for cap in RECEPTION_CAPABILITIES
    ):
        raise PermissionDenied("只有本院执行或立案人员可以管理值班接待。")


def reception_court_id(actor: User | Any, *, now: datetime | None = None) -> int:
    """The court whose reception desk ``actor`` runs (refused unless reception staff)."""
    reception_staff_require(actor, now=now)
    court_id = actor.court_id
    assert court_id is not None  # reception_staff_require refuses an account without a court
    return int(court_id)


def reception_day(*, actor: User, day: date) -> ReceptionDay:
    """The actor's court's reception on ``day``: its slots (closed ones too) with their bookings,
    the walk-in visits, and the counts the duty page shows."""
    court_id = reception_court_id(actor)
    start = timezone.make_aware(datetime.combine(day, time()))
    end = start + timedelta(days=1)
    slots = (
        ReceptionSlot.objects.filter(court_id=court_id, starts_at__gte=start, starts_at__lt=end)
        .select_related("duty_officer")
        .annotate(
            n_booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
            n_received=Count("bookings", filter=Q(bookings__status=BookingStatus.RECEIVED)),
        )
        .order_by("starts_at", "pk")
    )
    rows = [SlotRow(slot=s, booked=s.n_booked, received=s.n_received) for s in slots]
    walk_ins = list(
        WalkInVisit.objects.filter(court_id=court_id, visited_at__gte=start, visited_at__lt=end)
        .select_related("case", "handled_by")
        .order_by("visited_at", "pk")
    )
    counts = {
        "slots_open": sum(1 for r in rows if r.slot.closed_at is None),
        "slots_closed": sum(1 for r in rows if r.slot.closed_at is not None),
        "booked": sum(r.booked for r in rows),
        "received": sum(r.received for r in rows),
        "walk_ins": len(walk_ins),
    }
    return ReceptionDay(day=day, slots=rows, walk_ins=walk_ins, counts=counts)


def reception_slots_ahead(*, actor: User, now: datetime, days: int = 14) -> list[SlotRow]:
    """The court's open slots from ``now`` for the next ``days`` days, with their bookings."""
    court_id = reception_court_id(actor)
    slots = (
        ReceptionSlot.objects.filter(
            court_id=court_id,
            ends_at__gt=now,
            starts_at__lt=now + timedelta(days=days),
            closed_at__isnull=True,
        )
        .select_related("duty_officer")
        .annotate(
            n_booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
            n_received=Count("bookings", filter=Q(bookings__status=BookingStatus.RECEIVED)),
        )
        .order_by("starts_at", "pk")
    )
    return [SlotRow(slot=s, booked=s.n_booked, received=s.n_received) for s in slots]


def reception_case_search(*, actor: User, query: str, limit: int = 10) -> list[Case]:
    """Cases of the actor's court by number or party name, for the walk-in form's case box."""
    court_id = reception_court_id(actor)
    q = (query or "").strip().replace("(", "（").replace(")", "）")
    if len(q) < 2:
        return []
    return list(
        Case.objects.filter(court_id=court_id)
        .filter(Q(number__contains=q) | Q(case_parties__party__name__contains=q))
        .distinct()
        .order_by("-received_at")[:limit]
    )
