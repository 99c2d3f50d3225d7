from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lastmile.core import periods
from lastmile.core.errors import HolidayScheduleMissing
from lastmile.core.periods import (
    HolidaySchedule,
    add_working_days,
    covered_years,
    is_working_day,
    load_schedules,
    next_working_day,
    period_end,
    period_end_months,
    period_end_years,
    register_schedule,
    unregister_schedule,
    working_days_between,
)

LAST_COVERED_YEAR = max(covered_years())


@pytest.fixture
def clean_registry():
    before = dict(periods._registered)
    yield
    periods._registered.clear()
    periods._registered.update(before)


# --- the calendar ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 10, 1), False),  # National Day
        (date(2024, 10, 4), False),  # Friday inside the holiday
        (date(2024, 10, 8), True),
        (date(2024, 10, 12), True),  # Saturday make-up workday (调休上班)
        (date(2024, 10, 13), False),  # ordinary Sunday
        (date(2024, 9, 29), True),  # Sunday make-up workday
        (date(2025, 1, 26), True),  # Sunday make-up workday before Spring Festival
        (date(2025, 1, 28), False),  # 除夕 2025, a statutory holiday since 2025
        (date(2025, 6, 2), False),  # Dragon Boat Festival, Monday
        (date(2025, 6, 3), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_builtin_coverage_includes_2004_to_2026():
    assert set(range(2004, 2027)) <= covered_years()


def test_year_beyond_coverage_raises_in_chinese():
    year = LAST_COVERED_YEAR + 1
    with pytest.raises(HolidayScheduleMissing) as exc:
        is_working_day(date(year, 3, 2))
    assert exc.value.code == "holiday_schedule_missing"
    assert f"{year}年国务院节假日安排尚未收录，无法计算法定期间" in exc.value.message
    assert exc.value.details == {"year": year}


def test_year_before_coverage_raises():
    with pytest.raises(HolidayScheduleMissing, match="2003年"):
        is_working_day(date(2003, 5, 6))


def test_datetime_is_refused():
    with pytest.raises(TypeError):
        is_working_day(datetime(2024, 10, 8, 9, 0))


def test_next_working_day():
    assert next_working_day(date(2024, 9, 30)) == date(2024, 10, 8)
    assert next_working_day(date(2024, 10, 11)) == date(2024, 10, 12)
    assert next_working_day(date(2024, 10, 8)) == date(2024, 10, 9)


# --- CPL 2023 art. 85: periods in days ---------------------------------------------------


def test_period_ending_on_national_day_rolls_to_first_day_after_holiday():
    assert date(2024, 9, 16) + timedelta(days=15) == date(2024, 10, 1)
    assert period_end(date(2024, 9, 16), 15) == date(2024, 10, 8)


def test_period_ending_on_make_up_saturday_does_not_roll():
    assert period_end(date(2024, 9, 27), 15) == date(2024, 10, 12)


def test_period_ending_on_ordinary_weekend_rolls_to_monday():
    # served Thu 2024-11-07; 15-day appeal period (CPL 2023 art. 171) ends Fri 11-22
    assert period_end(date(2024, 11, 7), 15) == date(2024, 11, 22)
    # served Mon 2024-11-18; 10-day period against a ruling ends Thu 11-28
    assert period_end(date(2024, 11, 18), 10) == date(2024, 11, 28)
    # nominal end Sat 2024-11-23 rolls to Mon 11-25
    assert period_end(date(2024, 11, 8), 15) == date(2024, 11, 25)


def test_appeal_period_rolling_onto_make_up_sunday():
    # nominal end Sat 2025-01-25 (rest day); Sun 2025-01-26 was a make-up workday
    assert period_end(date(2025, 1, 10), 15) == date(2025, 1, 26)


def test_period_ending_in_spring_festival():
    assert period_end(date(2025, 1, 21), 10) == date(2025, 2, 5)


def test_holidays_inside_the_period_are_counted():
    # 2024-09-30 + 10 days = 2024-10-10 (working): the holiday week is not skipped
    assert period_end(date(2024, 9, 30), 10) == date(2024, 10, 10)


def test_zero_day_period():
    assert period_end(date(2024, 10, 8), 0) == date(2024, 10, 8)
    assert period_end(date(2024, 10, 1), 0) == date(2024, 10, 8)


def test_negative_period_refused():
    with pytest.raises(ValueError):
        period_end(date(2024, 10, 8), -1)


def test_period_ending_beyond_coverage_raises():
    with pytest.raises(HolidayScheduleMissing, match=f"{LAST_COVERED_YEAR + 1}年"):
        period_end(date(LAST_COVERED_YEAR, 12, 20), 30)


# --- Civil Code arts. 202–203: periods in months and years -------------------------------


def test_month_period_same_numbered_day():
    assert period_end_months(date(2024, 3, 15), 6) == date(2024, 9, 18)  # 9-15 Sun, Mid-Autumn
    assert period_end_months(date(2025, 4, 10), 1) == date(2025, 5, 12)  # 5-10 Sat → Mon


def test_month_period_clamps_to_month_end():
    assert period_end_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert period_end_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert period_end_months(date(2024, 8, 31), 1) == date(2024, 9, 30)  # Monday


def test_month_period_clamp_then_roll():
    # 2025-05-31 (Sat, Dragon Boat Festival) → first working day 2025-06-03
    assert period_end_months(date(2025, 3, 31), 2) == date(2025, 6, 3)


def test_month_period_clamped_onto_make_up_saturday():
    # 2026-02-28 is a Saturday make-up workday
    assert period_end_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_month_period_across_year_end():
    assert period_end_months(date(2024, 11, 30), 3) == date(2025, 2, 28)


def test_year_periods():
    # 2-year limit for applying for execution (CPL 2023 art. 250)
    assert period_end_years(date(2023, 6, 15), 2) == date(2025, 6, 16)  # 6-15 Sunday
    assert period_end_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert period_end_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_negative_months_and_years_refused():
    with pytest.raises(ValueError):
        period_end_months(date(2024, 1, 1), -1)
    with pytest.raises(ValueError):
        period_end_years(date(2024, 1, 1), -1)


# --- working-day arithmetic -------------------------------------------------------------


def test_add_working_days():
    assert add_working_days(date(2024, 9, 30), 0) == date(2024, 9, 30)
    assert add_working_days(date(2024, 10, 1), 0) == date(2024, 10, 1)
    assert add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert add_working_days(date(2024, 9, 30), 5) == date(2024, 10, 12)
    assert add_working_days(date(2024, 10, 12), 1) == date(2024, 10, 14)
    with pytest.raises(ValueError):
        add_working_days(date(2024, 9, 30), -1)


def test_working_days_between():
    assert working_days_between(date(2024, 9, 30), date(2024, 9, 30)) == 0
    assert working_days_between(date(2024, 9, 29), date(2024, 9, 30)) == 1
    assert working_days_between(date(2024, 9, 30), date(2024, 10, 7)) == 0
    assert working_days_between(date(2024, 9, 30), date(2024, 10, 12)) == 5
    # 2024 had 251 working days; 1 January (excluded here) was a holiday anyway
    assert working_days_between(date(2024, 1, 1), date(2024, 12, 31)) == 251
    with pytest.raises(ValueError):
        working_days_between(date(2024, 10, 2), date(2024, 10, 1))


# --- extending the calendar -------------------------------------------------------------


@pytest.mark.usefixtures("clean_registry")
def test_registered_schedule_extends_coverage():
    year = LAST_COVERED_YEAR + 1
    new_year = date(year, 1, 1)
    extra_saturday = next(date(year, 2, d) for d in range(1, 8) if date(year, 2, d).weekday() == 5)
    register_schedule(year, {new_year}, {extra_saturday}, source="test")
    assert year in covered_years()
    assert not is_working_day(new_year)
    assert is_working_day(extra_saturday)
    unregister_schedule(year)
    with pytest.raises(HolidayScheduleMissing):
        is_working_day(new_year)


@pytest.mark.usefixtures("clean_registry")
def test_registered_schedule_overrides_builtin():
    assert not is_working_day(date(2024, 10, 1))
    register_schedule(2024, set(), set())
    assert is_working_day(date(2024, 10, 1))
    assert not is_working_day(date(2024, 10, 12))


@pytest.mark.parametrize(
    ("holidays", "workdays", "message"),
    [
        ({date(2026, 12, 31)}, set(), "other years"),
        ({date(2027, 1, 2)}, {date(2027, 1, 2)}, "holiday and workday"),
        (set(), {date(2027, 1, 4)}, "weekends"),
    ],
)
def test_inconsistent_schedules_are_refused(holidays, workdays, message):
    with pytest.raises(ValueError, match=message):
        HolidaySchedule(2027, frozenset(holidays), frozenset(workdays))


@pytest.mark.usefixtures("clean_registry")
def test_load_schedules_from_toml(tmp_path):
    year = LAST_COVERED_YEAR + 1
    (tmp_path / f"{year}.toml").write_text(
        f'year = {year}\nsource = "测试"\nholidays = [{year}-01-01]\nworkdays = []\n',
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("not a schedule", encoding="utf-8")
    assert load_schedules(tmp_path) == [year]
    assert not is_working_day(date(year, 1, 1))
    assert periods._schedule(year).source == "测试"


def test_load_schedules_rejects_bad_dates(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('year = 2030\nholidays = ["2030-01-01"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="TOML dates"):
        load_schedules(path)


def test_bundled_data_directory_exists():
    assert periods.HOLIDAY_DATA_DIR.is_dir()


# --- properties -------------------------------------------------------------------------

starts = st.dates(min_value=date(2005, 1, 1), max_value=date(LAST_COVERED_YEAR, 6, 30))


@given(starts, st.integers(min_value=0, max_value=150))
def test_period_end_is_a_working_day_not_before_nominal_end(start, days):
    end = period_end(start, days)
    nominal = start + timedelta(days=days)
    assert end >= nominal
    assert is_working_day(end)
    # only rest days were skipped
    d = nominal
    while d < end:
        assert not is_working_day(d)
        d += timedelta(days=1)


@given(starts, st.integers(min_value=0, max_value=5))
def test_period_end_months_is_a_working_day(start, months):
    end = period_end_months(start, months)
    assert is_working_day(end)
    assert end >= start


@given(starts, st.integers(min_value=0, max_value=30))
def test_add_working_days_matches_working_days_between(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n


def test_provisional_period_end_is_exact_when_covered():
    from lastmile.core.periods import period_end_provisional

    result = period_end_provisional(date(2024, 9, 16), 15)
    assert result == period_end_provisional(date(2024, 9, 16), 15)
    assert result.day == period_end(date(2024, 9, 16), 15)
    assert result.provisional is False


def test_provisional_period_end_flags_uncovered_years():
    from lastmile.core.periods import covered_years, period_end_provisional

    year = max(covered_years()) + 1
    start = date(year, 1, 1)
    result = period_end_provisional(start, 180)
    assert result.provisional is True
    assert result.day.weekday() < 5
    assert result.day >= start + timedelta(days=180)
    months = period_end_provisional(start, months=6)
    assert months.provisional is True and months.day >= date(year, 7, 1)


def test_add_months_is_the_one_calendar_month_step():
    """One month arithmetic for the project (Civil Code 2020 art. 203 ¶2): clamped, never rolled."""
    from lastmile.core.periods import add_months

    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 10, 1), 0) == date(2025, 10, 1)  # a holiday stays: no roll
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
