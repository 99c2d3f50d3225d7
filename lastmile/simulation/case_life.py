# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""The life of one simulated case up to the path its plan draws: filed at the counter (or online
and accepted by a clerk), the notices served electronically, then the path of its outcome
(payment, 网络查控 and deduction or auction, settlement, withdrawal, 终本, or a closing by
ruling), now and then a coercive measure on an uncooperative debtor."""

from __future__ import annotations

import contextlib
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from lastmile.core.clock import SHANGHAI
from lastmile.core.errors import DomainError
from lastmile.documents.services import IssueRequest, documents_issue_many
from lastmile.enforcement.documents import TEMPLATE_BY_STEP, notice_context
from lastmile.enforcement.models import BasisKind, Channel, ClosingMethod, EnforcementCase, StepKind
from lastmile.enforcement.services import (
    ExecutionBasisIn,
    enforcement_accept,
    enforcement_file,
    procedure_step_record,
)
from lastmile.ledger.services import CostItem
from lastmile.simulation.closing import close, pay_in_full, withdraw
from lastmile.simulation.coercion import coercion
from lastmile.simulation.control import auction, deduct_in_full, deposit, house_or_car, query, seize
from lastmile.simulation.engine import Action, Sim
from lastmile.simulation.people import creditor, debtor, e_service
from lastmile.simulation.plans import CasePlan
from lastmile.simulation.settlement import settle
from lastmile.simulation.zhongben import restrict

NOTICE_STEPS = (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER)

# How a case is closed by ruling or 销案, by outcome: the method and the reason written.
RULED_CLOSINGS: dict[str, tuple[str, str]] = {
    "cancelled": (ClosingMethod.CANCELLED, "系重复立案，予以销案"),
    "not_enforced": (ClosingMethod.NOT_ENFORCED, "被执行人提出申请执行时效抗辩成立，裁定不予执行"),
    "rejected": (ClosingMethod.REJECTED, "申请执行人主体不适格，裁定驳回执行申请"),
}


def schedule_case(sim: Sim, plan: CasePlan) -> None:
    """Put the case's filing on the calendar; each event of its life schedules the next."""
    rng = random.Random(plan.rng_seed)
    sim.at(plan.filed_at, file_case(sim, plan, rng))


