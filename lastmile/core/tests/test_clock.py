from datetime import UTC, date, datetime, timedelta

import pytest

from lastmile.core.clock import (
    SHANGHAI,
    Clock,
    FixedClock,
    SystemClock,
    get_clock,
    set_clock,
    use_clock,
)


def test_system_clock_is_aware_and_in_shanghai():
    clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(hours=8)
    assert isinstance(clock, Clock)
    assert clock.today() in {now.date(), now.date() + timedelta(days=1)}


def test_fixed_clock_today_is_the_shanghai_date():
    # 2024-12-31 17:30 UTC is already 2025-01-01 01:30 in Beijing.
    clock = FixedClock(datetime(2024, 12, 31, 17, 30, tzinfo=UTC))
    assert clock.today() == date(2025, 1, 1)
    assert clock.now().tzinfo == SHANGHAI
    assert clock.now() == datetime(2024, 12, 31, 17, 30, tzinfo=UTC)


def test_fixed_clock_advance_and_set():
    clock = FixedClock(datetime(2025, 3, 1, 9, 0, tzinfo=SHANGHAI))
    assert clock.advance(days=2, hours=3) == datetime(2025, 3, 3, 12, 0, tzinfo=SHANGHAI)
    assert clock.today() == date(2025, 3, 3)
    clock.set(datetime(2026, 1, 1, tzinfo=SHANGHAI))
    assert clock.today() == date(2026, 1, 1)


def test_fixed_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2025, 1, 1))


def test_use_clock_restores_previous_clock():
    original = get_clock()
    fixed = FixedClock(datetime(2025, 5, 1, tzinfo=SHANGHAI))
    with use_clock(fixed) as clock:
        assert clock is fixed
        assert get_clock() is fixed
    assert get_clock() is original


def test_use_clock_restores_on_error():
    original = get_clock()
    with pytest.raises(RuntimeError), use_clock(FixedClock(datetime(2025, 5, 1, tzinfo=UTC))):
        raise RuntimeError
    assert get_clock() is original


def test_set_clock_returns_previous():
    fixed = FixedClock(datetime(2025, 5, 1, tzinfo=UTC))
    previous = set_clock(fixed)
    try:
        assert get_clock() is fixed
    finally:
        assert set_clock(previous) is fixed


def test_court_date_is_the_beijing_date():
    from datetime import UTC, datetime

    from lastmile.core.clock import court_date

    assert str(court_date(datetime(2024, 12, 31, 16, 30, tzinfo=UTC))) == "2025-01-01"
    assert str(court_date(datetime(2024, 12, 31, 15, 59, tzinfo=UTC))) == "2024-12-31"
    assert str(court_date(datetime(2025, 3, 3, 9, 30))) == "2025-03-03"
