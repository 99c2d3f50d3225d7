"""A small simulated year, then the dashboard's figures recounted by hand from the rows the
services wrote; and the same seed gives the same year."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import Court, Role
from lastmile.cases.models import Case, CaseEvent
from lastmile.cases.selectors import audit_verify
from lastmile.core.clock import SHANGHAI, use_clock
from lastmile.core.errors import ConditionsNotMet
from lastmile.core.periods import is_working_day
from lastmile.documents.models import Document
from lastmile.enforcement.models import ProcedureStep
from lastmile.ledger.models import Payout, Receipt
from lastmile.measures.models import Measure, MeasureKind, MeasureStatus
from lastmile.simulation.case_life import NOTICE_STEPS, file_case, notices_prepare, notices_schedule
from lastmile.simulation.coercion import summons
from lastmile.simulation.court_year import simulate_year
from lastmile.simulation.engine import Sim
from lastmile.simulation.plans import year_plans
from lastmile.simulation.staff import Staff, staff_ensure
from lastmile.statistics.conf import METHOD_NAMES, stats_config
from lastmile.statistics.indicators import Filters, indicators_compute
from lastmile.statistics.selectors import dashboard_for
from lastmile.testing.factories import UserFactory


def local(dt):
    return timezone.localtime(dt).date()


@pytest.mark.slow
@pytest.mark.django_db
def test_small_year_recounted_by_hand():
    result = simulate_year(court_code="湘0702", year=2023, cases=150, seed=7)
    assert result.cases == 150
    # Only the measures' guardrails refuse (counted, not forced): every planned closing, 终本
    # included, found its conditions in the rows the services wrote.
    assert all(str(code).startswith("measure:") for code in result.refused), result.refused
    court = Court.objects.get(code="湘0702")
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    cases = list(Case.objects.filter(court=court, type_code="执"))
    assert len(cases) == 150  # every filing went through enforcement_file
    filed = [c for c in cases if c.filed_at and local(c.filed_at) <= end]
    closed = [c for c in filed if c.closed_at and local(c.closed_at) <= end]
    methods = Counter(METHOD_NAMES.get(c.closing_method, c.closing_method) for c in closed)
    days = sum((local(c.closed_at) - local(c.filed_at)).days for c in closed)
    claimed = sum((c.amount_claimed for c in closed), Decimal("0"))
    closed_ids = {c.pk for c in closed}
    recovered = sum(
        (r.amount for r in Receipt.objects.filter(case_id__in=closed_ids) if local(r.received_at) <= end),
        Decimal("0"),
    )

    r = indicators_compute(
        filters=Filters(court_ids=(court.pk,), start=start, end=end), config=stats_config()
    )
    assert (r.carried, r.new, r.closed) == (0, len(filed), len(closed))
    assert r.open == len(filed) - len(closed)
    assert r.closed_by_method == {m: methods.get(m, 0) for m in r.closed_by_method}
    assert r.days_total == days
    assert r.amount_claimed == claimed
    assert r.amount_recovered == recovered
    # A year that looks like a court's: most cases closed, several ways of closing, money recovered.
    assert r.closed / r.accepted > Decimal("0.8")
    assert methods["执行完毕"] > methods["终结本次执行程序"] > 0
    assert Decimal(10) < r.recovery_rate < Decimal(90)
    assert Decimal(15) < r.avg_days < Decimal(70)
    # The measures are asked for as the law allows them: nothing refused, and 拘传 among them
    # (after two summons ignored), carried out and still counted.
    assert not result.refused, result.refused
    assert r.measures["summons_by_force"] >= 1
    # Through the services: every case has a timeline, and the audit chain holds.
    assert CaseEvent.objects.filter(case__in=cases).values("case").distinct().count() == 150
    assert audit_verify(court=court) == []

    leader = UserFactory(court=court, role=Role.LEADER)
    dash = dashboard_for(actor=leader, start=start, end=end, today=date(2024, 1, 1))
    assert dash.current.accepted == len(filed)
    assert sum(p.new for p in dash.trend) == len(filed)
    assert sum(b.accepted for b in dash.by_officer) == len(filed)
    assert sum(p.total for p in dash.paths) == len(filed)


@pytest.mark.slow
@pytest.mark.django_db
def test_same_seed_same_year():
    def run() -> tuple:
        with transaction.atomic():
            simulate_year(court_code="湘0702", year=2023, cases=40, seed=11)
            snapshot = (
                sorted(
                    Case.objects.values_list(
                        "number", "status", "closing_method", "amount_claimed", "closed_at"
                    )
                ),
                sorted(Receipt.objects.values_list("amount", "received_at")),
            )
            transaction.set_rollback(True)
        return snapshot

    first = run()
    assert Case.objects.count() == 0
    assert first == run()
    assert len(first[0]) >= 40 and len(first[1]) > 0  # 40 filings (+ any 执恢), money received


def test_plans_follow_the_seed_and_the_calendar():
    a, b = year_plans(year=2023, cases=300, seed=5), year_plans(year=2023, cases=300, seed=5)
    assert [(p.filed_at, p.amount, p.outcome) for p in a] == [(p.filed_at, p.amount, p.outcome) for p in b]
    assert all(p.filed_at.year == 2023 for p in a)
    assert all(is_working_day(p.filed_at.date()) for p in a)  # incl. make-up working Saturdays
    assert [p.amount for p in year_plans(year=2023, cases=300, seed=6)] != [p.amount for p in a]
    assert {p.outcome for p in a} >= {"voluntary", "zhongben", "settlement", "withdrawn"}


@pytest.mark.django_db
def test_command_quick_mode(capsys):
    call_command("simulate", "--cases", "20", "--seed", "3", "--no-progress")
    out = capsys.readouterr().out
    assert "模拟完成：20 件" in out
    assert Case.objects.filter(court__code="湘0702", year=2023).count() >= 20
    call_command("simulate", "--cases", "20", "--if-empty", "--no-progress")
    assert "未重复模拟" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.django_db
def test_two_consecutive_years_in_one_database_both_close_normally():
    """A second year simulated beside the first (same court, same seed) is refused nothing: its
    payments, payouts and settlement instalments carry keys of their own (court and year in
    every idempotency key), so it closes like the first. (Its payments used to be refused as
    replays of the first year's, and 2023 after 2022 closed 20 %.)"""
    court_code = "湘0702"
    results = {y: simulate_year(court_code=court_code, year=y, cases=30, seed=2023) for y in (2022, 2023)}
    court = Court.objects.get(code=court_code)
    figures = {}
    for y, result in results.items():
        assert all(str(code).startswith("measure:") for code in result.refused), (y, result.refused)
        r = indicators_compute(
            filters=Filters(court_ids=(court.pk,), start=date(y, 1, 1), end=date(y, 12, 31)),
            config=stats_config(),
        )
        own = Case.objects.filter(court=court, type_code="执", year=y)
        own_closed = [c for c in own if c.closed_at and local(c.closed_at).year == y]
        assert r.new == own.count() == 30
        # Most of the year's filings close within it, 执行完毕 (paid in full) first, money recovered.
        assert len(own_closed) / 30 > 0.7, (y, len(own_closed))
        assert r.closed_by_method["执行完毕"] == max(r.closed_by_method.values()) > 0
        assert r.amount_recovered > 0
        figures[y] = r
    # The first year's open cases are carried into the second (旧存); each year drives its own
    # filings only, so the carried ones stay as the first year left them.
    assert figures[2023].carried == figures[2022].open
    # Every idempotency key the second year wrote names its court and its year.
    keys = [
        *Receipt.objects.filter(case__court=court, case__year=2023).values_list("idempotency_key", flat=True),
        *Payout.objects.filter(case__court=court, case__year=2023).values_list("idempotency_key", flat=True),
    ]
    # (A deduction's receipt is keyed by the inquiry app's order; an instalment's by the settlement.)
    # A payment the officer recorded and finance confirmed is keyed by its report ("report:<id>"),
    # and the report by the simulation.
    reports = [int(k.removeprefix("report:")) for k in keys if k.startswith("report:")]
    if reports:
        report_model = django_apps.get_model("ledger", "PaymentReport")
        keys = [k for k in keys if not k.startswith("report:")]
        keys += list(report_model.objects.filter(pk__in=reports).values_list("idempotency_key", flat=True))
    sim_keys = [k.removeprefix("settlement:") for k in keys if not k.startswith("inquiry:")]
    assert sim_keys and all(k.startswith(f"sim-{court_code}-2023-") for k in sim_keys), sim_keys


@pytest.mark.django_db
def test_summons_by_force_follows_two_summons_and_reaches_a_companys_legal_representative(courts):
    """The simulation asks for a 拘传 only as the guardrails allow it (民事诉讼法 2023 art. 112;
    民诉解释 2022 art. 482): after two summons by 传票 ignored, of a natural person (the
    company's 法定代表人), questioned within the hours and released. Nothing is refused."""
    court = courts["湘0702"]
    sim = Sim(court=court, year=2023, seed=1, staff=staff_ensure(court, prefix="t"))
    plan = year_plans(year=2023, cases=1, seed=1)[0]
    plan.organisation, plan.online = True, False
    with use_clock(sim.clock):
        sim.clock.set(plan.filed_at)
        file_case(sim, plan, random.Random(1))(plan.filed_at)
        sim.queue.clear()  # only the summons, not the rest of the case's life
        sim.at(plan.filed_at + timedelta(days=3), summons(sim, plan, []))
        sim.run(None, 1)
    assert not sim.refused, sim.refused
    (m,) = Measure.objects.filter(case=plan.case, kind=MeasureKind.SUMMONS_BY_FORCE)
    assert plan.debtor is not None and plan.debtor.legal_representative_id == m.subject_id
    assert (m.organisation_id, m.capacity) == (plan.debtor.pk, "legal_representative")
    assert m.subject.is_person and m.summons_count == 2
    assert m.status == MeasureStatus.CARRIED_OUT and m.place
    assert m.starts_at is not None and m.released_at is not None
    assert m.released_at - m.starts_at <= timedelta(hours=m.hours or 0) <= timedelta(hours=8)
    # The two days the 传票 set, both working days, passed before the 拘传.
    due = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", m.reason)
    days = [date(int(y), int(mo), int(d)) for y, mo, d in due]
    assert len(days) == 2 and all(is_working_day(d) for d in days)
    assert days[0] < days[1] < local(m.starts_at)


@pytest.mark.django_db
@pytest.mark.parametrize(("slice_s", "slices"), [(60.0, 2), (0.0, 3)])
def test_events_commit_in_slices_and_a_refused_event_leaves_nothing(courts, monkeypatch, slice_s, slices):
    """The events run in transactions of at most SLICE_S seconds of work (never across a day),
    each event in its own savepoint: the refused one leaves nothing behind, the others stay;
    progress is told once per day, after it."""
    from lastmile.simulation import engine

    court = courts["湘0702"]
    user = UserFactory(court=court, role=Role.ENFORCEMENT_OFFICER)
    sim = Sim(court=court, year=2023, seed=1, staff=Staff(user, user, user, [], [user]))
    day1, day2 = (datetime(2023, 3, d, 9, tzinfo=SHANGHAI) for d in (6, 7))

    def make(name: str, *, refuse: bool = False):
        def act(now: datetime) -> None:
            Court.objects.create(code=name, name=name, level=court.level)
            if refuse:
                raise ConditionsNotMet("不符合条件", unmet=["x"])

        return act

    sim.at(day1, make("甲"))
    sim.at(day1 + timedelta(hours=2), make("乙", refuse=True))
    sim.at(day2, make("丙"))
    monkeypatch.setattr(engine, "SLICE_S", slice_s)
    committed: list[int] = []
    slice_ = sim._slice

    def counted(today: date) -> int:
        before = sim.events
        filed = slice_(today)
        committed.append(sim.events - before)
        return filed

    monkeypatch.setattr(sim, "_slice", counted)
    told: list[tuple[date, list[str]]] = []
    with use_clock(sim.clock):
        sim.run(lambda day, filed, total: told.append((day, sorted(_made()))), 0)
    assert told == [(date(2023, 3, 6), ["甲"]), (date(2023, 3, 7), ["丙", "甲"])]
    assert sim.events == 3 and sum(sim.refused.values()) == 1
    assert len(committed) == slices and sum(committed) == 3


def _made() -> list[str]:
    return list(Court.objects.filter(code__in=("甲", "乙", "丙")).values_list("code", flat=True))


@pytest.mark.django_db
def test_a_days_notices_are_issued_in_one_chunk_then_served_by_each_case(courts):
    """The day's 执行通知书 and 报告财产令 are issued together first thing (the documents app's
    chunk path, by the case officer); each case's notices event then serves them, issuing
    nothing again."""
    court = courts["湘0702"]
    sim = Sim(court=court, year=2023, seed=1, staff=staff_ensure(court, prefix="t"))
    plans = year_plans(year=2023, cases=3, seed=4)
    codes = ["enforcement_notice", "property_report_order"]
    day = date(2023, 3, 8)
    with use_clock(sim.clock):
        for i, plan in enumerate(plans):
            plan.online = False
            plan.filed_at = datetime(2023, 3, 6, 9, i, tzinfo=SHANGHAI)
            sim.clock.set(plan.filed_at)
            file_case(sim, plan, random.Random(i))(plan.filed_at)
        sim.queue.clear()  # only the notices, not the rest of the cases' lives
        sim.notices_due.clear()
        for i, plan in enumerate(plans):
            when = datetime.combine(day, time(10, 10 * i), tzinfo=SHANGHAI)
            notices_schedule(sim, plan, random.Random(i), when)
        notices_prepare(sim, day)  # what the day's start does (court_year registers it)
        issued = Document.objects.filter(case__in=[p.case for p in plans], template__code__in=codes)
        assert issued.count() == 6 and not ProcedureStep.objects.filter(kind__in=NOTICE_STEPS).exists()
        sim.run(None, 3)
    assert not sim.refused, sim.refused
    for plan in plans:  # (the rest of each case's life ran too: its other documents are left out)
        docs = Document.objects.filter(case=plan.case, template__code__in=codes).order_by("pk")
        assert [d.template.code for d in docs] == codes
        steps = ProcedureStep.objects.filter(case=plan.case, kind__in=NOTICE_STEPS)
        assert steps.count() == 2 and all(d.issued_by_id == sim.officer(plan).pk for d in docs)
        assert all(d.issued_at <= s.recorded_at for d in docs for s in steps)