def file_case(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        basis = execution_basis(plan, rng, now)
        applicant = creditor(sim, plan, now)
        plan.debtor = debtor(plan, rng, now)
        plan.case = enforcement_file(
            court=sim.court,
            basis=basis,
            applicants=[applicant],
            respondents=[plan.debtor],
            actor=None if plan.online else sim.staff.clerk,
            now=now,
            channel=Channel.ONLINE if plan.online else Channel.COUNTER,
            cause=plan.cause,
            known_assets="" if rng.random() < 0.8 else "被执行人名下有车辆一台",
            submitted_by=applicant.name,
        )
        if plan.online:
            sim.at(sim.later(now, rng, rng.choice((0, 1, 1, 2, 3, 5))), accept(sim, plan, rng))
        else:
            notices_schedule(sim, plan, rng, sim.later(now, rng, rng.expovariate(1 / 2.5)))

    act.is_filing = True  # type: ignore[attr-defined]
    return act


def accept(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None
        enforcement_accept(case=plan.case, actor=sim.staff.clerk, now=now)
        notices_schedule(sim, plan, rng, sim.later(now, rng, rng.expovariate(1 / 2.5)))

    return act


def notices_schedule(sim: Sim, plan: CasePlan, rng: random.Random, when: datetime) -> None:
    """Put the case's notices on the calendar, and on the list of that day's notices, which are
    issued together first thing that day (:func:`notices_prepare`)."""
    if when < sim.end:
        sim.notices_due.setdefault(when.astimezone(SHANGHAI).date(), []).append((when, plan))
    sim.at(when, notices(sim, plan, rng))


def notices_prepare(sim: Sim, today: date) -> None:
    """The 执行通知书 and 报告财产令 of the cases whose notices are due ``today``, issued as one
    chunk per officer through the documents app (:func:`~lastmile.documents.services.documents_issue_many`),
    each officer's at the time of its first notice of the day. Each case's notices event then
    finds its documents issued and serves them (the enforcement app issues a step's document once
    per case). A document refused here is issued, or refused, by the case's own event as before."""
    due = sim.notices_due.pop(today, [])
    if not due:
        return
    ids = [plan.case.pk for _, plan in due if plan.case is not None]
    ecs = {ec.case_id: ec for ec in EnforcementCase.objects.filter(case_id__in=ids)}
    by_officer: dict[int, list[tuple[datetime, CasePlan]]] = {}
    for when, plan in sorted(due, key=lambda d: d[0]):
        if plan.case is not None and plan.case.pk in ecs:
            by_officer.setdefault(sim.officer(plan).pk, []).append((when, plan))
    for group in by_officer.values():
        now = group[0][0]
        officer = sim.officer(group[0][1])
        requests = []
        for _, plan in group:
            assert plan.case is not None
            context = notice_context(case=plan.case, ec=ecs[plan.case.pk], as_of=today)
            requests += [
                IssueRequest(case=plan.case, template_code=TEMPLATE_BY_STEP[kind], context=context)
                for kind in NOTICE_STEPS
            ]
        sim.clock.set(now)
        # Renders first, then writes in its own short transaction: no write lock is held while
        # rendering. A refused one is issued, or refused, by the case's own event.
        with contextlib.suppress(DomainError):
            documents_issue_many(requests=requests, actor=officer, now=now)


def notices(sim: Sim, plan: CasePlan, rng: random.Random) -> Action:
    def act(now: datetime) -> None:
        assert plan.case is not None and plan.debtor is not None
        # The debtor gave its mobile number for electronic service (在线诉讼规则 2021 art. 29),
        # so the notices are served on arrival (民事诉讼法 2023 art. 90): the 终本 check and
        # the 失信 listing rules read that service (终本规定 2016 art. 1(1); 失信规定 2017 art. 5).
        e_service(plan.debtor, now)
        for kind in NOTICE_STEPS:
            procedure_step_record(case=plan.case, kind=kind, actor=sim.officer(plan), now=now)
        after_notice(sim, plan, rng, now)

    return act


def execution_basis(plan: CasePlan, rng: random.Random, now: datetime) -> ExecutionBasisIn:
    effective = now.date() - timedelta(days=rng.randint(20, 400))
    kind = rng.choices(
        [BasisKind.JUDGMENT, BasisKind.MEDIATION, BasisKind.CONFIRMATION, BasisKind.ARBITRATION],
        weights=[0.45, 0.35, 0.12, 0.08],
    )[0]
    issuer = "湖南省常德市武陵区人民法院" if kind != BasisKind.ARBITRATION else "常德仲裁委员会"
    code = {"judgment": "民初", "mediation": "民初", "confirmation": "民特", "arbitration": "仲字"}[kind]
    fee = (plan.amount * Decimal("0.012") + 50).quantize(Decimal("0.01"))
    return ExecutionBasisIn(
        kind=kind,
        issuer=issuer,
        number=f"（{effective.year}）湘0702{code}{1000 + plan.idx}号",
        effective_on=effective,
        performance_deadline=effective + timedelta(days=rng.choice((10, 15, 30))),
        principal=plan.amount,
        costs=[CostItem(kind="acceptance_fee", label="案件受理费", amount=fee)],
    )


def after_notice(sim: Sim, plan: CasePlan, rng: random.Random, now: datetime) -> None:
    """Schedule the path of the case's outcome once its notices are served."""
    o = plan.outcome
    if o == "voluntary":
        sim.at(
            sim.later(now, rng, rng.expovariate(1 / 13)),
            pay_in_full(sim, plan, "debtor_transfer", close_case=True),
        )
    elif o in ("forced", "auction"):
        sim.at(sim.later(now, rng, rng.uniform(2, 10)), inquiry(sim, plan, rng, found=True))
    elif o == "settlement":
        sim.at(sim.later(now, rng, rng.uniform(3, 20)), settle(sim, plan, rng))
    elif o == "withdrawn":
        sim.at(sim.later(now, rng, rng.expovariate(1 / 19)), withdraw(sim, plan, rng))
    elif o == "zhongben":
        sim.at(sim.later(now, rng, rng.uniform(3, 15)), inquiry(sim, plan, rng, found=False))
    elif o == "stalled":  # nothing happens for months; the case goes past its time limit
        sim.at(sim.later(now, rng, rng.uniform(150, 200)), inquiry(sim, plan, rng, found=False))
    else:
        method, reason = RULED_CLOSINGS[o]
        sim.at(sim.later(now, rng, rng.uniform(3, 20)), close(sim, plan, method, reason))
    if rng.random() < 0.05:  # a detention, a fine or a summons on an uncooperative debtor
        sim.at(sim.later(now, rng, rng.uniform(5, 25)), coercion(sim, plan, rng))


def inquiry(sim: Sim, plan: CasePlan, rng: random.Random, *, found: bool) -> Action:
    """The first 网络查控, and what follows what it finds: a deduction, a seizure and auction,
    or (nothing found) the 终本 preparation."""

    def act(now: datetime) -> None:
        assert plan.case is not None
        if plan.outcome == "forced":
            query(sim, plan, now, deposit(sim, plan, now) if found else [])
            sim.at(sim.later(now, rng, rng.expovariate(1 / 18)), deduct_in_full(sim, plan))
        elif plan.outcome == "auction":
            query(sim, plan, now, house_or_car(sim, plan) if found else [])
            seize(sim, plan, now)
            sim.at(sim.later(now, rng, rng.uniform(5, 20)), auction(sim, plan, rng))
        else:
            query(sim, plan, now, [])
            sim.at(sim.later(now, rng, rng.uniform(5, 25)), restrict(sim, plan, rng))

    return act
