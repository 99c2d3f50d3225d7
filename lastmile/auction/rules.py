"""The rules of the online judicial auction, each citing its source. Pure: no database.

网络司法拍卖规定 = 《最高人民法院关于人民法院网络司法拍卖若干问题的规定》(法释〔2016〕18号,
2016-08-02, in force 2017-01-01); 拍卖变卖规定 = 《最高人民法院关于人民法院民事执行中拍卖、变卖财产的
规定》(2020 amendment). See docs/law.md "Online judicial auction".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_UP, Decimal

from lastmile.core.legal import LegalBasis
from lastmile.core.money import FEN, to_money

ONLINE_AUCTION = "最高人民法院关于人民法院网络司法拍卖若干问题的规定"
SALE_RULES = "最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定"
INTEREST_RULES = "最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释"


def online(article: str) -> LegalBasis:
    return LegalBasis(ONLINE_AUCTION, "2016", article)


def sale(article: str) -> LegalBasis:
    return LegalBasis(SALE_RULES, "2020", article)


STARTING_PRICE_MIN_RATIO = Decimal("0.70")  # 网络司法拍卖规定 art. 10
DEPOSIT_MIN_RATIO = Decimal("0.05")  # art. 17
DEPOSIT_MAX_RATIO = Decimal("0.20")  # art. 17
FIRST_NOTICE_DAYS = {"movable": 15, "real_estate": 30}  # art. 12
SECOND_NOTICE_DAYS = {"movable": 7, "real_estate": 15}  # art. 26
PARTY_NOTICE_LEAD_DAYS = 3  # art. 16: parties and pre-emption holders 3 days before the announcement
MIN_BIDDING = timedelta(hours=24)  # art. 20
EXTENSION_WINDOW = timedelta(minutes=5)  # art. 20
EXTENSION = timedelta(minutes=5)  # art. 20
REFUND_WITHIN = timedelta(hours=24)  # art. 23 (losers' deposits)
REDUCTION_MAX_RATIO = Decimal("0.20")  # art. 26
REAUCTION_WITHIN_DAYS = 30  # art. 26
SALE_OFF_DAYS = 60  # art. 26/37 with the platforms' 变卖 notice (practice, see docs/law.md)
SALE_OFF_BIDDING = timedelta(hours=24)  # once someone bids in a 变卖 (practice)
HANDOVER_DAYS = 15  # 拍卖变卖规定 2020 art. 27


def starting_price_floor(reference_price: Decimal) -> Decimal:
    """The lowest starting price of a first auction: 70 % of the reference price, to the fen
    rounded up (网络司法拍卖规定 2016 art. 10)."""
    return (to_money(reference_price) * STARTING_PRICE_MIN_RATIO).quantize(FEN, rounding=ROUND_UP)


def reduced_price_floor(previous_starting: Decimal) -> Decimal:
    """The lowest starting price after a 流拍: at most 20 % below the previous one (art. 26)."""
    return (to_money(previous_starting) * (1 - REDUCTION_MAX_RATIO)).quantize(FEN, rounding=ROUND_UP)


def deposit_bounds(starting_price: Decimal) -> tuple[Decimal, Decimal]:
    """5 %–20 % of the starting price (art. 17)."""
    p = to_money(starting_price)
    return (
        (p * DEPOSIT_MIN_RATIO).quantize(FEN, rounding=ROUND_UP),
        (p * DEPOSIT_MAX_RATIO).quantize(FEN),
    )


def next_minimum(*, starting_price: Decimal, current_price: Decimal | None, increment: Decimal) -> Decimal:
    """The lowest acceptable bid: the starting price for the first bid, then the current price
    plus one increment (art. 20: ascending bids from the starting price)."""
    if current_price is None:
        return to_money(starting_price)
    return to_money(current_price) + to_money(increment)


def extended_end(*, ends_at: datetime, bid_at: datetime) -> datetime:
    """A bid within the last 5 minutes moves the end to 5 minutes after the bid, both at the
    server clock (art. 20); otherwise the end stays."""
    if ends_at - bid_at < EXTENSION_WINDOW:
        return max(ends_at, bid_at + EXTENSION)
    return ends_at


@dataclass(frozen=True)
class ForfeitShare:
    item: str
    label: str
    amount: Decimal


def forfeiture_apply(
    *, deposit: Decimal, costs: Decimal, withdrawn_price: Decimal, resale_price: Decimal | None
) -> list[ForfeitShare]:
    """A withdrawn buyer's deposit (悔拍) applied in the legal order (网络司法拍卖规定 2016 art. 24):
    1. the costs of the auction; 2. the shortfall of the resale price below the withdrawn price;
    3. the debtor's debt in this case. Until the resale has a price the rest is held for (2).
    (Item 4 of art. 24, the debtor's other debts related to the property, is left to the court.)"""
    left = to_money(deposit)
    shares: list[ForfeitShare] = []
    c = min(left, to_money(costs))
    if c > 0:
        shares.append(ForfeitShare("costs", "拍卖产生的费用损失", c))
        left -= c
    if resale_price is None:
        if left > 0:
            shares.append(ForfeitShare("held", "待重新拍卖成交后确定差价", left))
        return shares
    gap = max(Decimal("0.00"), to_money(withdrawn_price) - to_money(resale_price))
    g = min(left, gap)
    if g > 0:
        shares.append(ForfeitShare("shortfall", "重新拍卖价款低于原拍卖价款的差价", g))
        left -= g
    if left > 0:
        shares.append(ForfeitShare("debt", "冲抵本案被执行人的债务", left))
    return shares


def bidder_code(seq: int) -> str:
    """The public name of the ``seq``-th bidder of a round (竞买代码), distinct for the first 9,000:
    identities stay confidential until bidding ends (网络司法拍卖规定 2016 art. 18)."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{letters[seq % len(letters)]}{(seq * 7919) % 9000 + 1000}"
