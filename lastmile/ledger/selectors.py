"""Reads of case funds. Staff reads are scoped to the actor's court."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import court_date
from lastmile.core.money import to_money

from .batching import gc_paused
from .calculation import Cost, Interest, Payment, Statement, Terms, compute_statement, parse_order
from .conf import Convention
from .interest import lpr_table
from .models import (
    Account,
    AccountKind,
    ExecutionCost,
    InterestKind,
    Leg,
    Obligation,
    ObligationPause,
    PaymentReport,
    PaymentReportStatus,
    Payout,
    PayoutKind,
    PayoutStatus,
    Receipt,
    SecuredClaim,
    Transaction,
)
from .rules import oldest_unpaid_arrival, payout_due, unclaimed_claim_cutoff

ZERO = Decimal("0.00")
_BULK = 2000


def _court_id(actor: User) -> int:
    return actor.court_id if actor.court_id is not None else -1


def obligation_terms(*, obligation: Obligation, pauses: list[tuple[date, date | None]]) -> Terms:
    """The pure calculation input for a stored obligation."""
    return Terms(
        principal=obligation.principal,
        basis_effective_on=obligation.basis_effective_on,
        performance_deadline=obligation.performance_deadline,
        costs=tuple(Cost(c["kind"], c["label"], Decimal(c["amount"])) for c in obligation.costs),
        interest=Interest(
            kind=obligation.interest_kind,
            annual_rate=obligation.interest_rate,
            lpr_multiple=obligation.lpr_multiple,
            lpr_term=obligation.lpr_term,
            lpr_fixed_on=obligation.lpr_fixed_on,
            start=obligation.interest_start,
            end=obligation.interest_end,
            day_basis=obligation.interest_day_basis,
        ),
        installments=tuple(
            (date.fromisoformat(i["due_on"]), Decimal(i["amount"])) for i in obligation.installments
        ),
        order=parse_order(obligation.allocation_order),
        pauses=tuple(pauses),
    )


def debt_cases(*, case: Case) -> list[int]:
    """The ids of ``case`` and of the cases whose debt it continues (a 执恢 case continues the
    case it resumes, which may itself be a 执恢 case): one debt, its payments and pauses counted
    once across the chain (法释〔2014〕8号 arts. 1–4)."""
    ids = [case.pk]
    nxt = Obligation.objects.filter(case_id=case.pk).values_list("continues_id", flat=True).first()
    while nxt is not None and nxt not in ids:
        ids.append(nxt)
        nxt = Obligation.objects.filter(case_id=nxt).values_list("continues_id", flat=True).first()
    return ids


#: Payouts that take money from the case account for something other than the case's own debt:
#: the 执行费用 and a secured creditor who is not the applicant (:mod:`.services.charges`).
DIVERTING_KINDS = (PayoutKind.EXECUTION_COST, PayoutKind.SECURED)


def _net_of_diversions(payments: list[Payment], diversions: list[tuple[date, Decimal]]) -> list[Payment]:
    """Receipts less the money paid out of them for 执行费用 or to a secured creditor: only the
    rest pays the debt (执行工作规定 2020 arts. 31, 34). Each diversion is taken from the latest
    receipt on or before its day, then from earlier ones."""
    amounts = [p.amount for p in payments]
    for day, amount in sorted(diversions):
        left = to_money(amount)
        eligible = [i for i, p in enumerate(payments) if p.on <= day] or list(range(len(payments)))
        for i in reversed(eligible):
            take = min(left, amounts[i])
            amounts[i] -= take
            left -= take
            if left <= 0:
                break
    return [Payment(p.ref, p.on, a) for p, a in zip(payments, amounts, strict=True) if a > 0]


def case_statement(*, case: Case, as_of: date, exclude_receipts: tuple[int, ...] = ()) -> Statement | None:
    """The itemised statement of what the debtor owes on ``as_of`` (None without an obligation).

    Three small queries and a pure computation: cheap enough for every page and policy check.
    Money paid out for 执行费用 or to a secured creditor not the applicant does not pay the debt
    (:data:`DIVERTING_KINDS`). ``exclude_receipts``: leave these receipts out (what was owed
    before a sale's price arrived).
    """
    obligation = Obligation.objects.filter(case=case).first()
    if obligation is None:
        return None
    cases = debt_cases(case=case)
    pauses = list(
        ObligationPause.objects.filter(case_id__in=cases)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )
    payments = [
        Payment(ref=str(pk), on=on, amount=amount)
        for pk, on, amount in Receipt.objects.filter(case_id__in=cases, effective_on__lte=as_of)
        .exclude(pk__in=exclude_receipts)
        .order_by("effective_on", "received_at", "pk")
        .values_list("pk", "effective_on", "amount")
    ]
    diversions = [
        (court_date(at), amount)
        for at, amount in Payout.objects.filter(
            case_id__in=cases, kind__in=DIVERTING_KINDS, status__in=_LIVE
        ).values_list("requested_at", "amount")
    ]
    if diversions:
        payments = _net_of_diversions(payments, diversions)
    terms = obligation_terms(obligation=obligation, pauses=pauses)
    needs_lpr = obligation.interest_kind == InterestKind.LPR_MULTIPLE
    return compute_statement(
        terms, payments, as_of, lpr=lpr_table() if needs_lpr else None, convention=Convention.from_settings()
    )


@dataclass
class CaseFunds:
    case: Case
    account: Account | None
    obligation: Obligation | None
    statement: Statement | None
    receipts: list[Receipt]
    payouts: list[Payout]
    held: Decimal  # payouts asked for or approved, not yet paid
    received: Decimal
    paid_out: Decimal
    due_on: date | None  # the oldest money not yet paid out must go by this day
    # payments an officer reported: pending ones count for nothing until finance confirms them
    reports: list[PaymentReport] = field(default_factory=list)
    # 执行费用 borne by the debtor and claims secured on assets sold: paid from proceeds first
    costs: list[ExecutionCost] = field(default_factory=list)
    secured: list[SecuredClaim] = field(default_factory=list)

    @property
    def reports_pending(self) -> list[PaymentReport]:
        return [r for r in self.reports if r.status == PaymentReportStatus.PENDING]


def case_funds(*, case: Case, as_of: date) -> CaseFunds:
    """Everything the case page and the calculation sheet show about a case's money."""
    receipts = list(Receipt.objects.filter(case=case).order_by("received_at", "pk"))
    payouts = list(
        Payout.objects.filter(case=case)
        .select_related("requested_by", "approved_by")
        .order_by("requested_at", "pk")
    )
    received = sum((r.amount for r in receipts), ZERO)
    paid_out = sum((p.amount for p in payouts if p.status == PayoutStatus.PAID), ZERO)
    held_since = oldest_unpaid_arrival([(court_date(r.received_at), r.amount) for r in receipts], paid_out)
    due_on = payout_due(held_since).day if held_since is not None else None
    return CaseFunds(
        case=case,
        account=Account.objects.filter(case=case).first(),
        obligation=Obligation.objects.filter(case=case).first(),
        statement=case_statement(case=case, as_of=as_of),
        receipts=receipts,
        payouts=payouts,
        held=sum(
            (p.amount for p in payouts if p.status in (PayoutStatus.REQUESTED, PayoutStatus.APPROVED)), ZERO
        ),
        received=received,
        paid_out=paid_out,
        due_on=due_on,
        reports=list(
            PaymentReport.objects.filter(case=case)
            .select_related("reported_by", "decided_by")
            .order_by("-pk")
        ),
        costs=list(ExecutionCost.objects.filter(case=case).select_related("advanced_by")),
        secured=list(SecuredClaim.objects.filter(case=case).select_related("party").order_by("pk")),
    )


def case_funds_get_for(*, actor: User, case_id: int, as_of: date) -> CaseFunds:
    """Fetch and authorise: anyone who may see the case may read its calculation sheet."""
    return case_funds(case=case_get_for(actor=actor, case_id=case_id), as_of=as_of)


def unclaimed_receipts(*, actor: User) -> QuerySet[Receipt]:
    """Money in this court's execution account waiting to be claimed for a case (认领)."""
    require(actor, "funds.view")
    return Receipt.objects.filter(court_id=_court_id(actor), case__isnull=True).order_by("received_at", "pk")


def unclaimed_overdue(*, actor: User, today: date) -> QuerySet[Receipt]:
    """Unclaimed money older than UNCLAIMED_CLAIM_DAYS (:func:`.rules.unclaimed_claim_cutoff`)."""
    return unclaimed_receipts(actor=actor).filter(effective_on__lt=unclaimed_claim_cutoff(today))


def payment_reports_pending(*, actor: User) -> QuerySet[PaymentReport]:
    """Payments officers reported in this court, waiting for finance to find them in the
    execution account (执行款物管理规定 法发〔2017〕6号), oldest first."""
    require(actor, "funds.view")
    return (
        PaymentReport.objects.filter(court_id=_court_id(actor), status=PaymentReportStatus.PENDING)
        .select_related("case", "reported_by")
        .order_by("reported_at", "pk")
    )


def payouts_awaiting_approval(*, actor: User) -> QuerySet[Payout]:
    require(actor, "funds.view")
    return Payout.objects.filter(court_id=_court_id(actor), status=PayoutStatus.REQUESTED).select_related(
        "case"
    )


@dataclass(frozen=True)
class DueFunds:
    case: Case
    undisbursed: Decimal
    due_on: date
    overdue: bool


def funds_due(*, actor: User, today: date, horizon_days: int = 7) -> list[DueFunds]:
    """Cases whose money must be paid out soon or is late (:func:`.rules.payout_due` of the
    arrival of their oldest money not yet paid out, the same day the payout deadline shows)."""
    require(actor, "funds.view")
    accounts = Account.objects.filter(court_id=_court_id(actor), kind=AccountKind.CASE).filter(balance__gt=0)
    case_ids = list(accounts.values_list("case_id", flat=True))
    held = dict(
        Payout.objects.filter(
            case_id__in=case_ids, status__in=[PayoutStatus.REQUESTED, PayoutStatus.APPROVED]
        )
        .values("case_id")
        .annotate(s=Sum("amount"))
        .values_list("case_id", "s")
    )
    paid = dict(
        Payout.objects.filter(case_id__in=case_ids, status=PayoutStatus.PAID)
        .values("case_id")
        .annotate(s=Sum("amount"))
        .values_list("case_id", "s")
    )
    arrivals: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for cid, arrived_at, amount in (
        Receipt.objects.filter(case_id__in=case_ids)
        .order_by("received_at", "pk")
        .values_list("case_id", "received_at", "amount")
    ):
        arrivals[cid].append((court_date(arrived_at), amount))
    cases = Case.objects.in_bulk(case_ids)
    out: list[DueFunds] = []
    for cid in case_ids:
        done = paid.get(cid) or ZERO
        held_since = oldest_unpaid_arrival(arrivals[cid], done)
        if held_since is None:
            continue
        due = payout_due(held_since).day
        if due <= today + timedelta(days=horizon_days):
            balance = sum((a for _, a in arrivals[cid]), ZERO) - done
            out.append(DueFunds(cases[cid], balance - (held.get(cid) or ZERO), due, due < today))
    return sorted(out, key=lambda d: d.due_on)


# --- reconciliation ---------------------------------------------------------------------------


@dataclass
class Reconciliation:
    checked_transactions: int = 0
    checked_accounts: int = 0
    checked_cases: int = 0
    differences: list[str] = field(default_factory=list)
    totals: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences


def reconcile(*, court: Court | None = None) -> Reconciliation:
    """Prove the books add up, for one court or all.

    1. every transaction has at least two legs and its legs add up to zero;
    2. each account's kept balance equals the sum of its legs;
    3. the court's execution account equals the case accounts + unclaimed + pending payouts;
    4. for each case: receipts = held in its account + pending payouts + paid out + refunded;
    5. unclaimed receipts equal the unclaimed account; pending payouts equal the pending account;
    6. every receipt and every payout step has its ledger transaction.
    """
    rec = Reconciliation()
    courts = (
        [court]
        if court is not None
        else list(Court.objects.filter(pk__in=Account.objects.values("court_id")))
    )
    for c in courts:
        _reconcile_court(c, rec)
    return rec


def _reconcile_court(court: Court, rec: Reconciliation) -> None:
    txns = Transaction.objects.filter(court=court)
    _reconcile_transactions(court, rec, txns)
    by_kind, case_balance = _reconcile_accounts(court, rec)
    payouts = _reconcile_cases(court, rec, case_balance)
    _reconcile_unclaimed_and_pending(court, rec, by_kind, payouts)
    _reconcile_vouchers(court, rec, txns)
    rec.totals[court.code] = {
        "bank": by_kind[AccountKind.BANK],
        "cases": by_kind[AccountKind.CASE],
        "unclaimed": by_kind[AccountKind.UNCLAIMED],
        "pending": by_kind[AccountKind.PAYOUT_PENDING],
    }


def _reconcile_transactions(court: Court, rec: Reconciliation, txns: QuerySet[Transaction]) -> None:
    """Rule 1: every transaction has at least two legs and its legs add up to zero."""
    rec.checked_transactions += txns.count()
    for row in (
        Leg.objects.filter(transaction__court=court)
        .values("transaction_id", "transaction__idempotency_key")
        .annotate(s=Sum("amount"), n=Count("id"))
        .filter(~Q(s=0) | Q(n__lt=2))
    ):
        key = row["transaction__idempotency_key"]
        rec.differences.append(f"{court.code} 凭证 {key} 借贷不平衡：合计 {row['s']}，分录 {row['n']} 条")
    legless = txns.filter(legs__isnull=True).values_list("idempotency_key", flat=True)
    for key in legless:
        rec.differences.append(f"{court.code} 凭证 {key} 没有分录")


def _reconcile_accounts(court: Court, rec: Reconciliation) -> tuple[dict[str, Decimal], dict[int, Decimal]]:
    """Rules 2 and 3: each account's kept balance equals its legs; the execution account equals
    the case accounts + unclaimed + pending payouts. Returns the natural balances by account kind
    (zero for a kind without accounts) and by case."""
    sums = dict(
        Leg.objects.filter(account__court=court)
        .values("account_id")
        .annotate(s=Sum("amount"))
        .values_list("account_id", "s")
    )
    accounts = list(Account.objects.filter(court=court))
    rec.checked_accounts += len(accounts)
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    case_balance: dict[int, Decimal] = {}
    for a in accounts:
        legs = to_money(sums.get(a.pk) or ZERO)
        natural = legs if a.kind == AccountKind.BANK else -legs
        if natural != a.balance:
            rec.differences.append(f"{court.code} 账户 {a.number} 余额 {a.balance} 与分录合计 {natural} 不符")
        by_kind[a.kind] += natural
        if a.case_id is not None:
            case_balance[a.case_id] = natural
    liabilities = (
        by_kind[AccountKind.CASE] + by_kind[AccountKind.UNCLAIMED] + by_kind[AccountKind.PAYOUT_PENDING]
    )
    if by_kind[AccountKind.BANK] != liabilities:
        rec.differences.append(
            f"{court.code} 执行款专户余额 {by_kind[AccountKind.BANK]} ≠ 各案账户 {by_kind[AccountKind.CASE]}"
            f" + 待认领 {by_kind[AccountKind.UNCLAIMED]} + 待划付 {by_kind[AccountKind.PAYOUT_PENDING]}"
        )
    return by_kind, case_balance


def _reconcile_cases(
    court: Court, rec: Reconciliation, case_balance: dict[int, Decimal]
) -> dict[int, dict[str, Decimal]]:
    """Rule 4: for each case, receipts = held in its account + pending payouts + paid out +
    refunded. Returns the payouts by case and state (zero where there are none)."""
    receipts_by_case = dict(
        Receipt.objects.filter(court=court, case__isnull=False)
        .values("case_id")
        .annotate(s=Sum("amount"))
        .values_list("case_id", "s")
    )
    payouts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for cid, status, kind, s in (
        Payout.objects.filter(court=court)
        .values("case_id", "status", "kind")
        .annotate(s=Sum("amount"))
        .values_list("case_id", "status", "kind", "s")
    ):
        if status in (PayoutStatus.REQUESTED, PayoutStatus.APPROVED):
            payouts[cid]["pending"] += to_money(s)
        elif status == PayoutStatus.PAID:
            payouts[cid]["refunded" if kind == PayoutKind.DEBTOR_REFUND else "paid_out"] += to_money(s)
    all_cases = set(receipts_by_case) | set(case_balance) | set(payouts)
    rec.checked_cases += len(all_cases)
    for cid in sorted(all_cases):
        received = to_money(receipts_by_case.get(cid) or ZERO)
        p = payouts[cid]
        held = case_balance.get(cid, ZERO)
        accounted = held + p["pending"] + p["paid_out"] + p["refunded"]
        if received != accounted:
            rec.differences.append(
                f"{court.code} 案件#{cid} 收款 {received} ≠ 账户余额 {held} + 待划付 {p['pending']}"
                f" + 已发放 {p['paid_out']} + 已退还 {p['refunded']}（差额 {received - accounted}）"
            )
    return payouts


def _reconcile_unclaimed_and_pending(
    court: Court, rec: Reconciliation, by_kind: dict[str, Decimal], payouts: dict[int, dict[str, Decimal]]
) -> None:
    """Rule 5: unclaimed receipts equal the unclaimed account; pending payouts equal the pending
    account."""
    unclaimed = to_money(
        Receipt.objects.filter(court=court, case__isnull=True).aggregate(s=Sum("amount"))["s"] or ZERO
    )
    if unclaimed != by_kind[AccountKind.UNCLAIMED]:
        rec.differences.append(
            f"{court.code} 未认领收款 {unclaimed} ≠ 待认领款项账户 {by_kind[AccountKind.UNCLAIMED]}"
        )
    pending = sum((v["pending"] for v in payouts.values()), ZERO)
    if pending != by_kind[AccountKind.PAYOUT_PENDING]:
        rec.differences.append(
            f"{court.code} 待划付申请 {pending} ≠ 待划付款项账户 {by_kind[AccountKind.PAYOUT_PENDING]}"
        )


def _reconcile_vouchers(court: Court, rec: Reconciliation, txns: QuerySet[Transaction]) -> None:
    """Rule 6: every receipt and every claim has its ledger transaction."""
    n_receipts = Receipt.objects.filter(court=court).count()
    n_receipt_txns = txns.filter(kind="receipt").count()
    if n_receipts != n_receipt_txns:
        rec.differences.append(f"{court.code} 收款 {n_receipts} 笔，到账凭证 {n_receipt_txns} 笔，不一致")
    n_claimed = Receipt.objects.filter(court=court, claimed_at__isnull=False).count()
    if n_claimed != txns.filter(kind="claim").count():
        rec.differences.append(f"{court.code} 认领 {n_claimed} 笔，认领凭证数不一致")


# --- what may still be paid out ---------------------------------------------------------------

_LIVE = (PayoutStatus.REQUESTED, PayoutStatus.APPROVED, PayoutStatus.PAID)
_CREDITOR_KINDS = (PayoutKind.APPLICANT, PayoutKind.COURT_FEE)


def amount_received(*, case: Case) -> Decimal:
    """Everything credited to the case so far (receipts booked to it and claimed for it). A read:
    it was a service that nothing but the tests called (issue M item 1)."""
    return to_money(Receipt.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] or ZERO)


