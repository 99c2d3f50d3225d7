"""The summary (lastmile/statistics/summary.py): the dashboard's figures with it are the figures
computed from the cases alone, for whole years, periods cut inside a month and the year before."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from lastmile.accounts.models import Court, Role
from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI
from lastmile.enforcement.models import PauseKind
from lastmile.statistics.conf import stats_config
from lastmile.statistics.direct import direct_parts
from lastmile.statistics.indicators import Filters, _overdue_open, overdue_cases, overdue_count_and_cases
from lastmile.statistics.models import MonthCell, OverdueCell, SummaryState
from lastmile.statistics.selectors import ALL_COURTS, dashboard_for
from lastmile.statistics.summary import summary_clear, summary_part, summary_rebuild, summary_usable
from lastmile.testing.factories import UserFactory

from .conftest import add_pause, bj, make_case, receipt

PERIODS = [
    (date(2023, 1, 1), date(2023, 12, 31), date(2024, 3, 10)),  # whole years, this one and 2022
    (date(2023, 3, 15), date(2023, 11, 20), date(2024, 3, 10)),  # both ends inside a month
    (date(2023, 1, 1), date(2023, 6, 15), date(2023, 6, 15)),  # 1 January to "today"
    (date(2024, 1, 1), date(2024, 3, 10), date(2024, 3, 10)),  # the summary's own edge
]


def figures(dash) -> dict:
    out = {
        k: getattr(dash, k)
        for k in ("current", "previous", "trend", "trend_previous", "paths", "by_team", "by_officer")
    }
    out["by_court"] = sorted(dash.by_court, key=lambda r: r.key)
    out["overdue"] = [c.pk for c in dash.overdue]
    out["alerts"] = (dash.alerts, dash.alerts_total)
    return out


@pytest.fixture
def more(data, courts):
    """Beside the 湘0702 set: a case closed in a month with money received months later, and cases
    of a second court under the same high court."""
    w, other = data["court"], courts["湘0104"]
    late = make_case(w, "执", bj(2022, 9, 1), bj(2022, 10, 10), "执行完毕", "3000")
    receipt(late, "1000", bj(2022, 10, 1))
    receipt(late, "2000", bj(2023, 2, 1))
    make_case(other, "执", bj(2022, 12, 5), bj(2023, 2, 7), "终结本次执行程序", "1200")
    make_case(other, "执", bj(2023, 5, 5), None, amount="800")
    make_case(other, "执", bj(2023, 11, 25), bj(2023, 11, 28), "销案", "100")
    return late


@pytest.fixture
def overdue_then_closed(data):
    """Cases the summary holds (closed before its 2024-03-01) that were open and past their time
    limit on some month ends, with and without excluded periods, and triage tracks on the cases
    (the enforcement app's copy, which the paths read)."""
    w, c = data["court"], data["cases"]
    x = make_case(w, "执", bj(2022, 3, 1), bj(2023, 2, 10), "执行完毕", "100")  # limit 2022-09-01
    # Limit 2022-11-01; 172 days excluded (1 July – 20 December): never late enough.
    y = make_case(w, "执", bj(2022, 5, 1), bj(2023, 3, 5), "终结执行", "100")
    add_pause(case=y, kind=PauseKind.AUCTION, started_on=date(2022, 7, 1), ended_on=date(2022, 12, 20))
    # Limit 2022-10-10; an excluded period running on 31 December 2022.
    z = make_case(w, "执", bj(2022, 4, 10), bj(2023, 2, 1), "执行完毕", "100")
    add_pause(case=z, kind=PauseKind.AUCTION, started_on=date(2022, 12, 1), ended_on=date(2023, 1, 20))
    # Extended by three months (limit 2022-11-01, kept on the case), 30 days excluded, closed in
    # January 2024: overdue on both year ends.
    v = make_case(w, "执", bj(2022, 2, 1), bj(2024, 1, 20), "执行完毕", "100")
    Case.objects.filter(pk=v.pk).update(time_limit_ends_on=date(2022, 11, 1))
    add_pause(case=v, kind=PauseKind.SUSPENSION, started_on=date(2022, 3, 1), ended_on=date(2022, 3, 31))
    Case.objects.filter(pk__in=[c["D"].pk, x.pk]).update(enforcement_track="complex")
    Case.objects.filter(pk__in=[c["E"].pk, c["H"].pk]).update(enforcement_track="fast")
    return {"x": x, "y": y, "z": z, "v": v}


@pytest.mark.django_db
@pytest.mark.parametrize("start,end,today", PERIODS)
def test_summary_figures_equal_the_direct_computation(
    data, more, overdue_then_closed, courts, start, end, today
):
    leader = UserFactory(court=Court.objects.get(code="湘"), role=Role.LEADER)
    for code in (ALL_COURTS, "湘0702"):
        summary_clear()
        direct = figures(dashboard_for(actor=leader, start=start, end=end, today=today, court_code=code))
        state = summary_rebuild(now=datetime(2024, 3, 10, 9, tzinfo=SHANGHAI))
        assert state.as_of == date(2024, 3, 1) and state.cases > 5 and MonthCell.objects.exists()
        assert more.pk in state.late_case_ids  # money after its closing month: read directly
        with_summary = figures(
            dashboard_for(actor=leader, start=start, end=end, today=today, court_code=code)
        )
        for key, value in direct.items():
            assert with_summary[key] == value, (code, start, end, key)


@pytest.mark.django_db
def test_the_summary_really_carries_the_closed_months(data, more):
    """Not a no-op: for 2023 the summary holds most closings and the direct part only the rest."""
    config = stats_config()
    f = Filters(court_ids=(data["court"].pk,), start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert summary_usable(f, config) is None
    summary_rebuild(now=datetime(2024, 3, 10, 9, tzinfo=SHANGHAI))
    state = summary_usable(f, config)
    assert state is not None
    part = summary_part(f, config, state)
    # A, E, I, J closed in 2023 (G is 执恢; D has money after its month): four closings summed.
    assert part.indicators["closed"] == 4 and part.indicators["days_total"] == 71 + 30 + 257 + 222
    direct = set(Case.objects.filter(part.direct.only, court=data["court"]).values_list("pk", flat=True))
    cases = data["cases"]
    assert {cases["B"].pk, cases["D"].pk, cases["H"].pk, cases["N"].pk} <= direct  # open, or late money
    # Closed before the summary's 2024-03-01, F (closed 2024-01-05) included: summed, not read.
    assert not direct & {cases[k].pk for k in "AEIJF"}
    # One team or officer: the cells are per court, so the cases are read directly.
    assert summary_usable(dataclasses.replace(f, team_id=data["team"].pk), config) is None
    assert summary_usable(f, stats_config(time_limit_months=3)) is None


@pytest.mark.django_db
def test_overdue_on_past_month_ends_is_kept_in_cells(data, overdue_then_closed):
    """超期未结 on a month end before the summary's month: the cases it holds come from the overdue
    cells (worked out here by hand), the others from the direct rows; the sum is the count from the
    cases alone."""
    summary_rebuild(now=datetime(2024, 3, 10, 9, tzinfo=SHANGHAI))
    o = overdue_then_closed

    def cells(day: date) -> int:
        return sum(OverdueCell.objects.filter(month_end=day).values_list("n", flat=True))

    # 31 Oct 2022: x (limit 1 Sep), z (limit 10 Oct, its excluded period not started yet).
    # 31 Dec 2022: x and v (60 days late, 30 excluded); y is 60 days late with 172 excluded, z's
    # excluded period is running. 31 Dec 2023: v and the data set's F (limit 10 Nov 2023, closed 5
    # January 2024); x had closed in February.
    assert (cells(date(2022, 10, 31)), cells(date(2022, 12, 31)), cells(date(2023, 12, 31))) == (2, 2, 2)
    assert not OverdueCell.objects.filter(month_end__gte=date(2024, 1, 31)).exists()  # v closed 20 Jan
    config = stats_config()
    for end in (date(2022, 10, 31), date(2022, 12, 31), date(2023, 6, 30), date(2023, 12, 31)):
        f = Filters(court_ids=(data["court"].pk,), start=date(end.year, 1, 1), end=end)
        state = summary_usable(f, config)
        assert state is not None
        part = summary_part(f, config, state)
        direct = direct_parts([part.direct], config, [part.unheld])[0]
        assert part.overdue is not None and direct.overdue is not None
        assert part.overdue + direct.overdue == _overdue_open(f, config), end
    # A last day inside a month before the summary's: the cells cannot say.
    f = Filters(court_ids=(data["court"].pk,), start=date(2023, 1, 1), end=date(2023, 11, 20))
    state = summary_usable(f, config)
    assert state is not None and summary_part(f, config, state).overdue is None
    assert o["v"].pk in {c.pk for c in overdue_cases(filters=f, config=config)}


@pytest.mark.django_db
def test_the_longest_overdue_read_by_their_limit_day(courts):
    """The list of the cases longest overdue reads the open cases in the order of the limit day kept
    on the case (stopping after the first that pass the rule), and the open cases without it and
    those closed since the period's end apart; the count adds the overdue cells and the open cases'
    flags. Worked out by hand for 31 December 2023, on a court of its own."""
    w = courts["湘0104"]

    def open_case(filed: datetime, limit: date | None, pause: tuple[date, date | None] | None = None) -> Case:
        case = make_case(w, "执", filed, None, amount="100")
        Case.objects.filter(pk=case.pk).update(time_limit_ends_on=limit)
        if pause is not None:
            add_pause(case=case, kind=PauseKind.AUCTION, started_on=pause[0], ended_on=pause[1])
        return case

    a = open_case(bj(2023, 1, 10), date(2023, 3, 1))  # 305 days late, no excluded period
    # 244 days late, 30 excused: overdue; 244 late, 244 excused: not (the delay must be longer).
    b = open_case(bj(2023, 2, 1), date(2023, 5, 1), (date(2023, 6, 1), date(2023, 7, 1)))
    open_case(bj(2023, 2, 2), date(2023, 5, 1), (date(2023, 4, 1), date(2023, 12, 1)))
    open_case(bj(2023, 3, 1), date(2023, 6, 1), (date(2023, 12, 1), None))  # excluded period running
    e = open_case(bj(2023, 1, 20), None)  # no limit day kept: filing + 6 months, 164 days late
    # Closed since the period's end, 274 days late on it (the summary holds it: an overdue cell).
    f = make_case(w, "执", bj(2023, 1, 5), bj(2024, 1, 10), "执行完毕", "100")
    Case.objects.filter(pk=f.pk).update(time_limit_ends_on=date(2023, 4, 1))
    open_case(bj(2023, 11, 1), date(2024, 5, 1))  # not late yet
    config = stats_config()
    period = Filters(court_ids=(w.pk,), start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert [c.pk for c in overdue_cases(filters=period, config=config)] == [a.pk, f.pk, b.pk, e.pk]
    count, firsts = overdue_count_and_cases(filters=period, config=config)  # from the cases alone
    assert count == 4 and [c.pk for c in firsts] == [a.pk, f.pk, b.pk, e.pk]
    summary_rebuild(now=datetime(2024, 3, 10, 9, tzinfo=SHANGHAI))
    state = summary_usable(period, config)
    assert state is not None
    part = summary_part(period, config, state)
    direct = direct_parts([part.direct], config, [part.unheld])[0]
    assert (part.overdue, direct.overdue) == (1, 3)  # f from the overdue cells, a, b and e open


@pytest.mark.django_db
def test_the_paths_read_the_track_kept_on_the_case(data, overdue_then_closed):
    leader = UserFactory(court=Court.objects.get(code="湘"), role=Role.LEADER)
    summary_rebuild(now=datetime(2024, 3, 10, 9, tzinfo=SHANGHAI))
    dash = dashboard_for(
        actor=leader,
        start=date(2023, 1, 1),
        end=date(2023, 12, 31),
        today=date(2024, 3, 10),
        court_code="湘0702",
    )
    paths = {p.track: p for p in dash.paths}
    # 2023's new 执 cases: D complex (closed, 终本); E fast (closed, 终结执行), H fast (open).
    assert (paths["complex"].label, paths["complex"].total) == ("精执", 1)
    assert paths["complex"].by_method["终结本次执行程序"] == 1
    assert (paths["fast"].label, paths["fast"].total, paths["fast"].open) == ("快执", 2, 1)


@pytest.mark.django_db
def test_rebuild_command(data):
    out = StringIO()
    call_command("statistics_rebuild", stdout=out)
    assert "统计汇总已重建" in out.getvalue() and SummaryState.objects.count() == 1
    call_command("statistics_rebuild", "--clear", stdout=StringIO())
    assert not SummaryState.objects.exists() and not MonthCell.objects.exists()
    assert not OverdueCell.objects.exists()
