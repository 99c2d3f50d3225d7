"""What the debtor owes on a day, and how each payment is applied. Pure: no database, no clock.

Rules implemented:

- Costs, general interest and principal as the execution basis fixes them; general interest is
  computed period by period when the rate changes (a fixed rate, or a multiple of the LPR in
  force on each day) (法释〔2014〕8号 art. 1: 一般债务利息 by the method of the judgment, none if
  the judgment sets none).
- 加倍部分债务利息 at 0.000175 per day on the unpaid money debt other than general interest
  (法释〔2014〕8号 art. 1), from the expiry of the performance period, or of each instalment's
  period (art. 2), stopping for each part on the day it is paid (art. 3), and not running in
  pauses the debtor did not request (art. 3, 中止/暂缓).
- Each payment goes to the money debt fixed by the execution basis first, in the order costs →
  interest → principal (《民法典》2020 art. 561), then to the doubled interest (法释〔2014〕8号
  art. 4), unless the parties agreed another order. What is left over is surplus.

Amounts of interest are rounded to the fen per period (each line of the calculation sheet), and
totals are sums of lines, so the sheet adds up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from lastmile.core.errors import InvalidAmount
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money

from .conf import Convention
from .fees import ACCEPTANCE_FEE_BASIS, EXECUTION_FEE_BASIS, PRESERVATION_FEE_BASIS
from .interest import DAILY_DOUBLED_RATE, DOUBLED_INTEREST_BASIS, LprTable

ONE_DAY = timedelta(days=1)
ZERO = Decimal("0.00")

COSTS, INTEREST, PRINCIPAL, DOUBLED = "costs", "interest", "principal", "doubled"
BUCKETS = (COSTS, INTEREST, PRINCIPAL, DOUBLED)
DEFAULT_ORDER = BUCKETS
BUCKET_LABELS = {COSTS: "费用", INTEREST: "一般债务利息", PRINCIPAL: "本金", DOUBLED: "加倍部分债务利息"}

CIVIL_CODE_561 = LegalBasis("民法典", "2020", "561")
DELAY_INTEREST_ORDER = LegalBasis(
    "最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释", "2014", "4"
)
DELAY_INTEREST_START = LegalBasis(
    "最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释", "2014", "2"
)
DELAY_INTEREST_PAUSE = LegalBasis(
    "最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释", "2014", "3"
)
EXECUTION_BASIS = LegalBasis("执行依据（生效法律文书）")
COST_BASIS = {
    "acceptance_fee": ACCEPTANCE_FEE_BASIS,
    "execution_fee": EXECUTION_FEE_BASIS,
    "preservation_fee": PRESERVATION_FEE_BASIS,
}
# Costs the execution basis itself fixes (the doubled-interest base may include them).
BASIS_COST_KINDS = {"acceptance_fee", "preservation_fee", "other"}
# An amount of general interest the execution basis fixes (the interest and penalty interest a
# judgment states up to a day): carried with the costs of the obligation, but it is interest,
# never a cost, so the doubled interest never runs on it (法释〔2014〕8号 art. 1).
FIXED_INTEREST_KIND = "interest"


def parse_order(text: str) -> tuple[str, ...]:
    """An agreed order as stored on the obligation: ``"principal,interest,costs,doubled"``.

    Empty means the legal order. Every bucket must appear exactly once.
    """
    if not text.strip():
        return DEFAULT_ORDER
    order = tuple(part.strip() for part in text.split(",") if part.strip())
    if sorted(order) != sorted(BUCKETS):
        raise InvalidAmount(
            "约定清偿顺序须依次列出 costs、interest、principal、doubled 各一次。", details={"order": text}
        )
    return order


@dataclass(frozen=True)
class Cost:
    kind: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Interest:
    kind: str = "none"  # "none" | "fixed" | "lpr_multiple"
    annual_rate: Decimal | None = None
    lpr_multiple: Decimal | None = None
    lpr_term: str = "1y"
    lpr_fixed_on: date | None = None  # the LPR of this day for the whole period; None: floating
    start: date | None = None  # first day that bears interest
    end: date | None = None  # last day that bears interest; None: until paid
    day_basis: int | None = None


@dataclass(frozen=True)
class Terms:
    principal: Decimal
    basis_effective_on: date
    performance_deadline: date | None = None
    costs: tuple[Cost, ...] = ()
    interest: Interest = Interest()
    installments: tuple[tuple[date, Decimal], ...] = ()
    order: tuple[str, ...] = DEFAULT_ORDER
    pauses: tuple[tuple[date, date | None], ...] = ()  # doubled interest does not run (inclusive)


@dataclass(frozen=True)
class Payment:
    ref: str
    on: date  # the day the payment stops interest (法释〔2014〕8号 art. 3)
    amount: Decimal


@dataclass(frozen=True)
class Line:
    """One line of the calculation sheet."""

    kind: str  # "cost" | "principal" | "interest" | "doubled"
    label: str
    amount: Decimal
    basis: LegalBasis
    first_day: date | None = None
    last_day: date | None = None
    days: int = 0
    base: Decimal | None = None
    rate: Decimal | None = None  # annual for interest, daily for doubled
    provisional: bool = False


@dataclass(frozen=True)
class Allocation:
    payment: Payment
    parts: tuple[tuple[str, Decimal], ...]  # (bucket, amount) in the order applied
    surplus: Decimal
    outstanding_before: dict[str, Decimal]

    @property
    def applied(self) -> Decimal:
        return sum((a for _, a in self.parts), ZERO)


@dataclass
class Statement:
    as_of: date
    lines: list[Line] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    accrued: dict[str, Decimal] = field(default_factory=dict)
    paid: dict[str, Decimal] = field(default_factory=dict)
    outstanding: dict[str, Decimal] = field(default_factory=dict)
    surplus: Decimal = ZERO
    order: tuple[str, ...] = DEFAULT_ORDER

    @property
    def outstanding_total(self) -> Decimal:
        return sum(self.outstanding.values(), ZERO)

    @property
    def owed_total(self) -> Decimal:
        return sum(self.accrued.values(), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum(self.paid.values(), ZERO)


class _Engine:
    def __init__(self, terms: Terms, lpr: LprTable | None, conv: Convention) -> None:
        self.t = terms
        self.lpr = lpr
        self.conv = conv
        self.costs = tuple(c for c in terms.costs if c.kind != FIXED_INTEREST_KIND)
        self.fixed_interest = tuple(c for c in terms.costs if c.kind == FIXED_INTEREST_KIND)
        self.cost_out = [to_money(c.amount) for c in self.costs]
        self.interest_out = sum((to_money(c.amount) for c in self.fixed_interest), ZERO)
        self.principal_out = to_money(terms.principal)
        self.principal_paid = ZERO
        self.doubled_out = ZERO
        self.st = Statement(as_of=terms.basis_effective_on, order=terms.order)
        self.st.accrued = {
            COSTS: sum(self.cost_out, ZERO),
            INTEREST: self.interest_out,
            PRINCIPAL: self.principal_out,
        }
        self.st.accrued[DOUBLED] = ZERO
        self.st.paid = dict.fromkeys(BUCKETS, ZERO)
        self._due_points = self._due_schedule()

    # -- schedule -------------------------------------------------------------------------
    def _due_schedule(self) -> list[tuple[date, Decimal]]:
        """(first day of delay, cumulative principal overdue from that day), ascending.

        Without instalments the whole principal falls due when the performance period expires,
        or when the basis takes effect if it sets no period (法释〔2014〕8号 art. 2)."""
        t, off = self.t, timedelta(days=self.conv.first_day_offset)
        principal = to_money(t.principal)
        main_due = t.performance_deadline or t.basis_effective_on
        points: list[tuple[date, Decimal]] = []
        if t.installments:
            total = ZERO
            for due_on, amount in sorted(t.installments):
                total = min(principal, total + to_money(amount))
                points.append((due_on + off, total))
            if total < principal:
                rest_on = t.performance_deadline or max(d for d, _ in t.installments)
                points.append((rest_on + off, principal))
        else:
            points.append((main_due + off, principal))
        # cumulative, monotone
        points.sort()
        out: list[tuple[date, Decimal]] = []
        running = ZERO
        for d, cum in points:
            running = max(running, cum)
            if out and out[-1][0] == d:
                out[-1] = (d, running)
            else:
                out.append((d, running))
        return out

    def _overdue_principal(self, day: date) -> Decimal:
        due = ZERO
        for d, cum in self._due_points:
            if d <= day:
                due = cum
            else:
                break
        return max(ZERO, due - self.principal_paid)

    def _paused(self, day: date) -> bool:
        if not self.t.pauses:  # the usual case, asked once per accrual
            return False
        return any(s <= day and (e is None or day <= e) for s, e in self.t.pauses)

    # -- accrual ---------------------------------------------------------------------------
    def accrue(self, first: date, last: date) -> None:
        if first > last:
            return
        self._accrue_general(first, last)
        self._accrue_doubled(first, last)

    def _annual_rate(self, day: date) -> tuple[Decimal, bool]:
        i = self.t.interest
        if i.kind == "fixed":
            return Decimal(i.annual_rate or 0), False
        assert self.lpr is not None
        on = i.lpr_fixed_on or day
        return Decimal(i.lpr_multiple or 0) * self.lpr.rate_on(on, i.lpr_term), self.lpr.is_provisional(on)

    def _accrue_general(self, first: date, last: date) -> None:
        i = self.t.interest
        if i.kind == "none" or self.principal_out <= 0 or i.start is None:
            return
        lo = max(first, i.start)
        hi = last if i.end is None else min(last, i.end)
        if lo > hi:
            return
        cuts = [lo]
        if i.kind == "lpr_multiple" and i.lpr_fixed_on is None and self.lpr is not None:
            cuts += self.lpr.changes_between(lo, hi)
            if self.lpr.valid_through is not None and lo <= self.lpr.valid_through < hi:
                cuts.append(self.lpr.valid_through + ONE_DAY)
        cuts = sorted(set(cuts))
        basis = i.day_basis or self.conv.day_basis
        for n, s in enumerate(cuts):
            e = cuts[n + 1] - ONE_DAY if n + 1 < len(cuts) else hi
            days = (e - s).days + 1
            rate, provisional = self._annual_rate(s)
            amount = to_money(self.principal_out * rate * days / basis)
            if amount <= 0:
                continue
            self.interest_out += amount
            self.st.accrued[INTEREST] += amount
            self.st.lines.append(
                Line(
                    kind="interest",
                    label="一般债务利息",
                    amount=amount,
                    basis=EXECUTION_BASIS,
                    first_day=s,
                    last_day=e,
                    days=days,
                    base=self.principal_out,
                    rate=rate,
                    provisional=provisional,
                )
            )

    def _doubled_base(self, day: date) -> Decimal:
        base = self._overdue_principal(day)
        if self.conv.doubled_base_includes_costs and self._due_points and day >= self._due_points[0][0]:
            base += sum(
                (out for c, out in zip(self.costs, self.cost_out, strict=True) if c.kind in BASIS_COST_KINDS),
                ZERO,
            )
        return base

    def _accrue_doubled(self, first: date, last: date) -> None:
        if not self._due_points:
            return
        lo = max(first, self._due_points[0][0])
        if lo > last:
            return
        cuts = {lo}
        cuts.update(d for d, _ in self._due_points if lo < d <= last)
        for s, e in self.t.pauses:
            if lo < s <= last:
                cuts.add(s)
            if e is not None and lo < e + ONE_DAY <= last:
                cuts.add(e + ONE_DAY)
        ordered = sorted(cuts)
        for n, s in enumerate(ordered):
            e = ordered[n + 1] - ONE_DAY if n + 1 < len(ordered) else last
            if self._paused(s):
                continue
            base = self._doubled_base(s)
            if base <= 0:
                continue
            days = (e - s).days + 1
            amount = to_money(base * DAILY_DOUBLED_RATE * days)
            if amount <= 0:
                continue
            self.doubled_out += amount
            self.st.accrued[DOUBLED] += amount
            self.st.lines.append(
                Line(
                    kind="doubled",
                    label="加倍部分债务利息",
                    amount=amount,
                    basis=DOUBLED_INTEREST_BASIS,
                    first_day=s,
                    last_day=e,
                    days=days,
                    base=base,
                    rate=DAILY_DOUBLED_RATE,
                )
            )

    # -- payments --------------------------------------------------------------------------
    def outstanding(self) -> dict[str, Decimal]:
        return {
            COSTS: sum(self.cost_out, ZERO),
            INTEREST: self.interest_out,
            PRINCIPAL: self.principal_out,
            DOUBLED: self.doubled_out,
        }

    def _outstanding_in(self, bucket: str) -> Decimal:
        """``outstanding()[bucket]`` without building the dict (asked per bucket per payment)."""
        if bucket == INTEREST:
            return self.interest_out
        if bucket == PRINCIPAL:
            return self.principal_out
        if bucket == DOUBLED:
            return self.doubled_out
        return sum(self.cost_out, ZERO)

    def apply(self, p: Payment) -> None:
        before = self.outstanding()
        left = to_money(p.amount)
        parts: list[tuple[str, Decimal]] = []
        for bucket in self.t.order:
            if left <= 0:
                break
            if bucket == COSTS:
                for n, out in enumerate(self.cost_out):
                    take = min(out, left)
                    if take > 0:
                        self.cost_out[n] -= take
                        left -= take
                        parts.append((COSTS, take))
                continue
            take = min(self._outstanding_in(bucket), left)
            if take <= 0:
                continue
            if bucket == INTEREST:
                self.interest_out -= take
            elif bucket == PRINCIPAL:
                self.principal_out -= take
                self.principal_paid += take
            else:
                self.doubled_out -= take
            left -= take
            parts.append((bucket, take))
        merged: dict[str, Decimal] = {}
        for bucket, amount in parts:
            merged[bucket] = merged.get(bucket, ZERO) + amount
            self.st.paid[bucket] += amount
        self.st.surplus += left
        self.st.allocations.append(
            Allocation(payment=p, parts=tuple(merged.items()), surplus=left, outstanding_before=before)
        )


def compute_statement(
    terms: Terms,
    payments: Sequence[Payment],
    as_of: date,
    *,
    lpr: LprTable | None,
    convention: Convention,
) -> Statement:
    """The itemised statement of ``terms`` on ``as_of``: every accrued line, each payment's
    allocation, and what remains owed if the debtor paid on ``as_of``.

    Payments dated after ``as_of`` are ignored. Payments on the same day apply in the order given.
    """
    eng = _Engine(terms, lpr, convention)
    for n, c in enumerate(eng.costs):
        eng.st.lines.append(
            Line(
                kind="cost",
                label=c.label,
                amount=eng.cost_out[n],
                basis=COST_BASIS.get(c.kind, EXECUTION_BASIS),
            )
        )
    for c in eng.fixed_interest:
        eng.st.lines.append(
            Line(kind="interest", label=c.label, amount=to_money(c.amount), basis=EXECUTION_BASIS)
        )
    eng.st.lines.append(Line(kind="principal", label="本金", amount=eng.principal_out, basis=EXECUTION_BASIS))
    accrues = convention.payment_day_accrues
    cursor = date.min
    relevant = sorted((p for p in payments if p.on <= as_of), key=lambda p: p.on)
    for p in relevant:
        through = p.on if accrues else p.on - ONE_DAY
        if through >= cursor:
            eng.accrue(cursor, through)
            cursor = through + ONE_DAY
        eng.apply(p)
    final = as_of if accrues else as_of - ONE_DAY
    if final >= cursor:
        eng.accrue(cursor, final)
    eng.st.as_of = as_of
    eng.st.outstanding = eng.outstanding()
    return eng.st
