"""Property-based tests: no allocation exceeds its receipt, the legal order holds, replays are
idempotent, every transaction balances and the books reconcile."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lastmile.core.errors import Conflict, InvalidTransition
from lastmile.ledger import services as s
from lastmile.ledger.calculation import (
    BUCKETS,
    DEFAULT_ORDER,
    Cost,
    Interest,
    Payment,
    Terms,
    compute_statement,
)
from lastmile.ledger.conf import DAY_COUNTS, Convention
from lastmile.ledger.distribution import Claim, distribute
from lastmile.ledger.interest import LprTable
from lastmile.ledger.models import Account, Leg, Receipt, Transaction
from lastmile.ledger.selectors import reconcile

from .conftest import at

D = Decimal
START = date(2024, 1, 1)
LPR = LprTable(
    dates=(date(2019, 8, 20), date(2024, 2, 20), date(2024, 7, 22)),
    one_year=(D("0.0425"), D("0.0345"), D("0.0335")),
    five_year=(D("0.0485"), D("0.0395"), D("0.0385")),
    valid_through=date(2025, 1, 1),
)

money = st.integers(min_value=1, max_value=50_000_000).map(lambda c: D(c) / 100)
days = st.integers(min_value=0, max_value=400)


@st.composite
def terms(draw):
    principal = draw(st.integers(min_value=0, max_value=20_000_000).map(lambda c: D(c) / 100))
    costs = tuple(
        Cost(kind, kind, draw(money))
        for kind in draw(
            st.lists(st.sampled_from(["acceptance_fee", "execution_fee", "preservation_fee"]), max_size=3)
        )
    )
    kind = draw(st.sampled_from(["none", "fixed", "lpr_multiple"]))
    interest = Interest(
        kind=kind,
        annual_rate=draw(st.integers(0, 2400).map(lambda b: D(b) / 10000)),
        lpr_multiple=draw(st.sampled_from([D("1"), D("1.5"), D("4")])),
        start=START + timedelta(days=draw(st.integers(-100, 100))),
    )
    installments = ()
    if draw(st.booleans()) and principal > 0:
        n = draw(st.integers(1, 4))
        part = (principal / n).quantize(D("0.01"))
        installments = tuple((START + timedelta(days=30 * (i + 1)), part) for i in range(n))
    pauses = ()
    if draw(st.booleans()):
        p0 = START + timedelta(days=draw(days))
        pauses = ((p0, p0 + timedelta(days=draw(st.integers(0, 60)))),)
    order = tuple(draw(st.permutations(BUCKETS))) if draw(st.booleans()) else DEFAULT_ORDER
    return Terms(
        principal=principal,
        basis_effective_on=START,
        performance_deadline=START + timedelta(days=draw(st.integers(0, 30))),
        costs=costs,
        interest=interest,
        installments=installments,
        order=order,
        pauses=pauses,
    )


payments = st.lists(
    st.tuples(days, money).map(lambda t: Payment(f"p{t[0]}-{t[1]}", START + timedelta(days=t[0]), t[1])),
    max_size=8,
)
conventions = st.sampled_from(list(DAY_COUNTS.values())).map(lambda v: Convention(v[0], v[1]))


@settings(max_examples=300, deadline=None)
@given(t=terms(), pays=payments, conv=conventions, horizon=days)
def test_allocations_never_exceed_receipts_and_follow_the_order(t, pays, conv, horizon):
    as_of = START + timedelta(days=horizon)
    st_ = compute_statement(t, pays, as_of, lpr=LPR, convention=conv)
    for alloc in st_.allocations:
        assert all(a > 0 for _, a in alloc.parts)
        assert alloc.applied + alloc.surplus == alloc.payment.amount
        assert alloc.applied <= alloc.payment.amount and alloc.surplus >= 0
        paid = dict(alloc.parts)
        reached = [t.order.index(b) for b in paid]
        if reached:
            last = max(reached)
            # every bucket before the last one reached was paid in full first
            for b in t.order[:last]:
                assert paid.get(b, D("0")) == alloc.outstanding_before[b]
        if alloc.surplus > 0:
            assert all(paid.get(b, D("0")) == alloc.outstanding_before[b] for b in BUCKETS)
    assert all(v >= 0 for v in st_.outstanding.values())
    assert st_.owed_total == sum((ln.amount for ln in st_.lines), D("0"))
    assert st_.owed_total - st_.paid_total == st_.outstanding_total
    assert st_.paid_total + st_.surplus == sum((p.amount for p in pays if p.on <= as_of), D("0"))


@settings(max_examples=150, deadline=None)
@given(t=terms(), pays=payments, extra=st.tuples(days, money), horizon=days)
def test_paying_more_never_raises_what_is_owed(t, pays, extra, horizon):
    as_of = START + timedelta(days=horizon)
    conv = Convention()
    before = compute_statement(t, pays, as_of, lpr=LPR, convention=conv).outstanding_total
    more = [*pays, Payment("x", START + timedelta(days=extra[0]), extra[1])]
    after = compute_statement(t, more, as_of, lpr=LPR, convention=conv).outstanding_total
    assert after <= before


@settings(max_examples=300, deadline=None)
@given(
    amount=money,
    claims=st.lists(st.tuples(money, st.integers(0, 2), st.integers(0, 5)), min_size=1, max_size=6),
    enterprise=st.booleans(),
)
def test_distribution_shares_add_up_and_respect_claims(amount, claims, enterprise):
    cs = [Claim(f"c{i}", a, rank, START + timedelta(days=d)) for i, (a, rank, d) in enumerate(claims)]
    shares, surplus = distribute(amount, cs, debtor_is_enterprise=enterprise)
    assert sum((sh.amount for sh in shares), D("0")) + surplus == amount
    by_key = {c.key: c for c in cs}
    assert all(D("0") <= sh.amount <= by_key[sh.key].amount for sh in shares)
    if surplus > 0:
        assert all(sh.amount == by_key[sh.key].amount for sh in shares)
    # a lower rank is never short while a higher rank is paid
    got = {x.key: x.amount for x in shares}
    for hi in cs:
        for lo in cs:
            if lo.rank < hi.rank and got[hi.key] > 0:
                assert got[lo.key] == lo.amount


# --- against the database -------------------------------------------------------------------------


def _assert_books_balance():
    unbalanced = Leg.objects.values("transaction_id").annotate(s=Sum("amount"), n=Count("id")).exclude(s=0)
    assert list(unbalanced) == []
    assert not Transaction.objects.annotate(n=Count("legs")).filter(n__lt=2).exists()
    assert not Account.objects.filter(balance__lt=0).exists()
    rec = reconcile()
    assert rec.ok, rec.differences


class _Rollback(Exception):
    pass


notices = st.lists(
    st.tuples(st.integers(0, 6), st.integers(1, 100_000).map(lambda c: D(c) / 100)), min_size=1, max_size=12
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=notices, replay=st.lists(st.integers(0, 11), max_size=12))
def test_replayed_bank_notices_change_nothing(case, stream, replay):
    try:
        with transaction.atomic():
            first_amount: dict[str, Decimal] = {}
            for key_no, amount in stream:
                key = f"notice-{key_no}"
                amount = first_amount.setdefault(key, amount)  # a real replay carries the same amount
                s.receipt_record(
                    case=case,
                    amount=amount,
                    source="bank_deduction",
                    idempotency_key=key,
                    received_at=at(2024, 2, 1),
                    actor=None,
                )
            snapshot = (
                Receipt.objects.count(),
                Transaction.objects.count(),
                Account.objects.get(case=case).balance,
            )
            for i in replay:
                key_no, _ = stream[i % len(stream)]
                key = f"notice-{key_no}"
                s.receipt_record(
                    case=case,
                    amount=first_amount[key],
                    source="bank_deduction",
                    idempotency_key=key,
                    received_at=at(2024, 2, 1),
                    actor=None,
                )
            assert (
                Receipt.objects.count(),
                Transaction.objects.count(),
                Account.objects.get(case=case).balance,
            ) == snapshot
            assert snapshot[0] == len(first_amount)
            assert snapshot[2] == sum(first_amount.values(), D("0"))
            _assert_books_balance()
            raise _Rollback
    except _Rollback:
        pass


ops = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(0, 1), money),
        st.tuples(st.just("unclaimed"), st.just(0), money),
        st.tuples(st.just("claim"), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("request"), st.integers(0, 1), money),
        st.tuples(st.just("approve"), st.integers(0, 9), st.just(0)),
        st.tuples(st.just("settle"), st.integers(0, 9), st.just(0)),
        st.tuples(st.just("reject"), st.integers(0, 9), st.just(0)),
    ),
    min_size=1,
    max_size=15,
)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=ops)
def test_every_transaction_balances_whatever_happens(make_case, bank, yuelu, finance, leader, script):
    try:
        with transaction.atomic():
            cases = [make_case(), make_case()]
            unclaimed: list[int] = []
            payouts: list[int] = []
            for n, (op, i, x) in enumerate(script):
                try:
                    with transaction.atomic():
                        if op == "receive":
                            s.receipt_record(
                                case=cases[i],
                                amount=x,
                                source="debtor_transfer",
                                idempotency_key=f"r{n}",
                                received_at=at(2024, 2, 1),
                                actor=None,
                            )
                        elif op == "unclaimed":
                            unclaimed.append(
                                s.receipt_record(
                                    case=None,
                                    court_id=yuelu.pk,
                                    amount=x,
                                    source="cash",
                                    idempotency_key=f"u{n}",
                                    received_at=at(2024, 2, 1),
                                    actor=None,
                                ).pk
                            )
                        elif op == "claim" and unclaimed:
                            s.receipt_claim(
                                receipt_id=unclaimed[x % len(unclaimed)],
                                case=cases[i],
                                actor=finance,
                                now=at(2024, 2, 2),
                            )
                        elif op == "request":
                            payouts.append(
                                s.payout_request(
                                    case=cases[i],
                                    kind="applicant",
                                    amount=x,
                                    actor=finance,
                                    now=at(2024, 2, 2),
                                    idempotency_key=f"p{n}",
                                    payee_party=bank,
                                    payee_account="800012345678901",
                                    payee_bank="长沙银行岳麓支行",
                                    payee_account_name="收款人户名",
                                ).pk
                            )
                        elif op in ("approve", "settle", "reject") and payouts:
                            pid = payouts[i % len(payouts)]
                            if op == "approve":
                                s.payout_approve(payout_id=pid, actor=leader, now=at(2024, 2, 3))
                            elif op == "settle":
                                s.payout_settle(payout_id=pid, actor=finance, now=at(2024, 2, 4))
                            else:
                                s.payout_reject(payout_id=pid, actor=leader, now=at(2024, 2, 4))
                except (Conflict, InvalidTransition):
                    pass  # refused (overdraw, wrong state): must have changed nothing
                _assert_books_balance()
            raise _Rollback
    except _Rollback:
        pass
