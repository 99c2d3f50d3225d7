"""The event loop of the simulated year and who acts in a case.

:class:`Sim` holds the queue of timed actions, the :class:`FixedClock` moved to each event and
the count of what the services refused. The events are committed in slices of a quarter of a
second of work (:data:`SLICE_S`); each action inside runs in its own savepoint, so a refused action
leaves nothing behind. The officer of the case acts; a judge of its team decides what
the officer cannot (限制消费, 失信, rulings, closing).
"""

from __future__ import annotations

import heapq
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import transaction

from lastmile.accounts.models import Court, Role, User
from lastmile.cases.services import audit_chain_batch
from lastmile.core.clock import SHANGHAI, FixedClock
from lastmile.core.db import planner_statistics_refresh
from lastmile.core.errors import DomainError
from lastmile.parties.models import Party
from lastmile.simulation.plans import CasePlan, working_moment
from lastmile.simulation.staff import Staff

# The longest a transaction of the simulation runs before it commits (wall time; the events are
# simulated-time): what another writer waits for the write lock at most, on SQLite.
SLICE_S = 0.25
#: Simulated days between two refreshes of the query planner's statistics (SQLite's ANALYZE).
ANALYSE_EVERY_DAYS = 7

Progress = Callable[[date, int, int], None]  # (simulated day, cases filed, cases planned)
Action = Callable[[datetime], None]  # one event of a case, run at its ``now``


class Sim:
    def __init__(self, *, court: Court, year: int, seed: int, staff: Staff) -> None:
        self.court, self.year, self.seed, self.staff = court, year, seed, staff
        self.end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
        self.queue: list[tuple[datetime, int, Action]] = []
        self.counter = 0
        self.events = 0
        self.refused: Counter[str] = Counter()
        self.clock = FixedClock(datetime(year, 1, 1, tzinfo=SHANGHAI))
        self.creditors: dict[int, Party] = {}
        # The cases whose notices are due on a day, and what is done first thing that day (the
        # day's notices issued together: :func:`lastmile.simulation.case_life.notices_prepare`).
        self.notices_due: dict[date, list[tuple[datetime, CasePlan]]] = {}
        # What is done first thing each day, outside the slices: each commits its own work.
        self.day_start: list[Callable[[date], None]] = []
        self.analysed_on: date | None = None
        self.people: dict[int, User] = {
            u.pk: u for u in (*staff.judges, *staff.officers, staff.clerk, staff.president, staff.finance)
        }

    def at(self, when: datetime, action: Action) -> None:
        if when < self.end:
            self.counter += 1
            heapq.heappush(self.queue, (when, self.counter, action))

    def key(self, plan: CasePlan, what: str) -> str:
        """An idempotency key of this simulated year: keys are kept per court for good, so each
        names its court, its year, the seed and the case (another year, another seed or the same
        year simulated again beside it never replays this one's payments)."""
        case = plan.case
        assert case is not None
        return f"sim-{self.court.code}-{self.year}-{self.seed}-{case.number}-{what}"

    def later(self, now: datetime, rng: random.Random, days: float) -> datetime:
        return working_moment(rng, (now + timedelta(days=max(days, 0))).date())

    def run(self, progress: Progress | None, total: int) -> None:
        """Process events in time order, a savepoint per event (a refused action leaves nothing
        behind), committed in slices of at most :data:`SLICE_S` seconds of work: one commit per
        slice instead of one per event, what is done shows on the dashboard as the year goes,
        and the platform's other processes (web, worker, plate listener) wait at most one slice
        for the SQLite write lock while a year is being simulated beside them (the turnstile of
        :mod:`lastmile.core.sqlite.base` lets them in between slices). ``progress`` is told
        after each simulated day."""
        filed = 0
        while self.queue:
            today = self.queue[0][0].astimezone(SHANGHAI).date()
            if self.analysed_on is None or (today - self.analysed_on).days >= ANALYSE_EVERY_DAYS:
                # The planner's statistics follow the year's growth (a few tens of milliseconds).
                planner_statistics_refresh()
                self.analysed_on = today
            for prepare in self.day_start:  # each commits its own work, in its own slices
                prepare(today)
            while self.queue and self._today(self.queue[0][0]) == today:
                try:
                    # The slice's case events go into the court's audit chain in one append at its
                    # end (one insert, the head locked once) instead of one per event.
                    with transaction.atomic(), audit_chain_batch():
                        filed += self._slice(today)
                except DomainError as exc:
                    self.refused[exc.code] += 1
            if progress is not None:
                progress(today, filed, total)

    @staticmethod
    def _today(when: datetime) -> date:
        return when.astimezone(SHANGHAI).date()

    def _slice(self, today: date) -> int:
        """Events of ``today`` (including those scheduled for later today by today's own events),
        each in its own savepoint, until the day ends or the slice has taken :data:`SLICE_S`;
        returns how many cases were filed."""
        filed = 0
        deadline = time.monotonic() + SLICE_S
        while self.queue and self._today(self.queue[0][0]) == today:
            when, _, action = heapq.heappop(self.queue)
            self.clock.set(when)
            try:
                # A refused event's savepoint is rolled back, and its gathered chain entries with it.
                with transaction.atomic(), audit_chain_batch():
                    action(when)
            except DomainError as exc:
                self.refused[exc.code] += 1
            self.events += 1
            filed += bool(getattr(action, "is_filing", False))
            if time.monotonic() >= deadline:
                break
        return filed

    # --- who acts -----------------------------------------------------------------------

    def officer(self, plan: CasePlan) -> User:
        """The case's officer, from the staff already loaded (a case's officer is one of them)."""
        case = plan.case
        assert case is not None
        if case.officer_id is None:
            return self.staff.officers[0]
        user = self.people.get(case.officer_id)
        if user is None:
            assert case.officer is not None
            user = self.people[case.officer_id] = case.officer
        return user

    def decider(self, plan: CasePlan) -> User:
        """A judge of the case's team decides (限制消费, 失信, closing) when the officer cannot."""
        officer = self.officer(plan)
        if officer.role == Role.ENFORCEMENT_JUDGE:
            return officer
        same_team = [j for j in self.staff.judges if j.team_id == officer.team_id]
        return (same_team or self.staff.judges)[plan.idx % len(same_team or self.staff.judges)]

    def panel(self, plan: CasePlan) -> list[User]:
        """The 合议庭: the deciding judge and two more judges of the court."""
        judge = self.decider(plan)
        others = [j for j in self.staff.judges if j.pk != judge.pk]
        return [judge, *others[:2]]
