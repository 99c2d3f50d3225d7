from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lastmile.core.numbers import percent, ratio


def test_percent_half_up():
    assert percent("21.77", "51.30") == Decimal("42.44")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 3, places=1) == Decimal("33.3")
    assert percent(2, 3, places=0) == Decimal("67")


def test_percent_truncate_rounds_toward_zero():
    assert percent("21.77", "51.30", rounding="truncate") == Decimal("42.43")
    assert percent(2, 3, rounding="truncate") == Decimal("66.66")
    assert percent(-2, 3, rounding="truncate") == Decimal("-66.66")


def test_percent_half_even():
    assert percent(1, 800, places=2, rounding="half_even") == Decimal("0.12")
    assert percent(1, 800, places=2) == Decimal("0.13")


def test_zero_denominator_gives_zero():
    assert percent(5, 0) == Decimal("0.00")
    assert str(percent(5, "0", places=1)) == "0.0"
    assert ratio(5, 0) == Decimal("0.0000")


def test_ratio():
    assert ratio("21.77", "51.30") == Decimal("0.4244")
    assert ratio(1, 3, places=2, rounding="truncate") == Decimal("0.33")


def test_float_refused():
    with pytest.raises(TypeError, match="float"):
        percent(0.5, 1)
    with pytest.raises(TypeError, match="float"):
        percent(1, 2.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="rounding"):
        percent(1, 2, rounding="ceil")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="places"):
        percent(1, 2, places=-1)


nonneg = st.decimals(min_value=0, max_value=10**9, places=2)


@given(nonneg, nonneg.filter(lambda d: d > 0), st.integers(min_value=0, max_value=6))
def test_truncate_never_exceeds_half_up(num, den, places):
    truncated = percent(num, den, places=places, rounding="truncate")
    rounded = percent(num, den, places=places)
    assert truncated <= rounded
    assert rounded - truncated <= Decimal(1).scaleb(-places)
