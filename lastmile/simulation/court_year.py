# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""A court-year you can watch: a seeded, reproducible year of enforcement driven through the
platform's own services (filing, triage, notices served electronically, 网络查控 with freezes,
deductions and seizures, payments, settlements, coercive measures, 终本 with the applicant's
opinion, closings), never by inserting rows. The banks and registries answering the inquiry
app's orders are the simulation's own (:mod:`lastmile.simulation.institutions`), through the
inquiry inbox.

Every event carries its own ``now``; the process clock is a :class:`FixedClock` moved to each
event, so nothing reads the real clock. Each event runs in its own transaction (inside the
services). The same seed on an empty database gives the same year.

Each case lives the plan drawn for it in :mod:`lastmile.simulation.plans`, calibrated so that
``--cases 6772`` for 湘0702 gives figures in the range of the 2023 武陵 report (received 6,772,
closed ≈6,264, recovered ≈42 % of the amount applied for, average closing time ≈38 days); see
``docs/statistics.md``. The simulation is a top-floor app of its own: it drives the stage apps'
services and is no read model (the statistics only read what it leaves behind).
"""

from __future__ import annotations

import heapq
import random
import time as _time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from lastmile.accounts.models import Court, Role, User
from lastmile.accounts.services import courts_load
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.clock import SHANGHAI, FixedClock, use_clock
from lastmile.core.errors import DomainError
from lastmile.core.identifiers import resident_id_check_char, uscc_check_char
from lastmile.core.periods import next_working_day
from lastmile.enforcement.models import BasisKind, Channel, ClosingMethod, PauseKind, StepKind
from lastmile.enforcement.rules import zhongben_earliest
from lastmile.enforcement.services import (
    ExecutionBasisIn,
    enforcement_accept,
    enforcement_close,
    enforcement_file,
    payment_record,
    procedure_step_record,
    settlement_installment_pay,
    settlement_record,
    settlement_resume,
    time_limit_pause_end,
    time_limit_pause_start,
    triage_rules_update,
    zhongben_opinion_record,
    zhongben_review_approve,
    zhongben_review_record,
)
from lastmile.inquiry.models import Asset, AssetKind, Freeze, FreezeStatus
from lastmile.inquiry.rules import living_allowance
from lastmile.inquiry.services import asset_seize, freeze_deduct, freeze_release, inquiry_start
from lastmile.ledger.services import CostItem, InstallmentDue, amount_outstanding
from lastmile.measures.services import dishonest_not_applicable_record
from lastmile.parties.models import IdType, Party, PartyKind
from lastmile.parties.services import e_address_record, party_upsert
from lastmile.simulation.institutions import Holding, orders_answer
from lastmile.simulation.plans import (
    CREDITORS,
    GIVEN,
    STREETS,
    SURNAMES,
    CasePlan,
    working_moment,
    year_plans,
)
from lastmile.simulation.staff import Staff, staff_ensure

Progress = Callable[[date, int, int], None]  # (simulated day, cases filed, cases planned)


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


class _Sim:
    def __init__(self, *, court: Court, year: int, seed: int, staff: Staff) -> None:
        self.court, self.year, self.seed, self.staff = court, year, seed, staff
        self.end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
        self.queue: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self.counter = 0
        self.events = 0
        self.refused: Counter[str] = Counter()
        self.clock = FixedClock(datetime(year, 1, 1, tzinfo=SHANGHAI))
        self.creditors: dict[int, Party] = {}

    def at(self, when: datetime, action: Callable[[datetime], None]) -> None:
        if when < self.end:
            self.counter += 1
            heapq.heappush(self.queue, (when, self.counter, action))

    def later(self, now: datetime, rng: random.Random, days: float) -> datetime:
        return working_moment(rng, (now + timedelta(days=max(days, 0))).date())

    def run(self, progress: Progress | None, total: int) -> None:
        """Process events in time order, one transaction per event, so a refused action leaves
        nothing behind and the platform's other processes (web, worker) never wait long for the
        SQLite write lock while a year is being simulated beside them."""
        filed = 0
        while self.queue:
            today = self.queue[0][0].astimezone(SHANGHAI).date()
            while self.queue and self.queue[0][0].astimezone(SHANGHAI).date() == today:
                when, _, action = heapq.heappop(self.queue)
                self.clock.set(when)
                try:
                    with transaction.atomic():
                        action(when)
                except DomainError as exc:
                    self.refused[exc.code] += 1
                self.events += 1
                filed += bool(getattr(action, "is_filing", False))
            if progress is not None:
                progress(today, filed, total)

    # --- people -------------------------------------------------------------------------

    def creditor(self, plan: CasePlan, now: datetime) -> Party:
        if plan.creditor not in self.creditors:
            if plan.creditor < len(CREDITORS):
                name, body = CREDITORS[plan.creditor]
                party = party_upsert(
                    kind=PartyKind.ORGANISATION,
                    name=name,
                    id_type=IdType.USCC,
                    id_number=body + uscc_check_char(body),
                    now=now,
                    address="湖南省常德市武陵区",
                )
            else:
                party = self.person(random.Random(plan.creditor * 7919), now, 900 + plan.creditor)
            self.creditors[plan.creditor] = party
        return self.creditors[plan.creditor]

    def person(self, rng: random.Random, now: datetime, seq: int) -> Party:
        birth = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 45))
        first17 = f"430702{birth:%Y%m%d}{seq % 1000:03d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return party_upsert(
            kind=PartyKind.PERSON,
            name=name,
            id_type=IdType.RESIDENT_ID,
            id_number=first17 + resident_id_check_char(first17),
            now=now,
            phone=f"139{rng.randrange(10**8):08d}",
            address=f"湖南省常德市武陵区{rng.choice(STREETS)}街道{rng.randint(1, 300)}号",
        )

    def debtor(self, plan: CasePlan, rng: random.Random, now: datetime) -> Party:
        if plan.organisation:
            body = f"91430702{10000000 + plan.idx:08d}A"
            return party_upsert(
                kind=PartyKind.ORGANISATION,
                name=f"常德市{rng.choice('鑫源恒达宏泰金盛华瑞顺发鼎新')}{rng.choice('商贸建材餐饮物流装饰科技')}有限公司{plan.idx}",
                id_type=IdType.USCC,
                id_number=body + uscc_check_char(body),
                now=now,
                address="湖南省常德市武陵区",
            )
        return self.person(rng, now, plan.idx)

    def e_service(self, party: Party, now: datetime) -> None:
        e_address_record(
            party=party,
            channel="sms",
            address=party.phone or f"1397360{party.pk % 10**4:04d}",
            now=now,
            consent_kind="provided",
        )

    # --- the life of a case -------------------------------------------------------------

    def officer(self, plan: CasePlan) -> User:
        case = plan.case
        assert case is not None
        return case.officer or self.staff.officers[0]

    def decider(self, plan: CasePlan) -> User:
        """A judge of the case's team decides (限制消费, 失信, closing) when the officer cannot."""
        officer = self.officer(plan)
        if officer.role == Role.ENFORCEMENT_JUDGE:
            return officer
        same_team = [j for j in self.staff.judges if j.team_id == officer.team_id]
        return (same_team or self.staff.judges)[plan.idx % len(same_team or self.staff.judges)]

    def schedule_case(self, plan: CasePlan) -> None:
        rng = random.Random(plan.rng_seed)

        def file(now: datetime) -> None:
            basis = self.basis(plan, rng, now)
            applicant = self.creditor(plan, now)
            plan.debtor = self.debtor(plan, rng, now)
            plan.case = enforcement_file(
                court=self.court,
                basis=basis,
                applicants=[applicant],
                respondents=[plan.debtor],
                actor=None if plan.online else self.staff.clerk,
                now=now,
                channel=Channel.ONLINE if plan.online else Channel.COUNTER,
                cause=plan.cause,
                known_assets="" if rng.random() < 0.8 else "被执行人名下有车辆一台",
                submitted_by=applicant.name,
            )
            if plan.online:
                self.at(self.later(now, rng, rng.choice((0, 1, 1, 2, 3, 5))), accept)
            else:
                self.at(self.later(now, rng, rng.expovariate(1 / 2.5)), notices)

        file.is_filing = True  # type: ignore[attr-defined]

        def accept(now: datetime) -> None:
            assert plan.case is not None
            enforcement_accept(case=plan.case, actor=self.staff.clerk, now=now)
            self.at(self.later(now, rng, rng.expovariate(1 / 2.5)), notices)

        def notices(now: datetime) -> None:
            assert plan.case is not None and plan.debtor is not None
            # The debtor gave its mobile number for electronic service (在线诉讼规则 2021 art. 29),
            # so the notices are served on arrival (民事诉讼法 2023 art. 90): the 终本 check and
            # the 失信 listing rules read that service (终本规定 2016 art. 1(1); 失信规定 2017 art. 5).
            self.e_service(plan.debtor, now)
            for kind in (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER):
                procedure_step_record(case=plan.case, kind=kind, actor=self.officer(plan), now=now)
            self.after_notice(plan, rng, now)

        self.at(plan.filed_at, file)

    def basis(self, plan: CasePlan, rng: random.Random, now: datetime) -> ExecutionBasisIn:
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

    def after_notice(self, plan: CasePlan, rng: random.Random, now: datetime) -> None:
        o = plan.outcome
        if o == "voluntary":
            self.at(
                self.later(now, rng, rng.expovariate(1 / 13)),
                self.pay_in_full(plan, "debtor_transfer", close=True),
            )
        elif o in ("forced", "auction"):
            self.at(self.later(now, rng, rng.uniform(2, 10)), self.inquiry(plan, rng, found=True))
        elif o == "settlement":
            self.at(self.later(now, rng, rng.uniform(3, 20)), self.settle(plan, rng))
        elif o == "withdrawn":
            self.at(self.later(now, rng, rng.expovariate(1 / 19)), self.withdraw(plan, rng))
        elif o == "zhongben":
            self.at(self.later(now, rng, rng.uniform(3, 15)), self.inquiry(plan, rng, found=False))
        elif o == "stalled":  # nothing happens for months; the case goes past its time limit
            self.at(self.later(now, rng, rng.uniform(150, 200)), self.inquiry(plan, rng, found=False))
        else:
            method = {
                "cancelled": (ClosingMethod.CANCELLED, "系重复立案，予以销案"),
                "not_enforced": (
                    ClosingMethod.NOT_ENFORCED,
                    "被执行人提出申请执行时效抗辩成立，裁定不予执行",
                ),
                "rejected": (ClosingMethod.REJECTED, "申请执行人主体不适格，裁定驳回执行申请"),
            }[o]
            self.at(self.later(now, rng, rng.uniform(3, 20)), self.close(plan, method[0], method[1]))
        if rng.random() < 0.05:  # a detention, a fine or a summons on an uncooperative debtor
            self.at(self.later(now, rng, rng.uniform(5, 25)), self.coercion(plan, rng))

    def close(
        self, plan: CasePlan, method: str, reason: str = "", ground: str = ""
    ) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            assert plan.case is not None
            enforcement_close(
                case=plan.case, method=method, actor=self.decider(plan), now=now, reason=reason, ground=ground
            )

        return act

    def pay(self, plan: CasePlan, amount: Decimal, source: str, key: str) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            assert plan.case is not None
            if amount > 0:
                payment_record(
                    case=plan.case,
                    amount=amount,
                    actor=self.officer(plan),
                    now=now,
                    idempotency_key=f"sim-{self.seed}-{plan.idx}-{key}",
                    source=source,
                    payer=plan.debtor.name if plan.debtor else "",
                )

        return act

    def pay_in_full(self, plan: CasePlan, source: str, *, close: bool) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            assert plan.case is not None
            owed = amount_outstanding(case=plan.case, as_of=now.astimezone(SHANGHAI).date())
            self.pay(plan, owed, source, "full")(now)
            if close:
                self.close(plan, ClosingMethod.COMPLETED)(now)

        return act

    # --- 网络查控 through the inquiry app -----------------------------------------------------

    def query(self, plan: CasePlan, now: datetime, holdings: list[Holding]) -> None:
        """一键查控 of the debtor at every institution, each answering at once with what the plan
        says the debtor holds there (a deposit found is then frozen by the inquiry app's own plan,
        up to what is owed, and the freeze answered too)."""
        assert plan.case is not None
        inquiry_start(case=plan.case, actor=self.officer(plan), now=now)
        self.answer(plan, now, holdings)
        plan.inquired_at = now

    def answer(self, plan: CasePlan, now: datetime, holdings: list[Holding] | None = None) -> None:
        assert plan.case is not None
        left = orders_answer(case=plan.case, holdings=holdings or [], now=now)
        if left:
            self.refused["inquiry:unanswered"] += left

    def deposit(self, plan: CasePlan, now: datetime) -> list[Holding]:
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
                balance=owed + living_allowance(court_code=self.court.code) + spare,
            )
        ]

    def property(self, plan: CasePlan) -> list[Holding]:
        """A house or a car of the debtor, worth an auction."""
        assert plan.debtor is not None
        rng = random.Random(f"{plan.rng_seed}-property")
        if rng.random() < 0.6:
            return [
                Holding(
                    party_id=plan.debtor.pk,
                    institution="realestate",
                    kind=AssetKind.REAL_ESTATE,
                    identifier=f"湘（{self.year - rng.randint(1, 12)}）常德市不动产权"
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

    def inquiry(self, plan: CasePlan, rng: random.Random, *, found: bool) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            assert plan.case is not None
            if plan.outcome == "forced":
                self.query(plan, now, self.deposit(plan, now) if found else [])
                self.at(self.later(now, rng, rng.expovariate(1 / 18)), self.deduct_in_full(plan))
            elif plan.outcome == "auction":
                self.query(plan, now, self.property(plan) if found else [])
                self.seize(plan, now)
                self.at(self.later(now, rng, rng.uniform(5, 20)), self.auction(plan, rng))
            else:
                self.query(plan, now, [])
                self.at(self.later(now, rng, rng.uniform(5, 25)), self.restrict(plan, rng))

        return act

    def deduct_in_full(self, plan: CasePlan) -> Callable[[datetime], None]:
        """一键扣划 of the frozen money (by the judge: a 划拨 is made by ruling), then the rest
        the debtor still owes (the doubled interest since the freeze) paid by transfer, and 执行完毕."""

        def act(now: datetime) -> None:
            assert plan.case is not None
            for freeze in Freeze.objects.filter(
                case=plan.case, is_money=True, status=FreezeStatus.ACTIVE
            ).order_by("pk"):
                freeze_deduct(freeze=freeze, actor=self.decider(plan), now=now)
            self.answer(plan, now)
            self.pay_in_full(plan, "debtor_transfer", close=True)(now)

        return act

    def seize(self, plan: CasePlan, now: datetime) -> None:
        """查封登记 of the house or car found (decided by the officer)."""
        assert plan.case is not None
        for asset in Asset.objects.filter(
            case=plan.case, kind__in=(AssetKind.REAL_ESTATE, AssetKind.VEHICLE)
        ).order_by("pk"):
            asset_seize(asset=asset, actor=self.officer(plan), now=now)
        self.answer(plan, now)

    def release_seizures(self, plan: CasePlan, now: datetime, reason: str) -> None:
        assert plan.case is not None
        for freeze in Freeze.objects.filter(
            case=plan.case, is_money=False, status=FreezeStatus.ACTIVE
        ).order_by("pk"):
            freeze_release(freeze=freeze, actor=self.decider(plan), now=now, reason=reason)
        self.answer(plan, now)

    def auction(self, plan: CasePlan, rng: random.Random) -> Callable[[datetime], None]:
        def start(now: datetime) -> None:
            assert plan.case is not None
            pause = time_limit_pause_start(
                case=plan.case,
                kind=PauseKind.AUCTION,
                actor=self.officer(plan),
                now=now,
                reason="网络司法拍卖",
            )

            def end(now2: datetime) -> None:
                time_limit_pause_end(pause=pause, actor=self.officer(plan), now=now2)
                self.pay_in_full(plan, "auction", close=False)(now2)
                # The buyer takes the property: the seizure is lifted for the transfer.
                self.release_seizures(plan, now2, "拍卖成交，解除查封以便办理过户")
                self.close(plan, ClosingMethod.COMPLETED)(now2)

            self.at(self.later(now, rng, rng.uniform(30, 75)), end)

        return start

    def restrict(self, plan: CasePlan, rng: random.Random) -> Callable[[datetime], None]:
        """限制消费 and 失信 taken through the measures app (where the 终本 check reads them), then
        the applicant interview and 终本 once 3 months have passed (终本规定 2016 art. 1).

        A debtor is listed for not reporting its property as the served 报告财产令 required
        (失信规定 2017 art. 1 ground 4); otherwise, or when the measures app refuses the listing,
        the reason it is not listed is recorded (终本规定 2016 art. 1(2))."""

        def act(now: datetime) -> None:
            assert plan.case is not None and plan.debtor is not None
            listed = rng.random() < 0.75
            self.measure(plan, "consumption_restriction", now)
            listing = None
            if listed:
                why = "被执行人拒不按照报告财产令报告财产"
                listing = self.measure(plan, "dishonest_listing", now, reason=why, ground=4)
            if listing is None:
                dishonest_not_applicable_record(
                    actor=self.decider(plan),
                    case=plan.case,
                    party=plan.debtor,
                    reason="被执行人无履行能力，不符合纳入失信名单条件",
                    now=now,
                )
            if rng.random() < 0.3:  # under the restriction, the debtor pays a part by transfer
                part = (plan.amount * Decimal(str(round(rng.uniform(0.05, 0.4), 2)))).quantize(
                    Decimal("0.01")
                )
                self.at(
                    self.later(now, rng, rng.uniform(5, 40)), self.pay(plan, part, "debtor_transfer", "part")
                )
            assert plan.case.filed_at is not None
            filed = plan.case.filed_at.astimezone(SHANGHAI)
            interview = max(now + timedelta(days=20), filed + timedelta(days=rng.uniform(80, 95)))
            self.at(self.later(interview, rng, 0), self.interview(plan, rng))

        return act

    def interview(self, plan: CasePlan, rng: random.Random) -> Callable[[datetime], None]:
        """约谈 of the applicant and its signed opinion on 终本 (民诉解释 2022 art. 517), after a last
        网络查控 when the first is too old to count on the day of closing (终本规定 2016 art. 1(3):
        answered within 3 months)."""

        def act(now: datetime) -> None:
            assert plan.case is not None and plan.case.filed_at is not None
            earliest = plan.case.filed_at.astimezone(SHANGHAI) + timedelta(days=95)
            when = self.later(
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
                self.query(plan, now, [])
            procedure_step_record(
                case=plan.case,
                kind=StepKind.APPLICANT_INTERVIEW,
                actor=self.officer(plan),
                now=now,
                note="告知财产调查情况及终本后果",
            )
            self.assent(plan, now)
            self.at(when, self.close(plan, ClosingMethod.NO_PROPERTY))

        return act

    def assent(self, plan: CasePlan, now: datetime) -> None:
        """Most applicants sign their agreement to 终本; when one does not, a 合议庭 reviews the
        case and the 院长 approves its finding (民诉解释 2022 art. 517)."""
        assert plan.case is not None
        applicant = self.creditor(plan, now)
        agrees = random.Random(f"{plan.rng_seed}-assent").random() < 0.9
        zhongben_opinion_record(
            case=plan.case,
            actor=self.officer(plan),
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
                actor=self.decider(plan),
                now=now,
                panel="、".join(j.name for j in self.panel(plan)),
                content="经审查核实，已穷尽财产调查措施，未发现被执行人有可供执行的财产，符合终结本次执行程序的条件",
            )
            zhongben_review_approve(review=review, actor=self.staff.president, now=now)

    def panel(self, plan: CasePlan) -> list[User]:
        """The 合议庭: the deciding judge and two more judges of the court."""
        judge = self.decider(plan)
        others = [j for j in self.staff.judges if j.pk != judge.pk]
        return [judge, *others[:2]]

    def settle(self, plan: CasePlan, rng: random.Random) -> Callable[[datetime], None]:
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
                actor=self.decider(plan),
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
                    self.at(self.later(when, rng, 0), self.resume(plan))
                    break
                when = datetime.combine(inst.due_on, time(9), tzinfo=SHANGHAI) - timedelta(
                    days=rng.randint(0, 5)
                )
                self.at(self.later(max(when, now), rng, 0), self.instalment(plan, inst.pk, inst.amount))

        return act

    def instalment(self, plan: CasePlan, installment_id: int, amount: Decimal) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            from lastmile.enforcement.models import SettlementInstallment

            inst = SettlementInstallment.objects.select_related("settlement__case").get(pk=installment_id)
            settlement_installment_pay(
                installment=inst,
                amount=amount,
                actor=self.officer(plan),
                now=now,
                idempotency_key=f"sim-{self.seed}-{plan.idx}-inst-{installment_id}",
            )

        return act

    def resume(self, plan: CasePlan) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            assert plan.case is not None
            restored = settlement_resume(
                case=plan.case, actor=self.decider(plan), now=now, reason="申请执行人申请恢复执行"
            )
            rng = random.Random(plan.rng_seed + 1)
            follow = CasePlan(**{**plan.__dict__, "case": restored, "outcome": "resumed"})
            if rng.random() < 0.5:  # 网络查控 finds an account this time: frozen, deducted, 执行完毕
                self.at(self.later(now, rng, rng.uniform(15, 60)), self.found_and_deducted(follow))

        return act

    def found_and_deducted(self, plan: CasePlan) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            self.query(plan, now, self.deposit(plan, now))
            self.deduct_in_full(plan)(now)

        return act

    def withdraw(self, plan: CasePlan, rng: random.Random) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            assert plan.case is not None
            if rng.random() < 0.5:
                part = (plan.amount * Decimal(str(round(rng.uniform(0.3, 0.9), 2)))).quantize(Decimal("0.01"))
                self.pay(plan, part, "debtor_transfer", "part")(now)
            self.close(plan, ClosingMethod.TERMINATED, "双方庭外和解，申请执行人撤回执行申请", "withdrawn")(
                now
            )

        return act

    # --- coercive measures through the measures app -------------------------------------

    def measure(
        self,
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
                    actor=self.officer(plan),
                    proposal=Proposal(kind=kind, case=plan.case, subject=plan.debtor, **facts),
                    reason=reason,
                    now=now,
                    acknowledge_warnings=True,
                )
                if m.status == "proposed":
                    m = measure_approve(actor=self.staff.president, measure_id=m.pk, now=now)
        except DomainError as exc:
            self.refused[f"measure:{kind}:{exc.code}"] += 1
            return None
        return m

    def coercion(self, plan: CasePlan, rng: random.Random) -> Callable[[datetime], None]:
        def act(now: datetime) -> None:
            from lastmile.measures.services import measure_execute

            assert plan.case is not None
            plan.case.refresh_from_db(fields=["status"])
            if plan.case.status == CaseStatus.CLOSED:
                return
            pick = rng.random()
            if pick < 0.35:
                m = self.measure(plan, "detention", now, days=rng.choice((5, 10, 15)))
            elif pick < 0.6:
                m = self.measure(plan, "fine", now, amount=Decimal(rng.choice((1000, 2000, 5000, 10000))))
            elif pick < 0.85:
                m = self.measure(plan, "summons_by_force", now, hours=8, summons_count=1)
            else:
                m = self.measure(plan, "vehicle_seizure", now)
            if m is not None and m.status == "approved":
                with transaction.atomic():
                    measure_execute(actor=self.officer(plan), measure_id=m.pk, starts_at=now, now=now)

        return act


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
    sim = _Sim(court=court, year=year, seed=seed, staff=staff)
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
    for plan in plans:
        sim.schedule_case(plan)
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


def _month_end_sweeps(sim: _Sim) -> None:
    """Publish the 失信 listings whose grace period ended (the measures app's own sweep)."""
    from lastmile.measures.services import listings_publish_due

    listings_publish_due(now=datetime(sim.year, 12, 31, 18, tzinfo=SHANGHAI))


def court_has_cases(*, court_code: str, year: int) -> bool:
    return Case.objects.filter(court__code=court_code, year=year).exists()
