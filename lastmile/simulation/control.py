# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""网络查控 of a simulated case through the inquiry app: the inquiry at every institution,
answered by the simulation's own institutions (:mod:`lastmile.simulation.institutions`) with
what the plan says the debtor holds; the freeze and deduction of a deposit found; the seizure of
a house or a car and its auction (the time limit paused meanwhile)."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from lastmile.core.clock import SHANGHAI
from lastmile.enforcement.models import ClosingMethod, PauseKind
from lastmile.enforcement.services import time_limit_pause_end, time_limit_pause_start
from lastmile.inquiry.models import Asset, AssetKind, Freeze, FreezeStatus
from lastmile.inquiry.rules import living_allowance
from lastmile.inquiry.services import asset_seize, freeze_deduct, freeze_release, inquiry_start
from lastmile.ledger.services import amount_outstanding
from lastmile.simulation.closing import close, pay_in_full
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.institutions import Holding, orders_answer
from lastmile.simulation.plans import STREETS, CasePlan


def query(sim: Sim, plan: CasePlan, now: datetime, holdings: list[Holding]) -> None:
    """一键查控 of the debtor at every institution, each answering at once with what the plan
    says the debtor holds there (a deposit found is then frozen by the inquiry app's own plan,
    up to what is owed, and the freeze answered too)."""
    assert plan.case is not None
    inquiry_start(case=plan.case, actor=sim.officer(plan), now=now)
    answer(sim, plan, now, holdings)
    plan.inquired_at = now


def answer(sim: Sim, plan: CasePlan, now: datetime, holdings: list[Holding] | None = None) -> None:
    assert plan.case is not None
    left = orders_answer(case=plan.case, holdings=holdings or [], now=now)
    if left:
        sim.refused["inquiry:unanswered"] += left


def deposit(sim: Sim, plan: CasePlan, now: datetime) -> list[Holding]:
    """A bank or payment account of the debtor holding more than is owed and the living
    allowance left to a person (查封规定 2020 art. 3)."""
    assert plan.case is not None and plan.debtor is not None
    rng = random.Random(f"{plan.rng_seed}-deposit")
    owed = amount_outstanding(case=plan.case, as_of=now.astimezone(SHANGHAI).date())
    spare = (owed * Decimal(str(round(rng.uniform(0.1, 1.5), 2)))).quantize(Decimal("0.01"))
    institution = rng.choice(("bankcs", "hnrcu", "icbc", "ccb", "abc", "boc", "wechatpay", "alipay"))
    return [
        Holding(
            party_id=plan.debtor.pk,
            institution=institution,
            kind=AssetKind.DEPOSIT,
            identifier=f"6217{rng.randrange(10**12):012d}",
            label="活期存款",
            balance=owed + living_allowance(court_code=sim.court.code) + spare,
        )
    ]


def house_or_car(sim: Sim, plan: CasePlan) -> list[Holding]:
    """A house or a car of the debtor, worth an auction."""
    assert plan.debtor is not None
    rng = random.Random(f"{plan.rng_seed}-property")
    if rng.random() < 0.6:
        return [
            Holding(
                party_id=plan.debtor.pk,
                institution="realestate",
                kind=AssetKind.REAL_ESTATE,
                identifier=f"湘（{sim.year - rng.randint(1, 12)}）常德市不动产权"
                f"第{rng.randrange(10**7):07d}号",
                label=f"常德市武陵区{rng.choice(STREETS)}街道"
                f"{rng.randint(1, 40)}栋{rng.randint(101, 2402)}室",
            )
        ]
    return [
        Holding(
            party_id=plan.debtor.pk,
            institution="vehicle",
            kind=AssetKind.VEHICLE,
            identifier=f"湘J{rng.choice('ABCDEFGH')}{rng.randrange(10**4):04d}",
            label="小型普通客车",
        )
    ]


def deduct_in_full(sim: Sim, plan: CasePlan) -> Action:
    """一键扣划 of the frozen money (by the judge: a 划拨 is made by ruling), then the rest
    the debtor still owes (the doubled interest since the freeze) paid by transfer, and 执行完毕."""

    def act(now: datetime) -> None:
        assert plan.case is not None
        for freeze in Freeze.objects.filter(
            case=plan.case, is_money=True, status=FreezeStatus.ACTIVE
        ).order_by("pk"):
            freeze_deduct(freeze=freeze, actor=sim.decider(plan), now=now)
        answer(sim, plan, now)
        pay_in_full(sim, plan, "debtor_transfer", close_case=True)(now)

    return act


def found_and_deducted(sim: Sim, plan: CasePlan) -> Action:
    """A later 网络查控 finds an account: frozen, deducted, 执行完毕."""

    def act(now: datetime) -> None:
        query(sim, plan, now, deposit(sim, plan, now))
        deduct_in_full(sim, plan)(now)

    return act


def seize(sim: Sim, plan: CasePlan, now: datetime) -> None:
    """查封登记 of the house or car found (decided by the officer)."""
    assert plan.case is not None
    for asset in Asset.objects.filter(
        case=plan.case, kind__in=(AssetKind.REAL_ESTATE, AssetKind.VEHICLE)
    ).order_by("pk"):
        asset_seize(asset=asset, actor=sim.officer(plan), now=now)
    answer(sim, plan, now)


def release_seizures(sim: Sim, plan: CasePlan, now: datetime, reason: str) -> None:
    assert plan.case is not None
    for freeze in Freeze.objects.filter(case=plan.case, is_money=False, status=FreezeStatus.ACTIVE).order_by(
        "pk"
    ):
        freeze_release(freeze=freeze, actor=sim.decider(plan), now=now, reason=reason)
    answer(sim, plan, now)


def auction(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    """网络司法拍卖 of what was seized, the time limit paused while it runs; the price pays the
    debt, the seizure is lifted for the transfer, and 执行完毕."""

    def start(now: datetime) -> None:
        assert plan.case is not None
        pause = time_limit_pause_start(
            case=plan.case,
            kind=PauseKind.AUCTION,
            actor=sim.officer(plan),
            now=now,
            reason="网络司法拍卖",
        )

        def end(now2: datetime) -> None:
            time_limit_pause_end(pause=pause, actor=sim.officer(plan), now=now2)
            pay_in_full(sim, plan, "auction", close_case=False)(now2)
            # The buyer takes the property: the seizure is lifted for the transfer.
            release_seizures(sim, plan, now2, "拍卖成交，解除查封以便办理过户")
            close(sim, plan, ClosingMethod.COMPLETED)(now2)

        sim.at(sim.later(now, rng, rng.uniform(30, 75)), end)

    return start
