# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""The 终本 preparation of a simulated case with no property found: 限制消费 and 失信 (or the
reason the debtor is not listed), the applicant interview after a 网络查控 still recent enough,
the applicant's opinion (a 合议庭 and the 院长 when it disagrees), and 终本 once 3 months have
passed (终本规定 2016 art. 1)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from lastmile.core.clock import SHANGHAI
from lastmile.core.periods import next_working_day
from lastmile.enforcement.models import ClosingMethod, StepKind
from lastmile.enforcement.rules import zhongben_earliest
from lastmile.enforcement.services import (
    procedure_step_record,
    zhongben_opinion_record,
    zhongben_review_approve,
    zhongben_review_record,
)
from lastmile.measures.services import dishonest_not_applicable_record
from lastmile.simulation.closing import close, pay
from lastmile.simulation.coercion import measure
from lastmile.simulation.control import query
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.people import creditor
from lastmile.simulation.plans import CasePlan


def restrict(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    """限制消费 and 失信 taken through the measures app (where the 终本 check reads them), then
    the applicant interview and 终本 once 3 months have passed (终本规定 2016 art. 1).

    A debtor is listed for not reporting its property as the served 报告财产令 required
    (失信规定 2017 art. 1 ground 4); otherwise, or when the measures app refuses the listing,
    the reason it is not listed is recorded (终本规定 2016 art. 1(2))."""

    def act(now: datetime) -> None:
        assert plan.case is not None and plan.debtor is not None
        listed = rng.random() < 0.75
        measure(sim, plan, "consumption_restriction", now)
        listing = None
        if listed:
            why = "被执行人拒不按照报告财产令报告财产"
            listing = measure(sim, plan, "dishonest_listing", now, reason=why, ground=4)
        if listing is None:
            dishonest_not_applicable_record(
                actor=sim.decider(plan),
                case=plan.case,
                party=plan.debtor,
                reason="被执行人无履行能力，不符合纳入失信名单条件",
                now=now,
            )
        if rng.random() < 0.3:  # under the restriction, the debtor pays a part by transfer
            part = (plan.amount * Decimal(str(round(rng.uniform(0.05, 0.4), 2)))).quantize(Decimal("0.01"))
            sim.at(sim.later(now, rng, rng.uniform(5, 40)), pay(sim, plan, part, "debtor_transfer", "part"))
        assert plan.case.filed_at is not None
        filed = plan.case.filed_at.astimezone(SHANGHAI)
        interview_at = max(now + timedelta(days=20), filed + timedelta(days=rng.uniform(80, 95)))
        sim.at(sim.later(interview_at, rng, 0), interview(sim, plan, rng))

    return act


def interview(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    """约谈 of the applicant and its signed opinion on 终本 (民诉解释 2022 art. 517), after a last
    网络查控 when the first is too old to count on the day of closing (终本规定 2016 art. 1(3):
    answered within 3 months)."""

    def act(now: datetime) -> None:
        assert plan.case is not None and plan.case.filed_at is not None
        earliest = plan.case.filed_at.astimezone(SHANGHAI) + timedelta(days=95)
        when = sim.later(
            max(
                now + timedelta(days=rng.uniform(1, 10)),
                earliest + timedelta(days=rng.expovariate(1 / 4)),
            ),
            rng,
            0,
        )
        # The 3 months end on a working day (a holiday moves the end on): 终本 the day after.
        last_day = zhongben_earliest(plan.case.filed_at.astimezone(SHANGHAI).date()).day
        if when.date() <= last_day:
            when = datetime.combine(next_working_day(last_day), when.timetz())
        if plan.inquired_at is None or plan.inquired_at < when - timedelta(days=75):
            query(sim, plan, now, [])
        procedure_step_record(
            case=plan.case,
            kind=StepKind.APPLICANT_INTERVIEW,
            actor=sim.officer(plan),
            now=now,
            note="告知财产调查情况及终本后果",
        )
        assent(sim, plan, now)
        sim.at(when, close(sim, plan, ClosingMethod.NO_PROPERTY))

    return act


def assent(sim: Sim, plan: CasePlan, now: datetime) -> None:
    """Most applicants sign their agreement to 终本; when one does not, a 合议庭 reviews the
    case and the 院长 approves its finding (民诉解释 2022 art. 517)."""
    assert plan.case is not None
    applicant = creditor(sim, plan, now)
    agrees = random.Random(f"{plan.rng_seed}-assent").random() < 0.9
    zhongben_opinion_record(
        case=plan.case,
        actor=sim.officer(plan),
        now=now,
        signed_by=applicant.name,
        content=(
            "已知悉财产调查情况及终结本次执行程序的后果，同意终结本次执行程序"
            if agrees
            else "不同意终结本次执行程序，请求法院继续执行"
        ),
        agrees=agrees,
    )
    if not agrees:
        review = zhongben_review_record(
            case=plan.case,
            actor=sim.decider(plan),
            now=now,
            panel="、".join(j.name for j in sim.panel(plan)),
            content="经审查核实，已穷尽财产调查措施，未发现被执行人有可供执行的财产，符合终结本次执行程序的条件",
        )
        zhongben_review_approve(review=review, actor=sim.staff.president, now=now)
