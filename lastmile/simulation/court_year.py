"""A court-year you can watch: a seeded, reproducible year of enforcement driven through the
platform's own services (filing, triage, notices served electronically, 网络查控 with freezes,
deductions and seizures, payments, settlements, coercive measures, 终本 with the applicant's
opinion, closings), never by inserting rows. The banks and registries answering the inquiry
app's orders are the simulation's own (:mod:`lastmile.simulation.institutions`), through the
inquiry inbox.

Every event carries its own ``now``; the process clock is a :class:`FixedClock` moved to each
event, so nothing reads the real clock. Each event runs in its own transaction (inside the
services). The same seed on an empty database gives the same year.

Each case lives the plan drawn for it in :mod:`lastmile.simulation.plans`, calibrated on the
shape of the 2023 武陵 report (January–September 2023: 6,772 received, 6,264 closed, a closing
rate of 89.7 %, 42.4 % of the amount applied for recovered, 38 days on average): ``--cases 6772``
for 湘0702 is a whole year with as many filings as those nine months, so its rates compare
loosely with the report's, its counts do not; see ``docs/statistics.md``. The simulation is a
top-floor app of its own: it drives the stage apps' services and is no read model (the
statistics only read what it leaves behind).

The year is driven from here; its parts live beside it: the event loop and who acts
(:mod:`~lastmile.simulation.engine`), the parties (:mod:`~lastmile.simulation.people`), the life
of a case up to its path (:mod:`~lastmile.simulation.case_life`), 网络查控, deductions and auctions
(:mod:`~lastmile.simulation.control`), payments and closings (:mod:`~lastmile.simulation.closing`),
coercive measures (:mod:`~lastmile.simulation.coercion`), 执行和解 and 执恢
(:mod:`~lastmile.simulation.settlement`) and the 终本 preparation (:mod:`~lastmile.simulation.zhongben`).
"""

from __future__ import annotations

import time as _time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from lastmile.accounts.models import Court, User
from lastmile.accounts.services import courts_load
from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI, use_clock
from lastmile.enforcement.services import triage_rules_update
from lastmile.simulation.case_life import notices_prepare, schedule_case
from lastmile.simulation.engine import Progress, Sim
from lastmile.simulation.plans import year_plans
from lastmile.simulation.staff import staff_ensure

__all__ = ["Progress", "SimulationResult", "court_has_cases", "simulate_year"]


@dataclass
class SimulationResult:
    court: str
    year: int
    seed: int
    cases: int
    events: int
    refused: Counter[str]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "court": self.court,
            "year": self.year,
            "seed": self.seed,
            "cases": self.cases,
            "events": self.events,
            "refused": dict(self.refused),
            "seconds": round(self.seconds, 1),
        }


def simulate_year(
    *,
    court_code: str,
    year: int,
    cases: int,
    seed: int = 2023,
    progress: Progress | None = None,
) -> SimulationResult:
    """Drive ``cases`` enforcement filings through ``year`` at ``court_code``, each case living
    its planned life (see :data:`lastmile.simulation.plans.OUTCOMES`) until it closes or the year ends."""
    started = _time.monotonic()
    if not Court.objects.filter(code=court_code).exists():
        courts_load()
    court = Court.objects.get(code=court_code)
    staff = staff_ensure(court, prefix=f"sim{court.pk}")
    sim = Sim(court=court, year=year, seed=seed, staff=staff)
    plans = year_plans(year=year, cases=cases, seed=seed)
    admin = User.objects.get(username=f"sim{court.pk}_admin")
    # The court's own triage policy (a basic court's debts are small): 30,000 yuan or more, or a
    # debtor with other open cases, goes to the complex-case team.
    triage_rules_update(
        actor=admin,
        court=court,
        complex_score=2,
        changes=[("amount", Decimal("30000"), 2, True), ("organisation", None, 1, True)],
        now=datetime(year, 1, 1, 8, tzinfo=SHANGHAI),
    )
    sim.day_start.append(partial(notices_prepare, sim))
    for plan in plans:
        schedule_case(sim, plan)
    with use_clock(sim.clock):
        sim.run(progress, len(plans))
        _month_end_sweeps(sim)
    return SimulationResult(
        court=court_code,
        year=year,
        seed=seed,
        cases=len(plans),
        events=sim.events,
        refused=sim.refused,
        seconds=_time.monotonic() - started,
    )


def _month_end_sweeps(sim: Sim) -> None:
    """Publish the 失信 listings whose grace period ended (the measures app's own sweep)."""
    from lastmile.measures.services import listings_publish_due

    listings_publish_due(now=datetime(sim.year, 12, 31, 18, tzinfo=SHANGHAI))


def court_has_cases(*, court_code: str, year: int) -> bool:
    return Case.objects.filter(court__code=court_code, year=year).exists()