def undisbursed_amount(*, case: Case) -> Decimal:
    """Money received for ``case`` and not yet paid out: what its account holds plus payouts
    asked for or approved and not yet settled (every receipt less every settled payout). 执行完毕
    waits for it to be nil or for a recorded reason (docs/law.md "Case funds and distribution")."""
    received = Receipt.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payout.objects.filter(case=case, status=PayoutStatus.PAID).aggregate(s=Sum("amount"))["s"] or ZERO
    return to_money(received - paid)


@dataclass(frozen=True)
class PayeeOwed:
    """What may still be paid out to one payee of a case, on ``as_of``. ``known`` is False when
    no money debt is recorded for the case that measures it (nothing is known to be owed)."""

    owed: Decimal
    known: bool
    explanation: str


def execution_cost_left(*, cost: ExecutionCost) -> Decimal:
    """What is left to pay of one 执行费用: its amount less its live payouts."""
    given = cost.payouts.filter(status__in=_LIVE).aggregate(s=Sum("amount"))["s"] or ZERO
    return max(to_money(cost.amount - given), ZERO)


@dataclass(frozen=True)
class OpenCost:
    cost: ExecutionCost
    left: Decimal


def execution_costs_open(*, case: Case) -> list[OpenCost]:
    """The 执行费用 of ``case`` not yet paid out, oldest first."""
    rows = (
        ExecutionCost.objects.filter(case=case)
        .select_related("advanced_by")
        .annotate(given=Sum("payouts__amount", filter=Q(payouts__status__in=_LIVE)))
    )
    out = [OpenCost(c, max(to_money(c.amount - (c.given or ZERO)), ZERO)) for c in rows]  # type: ignore[attr-defined]
    return [o for o in out if o.left > 0]


