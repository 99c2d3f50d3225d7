"""Payments and closings of a simulated case: the debtor's payments recorded by the officer and
confirmed by finance
(idempotent per court, year, seed, case and payment: :meth:`~lastmile.simulation.engine.Sim.key`),
the money paid out to the applicant, the case closed by the deciding judge, and the applicant's
withdrawal after settling out of court."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from lastmile.core.clock import SHANGHAI
from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.services import enforcement_close, payment_confirm, payment_record
from lastmile.ledger.selectors import undisbursed_amount
from lastmile.ledger.services import amount_outstanding, payout_approve, payout_request, payout_settle
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.people import creditor
from lastmile.simulation.plans import CasePlan


def pay_out(sim: Sim, plan: CasePlan, now: datetime) -> None:
    """The money the case's account holds goes to the applicant: requested by finance, approved
    by the 院长, executed by the bank the same day (执行完毕 waits for it)."""
    assert plan.case is not None
    held = undisbursed_amount(case=plan.case)
    if held <= 0:
        return
    finance = sim.staff.finance
    applicant = creditor(sim, plan, now)  # the case's one applicant, as filed
    payout = payout_request(
        case=plan.case,
        kind="applicant",
        amount=held,
        actor=finance,
        now=now,
        idempotency_key=sim.key(plan, f"out-{now:%Y%m%d%H%M}"),
        payee_party=applicant,
        payee_account=f"8000{plan.case.pk:011d}",
        payee_bank="长沙银行岳麓支行",
        payee_account_name=applicant.name,
    )
    payout_approve(payout_id=payout.pk, actor=sim.staff.president, now=now)
    payout_settle(payout_id=payout.pk, actor=finance, now=now, bank_reference=f"SIM-{payout.pk}")


def close(sim: Sim, plan: CasePlan, method: str, reason: str = "", ground: str = "") -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        if method == ClosingMethod.COMPLETED:
            pay_out(sim, plan, now)
        enforcement_close(
            case=plan.case, method=method, actor=sim.decider(plan), now=now, reason=reason, ground=ground
        )

    return act


def pay(sim: Sim, plan: CasePlan, amount: Decimal, source: str, key: str) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        if amount > 0:
            report = payment_record(
                case=plan.case,
                amount=amount,
                actor=sim.officer(plan),
                now=now,
                idempotency_key=sim.key(plan, key),
                source=source,
                payer=plan.debtor.name if plan.debtor else "",
            )
            # finance finds the money in the execution account and confirms it (执行款物管理规定)
            payment_confirm(
                report_id=report.pk, actor=sim.staff.finance, now=now, bank_reference=f"SIM-R{report.pk}"
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
