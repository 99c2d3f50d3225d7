"""Coercive measures of a simulated case through the measures app: proposed by the officer and
approved by the 院长, or refused by the guardrails (counted, not forced); the occasional
detention, fine, summons by force or vehicle seizure of an uncooperative debtor."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from lastmile.cases.models import CaseStatus
from lastmile.core.errors import DomainError
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.plans import CasePlan


def measure(
    sim: Sim,
    plan: CasePlan,
    kind: str,
    now: datetime,
    reason: str = "被执行人未按执行通知履行义务",
    **facts: Any,
) -> Any:
    """Propose (officer) and approve (院长) one measure; the guardrails may refuse it, which
    is counted, not hidden."""
    from lastmile.measures.guardrails import Proposal
    from lastmile.measures.services import measure_approve, measure_propose

    assert plan.case is not None and plan.debtor is not None
    try:
        with transaction.atomic():
            m = measure_propose(
                actor=sim.officer(plan),
                proposal=Proposal(kind=kind, case=plan.case, subject=plan.debtor, **facts),
                reason=reason,
                now=now,
                acknowledge_warnings=True,
            )
            if m.status == "proposed":
                m = measure_approve(actor=sim.staff.president, measure_id=m.pk, now=now)
    except DomainError as exc:
        sim.refused[f"measure:{kind}:{exc.code}"] += 1
        return None
    return m


def coercion(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        from lastmile.measures.services import measure_execute

        assert plan.case is not None
        plan.case.refresh_from_db(fields=["status"])
        if plan.case.status == CaseStatus.CLOSED:
            return
        pick = rng.random()
        if pick < 0.35:
            m = measure(sim, plan, "detention", now, days=rng.choice((5, 10, 15)))
        elif pick < 0.6:
            m = measure(sim, plan, "fine", now, amount=Decimal(rng.choice((1000, 2000, 5000, 10000))))
        elif pick < 0.85:
            m = measure(sim, plan, "summons_by_force", now, hours=8, summons_count=1)
        else:
            m = measure(sim, plan, "vehicle_seizure", now)
        if m is not None and m.status == "approved":
            with transaction.atomic():
                measure_execute(actor=sim.officer(plan), measure_id=m.pk, starts_at=now, now=now)

    return act
