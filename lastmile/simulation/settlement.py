# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""执行和解 and 执恢 of a simulated case: a settlement by instalments paid on time, or defaulted
on (15 %), after which the applicant asks to restore enforcement and the restored case (执恢)
lives on, half of the time to a deposit found, deducted and 执行完毕."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from lastmile.core.clock import SHANGHAI
from lastmile.enforcement.models import SettlementInstallment
from lastmile.enforcement.services import settlement_installment_pay, settlement_record, settlement_resume
from lastmile.ledger.services import InstallmentDue, amount_outstanding
from lastmile.simulation.control import found_and_deducted
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.plans import CasePlan


def settle(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        today = now.astimezone(SHANGHAI).date()
        owed = amount_outstanding(case=plan.case, as_of=today)
        total = (owed * Decimal(str(round(rng.uniform(0.8, 1.0), 2)))).quantize(Decimal("0.01"))
        n = rng.choice((1, 2, 2, 3, 3, 4))
        each = (total / n).quantize(Decimal("0.01"))
        amounts = [each] * (n - 1) + [total - each * (n - 1)]
        dues = [today + timedelta(days=20 + 30 * i) for i in range(n)]
        settlement = settlement_record(
            case=plan.case,
            actor=sim.decider(plan),
            now=now,
            agreed_on=today,
            terms=f"被执行人分{n}期支付{total}元，申请执行人放弃其余请求",
            installments=[InstallmentDue(due_on=d, amount=a) for d, a in zip(dues, amounts, strict=True)],
        )
        defaults_at = rng.randrange(n) if rng.random() < 0.15 else None
        for i, inst in enumerate(settlement.installments.order_by("seq")):
            if defaults_at is not None and i >= defaults_at:
                when = datetime.combine(inst.last_day, time(10), tzinfo=SHANGHAI) + timedelta(
                    days=rng.randint(5, 25)
                )
                sim.at(sim.later(when, rng, 0), resume(sim, plan))
                break
            when = datetime.combine(inst.due_on, time(9), tzinfo=SHANGHAI) - timedelta(days=rng.randint(0, 5))
            sim.at(sim.later(max(when, now), rng, 0), instalment(sim, plan, inst.pk, inst.amount))

    return act


def instalment(sim: Sim, plan: CasePlan, installment_id: int, amount: Decimal) -> Action:
    def act(now: datetime) -> None:
        inst = SettlementInstallment.objects.select_related("settlement__case").get(pk=installment_id)
        settlement_installment_pay(
            installment=inst,
            amount=amount,
            actor=sim.officer(plan),
            now=now,
            idempotency_key=sim.key(plan, f"inst-{installment_id}"),
        )

    return act


def resume(sim: Sim, plan: CasePlan) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        restored = settlement_resume(
            case=plan.case, actor=sim.decider(plan), now=now, reason="申请执行人申请恢复执行"
        )
        rng = random.Random(plan.rng_seed + 1)
        follow = CasePlan(**{**plan.__dict__, "case": restored, "outcome": "resumed"})
        if rng.random() < 0.5:  # 网络查控 finds an account this time: frozen, deducted, 执行完毕
            sim.at(sim.later(now, rng, rng.uniform(15, 60)), found_and_deducted(sim, follow))

    return act
