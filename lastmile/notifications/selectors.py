"""The notifications of a court officer or a party, read from the facts themselves.

- An officer is told of what others did on the cases it handles (a new clue from a party, a
  control result back from a bank, an approval decided, money arrived, a party's application)
  and of its deadlines coming near (within :data:`NEAR_DAYS` days).
- A party is told of documents served on it and of money received or paid out, exactly as the
  disclosure table lets it see those events (:func:`lastmile.cases.disclosure.party_events`).

What is unread is what came after the person's :class:`~lastmile.notifications.models.ReadMark`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.cases.disclosure import Side, party_events
from lastmile.cases.models import Case, CaseEvent, Deadline
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.inquiry.selectors import control_in_flight
from lastmile.ledger.kinds import LedgerEvent
from lastmile.measures.kinds import MeasuresEvent
from lastmile.service.kinds import ServiceEvent

from .models import ReadMark

#: A deadline is "near" this many days before it falls due.
NEAR_DAYS = 3
#: The list shows this many notifications (the count is of all unread ones).
SHOWN = 100

#: Event kinds an officer is told of, by heading.
STAFF_KINDS: dict[str, str] = {
    EnforcementEvent.CLUE_SUBMITTED: "新线索",
    EnforcementEvent.SETTLEMENT_RELEASE_APPLIED: "当事人申请",
    MeasuresEvent.CORRECTION_RECEIVED: "当事人申请",
    MeasuresEvent.REVIEW_APPLIED: "当事人申请",
    InquiryEvent.ASSETS_FOUND: "查控结果",
    InquiryEvent.FROZEN: "查控结果",
    InquiryEvent.SEIZED: "查控结果",
    InquiryEvent.DEDUCTED: "查控结果",
    InquiryEvent.RELEASED: "查控结果",
    InquiryEvent.ORDER_FAILED: "查控结果",
    EnforcementEvent.ASSISTANCE_REPLIED: "协助回复",
    MeasuresEvent.APPROVED: "审批结果",
    MeasuresEvent.REJECTED: "审批结果",
    EnforcementEvent.EXTENSION_APPROVED: "审批结果",
    EnforcementEvent.EXTENSION_REFUSED: "审批结果",
    EnforcementEvent.ZHONGBEN_REVIEW_APPROVED: "审批结果",
    LedgerEvent.PAYOUT_APPROVED: "审批结果",
    LedgerEvent.PAYOUT_REJECTED: "审批结果",
    LedgerEvent.RECEIPT: "案款到账",
    LedgerEvent.RECEIPT_CLAIMED: "案款到账",
    # the portal's kinds (a floor above this app, so by value): a party's request, a booking
    "portal.request_submitted": "当事人申请",
    "reception.booked": "当事人预约",
    # 布控 sits a floor below but is named by value like the portal's kinds (lastmile.watch.kinds)
    "watch.alert": "布控预警",
}

#: Event kinds a party is told of (when the disclosure table shows them to it), by heading.
PARTY_KINDS: dict[str, str] = {
    ServiceEvent.SERVED: "文书送达",
    ServiceEvent.PUBLIC_NOTICE: "文书送达",
    LedgerEvent.RECEIPT: "收到款项",
    LedgerEvent.RECEIPT_CLAIMED: "收到款项",
    LedgerEvent.PAYOUT_PAID: "案款发放",
    "portal.request_answered": "申请答复",
    "portal.hearing_link_given": "庭审链接",
}


@dataclass(frozen=True)
class Notification:
    at: datetime | date
    heading: str
    text: str
    case_id: int | None
    case_number: str
    unread: bool

    @property
    def when(self) -> str:
        if isinstance(self.at, datetime):
            return timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M")
        return self.at.isoformat()


def read_mark(user: User | Any) -> ReadMark:
    """``user``'s mark (unsaved and empty when it has never looked)."""
    return ReadMark.objects.filter(user_id=user.pk).first() or ReadMark(user_id=user.pk)


#: A 布控 alert's event names the officer told of it (the one on duty, else the case officer).
WATCH_ALERT, WATCH_NOTIFY_KEY = "watch.alert", "notify"


def _staff_events(user: User) -> Any:
    """Events of the officer's cases, and the 布控 alerts of other cases it was on duty for."""
    assert user.court_id is not None
    mine = Q(case__officer_id=user.pk, kind__in=list(STAFF_KINDS))
    on_duty = Q(kind=WATCH_ALERT, **{f"data__{WATCH_NOTIFY_KEY}": user.pk})
    return (
        CaseEvent.objects.filter(court_id=user.court_id)
        .filter(mine | on_duty)
        .exclude(actor_id=user.pk)
        .select_related("case")
    )


def _near_deadlines(user: User, today: date) -> Any:
    assert user.court_id is not None
    return (
        Deadline.objects.filter(
            court_id=user.court_id,
            done_at__isnull=True,
            cancelled_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=NEAR_DAYS),
        )
        .filter(Q(assignee_id=user.pk) | Q(case__officer_id=user.pk))
        .select_related("case")
    )


def _deadline_unread(mark: ReadMark, due_on: date) -> bool:
    return mark.seen_on is None or due_on - timedelta(days=NEAR_DAYS) > mark.seen_on


def staff_unread_count(user: User, *, today: date) -> int:
    """Unread notifications of an officer (the badge): events after its mark, deadlines that came
    near after it last looked."""
    if user.court_id is None:
        return 0
    mark = read_mark(user)
    events = _staff_events(user).filter(pk__gt=mark.seen_event_id).count()
    near = _near_deadlines(user, today)
    if mark.seen_on is not None:
        near = near.filter(due_on__gt=mark.seen_on + timedelta(days=NEAR_DAYS))
    return events + near.count()


def staff_notifications(user: User, *, today: date) -> list[Notification]:
    """An officer's notifications, newest first: near deadlines, then events."""
    if user.court_id is None:
        return []
    mark = read_mark(user)
    rows = [
        Notification(
            at=d.due_on,
            heading="期限临近",
            text=f"{d.label}，{d.due_on:%Y-%m-%d}届满",
            case_id=d.case_id,
            case_number=d.case.number,
            unread=_deadline_unread(mark, d.due_on),
        )
        for d in _near_deadlines(user, today).order_by("due_on", "pk")[:SHOWN]
    ]
    rows += [
        Notification(
            at=e.occurred_at,
            heading=STAFF_KINDS[e.kind],
            text=e.summary,
            case_id=e.case_id,
            case_number=e.case.number if e.case else "",
            unread=e.pk > mark.seen_event_id,
        )
        for e in _staff_events(user).order_by("-pk")[:SHOWN]
    ]
    return rows


def party_notifications(
    user: User, *, cases: list[tuple[Case, frozenset[Side]]], party_id: int
) -> list[Notification]:
    """A party's notifications over ``cases`` (each with the sides the party stands on, as the
    portal has already established), newest first; only what the disclosure table shows it."""
    mark = read_mark(user)
    seen_at = mark.seen_at
    rows = []
    for case, sides in cases:
        if not sides:
            continue
        for e in party_events(
            case=case, sides=sides, party_id=party_id, control_in_flight=control_in_flight(case=case)
        ):
            if e.kind not in PARTY_KINDS:
                continue
            rows.append(
                Notification(
                    at=e.at,
                    heading=PARTY_KINDS[e.kind],
                    text=e.text,
                    case_id=case.pk,
                    case_number=case.number,
                    unread=seen_at is None or e.at > seen_at,
                )
            )
    rows.sort(key=lambda n: n.at, reverse=True)
    return rows[:SHOWN]
