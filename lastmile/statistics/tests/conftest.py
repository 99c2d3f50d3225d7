"""The small statistics data set of ``test_indicators`` (its docstring has the table), built
directly as rows: the indicators read rows, so the rows are the input under test."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lastmile.accounts.models import Role, Team
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_time_limit_first_pause_set
from lastmile.enforcement.models import PauseKind, ProcedureStep, StepKind, TimeLimitPause
from lastmile.ledger.models import Receipt
from lastmile.statistics.conf import METHOD_CODES
from lastmile.testing.factories import UserFactory

BJ = timezone.get_fixed_timezone(480)


def bj(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BJ)


_seq = itertools.count(1)


def make_case(court, type_code, filed, closed=None, method="", amount="0", officer=None, team=None, **kw):
    n = next(_seq)
    return Case.objects.create(
        court=court,
        year=(filed or kw.get("received_at")).year,
        type_code=type_code,
        seq=n,
        number=f"（{(filed or kw.get('received_at')).year}）{court.code}{type_code}{n}号",
        status=CaseStatus.CLOSED if closed else kw.pop("status", CaseStatus.IN_PROGRESS),
        received_at=kw.pop("received_at", filed),
        filed_at=filed,
        closed_at=closed,
        closing_method=METHOD_CODES.get(method, method) if method else method,
        amount_claimed=Decimal(amount),
        officer=officer,
        team=team,
    )


def add_pause(*, case: Case, kind: str, started_on: date, ended_on: date | None = None) -> TimeLimitPause:
    """An excluded period written straight to the table, with the copy of its first day the
    enforcement app keeps on the case (as its services do)."""
    pause = TimeLimitPause.objects.create(case=case, kind=kind, started_on=started_on, ended_on=ended_on)
    case_time_limit_first_pause_set(case=case, started_on=started_on)
    return pause


def receipt(case, amount, at):
    return Receipt.objects.create(
        court=case.court,
        case=case,
        amount=Decimal(amount),
        source="debtor_transfer",
        idempotency_key=f"r-{case.pk}-{amount}-{at.isoformat()}",
        received_at=at,
        effective_on=at.date(),
    )


@pytest.fixture
def data(courts):
    w, other = courts["湘0702"], courts["湘0104"]
    team_a = Team.objects.create(court=w, name="快执团队")
    alice = UserFactory(court=w, role=Role.ENFORCEMENT_JUDGE, display_name="甲法官", team=team_a)
    bob = UserFactory(court=w, role=Role.ENFORCEMENT_OFFICER, display_name="乙执行员")
    c: dict[str, Case] = {}
    c["A"] = make_case(w, "执", bj(2022, 11, 10), bj(2023, 1, 20), "执行完毕", "10000", alice, team_a)
    c["B"] = make_case(w, "执", bj(2022, 12, 1), amount="5000", officer=bob)
    c["C"] = make_case(w, "执", bj(2022, 6, 1), bj(2022, 12, 20), "执行完毕", "7000", alice, team_a)
    c["D"] = make_case(
        w, "执", bj(2023, 2, 1, 9), bj(2023, 6, 15, 16), "终结本次执行程序", "20000", alice, team_a
    )
    c["E"] = make_case(w, "执", bj(2023, 3, 1), bj(2023, 3, 31), "终结执行", "3000", bob)
    c["F"] = make_case(w, "执", bj(2023, 5, 10), bj(2024, 1, 5), "执行完毕", "8000", bob)
    c["G"] = make_case(w, "执恢", bj(2023, 4, 1), bj(2023, 5, 1), "执行完毕", "4000", bob)
    c["H"] = make_case(w, "执", bj(2023, 12, 31, 23, 30), amount="2500", officer=alice, team=team_a)
    c["I"] = make_case(w, "执", bj(2023, 1, 1, 0, 10), bj(2023, 9, 15), "执行完毕", "6000", alice, team_a)
    c["J"] = make_case(w, "执", bj(2023, 1, 10), bj(2023, 8, 20), "销案", "1500", bob)
    c["N"] = make_case(w, "执", bj(2023, 6, 1), amount="900", officer=bob, status=CaseStatus.SUSPENDED)
    # Not counted: another type, never filed, another court.
    make_case(w, "民初", bj(2023, 3, 3), bj(2023, 4, 3), "", "999")
    make_case(w, "执", None, amount="999", received_at=bj(2023, 7, 7), status=CaseStatus.RECEIVED)
    make_case(other, "执", bj(2023, 3, 3), bj(2023, 4, 3), "执行完毕", "999")
    add_pause(case=c["I"], kind=PauseKind.SETTLEMENT, started_on=date(2023, 3, 1), ended_on=date(2023, 5, 31))
    add_pause(case=c["N"], kind=PauseKind.SUSPENSION, started_on=date(2023, 10, 1))
    receipt(c["A"], "10000", bj(2023, 1, 15))
    receipt(c["D"], "2000.50", bj(2023, 4, 1))
    receipt(c["D"], "500", bj(2024, 1, 10))
    receipt(c["I"], "6000", bj(2023, 9, 10))
    receipt(c["F"], "1000", bj(2023, 7, 1))
    for case, kind, on in [
        (c["D"], StepKind.CONSUMPTION_RESTRICTION, date(2023, 2, 10)),
        (c["J"], StepKind.CONSUMPTION_RESTRICTION, date(2023, 3, 10)),
        (c["D"], StepKind.DISHONEST_LISTED, date(2023, 3, 1)),
        (c["C"], StepKind.DISHONEST_LISTED, date(2022, 7, 1)),
    ]:
        ProcedureStep.objects.create(case=case, kind=kind, done_on=on, recorded_at=bj(2023, 1, 1))
    return {"court": w, "cases": c, "team": team_a, "alice": alice, "bob": bob}
