# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""Coercive measures of a simulated case through the measures app: proposed by the officer and
approved by the 院长, or refused by the guardrails (counted, not forced); the occasional
detention, fine, summons by force or vehicle seizure of an uncooperative debtor.

A measure is asked for only as the law allows it, so that the guardrails have no reason to
refuse: 拘传 after two summons by 传票 the debtor ignored without a reason (民事诉讼法 2023
art. 112; 民诉解释 2022 art. 482), questioning within 8 hours and the person released; 拘传, 罚款
and 拘留 of an organisation debtor reach its 法定代表人 (民诉解释 2022 art. 482; 民事诉讼法 2023
art. 114 ¶2), a natural person, fined as a person (art. 118)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from lastmile.cases.models import CaseStatus
from lastmile.core.clock import SHANGHAI
from lastmile.core.errors import DomainError
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.people import legal_representative
from lastmile.simulation.plans import CasePlan

SUMMONS_PLACE = "本院执行局询问室"


def measure(
    sim: Sim,
    plan: CasePlan,
    kind: str,
    now: datetime,
    reason: str = "被执行人未按执行通知履行义务",
    **facts: Any,
) -> Any:
    """Propose (officer) and approve (院长) one measure; the guardrails may refuse it, which
    is counted, not hidden. ``subject`` in ``facts`` names the person reached (the debtor when
    not given)."""
    from lastmile.measures.guardrails import Proposal
    from lastmile.measures.services import measure_approve, measure_propose

    assert plan.case is not None and plan.debtor is not None
    subject = facts.pop("subject", None) or plan.debtor
    try:
        with transaction.atomic():
            m = measure_propose(
                actor=sim.officer(plan),
                proposal=Proposal(kind=kind, case=plan.case, subject=subject, **facts),
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


def reached(plan: CasePlan, now: datetime) -> dict[str, Any]:
    """Who a 拘传, 罚款 or 拘留 reaches: a debtor who is a person, or the 法定代表人 of an
    organisation debtor (民诉解释 2022 art. 482; 民事诉讼法 2023 art. 114 ¶2)."""
    assert plan.debtor is not None
    if plan.debtor.is_person:
        return {}
    return {
        "subject": legal_representative(plan, now),
        "organisation": plan.debtor,
        "capacity": "legal_representative",
    }


def _open(plan: CasePlan) -> bool:
    assert plan.case is not None
    plan.case.refresh_from_db(fields=["status"])
    return plan.case.status != CaseStatus.CLOSED


def coercion(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        from lastmile.measures.services import measure_execute

        if not _open(plan):
            return
        pick = rng.random()
        if pick < 0.35:
            m = measure(sim, plan, "detention", now, days=rng.choice((5, 10, 15)), **reached(plan, now))
        elif pick < 0.6:
            amount = Decimal(rng.choice((1000, 2000, 5000, 10000)))
            m = measure(sim, plan, "fine", now, amount=amount, **reached(plan, now))
        elif pick < 0.85:
            summons(sim, plan, [])(now)  # the 拘传 follows two summons ignored
            return
        else:
            m = measure(sim, plan, "vehicle_seizure", now)
        if m is not None and m.status == "approved":
            with transaction.atomic():
                measure_execute(actor=sim.officer(plan), measure_id=m.pk, starts_at=now, now=now)

    return act


def summons(sim: Sim, plan: CasePlan, served: list[date]) -> Action:
    """A 传票 summons the debtor to the court on a set day; the debtor does not come and gives
    no reason. After the second such day has passed, the court may summon by force (民事诉讼法
    2023 art. 112; 民诉解释 2022 art. 482), and does so the next working day."""
    rng = random.Random(f"{plan.rng_seed}-summons-{len(served)}")

    def act(now: datetime) -> None:
        if not _open(plan):
            return
        due = sim.later(now, rng, rng.randint(5, 10))  # the working day the 传票 sets
        served.append(due.astimezone(SHANGHAI).date())
        follow = summons(sim, plan, served) if len(served) < 2 else summon_by_force(sim, plan, served)
        sim.at(sim.later(due, rng, 1), follow)

    return act


def summon_by_force(sim: Sim, plan: CasePlan, served: list[date]) -> Action:
    """拘传 of the debtor (or its 法定代表人) twice summoned in vain: approved by the 院长, the
    person brought to the court, questioned for a few hours within the 8 allowed, and released
    (民诉解释 2022 art. 482)."""
    rng = random.Random(f"{plan.rng_seed}-summons-by-force")

    def act(now: datetime) -> None:
        from lastmile.measures.services import measure_execute, summons_release

        if not _open(plan):
            return
        days = "、".join(f"{d.year}年{d.month}月{d.day}日" for d in served)
        hours = rng.choice((4, 6, 8))
        m = measure(
            sim,
            plan,
            "summons_by_force",
            now,
            reason=f"被执行人经两次传票传唤（应到日期{days}），无正当理由拒不到场",
            hours=hours,
            summons_count=len(served),
            **reached(plan, now),
        )
        if m is None or m.status != "approved":
            return
        officer = sim.officer(plan)
        with transaction.atomic():
            measure_execute(actor=officer, measure_id=m.pk, starts_at=now, now=now, place=SUMMONS_PLACE)

        def release(then: datetime) -> None:
            summons_release(
                actor=officer,
                measure_id=m.pk,
                released_at=then,
                questioning_record="询问被执行人财产状况及未履行原因，已告知拒不履行的法律后果",
                now=then,
            )

        sim.at(now + timedelta(minutes=rng.randint(60, hours * 60 - 30)), release)

    return act
