"""The payout deadline of a case's money: one open deadline per case, for its oldest money not
yet paid out (first in, first out), due on :func:`lastmile.ledger.rules.payout_due` of the day
that money arrived."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db.models import Sum

from lastmile.cases.models import Case
from lastmile.cases.services import (
    DeadlineOpening,
    deadline_cancel,
    deadline_open,
    deadline_open_many,
    deadlines_open,
    deadlines_open_of_cases,
)
from lastmile.core.clock import court_date as _local_date
from lastmile.ledger.kinds import LedgerDeadline

from ..models import Payout, PayoutStatus, Receipt
from ..rules import FUNDS_RULES, ZERO, oldest_unpaid_arrival, payout_due


def _open_payout_deadline(*, case: Case, arrived_on: date, now: datetime) -> None:
    """Funds must be paid out within PAYOUT_DUE_DAYS of arrival. One open deadline per case, for
    its oldest money not yet paid out (the deadline starts on that money's arrival day); money
    arriving later does not move it."""
    open_days = list(
        deadlines_open(case=case, kind=LedgerDeadline.PAYOUT).values_list("starts_on", flat=True)
    )
    if open_days and min(open_days) <= arrived_on:
        return
    if open_days:  # older money was claimed late: the earlier day now governs
        deadline_cancel(case=case, kinds=[LedgerDeadline.PAYOUT], now=now)
    due = payout_due(arrived_on)
    deadline_open(
        case=case,
        kind=LedgerDeadline.PAYOUT,
        label=f"案款发放（{arrived_on:%Y-%m-%d}到账）",
        starts_on=arrived_on,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=FUNDS_RULES,
    )


def _open_payout_deadlines(*, arrivals: Sequence[tuple[Case, date]], now: datetime) -> None:
    """:func:`_open_payout_deadline` for a batch of cases (case, earliest arrival day in the batch):
    one query for their open deadlines, one update cancelling those an older arrival now governs,
    one bulk insert of the new ones. Same rule, case by case."""
    if not arrivals:
        return
    opened: dict[int, date] = {}
    for case_id, starts_on in deadlines_open_of_cases(
        case_ids=[c.pk for c, _ in arrivals], kind=LedgerDeadline.PAYOUT
    ).values_list("case_id", "starts_on"):
        opened[case_id] = min(starts_on, opened.get(case_id, starts_on))
    todo = [(c, day) for c, day in arrivals if c.pk not in opened or opened[c.pk] > day]
    if not todo:
        return
    superseded = [c.pk for c, _ in todo if c.pk in opened]
    if superseded:  # older money was claimed late: the earlier day now governs
        deadlines_open_of_cases(case_ids=superseded, kind=LedgerDeadline.PAYOUT).update(cancelled_at=now)
    due_of: dict[date, tuple[date, bool]] = {}
    for _, day in todo:
        if day not in due_of:
            due = payout_due(day)
            due_of[day] = (due.day, due.provisional)
    deadline_open_many(
        openings=[
            DeadlineOpening(
                case=c,
                kind=LedgerDeadline.PAYOUT,
                label=f"案款发放（{day:%Y-%m-%d}到账）",
                starts_on=day,
                due_on=due_of[day][0],
                provisional=due_of[day][1],
                legal_basis=FUNDS_RULES,
            )
            for c, day in todo
        ]
    )


def _held_since(case: Case) -> date | None:
    """The arrival day of the case's oldest money not yet paid out (None: all paid out)."""
    arrivals = [
        (_local_date(received_at), amount)
        for received_at, amount in Receipt.objects.filter(case=case)
        .order_by("received_at", "pk")
        .values_list("received_at", "amount")
    ]
    paid = Payout.objects.filter(case=case, status=PayoutStatus.PAID).aggregate(s=Sum("amount"))["s"] or ZERO
    return oldest_unpaid_arrival(arrivals, paid)


def _disbursement_due(case: Case) -> date | None:
    """The day by which the oldest money not yet paid out must be paid out (FIFO)."""
    held_since = _held_since(case)
    return payout_due(held_since).day if held_since is not None else None


def _complete_covered_deadlines(*, case: Case, now: datetime) -> None:
    """After a payout: close the deadline once its day's money is all paid out (FIFO) and open
    the one for the next oldest money still held, if any."""
    oldest_held = _held_since(case)
    covered = deadlines_open(case=case, kind=LedgerDeadline.PAYOUT)
    if oldest_held is not None:
        covered = covered.exclude(starts_on=oldest_held)
    covered.update(done_at=now)
    if oldest_held is not None:
        _open_payout_deadline(case=case, arrived_on=oldest_held, now=now)
