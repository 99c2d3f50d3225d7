"""An injectable clock for the edges of the system.

Domain code receives ``now``/``today`` as arguments. Views, tasks, management commands and
the simulator obtain them from :func:`get_clock`, which tests and the simulator replace
with a :class:`FixedClock` via :func:`use_clock`. Court dates are Beijing dates, so
``today()`` is the date in Asia/Shanghai whatever the server's time zone.

The current clock is process-wide (not thread- or context-local) so a simulator can set
it once for every worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

__all__ = [
    "SHANGHAI",
    "Clock",
    "FixedClock",
    "SystemClock",
    "court_date",
    "get_clock",
    "set_clock",
    "use_clock",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def today(self) -> date:
        """The current date in Asia/Shanghai."""
        ...


class SystemClock:
    """The real time, in Asia/Shanghai."""

    def now(self) -> datetime:
        return datetime.now(SHANGHAI)

    def today(self) -> date:
        return self.now().date()

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until :meth:`advance` or :meth:`set` moves it.

    ``dt`` must be timezone-aware; ``now()`` returns it converted to Asia/Shanghai.
    """

    def __init__(self, dt: datetime) -> None:
        self._now = self._aware(dt)

    @staticmethod
    def _aware(dt: datetime) -> datetime:
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        return dt.astimezone(SHANGHAI)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def advance(
        self,
        *,
        days: float = 0,
        seconds: float = 0,
        microseconds: float = 0,
        milliseconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
        weeks: float = 0,
    ) -> datetime:
        """Move the clock forward (or back, with negative values); returns the new now."""
        self._now += timedelta(
            days=days,
            seconds=seconds,
            microseconds=microseconds,
            milliseconds=milliseconds,
            minutes=minutes,
            hours=hours,
            weeks=weeks,
        )
        return self._now

    def set(self, dt: datetime) -> None:
        """Jump to ``dt`` (timezone-aware)."""
        self._now = self._aware(dt)

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"


_current: Clock = SystemClock()


def get_clock() -> Clock:
    """The clock in use (a :class:`SystemClock` unless replaced)."""
    return _current


def set_clock(clock: Clock) -> Clock:
    """Replace the clock in use; returns the previous one so it can be restored."""
    global _current
    previous, _current = _current, clock
    return previous


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Use ``clock`` inside the ``with`` block, then restore the previous clock."""
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def court_date(moment: datetime) -> date:
    """The calendar date of ``moment`` where the courts are (Beijing time): the day a legal
    period starts or ends on. A naive datetime is taken as already being Beijing time."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(SHANGHAI).date()
