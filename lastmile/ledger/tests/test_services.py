"""Case funds through the services: obligations, receipts, claims, payouts, reconciliation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lastmile.cases.models import CaseEvent, Deadline
from lastmile.core.errors import Conflict, InvalidAmount, InvalidTransition, NotFound, PermissionDenied
from lastmile.ledger import services as s
from lastmile.ledger.models import (
    Account,
    AccountKind,
    Leg,
    Obligation,
    Payout,
    PayoutStatus,
    Receipt,
    Transaction,
)
from lastmile.ledger.selectors import amount_received, case_funds, funds_due, reconcile, unclaimed_overdue
from lastmile.testing.factories import OrganisationFactory, PersonFactory

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db


def record(case, **kw):
    base = {
        "case": case,
        "actor": None,
        "now": at(2024, 1, 2),
        "principal": D("100000"),
        "basis_effective_on": date(2024, 1, 1),
        "performance_deadline": date(2024, 1, 10),
    }
    base.update(kw)
    return s.obligation_record(**base)


def receive(case, key, amount, when=None, **kw):
    return s.receipt_record(
        case=case,
        amount=D(amount),
        source="debtor_transfer",
        idempotency_key=key,
        received_at=when or at(2024, 1, 20),
        actor=None,
        **kw,
    )


def balance(case):
    return Account.objects.get(case=case).balance


def test_virtual_account_numbers_are_unique_and_carry_a_check_digit(case, make_case):
    other = make_case()
    a, b = s.case_account(case=case), s.case_account(case=other)
    assert a.number != b.number and s.luhn_valid(a.number) and s.luhn_valid(b.number)
    assert a.number == s.virtual_account_number(court_id=case.court_id, kind="case", case_id=case.pk)
    wrong = a.number[:-2] + str((int(a.number[-2]) + 1) % 10) + a.number[-1]
    assert not s.luhn_valid(wrong)
    assert s.case_account(case=case).pk == a.pk  # one account per case


def test_outstanding_follows_receipts_until_zero(case):
    record(case, costs=[s.CostItem("execution_fee", "申请执行费", D("1400"))])
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 10)) == D("101400.00")
    receive(case, "n1", "40000", when=at(2024, 1, 20))
    # 1,400 costs + 38,600 principal; 10 days of doubled interest on 100,000 = 175
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 20)) == D("61575.00")
    receive(case, "n2", "61575", when=at(2024, 1, 20, 15))
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 20)) == 0
    assert s.amount_outstanding(case=case, as_of=date(2024, 12, 31)) == 0
    assert amount_received(case=case) == D("101575.00")
    assert balance(case) == D("101575.00")


def test_outstanding_is_zero_without_obligation(case):
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 1)) == 0


def test_obligation_replay_and_amendment(case):
    first = record(case)
    assert record(case).pk == first.pk
    with pytest.raises(Conflict):
        record(case, principal=D("90000"))
    assert Obligation.objects.get(case=case).principal == D("100000")
    amended = record(case, principal=D("90000"), replace=True)
    assert amended.pk == first.pk and amended.principal == D("90000")
    assert CaseEvent.objects.filter(case=case, kind="ledger.obligation_amended").count() == 1


def test_obligation_validation(case):
    with pytest.raises(InvalidAmount):
        record(case, allocation_order="principal")
    with pytest.raises(InvalidAmount):
        record(case, interest=s.InterestTerms(kind="fixed"))
    assert not Obligation.objects.filter(case=case).exists()


def test_receipt_replay_changes_nothing(case):
    r1 = receive(case, "bank-notice-1", "500")
    counts = (
        Receipt.objects.count(),
        Transaction.objects.count(),
        Leg.objects.count(),
        CaseEvent.objects.count(),
    )
    r2 = receive(case, "bank-notice-1", "500")
    assert r1.pk == r2.pk
    assert (
        Receipt.objects.count(),
        Transaction.objects.count(),
        Leg.objects.count(),
        CaseEvent.objects.count(),
    ) == counts
    assert balance(case) == D("500.00")
    with pytest.raises(Conflict):
        receive(case, "bank-notice-1", "600")
    assert balance(case) == D("500.00")


def test_receipt_posts_balanced_legs_and_opens_payout_deadline(case):
    receive(case, "n1", "1000")
    txn = Transaction.objects.get(idempotency_key="receipt:n1")
    legs = list(txn.legs.values_list("account__kind", "amount"))
    assert sorted(legs) == [("bank", D("1000.00")), ("case", D("-1000.00"))]
    dl = Deadline.objects.get(case=case, kind="funds_payout", starts_on=date(2024, 1, 20))
    assert dl.due_on >= date(2024, 2, 19)
    receive(case, "n2", "10", when=at(2024, 1, 20, 16))
    assert Deadline.objects.filter(case=case, kind="funds_payout").count() == 1


def test_unclaimed_money_is_held_then_claimed(case, yuelu, finance, other_finance):
    r = receive(None, "u1", "800", court_id=yuelu.pk, when=at(2024, 1, 5))
    assert r.case_id is None
    assert Account.objects.get(court=yuelu, kind=AccountKind.UNCLAIMED).balance == D("800.00")
    assert [x.pk for x in unclaimed_overdue(actor=finance, today=date(2024, 1, 10))] == [r.pk]
    with pytest.raises(PermissionDenied):
        s.receipt_claim(receipt_id=r.pk, case=case, actor=other_finance, now=at(2024, 1, 10))
    s.receipt_claim(receipt_id=r.pk, case=case, actor=finance, now=at(2024, 1, 10))
    s.receipt_claim(receipt_id=r.pk, case=case, actor=finance, now=at(2024, 1, 10))  # replay
    assert Account.objects.get(court=yuelu, kind=AccountKind.UNCLAIMED).balance == 0
    assert balance(case) == D("800.00")
    assert Transaction.objects.filter(kind="claim").count() == 1
    # the money stops interest from the day it arrived, not the day it was claimed
    record(case)
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 10)) == D("99200.00")
    assert reconcile().ok


def test_claim_refused_by_a_clerk_without_funds_rights_changes_nothing(case, yuelu, officer):
    r = receive(None, "u1", "800", court_id=yuelu.pk)
    with pytest.raises(PermissionDenied):
        s.receipt_claim(receipt_id=r.pk, case=case, actor=officer, now=at(2024, 1, 21))
    r.refresh_from_db()
    assert r.case_id is None and not Account.objects.filter(case=case, balance__gt=0).exists()


def test_payout_needs_leader_approval_by_someone_else_then_is_paid_once(case, bank, finance, leader):
    receive(case, "n1", "1000")
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("600"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    assert balance(case) == D("400.00")
    with pytest.raises(PermissionDenied):
        s.payout_approve(payout_id=p.pk, actor=finance, now=at(2024, 1, 21))
    with pytest.raises(InvalidTransition):
        s.payout_settle(payout_id=p.pk, actor=finance, now=at(2024, 1, 21))
    s.payout_approve(payout_id=p.pk, actor=leader, now=at(2024, 1, 22))
    s.payout_settle(payout_id=p.pk, actor=finance, now=at(2024, 1, 23))
    s.payout_settle(payout_id=p.pk, actor=finance, now=at(2024, 1, 23))  # replay
    assert Transaction.objects.filter(kind="payout_settle").count() == 1
    assert Payout.objects.get(pk=p.pk).status == PayoutStatus.PAID
    assert Account.objects.get(court=case.court, kind="bank").balance == D("400.00")
    assert reconcile().ok


def test_four_eyes_is_also_a_database_constraint(case, bank, leader):
    receive(case, "n1", "1000")
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("1"),
        actor=leader.__class__.objects.create(
            username="fin-lead", court=case.court, role="finance", is_president=True
        ),
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=p.pk).update(approved_by=p.requested_by)


def test_payout_cannot_overdraw_and_refusal_changes_nothing(case, bank, finance):
    receive(case, "n1", "1000")
    with pytest.raises(Conflict):
        s.payout_request(
            case=case,
            kind="applicant",
            amount=D("1000.01"),
            actor=finance,
            now=at(2024, 1, 21),
            idempotency_key="p1",
            payee_party=bank,
            payee_account="800012345678901",
            payee_bank="长沙银行岳麓支行",
            payee_account_name="收款人户名",
        )
    assert not Payout.objects.exists() and balance(case) == D("1000.00")


def test_payout_to_someone_not_a_party_is_refused(case, finance):
    receive(case, "n1", "1000")
    stranger = PersonFactory()
    with pytest.raises(InvalidAmount):
        s.payout_request(
            case=case,
            kind="applicant",
            amount=D("10"),
            actor=finance,
            now=at(2024, 1, 21),
            idempotency_key="p1",
            payee_party=stranger,
            payee_account="800012345678901",
            payee_bank="长沙银行岳麓支行",
            payee_account_name="收款人户名",
        )
    assert not Payout.objects.exists()


def test_rejected_payout_returns_the_hold(case, bank, finance, leader):
    receive(case, "n1", "1000")
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("600"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    s.payout_reject(payout_id=p.pk, actor=leader, now=at(2024, 1, 22), reason="金额有误")
    assert balance(case) == D("1000.00")
    with pytest.raises(InvalidTransition):
        s.payout_approve(payout_id=p.pk, actor=leader, now=at(2024, 1, 22))
    assert reconcile().ok


def test_paid_out_funds_close_the_payout_deadline(case, bank, debtor, finance, leader):
    receive(case, "n1", "1000")
    record(case, principal=D("900"), performance_deadline=date(2024, 1, 30))
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("900"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    r = s.payout_request(
        case=case,
        kind="debtor_refund",
        amount=D("100"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p2",
        payee_party=debtor,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    for x in (p, r):
        s.payout_approve(payout_id=x.pk, actor=leader, now=at(2024, 1, 22))
    s.payout_settle(payout_id=p.pk, actor=finance, now=at(2024, 1, 23))
    assert Deadline.objects.get(case=case, kind="funds_payout", starts_on=date(2024, 1, 20)).done_at is None
    s.payout_settle(payout_id=r.pk, actor=finance, now=at(2024, 1, 23))
    assert (
        Deadline.objects.get(case=case, kind="funds_payout", starts_on=date(2024, 1, 20)).done_at is not None
    )
    rec = reconcile()
    assert rec.ok and rec.totals[case.court.code]["bank"] == 0


def test_funds_due_lists_late_money(case, finance):
    receive(case, "n1", "1000", when=at(2024, 1, 1))
    due = funds_due(actor=finance, today=date(2024, 2, 5))
    assert [(d.case.pk, d.overdue, d.undisbursed) for d in due] == [(case.pk, True, D("1000.00"))]
    assert funds_due(actor=finance, today=date(2024, 1, 2)) == []


def test_payout_due_day_rolls_over_a_holiday_in_the_selectors_as_in_the_services(case, bank, finance):
    """Money that arrived on 2024-09-01 is due 30 days later, 2024-10-01, the National Day
    holiday (2024-10-01 to 10-07): the last day rolls to 2024-10-08 (CPL 2023 art. 85). The
    payout deadline, a payout's due day, the calculation sheet and the list of late money all
    show that one day; the selectors used to show 2024-10-01 and call the money late on 10-02."""
    receive(case, "n1", "1000", when=at(2024, 9, 1))
    deadline = Deadline.objects.get(case=case, kind="funds_payout", starts_on=date(2024, 9, 1))
    assert deadline.due_on == date(2024, 10, 8)
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("100"),
        actor=finance,
        now=at(2024, 9, 2),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    assert p.due_on == date(2024, 10, 8)
    assert case_funds(case=case, as_of=date(2024, 9, 2)).due_on == date(2024, 10, 8)
    due = funds_due(actor=finance, today=date(2024, 10, 2))
    assert [(d.due_on, d.overdue) for d in due] == [(date(2024, 10, 8), False)]
    assert funds_due(actor=finance, today=date(2024, 10, 9))[0].overdue


def test_distribution_pro_rata_for_a_natural_person_debtor(make_case, finance):
    a1, a2 = OrganisationFactory(), OrganisationFactory()
    case = make_case(applicants=[a1, a2])
    receive(case, "n1", "1000")
    payouts = s.distribution_propose(
        case=case,
        amount=D("1000"),
        claims=[s.DistributionClaim(a1, D("3000")), s.DistributionClaim(a2, D("1000"))],
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="dist1",
    )
    assert [(p.payee_party_id, p.amount) for p in payouts] == [(a1.pk, D("750.00")), (a2.pk, D("250.00"))]
    assert balance(case) == 0


def test_distribution_by_seizure_order_for_an_enterprise_with_surplus_refund(make_case, finance):
    a1, a2 = OrganisationFactory(), OrganisationFactory()
    company = OrganisationFactory(name="某某有限公司")
    case = make_case(debtor_party=company, applicants=[a1, a2])
    receive(case, "n1", "5000")
    payouts = s.distribution_propose(
        case=case,
        amount=D("5000"),
        claims=[
            s.DistributionClaim(a1, D("3000"), seized_on=date(2024, 2, 1)),
            s.DistributionClaim(a2, D("1000"), seized_on=date(2024, 1, 1)),
        ],
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="dist1",
    )
    assert [(p.kind, p.payee_party_id, p.amount) for p in payouts] == [
        ("applicant", a2.pk, D("1000.00")),
        ("applicant", a1.pk, D("3000.00")),
        ("debtor_refund", company.pk, D("1000.00")),
    ]


def test_statement_pauses_via_service(case):
    record(case)
    s.obligation_pause_record(
        case=case, starts_on=date(2024, 1, 16), actor=None, now=at(2024, 1, 16), reason="再审中止"
    )
    s.obligation_pause_end(case=case, ends_on=date(2024, 1, 25), actor=None, now=at(2024, 1, 26))
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 30)) == D("100175.00")
    with pytest.raises(InvalidTransition):
        s.obligation_pause_end(case=case, ends_on=date(2024, 1, 25), actor=None, now=at(2024, 1, 26))


def test_receipt_effective_on_for_auction_proceeds(case):
    record(case)
    s.receipt_record(
        case=case,
        amount=D("100175"),
        source="auction",
        idempotency_key="auction",
        received_at=at(2024, 2, 1),
        actor=None,
        effective_on=date(2024, 1, 20),
    )
    assert s.amount_outstanding(case=case, as_of=date(2024, 2, 1)) == 0


def test_import_books_a_statement_idempotently(case, make_case, yuelu):
    other = make_case()
    rows = [
        s.ReceiptRow("b1", D("100"), at(2024, 1, 20), case_id=case.pk),
        s.ReceiptRow("b2", D("200"), at(2024, 1, 20), case_id=other.pk),
        s.ReceiptRow("b3", D("300"), at(2024, 1, 21)),
        s.ReceiptRow("b3", D("300"), at(2024, 1, 21)),
        s.ReceiptRow("bad", D("0"), at(2024, 1, 21)),
        s.ReceiptRow("b4", D("5"), at(2024, 1, 21), case_id=999999),
    ]
    res = s.receipts_import(court=yuelu, rows=rows, actor=None, now=at(2024, 1, 22))
    assert (res.created, res.replayed, res.unclaimed, len(res.errors)) == (3, 1, 1, 2)
    again = s.receipts_import(court=yuelu, rows=rows, actor=None, now=at(2024, 1, 22))
    assert (again.created, again.replayed) == (0, 4)
    assert balance(case) == D("100.00") and balance(other) == D("200.00")
    assert reconcile().ok


def test_reconcile_reports_a_tampered_balance(case, yuelu):
    receive(case, "n1", "1000")
    Account.objects.filter(case=case).update(balance=D("900"))
    rec = reconcile(court=yuelu)
    assert not rec.ok
    assert any("余额 900.00 与分录合计 1000.00 不符" in d for d in rec.differences)


def test_case_funds_summary(case, bank, finance):
    record(case)
    receive(case, "n1", "1000")
    s.payout_request(
        case=case,
        kind="applicant",
        amount=D("600"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    f = case_funds(case=case, as_of=date(2024, 1, 21))
    assert (f.received, f.held, f.paid_out, f.account.balance) == (D("1000.00"), D("600.00"), 0, D("400.00"))
    assert f.statement is not None and f.statement.outstanding["principal"] == D("99000.00")


def test_other_court_cannot_see_payout(case, bank, finance, other_finance):
    receive(case, "n1", "1000")
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("600"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    with pytest.raises(NotFound):
        s.payout_settle(payout_id=p.pk, actor=other_finance, now=at(2024, 1, 22))
