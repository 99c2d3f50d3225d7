"""Court fees (诉讼费用交纳办法 2006 arts. 13–16), worked from the brackets of art. 13."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lastmile.core.errors import InvalidAmount
from lastmile.ledger.fees import acceptance_fee, execution_fee, payment_order_fee, preservation_fee

D = Decimal


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        ("0", "50.00"),
        ("10000", "50.00"),
        ("10000.01", "50.00"),
        ("50000", "1050.00"),
        ("100000", "2300.00"),  # 50 + 90,000 × 2.5 %
        ("200000", "4300.00"),
        ("500000", "8800.00"),
        ("1000000", "13800.00"),
        ("2000000", "22800.00"),
        ("5000000", "46800.00"),
        ("10000000", "81800.00"),
        ("20000000", "141800.00"),
        ("30000000", "191800.00"),
        ("152000", "3340.00"),
    ],
)
def test_acceptance_fee_brackets(amount, fee):
    assert acceptance_fee(D(amount)) == D(fee)


def test_acceptance_fee_halved_for_mediation_withdrawal_or_simplified_procedure():
    assert acceptance_fee(D("100000"), halved=True) == D("1150.00")
    # 50 + 38,650.50 × 2.5 % = 1,016.2625 → 1,016.26; halved 508.13
    assert acceptance_fee(D("48650.50")) == D("1016.26")
    assert acceptance_fee(D("48650.50"), halved=True) == D("508.13")


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        ("5000", "50.00"),
        ("10000", "50.00"),
        ("100000", "1400.00"),  # quick formula: x × 1.5 % − 100
        ("500000", "7400.00"),
        ("1000000", "12400.00"),
        ("5000000", "52400.00"),
        ("10000000", "77400.00"),
        ("20000000", "87400.00"),
    ],
)
def test_execution_fee_brackets(amount, fee):
    assert execution_fee(D(amount)) == D(fee)


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        ("0", "30.00"),
        ("1000", "30.00"),
        ("50000", "520.00"),
        ("100000", "1020.00"),
        ("800000", "4520.00"),
        ("1000000", "5000.00"),  # 5,520 capped
        ("50000000", "5000.00"),
    ],
)
def test_preservation_fee_brackets_and_cap(amount, fee):
    assert preservation_fee(D(amount)) == D(fee)


def test_payment_order_fee_is_a_third_of_the_acceptance_fee():
    assert payment_order_fee(D("100000")) == D("766.67")


def test_negative_amount_refused():
    with pytest.raises(InvalidAmount):
        execution_fee(D("-1"))
    with pytest.raises(TypeError):
        acceptance_fee(1.5)  # type: ignore[arg-type]
