"""Statutory periods (法定期间) on the State Council working-day calendar.

Rules implemented:

- CPL 2023 art. 85: the starting day is not counted; when the last day of a period is a
  statutory holiday, the period ends on the first day after the holiday.
- Civil Code (2020) arts. 201–203, which give the same rule and add, for periods counted
  in months or years, that the last day is the same-numbered day of the final month, or
  the last day of that month when it has no such day.

Weekends are rest days for this rule too, except the make-up working days (调休上班) the
State Council announces each year; courts treat any non-working day on that calendar as
a holiday when rolling the last day of a period forward.

The calendar comes from the ``chinese_calendar`` package (years 2004 to its latest
release) and can be extended or corrected per year with :func:`register_schedule` or a
TOML file in ``lastmile/core/data/holidays/`` (see its README). A year with no schedule
raises :class:`~lastmile.core.errors.HolidayScheduleMissing` instead of guessing.

Every function takes dates and returns dates; nothing here reads the clock.
"""

from __future__ import annotations

import calendar
import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from lastmile.core.errors import HolidayScheduleMissing

__all__ = [
    "HOLIDAY_DATA_DIR",
    "HolidaySchedule",
    "ProvisionalDate",
    "add_working_days",
    "covered_years",
    "is_working_day",
    "load_schedules",
    "next_working_day",
    "period_end",
    "period_end_months",
    "period_end_provisional",
    "period_end_years",
    "register_schedule",
    "unregister_schedule",
    "working_days_between",
]

