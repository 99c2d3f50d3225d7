"""Sharing money among several creditors of one debtor. Pure.

- Natural person or other organisation as debtor: 参与分配. Execution costs first, then
  priority claims, then ordinary claims pro rata (民诉解释 2022 arts. 506–510).
- Enterprise legal person as debtor: no 参与分配; ordinary claims are paid in the order of
  preservation or seizure (民诉解释 2022 art. 514); several creditors under one document share
  pro rata, and ownership or security interests rank first (执行工作规定 2020 art. 55).

What is left after every claim is met is surplus and returns to the debtor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from lastmile.core.errors import InvalidAmount
from lastmile.core.legal import LegalBasis
from lastmile.core.money import FEN, to_money

ZERO = Decimal("0.00")
PARTICIPATION_BASIS = LegalBasis("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "506—510")
ENTERPRISE_ORDER_BASIS = LegalBasis("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "514")
SAME_DOCUMENT_BASIS = LegalBasis("最高人民法院关于人民法院执行工作若干问题的规定（试行）", "2020", "55")


@dataclass(frozen=True)
class Claim:
    """One creditor's claim on the money. ``rank``: 0 execution costs, 1 priority (security,
    ownership, statutory priority), 2 ordinary. ``seized_on`` orders ordinary claims against an
    enterprise (same day: pro rata)."""

    key: str
    amount: Decimal
    rank: int = 2
    seized_on: date | None = None


@dataclass(frozen=True)
class Share:
    key: str
    amount: Decimal
    basis: LegalBasis


def pro_rata(amount: Decimal, claims: Sequence[Claim]) -> dict[str, Decimal]:
    """Split ``amount`` (≤ the sum of claims) in proportion to the claims, to the fen.

    Largest-remainder rounding: the shares add up exactly and none exceeds its claim.
    """
    amount = to_money(amount)
    total = sum((to_money(c.amount) for c in claims), ZERO)
    if total <= 0 or amount <= 0:
        return {c.key: ZERO for c in claims}
    if amount >= total:
        return {c.key: to_money(c.amount) for c in claims}
    raw = [(c, to_money(c.amount) * amount / total) for c in claims]
    floors = {c.key: r.quantize(FEN, rounding=ROUND_DOWN) for c, r in raw}
    left = amount - sum(floors.values(), ZERO)
    by_remainder = sorted(raw, key=lambda cr: (-(cr[1] - floors[cr[0].key]), cr[0].key))
    for c, _ in by_remainder:
        if left <= 0:
            break
        if floors[c.key] + FEN <= to_money(c.amount):
            floors[c.key] += FEN
            left -= FEN
    return floors


def distribute(
    amount: Decimal, claims: Sequence[Claim], *, debtor_is_enterprise: bool
) -> tuple[list[Share], Decimal]:
    """Shares of ``amount`` among ``claims`` and the surplus returned to the debtor."""
    amount = to_money(amount)
    if amount < 0:
        raise InvalidAmount("分配金额不能为负数。")
    if len({c.key for c in claims}) != len(claims):
        raise InvalidAmount("分配方案中的债权人重复。")
    if any(to_money(c.amount) < 0 for c in claims):
        raise InvalidAmount("债权金额不能为负数。")
    left = amount
    shares: list[Share] = []
    basis = ENTERPRISE_ORDER_BASIS if debtor_is_enterprise else PARTICIPATION_BASIS
    # Groups paid one after the other; inside a group, pro rata.
    groups: list[list[Claim]] = []
    for rank in (0, 1):
        groups.append([c for c in claims if c.rank == rank])
    ordinary = [c for c in claims if c.rank >= 2]
    if debtor_is_enterprise:
        by_day: dict[date | None, list[Claim]] = {}
        for c in ordinary:
            by_day.setdefault(c.seized_on, []).append(c)
        for day in sorted(by_day, key=lambda d: (d is None, d or date.min)):
            groups.append(by_day[day])
    else:
        groups.append(ordinary)
    for group in groups:
        if not group:
            continue
        split = pro_rata(left, group)
        for c in group:
            share = split[c.key]
            shares.append(Share(c.key, share, basis if c.rank >= 2 else SAME_DOCUMENT_BASIS))
            left -= share
    return shares, left
