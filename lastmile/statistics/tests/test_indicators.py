"""Every indicator recomputed by hand on a small built data set, in both rounding modes.

The data set (court 湘0702, period 2023-01-01 … 2023-12-31, Beijing dates):

====  ======  =====================  =====================  ============  ==========
case  type    filed (Beijing)        closed (Beijing)       method        claimed
====  ======  =====================  =====================  ============  ==========
A     执      2022-11-10 10:00       2023-01-20 10:00       执行完毕      10,000
B     执      2022-12-01 10:00       —                                    5,000
C     执      2022-06-01 10:00       2022-12-20 10:00       执行完毕      7,000
D     执      2023-02-01 09:00       2023-06-15 16:00       终本          20,000
E     执      2023-03-01 10:00       2023-03-31 10:00       终结执行      3,000
F     执      2023-05-10 10:00       2024-01-05 10:00       执行完毕      8,000
G     执恢    2023-04-01 10:00       2023-05-01 10:00       执行完毕      4,000
H     执      2023-12-31 23:30       —                                    2,500
I     执      2023-01-01 00:10       2023-09-15 10:00       执行完毕      6,000
J     执      2023-01-10 10:00       2023-08-20 10:00       销案          1,500
N     执      2023-06-01 10:00       —  (中止 since 10-01)                900
====  ======  =====================  =====================  ============  ==========

Plus a 民初 case, an online application never filed, and a case of another court: none counts.
I has a settlement pause 2023-03-01 … 2023-05-31 (91 days). Receipts: A 10,000 (2023-01-15),
D 2,000.50 (2023-04-01) and 500 (2024-01-10, after the period), I 6,000 (2023-09-10),
F 1,000 (2023-07-01).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.statistics import indicators
from lastmile.statistics.conf import stats_config
from lastmile.statistics.indicators import Filters, indicators_compute


def year(court, y=2023, **kw) -> Filters:
    return Filters(court_ids=(court.pk,), start=date(y, 1, 1), end=date(y, 12, 31), **kw)


# Closing days, by hand (closing date − filing date, Beijing dates):
# A 2022-11-10→2023-01-20 = 20 + 31 + 20 = 71; D 02-01→06-15 = 27+31+30+31+15 = 134;
# E 03-01→03-31 = 30; I 01-01→09-15 = 257; J 01-10→08-20 = 222.
DAYS = 71 + 134 + 30 + 257 + 222  # 714


def test_days_by_hand_match_the_calendar():
    assert (date(2023, 1, 20) - date(2022, 11, 10)).days == 71
    assert (date(2023, 6, 15) - date(2023, 2, 1)).days == 134
    assert (date(2023, 9, 15) - date(2023, 1, 1)).days == 257
    assert (date(2023, 8, 20) - date(2023, 1, 10)).days == 222
    assert (date(2023, 5, 31) - date(2023, 3, 1)).days == 91


@pytest.mark.django_db
def test_every_indicator_half_up(data):
    r = indicators_compute(filters=year(data["court"]), config=stats_config(rounding="half_up"))
    assert (r.carried, r.new, r.accepted) == (2, 7, 9)  # 旧存 A B; 新收 D E F H I J N
    assert r.closed == 5  # A D E I J
    assert r.open == 4  # B F H N
    assert r.accepted == r.closed + r.open
    assert r.closed_by_method == {
        "执行完毕": 2,
        "终结本次执行程序": 1,
        "终结执行": 1,
        "销案": 1,
        "不予执行": 0,
        "驳回申请": 0,
    }
    assert r.closing_rate == Decimal("55.56")  # 5 / 9 = 55.555…
    assert r.completed_rate == Decimal("40.00")  # 2 / 5
    assert r.no_property_rate == Decimal("20.00")  # 1 / 5
    assert (r.actual_closed, r.actual_rate) == (3, Decimal("60.00"))  # 执行完毕 + 终结执行
    assert r.amount_claimed == Decimal("40500.00")  # A D E I J
    assert r.amount_recovered == Decimal("18000.50")  # 10,000 + 2,000.50 + 6,000
    assert r.recovery_rate == Decimal("44.45")  # 44.4457 %
    assert r.days_total == DAYS
    assert r.avg_days == Decimal("142.80")  # 714 / 5
    assert r.excluded_days_total == 91
    assert r.avg_days_net == Decimal("124.60")  # (714 − 91) / 5
    assert (r.in_time, r.in_time_rate) == (4, Decimal("80.00"))  # J closed after 2023-07-10
    assert r.overdue_open == 2  # B (due 2023-06-01), F (due 2023-11-10); N is suspended
    # Measures are the measures app's rows: procedural steps typed by hand are not counted.
    assert r.measures["consumption_restriction"] == 0
    assert r.measures["dishonest_published"] == 0
    assert r.measures["detention"] == 0


@pytest.mark.django_db
def test_every_rate_truncated(data):
    r = indicators_compute(filters=year(data["court"]), config=stats_config(rounding="truncate"))
    assert r.closing_rate == Decimal("55.55")
    assert r.recovery_rate == Decimal("44.44")
    assert (r.completed_rate, r.no_property_rate, r.actual_rate, r.in_time_rate) == (
        Decimal("40.00"),
        Decimal("20.00"),
        Decimal("60.00"),
        Decimal("80.00"),
    )
    assert r.avg_days == Decimal("142.80")


@pytest.mark.django_db
def test_rounding_modes_differ_on_thirds(data):
    """Officer 乙 closed E and J of B, E, F, J, N: 2 / 5; the team view gives thirds."""
    team = data["team"]
    for rounding, expected in (("half_up", Decimal("66.67")), ("truncate", Decimal("66.66"))):
        r = indicators_compute(
            filters=year(data["court"], team_id=team.pk), config=stats_config(rounding=rounding)
        )
        # Team 快执: A, D, H, I accepted; A, D, I closed → 3 / 4 = 75 %; 执行完毕 A, I of 3 → 66.67 %
        assert (r.accepted, r.closed) == (4, 3)
        assert r.closing_rate == Decimal("75.00")
        assert r.completed_rate == expected


@pytest.mark.django_db
def test_officer_filter(data):
    r = indicators_compute(filters=year(data["court"], officer_id=data["bob"].pk), config=stats_config())
    assert (r.carried, r.new, r.closed, r.open) == (1, 4, 2, 3)  # B | E F J N | E J | B F N
    assert r.amount_claimed == Decimal("4500.00")


@pytest.mark.django_db
def test_excluded_type_codes_are_a_setting(data, settings):
    settings.LASTMILE = {**settings.LASTMILE, "STATISTICS": {"EXCLUDED_TYPE_CODES": ["诉前调确", "诉前调书"]}}
    r = indicators_compute(filters=year(data["court"]), config=stats_config())
    assert (r.new, r.accepted, r.closed) == (8, 10, 6)  # G (执恢) now counts
    assert r.closed_by_method["执行完毕"] == 3


@pytest.mark.django_db
def test_money_basis_accepted(data):
    r = indicators_compute(filters=year(data["court"]), config=stats_config(money_basis="accepted"))
    # all 受理 cases: A B D E F H I J N
    assert r.amount_claimed == Decimal("56900.00")
    assert r.amount_recovered == Decimal("19000.50")  # + F's 1,000


@pytest.mark.django_db
def test_same_period_a_year_before_uses_beijing_dates(data):
    f = year(data["court"]).year_before()
    assert (f.start, f.end) == (date(2022, 1, 1), date(2022, 12, 31))
    r = indicators_compute(filters=f, config=stats_config(), with_measures=False)
    # I was filed at 00:10 on 1 January 2023 in Beijing (31 December in UTC): not 2022.
    assert (r.carried, r.new, r.closed, r.open) == (0, 3, 1, 2)  # A B C | C | A B


@pytest.mark.django_db
def test_monthly_trend(data):
    points = indicators.monthly_trend(filters=year(data["court"]), config=stats_config())
    assert len(points) == 12
    by_month = {p.month.month: (p.new, p.closed) for p in points}
    assert by_month[1] == (2, 1)  # new I J; closed A
    assert by_month[12] == (1, 0)  # H at 23:30 on 31 December
    assert sum(p.new for p in points) == 7
    assert sum(p.closed for p in points) == 5


@pytest.mark.django_db
def test_breakdown_by_officer_adds_up(data):
    rows = indicators.breakdown(filters=year(data["court"]), config=stats_config(), by="officer")
    by = {r.label: r for r in rows}
    assert (by["甲法官"].accepted, by["甲法官"].closed) == (4, 3)
    assert (by["乙执行员"].accepted, by["乙执行员"].closed) == (5, 2)
    assert sum(r.accepted for r in rows) == 9


@pytest.mark.django_db
def test_measures_are_read_through_the_measures_selector(data, monkeypatch):
    calls = []

    def fake(*, court_ids, start, end):
        calls.append((list(court_ids), start, end))
        return {"拘留": 3, "vehicle_seizure": 2, "dishonest_published": 5, "summons": 1}

    monkeypatch.setattr(indicators, "measure_counts_of_courts", fake)
    r = indicators_compute(filters=year(data["court"]), config=stats_config())
    # every court of the scope in one call (measures.selectors.measure_counts_of_courts)
    assert calls == [([data["court"].pk], date(2023, 1, 1), date(2023, 12, 31))]
    assert (r.measures["detention"], r.measures["vehicle_seizure"], r.measures["dishonest_published"]) == (
        3,
        2,
        5,
    )
    assert r.measures["summons_by_force"] == 1
    assert r.measures["consumption_restriction"] == 0


@pytest.mark.django_db
def test_empty_scope_gives_zeros_not_errors(courts):
    r = indicators_compute(filters=year(courts["湘0682"]), config=stats_config())
    assert (r.accepted, r.closed, r.closing_rate, r.avg_days) == (0, 0, Decimal("0.00"), Decimal("0.00"))