HOLIDAY_DATA_DIR = Path(__file__).parent / "data" / "holidays"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class HolidaySchedule:
    """One year of the State Council holiday arrangement (国务院办公厅节假日安排).

    ``holidays`` are the days off (weekends inside a holiday may be listed or not);
    ``workdays`` are the make-up working days that fall on a weekend (调休上班). Every
    date lies in ``year``: a make-up day in late December belongs to that December's year.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""

    def __post_init__(self) -> None:
        strays = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if strays:
            raise ValueError(f"{self.year} schedule contains dates of other years: {strays}")
        if both := sorted(self.holidays & self.workdays):
            raise ValueError(f"{self.year} schedule lists dates as holiday and workday: {both}")
        if weekdays := sorted(d for d in self.workdays if d.weekday() < 5):
            raise ValueError(f"{self.year} make-up workdays must fall on weekends: {weekdays}")

    def is_working_day(self, d: date) -> bool:
        return d in self.workdays or (d.weekday() < 5 and d not in self.holidays)


_registered: dict[int, HolidaySchedule] = {}


def register_schedule(
    year: int, holidays: Iterable[date], workdays: Iterable[date], *, source: str = ""
) -> HolidaySchedule:
    """Add (or replace) the holiday schedule of ``year``.

    A registered schedule takes precedence over TOML files and over ``chinese_calendar``.
    Raises ``ValueError`` for inconsistent data (dates outside the year, a date that is
    both holiday and workday, a make-up workday on a weekday).
    """
    schedule = HolidaySchedule(year, frozenset(holidays), frozenset(workdays), source)
    _registered[year] = schedule
    return schedule


def unregister_schedule(year: int) -> None:
    """Remove a schedule added with :func:`register_schedule` (no-op if there is none)."""
    _registered.pop(year, None)


def _toml_dates(path: Path, data: dict[str, object], key: str) -> list[date]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(
        isinstance(v, date) and not isinstance(v, datetime) for v in values
    ):
        raise ValueError(f"{path}: {key!r} must be a list of TOML dates like 2027-01-01")
    return values


def _read_schedule_file(path: Path) -> HolidaySchedule:
    with path.open("rb") as f:
        data = tomllib.load(f)
    year = data.get("year")
    if not isinstance(year, int):
        raise ValueError(f"{path}: 'year' must be an integer")
    return HolidaySchedule(
        year=year,
        holidays=frozenset(_toml_dates(path, data, "holidays")),
        workdays=frozenset(_toml_dates(path, data, "workdays")),
        source=str(data.get("source", path.name)),
    )


def load_schedules(path: Path) -> list[int]:
    """Register the schedules in a TOML file, or in every ``*.toml`` of a directory.

    File format::

        year = 2027
        source = "国办发明电〔2026〕…号"
        holidays = [2027-01-01, 2027-02-06]
        workdays = [2027-02-14]

    Returns the years registered.
    """
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    schedules = [_read_schedule_file(f) for f in files]
    for s in schedules:
        _registered[s.year] = s
    return [s.year for s in schedules]


@functools.cache
def _file_schedules() -> dict[int, HolidaySchedule]:
    files = sorted(HOLIDAY_DATA_DIR.glob("*.toml"))
    return {s.year: s for s in map(_read_schedule_file, files)}


@functools.cache
def _builtin_schedules() -> dict[int, HolidaySchedule]:
    from chinese_calendar.constants import holidays, workdays

    years = range(min(holidays).year, max(holidays).year + 1)
    return {
        y: HolidaySchedule(
            year=y,
            holidays=frozenset(d for d in holidays if d.year == y),
            workdays=frozenset(d for d in workdays if d.year == y),
            source="chinese_calendar",
        )
        for y in years
    }


def _schedule(year: int) -> HolidaySchedule:
    for source in (_registered, _file_schedules(), _builtin_schedules()):
        if (schedule := source.get(year)) is not None:
            return schedule
    raise HolidayScheduleMissing(
        f"{year}年国务院节假日安排尚未收录，无法计算法定期间。请联系系统管理员补录{year}年节假日安排后再试。",
        details={"year": year},
    )


def covered_years() -> frozenset[int]:
    """The years for which a holiday schedule is available."""
    return frozenset(_registered) | frozenset(_file_schedules()) | frozenset(_builtin_schedules())


def _check_date(d: date) -> date:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day: a weekday that is not a statutory holiday, or a
    make-up working day (调休上班) on a weekend. Raises ``HolidayScheduleMissing`` when
    the year's schedule is not available."""
    _check_date(d)
    return _schedule(d.year).is_working_day(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    d = _check_date(d) + _ONE_DAY
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def _roll_to_working_day(d: date) -> date:
    """CPL 2023 art. 85: a last day that is a holiday moves to the first day after it."""
    return d if is_working_day(d) else next_working_day(d)


def period_end(start: date, days: int) -> date:
    """Last day of a period of ``days`` days that starts on ``start``.

    CPL 2023 art. 85: the starting day is not counted, so the nominal last day is
    ``start + days``; when that is a rest day (a statutory holiday, or a weekend that is
    not a make-up working day), the period ends on the next working day. Only the last
    day moves; holidays inside the period count.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    return _roll_to_working_day(_check_date(start) + timedelta(days=days))


def add_months(d: date, months: int) -> date:
    """The same-numbered day ``months`` calendar months later (or earlier, when negative), or the
    last day of that month when it has no such day (Civil Code 2020 art. 203 ¶2). No working-day
    roll: for the last day of a legal period use :func:`period_end_months`."""
    month_index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def period_end_months(start: date, months: int) -> date:
    """Last day of a period of ``months`` months that starts on ``start``.

    Civil Code arts. 202–203 and CPL 2023 art. 85: the last day is the same-numbered day
    of the final month, or that month's last day when it has no such day (31 January + 1
    month = 28 or 29 February); a rest day then rolls to the next working day.
    """
    if months < 0:
        raise ValueError("months must be >= 0")
    return _roll_to_working_day(add_months(_check_date(start), months))


def period_end_years(start: date, years: int) -> date:
    """Last day of a period of ``years`` years (e.g. the 2-year limit of CPL 2023
    art. 250); 29 February maps to 28 February. See :func:`period_end_months`."""
    if years < 0:
        raise ValueError("years must be >= 0")
    return period_end_months(start, years * 12)


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself not counted; ``n = 0`` gives
    ``d`` unchanged, even when ``d`` is a rest day)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    _check_date(d)
    for _ in range(n):
        d = next_working_day(d)
    return d


def working_days_between(a: date, b: date) -> int:
    """Number of working days in the half-open interval (a, b]; 0 when ``a == b``."""
    _check_date(a)
    _check_date(b)
    if b < a:
        raise ValueError("b must not be before a")
    count = 0
    d = a
    while d < b:
        d += _ONE_DAY
        count += is_working_day(d)
    return count


@dataclass(frozen=True, slots=True)
class ProvisionalDate:
    """A period's last day, and whether it rests on an unpublished holiday schedule."""

    day: date
    provisional: bool


def period_end_provisional(start: date, days: int = 0, *, months: int = 0) -> ProvisionalDate:
    """Like :func:`period_end` / :func:`period_end_months`, for tracking deadlines that run
    into a year whose State Council schedule is not published yet.

    When the schedule is available the result is exact (``provisional=False``). When it is
    not, the last day rolls over weekends only and the result is flagged ``provisional=True``,
    so the workbench can show "待节假日安排公布后复核" instead of refusing to track the duty.
    Legal decisions (e.g. whether a period has expired) must use the strict functions.
    """
    if months:
        nominal = add_months(_check_date(start), months) + timedelta(days=days)
    else:
        nominal = _check_date(start) + timedelta(days=days)
    try:
        return ProvisionalDate(_roll_to_working_day(nominal), False)
    except HolidayScheduleMissing:
        d = nominal
        while d.weekday() >= 5:
            d += _ONE_DAY
        return ProvisionalDate(d, True)
