"""Court fees the debtor may bear, per 《诉讼费用交纳办法》 (国务院令第481号, 2006, effective 2007-04-01).

Each function returns yuan to the fen (half-up). Brackets are cumulative: each slice of the
amount is charged at its own rate and the slices are added (诉讼费用交纳办法 2006 art. 13:
"分段累计交纳").
"""

from __future__ import annotations

from decimal import Decimal

from lastmile.core.errors import InvalidAmount
from lastmile.core.legal import LegalBasis
from lastmile.core.money import MoneyInput, to_money

__all__ = [
    "ACCEPTANCE_FEE_BASIS",
    "EXECUTION_FEE_BASIS",
    "HALVING_BASIS",
    "PRESERVATION_FEE_BASIS",
    "acceptance_fee",
    "execution_fee",
    "payment_order_fee",
    "preservation_fee",
]

FEE_LAW = "诉讼费用交纳办法"
FEE_VERSION = "2006"
ACCEPTANCE_FEE_BASIS = LegalBasis(FEE_LAW, FEE_VERSION, "13")
HALVING_BASIS = LegalBasis(FEE_LAW, FEE_VERSION, "15、16")
EXECUTION_FEE_BASIS = LegalBasis(FEE_LAW, FEE_VERSION, "14")
PRESERVATION_FEE_BASIS = LegalBasis(FEE_LAW, FEE_VERSION, "14")

# (upper bound of the slice or None for "and above", rate on that slice)
_ACCEPTANCE = [
    (Decimal("100000"), Decimal("0.025")),
    (Decimal("200000"), Decimal("0.02")),
    (Decimal("500000"), Decimal("0.015")),
    (Decimal("1000000"), Decimal("0.01")),
    (Decimal("2000000"), Decimal("0.009")),
    (Decimal("5000000"), Decimal("0.008")),
    (Decimal("10000000"), Decimal("0.007")),
    (Decimal("20000000"), Decimal("0.006")),
    (None, Decimal("0.005")),
]
_EXECUTION = [
    (Decimal("500000"), Decimal("0.015")),
    (Decimal("5000000"), Decimal("0.01")),
    (Decimal("10000000"), Decimal("0.005")),
    (None, Decimal("0.001")),
]
_PRESERVATION = [
    (Decimal("100000"), Decimal("0.01")),
    (None, Decimal("0.005")),
]
_PRESERVATION_CAP = Decimal("5000.00")


def _amount(value: MoneyInput) -> Decimal:
    amount = to_money(value)
    if amount < 0:
        raise InvalidAmount(f"计费金额“{amount}”不能为负数", details={"value": str(amount)})
    return amount


def _bracketed(amount: Decimal, floor: Decimal, base_fee: Decimal, slices: list) -> Decimal:
    """``base_fee`` covers the first ``floor`` yuan; every slice above is charged at its rate."""
    fee = base_fee
    lower = floor
    for upper, rate in slices:
        if amount <= lower:
            break
        top = amount if upper is None else min(amount, upper)
        fee += (top - lower) * rate
        if upper is None:
            break
        lower = upper
    return to_money(fee)


def acceptance_fee(amount: MoneyInput, *, halved: bool = False) -> Decimal:
    """案件受理费 of a property case (《诉讼费用交纳办法》2006 art. 13(1)).

    Up to 10,000 yuan: 50; then 2.5 % / 2 % / 1.5 % / 1 % / 0.9 % / 0.8 % / 0.7 % / 0.6 % /
    0.5 % on the slices up to 100k / 200k / 500k / 1M / 2M / 5M / 10M / 20M / above.
    ``halved``: closed by mediation or withdrawal (art. 15) or tried in simplified procedure
    (art. 16); the full fee is halved and rounded to the fen.
    """
    fee = _bracketed(_amount(amount), Decimal("10000"), Decimal("50"), _ACCEPTANCE)
    return to_money(fee / 2) if halved else fee


def payment_order_fee(amount: MoneyInput) -> Decimal:
    """申请支付令: one third of the acceptance fee (《诉讼费用交纳办法》2006 art. 14(3))."""
    return to_money(acceptance_fee(amount) / 3)


def execution_fee(amount: MoneyInput) -> Decimal:
    """申请执行费 for a money judgment (《诉讼费用交纳办法》2006 art. 14(1)).

    Up to 10,000 yuan: 50; then 1.5 % up to 500k, 1 % up to 5M, 0.5 % up to 10M, 0.1 % above.
    It is not prepaid: the court collects it from the debtor after execution (诉讼费用交纳办法
    2006 arts. 20, 38). Cases without a
    monetary amount pay 50–500 yuan as the court decides; that is not computed here.
    """
    return _bracketed(_amount(amount), Decimal("10000"), Decimal("50"), _EXECUTION)


def preservation_fee(amount: MoneyInput) -> Decimal:
    """申请保全措施 fee (《诉讼费用交纳办法》2006 art. 14(2)).

    Up to 1,000 yuan (or no amount): 30; 1 % on the slice up to 100k; 0.5 % above; never more
    than 5,000 yuan.
    """
    fee = _bracketed(_amount(amount), Decimal("1000"), Decimal("30"), _PRESERVATION)
    return min(fee, _PRESERVATION_CAP)
