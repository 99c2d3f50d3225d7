"""Payments and closings of a simulated case: the debtor's payments recorded by the officer
(idempotent per seed, case and payment), the case closed by the deciding judge, and the
applicant's withdrawal after settling out of court."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from lastmile.core.clock import SHANGHAI
from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.services import enforcement_close, payment_record
from lastmile.ledger.services import amount_outstanding
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.plans import CasePlan


def close(sim: Sim, plan: CasePlan, method: str, reason: str = "", ground: str = "") -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        enforcement_close(
            case=plan.case, method=method, actor=sim.decider(plan), now=now, reason=reason, ground=ground
        )

    return act


def pay(sim: Sim, plan: CasePlan, amount: Decimal, source: str, key: str) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        if amount > 0:
            payment_record(
                case=plan.case,
                amount=amount,
                actor=sim.officer(plan),
                now=now,
                idempotency_key=f"sim-{sim.seed}-{plan.idx}-{key}",
                source=source,
                payer=plan.debtor.name if plan.debtor else "",
            )

    return act


def pay_in_full(sim: Sim, plan: CasePlan, source: str, *, close_case: bool) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        owed = amount_outstanding(case=plan.case, as_of=now.astimezone(SHANGHAI).date())
        pay(sim, plan, owed, source, "full")(now)
        if close_case:
            close(sim, plan, ClosingMethod.COMPLETED)(now)

    return act


def withdraw(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        if rng.random() < 0.5:
            part = (plan.amount * Decimal(str(round(rng.uniform(0.3, 0.9), 2)))).quantize(Decimal("0.01"))
            pay(sim, plan, part, "debtor_transfer", "part")(now)
        close(sim, plan, ClosingMethod.TERMINATED, "双方庭外和解，申请执行人撤回执行申请", "withdrawn")(now)

    return act