def secured_claim_left(*, case: Case, claim: SecuredClaim) -> Decimal:
    """What is left of a secured creditor's claim: its amount less its live payouts in the case."""
    given = (
        Payout.objects.filter(
            case=case, kind=PayoutKind.SECURED, payee_party_id=claim.party_id, status__in=_LIVE
        ).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return max(to_money(claim.amount - given), ZERO)


def execution_costs(*, case: Case) -> list[ExecutionCost]:
    """Every 执行费用 posted to ``case``, oldest first."""
    return list(ExecutionCost.objects.filter(case=case).select_related("advanced_by"))


def secured_claims(*, case: Case) -> list[SecuredClaim]:
    return list(SecuredClaim.objects.filter(case=case).select_related("party").order_by("pk"))


def payee_owed(
    *,
    case: Case,
    kind: str,
    payee_case: Case | None,
    as_of: date,
    payee_party: object | None = None,
    execution_cost: ExecutionCost | None = None,
) -> PayeeOwed:
    """What is owed to the payee of a payout from ``case`` and not yet asked for:

    - a creditor of another case (参与分配, ``payee_case``): what that case's debtor still owes,
      less every live payout already made out to it;
    - the applicant and the court's fees (``applicant``, ``court_fee``): what the receipts have
      paid of the debt (costs, interest, principal, doubled interest, 民法典 2020 art. 561 and
      法释〔2014〕8号 art. 4), less every live payout to them, across the cases of one debt;
    - the debtor (``debtor_refund``): the surplus, money received beyond what is owed, less
      every live refund.

    - a 执行费用 (``execution_cost``): what is left of it (:func:`execution_cost_left`);
    - a secured creditor (``secured``): what is left of its recorded claim.

    Live payouts are those asked for, approved or paid (not refused)."""
    if kind == PayoutKind.EXECUTION_COST:
        if execution_cost is None:
            return PayeeOwed(ZERO, True, "未指明执行费用")
        left = execution_cost_left(cost=execution_cost)
        return PayeeOwed(left, True, f"{execution_cost.label}{execution_cost.amount}元，尚未支付{left}元")
    if kind == PayoutKind.SECURED:
        party_id = getattr(payee_party, "pk", None)
        claim = SecuredClaim.objects.filter(case=case, party_id=party_id).first() if party_id else None
        if claim is None:
            return PayeeOwed(ZERO, True, "未登记优先受偿债权")
        left = secured_claim_left(case=case, claim=claim)
        return PayeeOwed(left, True, f"优先受偿债权{claim.amount}元，尚未发放{left}元")
    if payee_case is not None:
        statement = case_statement(case=payee_case, as_of=as_of)
        if statement is None:
            return PayeeOwed(ZERO, False, f"案件{payee_case.number}未登记执行依据确定的金钱债务")
        given = to_money(
            Payout.objects.filter(payee_case=payee_case, status__in=_LIVE).aggregate(s=Sum("amount"))["s"]
            or ZERO
        )
        left = to_money(statement.outstanding_total - given)
        return PayeeOwed(
            max(left, ZERO),
            True,
            f"案件{payee_case.number}尚欠{statement.outstanding_total}元，已安排发放{given}元",
        )
    statement = case_statement(case=case, as_of=as_of)
    cases = debt_cases(case=case)
    live = Payout.objects.filter(case_id__in=cases, payee_case__isnull=True, status__in=_LIVE)
    if kind == PayoutKind.DEBTOR_REFUND:
        refunded = to_money(
            live.filter(kind=PayoutKind.DEBTOR_REFUND).aggregate(s=Sum("amount"))["s"] or ZERO
        )
        if statement is None:
            return PayeeOwed(ZERO, False, "本案未登记执行依据确定的金钱债务，无法确定超出债务的余款")
        return PayeeOwed(
            max(to_money(statement.surplus - refunded), ZERO),
            True,
            f"超出债务的余款{statement.surplus}元，已安排退还{refunded}元",
        )
    given = to_money(live.filter(kind__in=_CREDITOR_KINDS).aggregate(s=Sum("amount"))["s"] or ZERO)
    if statement is None:
        return PayeeOwed(ZERO, False, "本案未登记执行依据确定的金钱债务，无法确定应付金额")
    return PayeeOwed(
        max(to_money(statement.paid_total - given), ZERO),
        True,
        f"已到账并清偿债务{statement.paid_total}元，已安排发放{given}元",
    )


# --- lists people work from (issue M item 3) ------------------------------------------------------------


def receipts_list(
    *,
    actor: User,
    state: str = "",
    source: str = "",
    query: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
) -> QuerySet[Receipt]:
    """Money received in this court's execution account: ``state`` ``unclaimed`` (no case yet, to
    be claimed) or ``claimed``; by source, day received and amount; ``query`` finds the payer, the
    note or the case number."""
    require(actor, "funds.view")
    qs = Receipt.objects.filter(court_id=_court_id(actor)).select_related("case")
    if state == "unclaimed":
        qs = qs.filter(case__isnull=True)
    elif state == "claimed":
        qs = qs.filter(case__isnull=False)
    if source:
        qs = qs.filter(source=source)
    if query := query.strip()[:64]:
        partial = query.replace("(", "（").replace(")", "）")
        qs = qs.filter(Q(payer__contains=query) | Q(note__contains=query) | Q(case__number__contains=partial))
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    if amount_min is not None:
        qs = qs.filter(amount__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount__lte=amount_max)
    return qs


def payouts_list(
    *,
    actor: User,
    status: str = "",
    kind: str = "",
    officer_id: int | None = None,
    query: str = "",
    due_from: date | None = None,
    due_to: date | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
) -> QuerySet[Payout]:
    """This court's payouts by status and kind, by the case's officer, the day due and the amount;
    ``query`` finds the payee, the case number, or a party of the case by name or ID number."""
    require(actor, "funds.view")
    qs = Payout.objects.filter(court_id=_court_id(actor)).select_related("case", "case__officer")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if officer_id:
        qs = qs.filter(case__officer_id=officer_id)
    if query := query.strip()[:64]:
        partial = query.replace("(", "（").replace(")", "）")
        cases = Case.objects.filter(
            Q(number__contains=partial)
            | Q(case_parties__party__name__contains=query)
            | Q(case_parties__party__id_number=query.upper())
        )
        qs = qs.filter(Q(payee_name__contains=query) | Q(case__in=cases.values("pk")))
    if due_from:
        qs = qs.filter(due_on__gte=due_from)
    if due_to:
        qs = qs.filter(due_on__lte=due_to)
    if amount_min is not None:
        qs = qs.filter(amount__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount__lte=amount_max)
    return qs


@gc_paused()
def case_statements(*, cases: Sequence[Case], as_of: date) -> dict[int, Statement | None]:
    """:func:`case_statement` of many cases (those a bank statement touched) with a handful of
    queries in all: their obligations, pauses and receipts are read in bulk and each case's
    allocation is computed by the same pure :func:`.calculation.compute_statement`, in the legal
    order or the order the parties agreed. A case that continues another's debt or has payouts is
    computed by :func:`case_statement` itself, so both always agree."""
    ids = sorted({c.pk for c in cases})
    obligations: dict[int, Obligation] = {}
    with_payouts: set[int] = set()
    for i in range(0, len(ids), _BULK):
        chunk = ids[i : i + _BULK]
        obligations.update((o.case_id, o) for o in Obligation.objects.filter(case_id__in=chunk))
        with_payouts.update(Payout.objects.filter(case_id__in=chunk).values_list("case_id", flat=True))
    simple = [cid for cid in ids if cid in obligations and obligations[cid].continues_id is None]
    simple = [cid for cid in simple if cid not in with_payouts]
    pauses: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    payments: dict[int, list[Payment]] = defaultdict(list)
    for i in range(0, len(simple), _BULK):
        chunk = simple[i : i + _BULK]
        for cid, starts_on, ends_on in (
            ObligationPause.objects.filter(case_id__in=chunk)
            .order_by("case_id", "starts_on")
            .values_list("case_id", "starts_on", "ends_on")
        ):
            pauses[cid].append((starts_on, ends_on))
        for cid, pk, on, amount in (
            Receipt.objects.filter(case_id__in=chunk, effective_on__lte=as_of)
            .order_by("case_id", "effective_on", "received_at", "pk")
            .values_list("case_id", "pk", "effective_on", "amount")
        ):
            payments[cid].append(Payment(ref=str(pk), on=on, amount=amount))
    convention = Convention.from_settings()
    lpr = (
        lpr_table()
        if any(obligations[c].interest_kind == InterestKind.LPR_MULTIPLE for c in simple)
        else None
    )
    out: dict[int, Statement | None] = dict.fromkeys(ids)
    for cid in simple:
        o = obligations[cid]
        out[cid] = compute_statement(
            obligation_terms(obligation=o, pauses=pauses[cid]),
            payments[cid],
            as_of,
            lpr=lpr if o.interest_kind == InterestKind.LPR_MULTIPLE else None,
            convention=convention,
        )
    done = set(simple)
    for case in cases:
        if case.pk in obligations and case.pk not in done:
            out[case.pk] = case_statement(case=case, as_of=as_of)
            done.add(case.pk)
    return out
