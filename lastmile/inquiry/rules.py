"""The legal rules of control, each in one place with its source: online control of the debtor
only (网络查询冻结规定 2013), no over-freezing (查封规定 2020 art. 19), the living allowance (查封规定
2020 art. 3), maximum periods and renewal (民诉解释 2022 art. 485). The project's reference of these
rules is docs/law.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.core.periods import add_months

from .conf import inquiry_setting

ZERO = Decimal("0.00")

SEIZURE_RULES = "最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定"
ONLINE_RULES = "最高人民法院关于网络查询、冻结被执行人存款的规定"
CPL_INTERPRETATION = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"

# Online control is for the debtor only (网络查询冻结规定 2013).
BASIS_ONLINE = LegalBasis(ONLINE_RULES, "2013")
# Freezes are limited to what is owed; the excess is released (查封规定 2020 art. 19).
BASIS_NO_OVER_FREEZE = LegalBasis(SEIZURE_RULES, "2020", "19")
# The living expenses of a natural-person debtor are not frozen (查封规定 2020 art. 3).
BASIS_LIVING = LegalBasis(SEIZURE_RULES, "2020", "3")
# Maximum periods and renewal (民诉解释 2022 art. 485).
BASIS_PERIOD = LegalBasis(CPL_INTERPRETATION, "2022", "485")
# A deduction ruling has the effect of a freeze (民诉解释 2022 art. 484).
BASIS_DEDUCT = LegalBasis(CPL_INTERPRETATION, "2022", "484")
# Not renewed: the freeze lapses (查封规定 2020 art. 27).
BASIS_LAPSE = LegalBasis(SEIZURE_RULES, "2020", "27")
# Seized property kept by the debtor may stay in use (活封) if that does not seriously reduce its
# value (查封规定 2020 art. 10).
BASIS_LIVE_SEAL = LegalBasis(SEIZURE_RULES, "2020", "10")
# Execution suspended by settlement: seizures may be lifted (执行和解规定 2020 art. 3).
BASIS_SETTLEMENT = LegalBasis("最高人民法院关于执行和解若干问题的规定", "2020", "3")


def living_allowance(*, court_code: str) -> Decimal:
    """What a natural-person debtor keeps: the local 最低生活保障 standard × months, per court
    (查封规定 2020 art. 3). Figures are settings (LIVING_ALLOWANCE), UNVERIFIED until a court sets
    its own."""
    table = inquiry_setting("LIVING_ALLOWANCE")
    entry = table.get(court_code) or table["default"]
    return to_money(Decimal(str(entry["monthly"])) * int(entry["months"]))


# What an institution reports as the nature of a deposit account (``details.account_type``).
BASIC_ACCOUNT_TYPES = frozenset({"basic", "基本存款账户"})


def is_basic_account(details: dict[str, object] | None) -> bool:
    """Whether the institution reported the account as the depositor's 基本存款账户 (the one an
    enterprise pays wages and taxes from), which 法发〔2019〕35号 keeps for a struggling enterprise."""
    return str((details or {}).get("account_type") or "") in BASIC_ACCOUNT_TYPES


def deduction_keeping_allowance(*, amount: Decimal, free_elsewhere: Decimal, allowance: Decimal) -> Decimal:
    """How much of ``amount`` (frozen, owed) a deduction may take from a natural-person debtor so
    that the living allowance stays with them (查封规定 2020 art. 3; 民事诉讼法 2023 art. 254):
    what their other found balances, free of any freeze, do not already leave them is kept here."""
    keep = max(ZERO, allowance - max(ZERO, free_elsewhere))
    return max(ZERO, to_money(amount) - keep)


def freeze_years(asset_kind: str) -> int:
    """Maximum period of one freeze or seizure (民诉解释 2022 art. 485): deposits 1 year, movables
    2, real estate and other property rights 3."""
    return int(inquiry_setting("FREEZE_YEARS").get(asset_kind, 1))


def freeze_expiry(starts_on: date, years: int) -> date:
    """The last day of a freeze that starts on ``starts_on``: the day before the same date
    ``years`` later (a freeze made on 3 March 2025 for one year runs to 2 March 2026). Calendar
    days, as institutions count them; the reminder comes well before (RENEWAL_REMIND_DAYS)."""
    return add_months(starts_on, 12 * years) - timedelta(days=1)


def renewal_reminder_on(expires_on: date, today: date) -> date:
    return max(today, expires_on - timedelta(days=int(inquiry_setting("RENEWAL_REMIND_DAYS"))))


@dataclass(frozen=True)
class Candidate:
    """A found balance that might be frozen: its id, its owner, what it holds and what is held."""

    asset_id: int
    party_id: int
    balance: Decimal
    held: Decimal


@dataclass(frozen=True)
class FreezeDecision:
    asset_id: int
    amount: Decimal
    reserved: Decimal  # left to the debtor for living expenses


def plan_freezes(
    *,
    budget: Decimal,
    candidates: Iterable[Candidate],
    all_balances: Iterable[Candidate],
    allowance_by_party: dict[int, Decimal],
) -> list[FreezeDecision]:
    """Decide freeze amounts for ``candidates`` (in the order given: the configured order of
    institutions), never more than ``budget`` together (查封规定 art. 19), leaving each
    natural-person debtor at least their allowance unfrozen across all their found balances
    (art. 3). ``all_balances`` are every found balance of the case, candidates included.

    Returns a decision for every candidate considered while budget remained, with amount 0 for
    those left whole (the allowance); candidates after the budget ran out are not returned."""
    free: dict[int, Decimal] = {}
    by_asset: dict[int, Candidate] = {}
    for c in all_balances:
        by_asset[c.asset_id] = c
        free[c.party_id] = free.get(c.party_id, ZERO) + max(ZERO, c.balance - c.held)
    decisions = []
    for c in candidates:
        if budget <= 0:
            break
        own_free = max(ZERO, c.balance - c.held)
        allowance = allowance_by_party.get(c.party_id, ZERO)
        free_elsewhere = free.get(c.party_id, ZERO) - own_free
        reserve_here = min(own_free, max(ZERO, allowance - free_elsewhere))
        amount = max(ZERO, min(budget, own_free - reserve_here))
        decisions.append(FreezeDecision(asset_id=c.asset_id, amount=amount, reserved=reserve_here))
        budget -= amount
        free[c.party_id] = free.get(c.party_id, ZERO) - amount
    return decisions
