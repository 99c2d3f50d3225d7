from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lastmile.core.errors import InvalidAmount
from lastmile.core.money import FEN, format_yuan, parse_amount, sum_money, to_money


def test_fen():
    assert Decimal("0.01") == FEN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.005"), "1.01"),
        (Decimal("1.004"), "1.00"),
        (Decimal("-1.005"), "-1.01"),
        (Decimal("2.675"), "2.68"),
        (10, "10.00"),
        ("12.345", "12.35"),
        ("0", "0.00"),
    ],
)
def test_to_money_rounds_half_up(value, expected):
    assert to_money(value) == Decimal(expected)
    assert str(to_money(value)) == expected


def test_to_money_refuses_float():
    with pytest.raises(TypeError, match="float"):
        to_money(1.5)  # type: ignore[arg-type]


def test_to_money_refuses_bool_and_other_types():
    with pytest.raises(TypeError):
        to_money(True)
    with pytest.raises(TypeError):
        to_money(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", Decimal("NaN")])
def test_to_money_refuses_non_numbers(value):
    with pytest.raises(InvalidAmount):
        to_money(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("450000", "450000.00"),
        ("450,000.00", "450000.00"),
        ("450，000", "450000.00"),
        ("￥450,000", "450000.00"),
        ("¥1,000.5", "1000.50"),
        ("45万", "450000.00"),
        ("45万元", "450000.00"),
        ("4.5万元", "45000.00"),
        ("1.2亿", "120000000.00"),
        ("1.23456万", "12345.60"),
        ("3000元", "3000.00"),
        ("3000元整", "3000.00"),
        ("４５００", "4500.00"),
        ("  12.3  ", "12.30"),
        ("RMB 1,234.56", "1234.56"),
        ("人民币500元", "500.00"),
        ("0", "0.00"),
        ("1,234,567.89", "1234567.89"),
        (Decimal("12.5"), "12.50"),
        (300, "300.00"),
    ],
)
def test_parse_amount_accepts_common_spellings(text, expected):
    result = parse_amount(text)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("-100", "负数"),
        ("－100", "负数"),
        ("¥-100", "负数"),
        ("(1,000)", "负数"),
        (Decimal("-1"), "负数"),
        ("1.234元", "两位小数"),
        ("1.234", "两位小数"),
        (Decimal("0.001"), "两位小数"),
        ("=1+1", "公式"),
        ("abc", "abc"),
        ("1,00,0", "1,00,0"),
        ("1,0000", "1,0000"),
        ("12,34", "12,34"),
        ("1e5", "1e5"),
        ("1.", "1."),
        (".5", ".5"),
        ("45万万", "45万万"),
        ("12 345", "12 345"),
        ("1" * 30, "过大"),
    ],
)
def test_parse_amount_refuses(text, message):
    with pytest.raises(InvalidAmount, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_amount(text)


def test_parse_amount_message_quotes_input():
    with pytest.raises(InvalidAmount) as exc:
        parse_amount("三千元")
    assert "“三千元”" in exc.value.message


def test_parse_amount_refuses_float():
    with pytest.raises(TypeError, match="float"):
        parse_amount(450000.0)  # type: ignore[arg-type]


def test_format_yuan():
    assert format_yuan(Decimal("450000")) == "450,000.00"
    assert format_yuan("1234567.891") == "1,234,567.89"
    assert format_yuan(0) == "0.00"
    assert format_yuan(Decimal("-1234.5")) == "-1,234.50"


def test_sum_money():
    assert sum_money([]) == Decimal("0.00")
    assert sum_money([Decimal("0.005"), Decimal("0.005"), 1, "2.10"]) == Decimal("3.12")
    with pytest.raises(TypeError):
        sum_money([Decimal("1"), 0.1])  # type: ignore[list-item]


amounts = st.decimals(min_value=0, max_value=10**13, places=2)


@given(amounts)
def test_parse_amount_reads_format_yuan(x):
    assert parse_amount(format_yuan(x)) == x


@given(amounts)
def test_parse_amount_reads_plain_and_wan(x):
    assert parse_amount(str(x)) == x
    assert parse_amount(f"{x / 10000}万元") == x
