"""到账登记: an officer's report of a payment counts for nothing until finance confirms it
(执行款物管理规定 法发〔2017〕6号: the execution body and finance check each other)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent, Deadline
from lastmile.core.errors import Conflict, InvalidAmount, InvalidTransition, NotFound, PermissionDenied
from lastmile.ledger import services as s
from lastmile.ledger.models import Account, PaymentReportStatus, Receipt
from lastmile.ledger.selectors import amount_received, case_funds, payment_reports_pending, reconcile

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db


def _debt(case):
    s.obligation_record(
        case=case,
        actor=None,
        now=at(2024, 1, 2),
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
    )


def _report(case, officer, key="r1", amount="40000", paid=None, now=None):
    return s.payment_report(
        case=case,
        amount=D(amount),
        actor=officer,
        now=now or at(2024, 1, 25),
        idempotency_key=key,
        paid_at=paid or at(2024, 1, 20),
        payer="被执行人",
    )


def _nothing_booked(case) -> None:
    assert not Receipt.objects.filter(case=case).exists()
    assert not Account.objects.filter(case=case, balance__gt=0).exists()
    assert amount_received(case=case) == 0
    assert not Deadline.objects.filter(case=case, kind="funds_payout").exists()


def test_a_report_counts_only_once_finance_confirms_it_with_the_reported_day(case, officer, finance):
    _debt(case)
    before = s.amount_outstanding(case=case, as_of=date(2024, 1, 25))
    report = _report(case, officer)
    assert report.status == PaymentReportStatus.PENDING
    _nothing_booked(case)
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 25)) == before  # interest runs on
    assert [r.pk for r in payment_reports_pending(actor=finance)] == [report.pk]
    assert CaseEvent.objects.filter(case=case, kind="ledger.payment_reported").count() == 1
    assert case_funds(case=case, as_of=date(2024, 1, 25)).reports_pending == [report]

    s.payment_report_confirm(report_id=report.pk, actor=finance, now=at(2024, 1, 26), bank_reference="B1")
    report.refresh_from_db()
    receipt = report.receipt
    assert report.status == PaymentReportStatus.CONFIRMED and report.decided_by == finance
    assert receipt is not None and receipt.amount == D("40000.00")
    # booked as of the reported day: it stops interest then and starts the payout period then
    assert receipt.effective_on == date(2024, 1, 20) and receipt.received_at == at(2024, 1, 20)
    assert Account.objects.get(case=case).balance == D("40000.00")
    assert Deadline.objects.get(case=case, kind="funds_payout").starts_on == date(2024, 1, 20)
    assert s.amount_outstanding(case=case, as_of=date(2024, 1, 25)) < before - D("39000")
    assert not payment_reports_pending(actor=finance).exists()
    # confirming twice books once
    s.payment_report_confirm(report_id=report.pk, actor=finance, now=at(2024, 1, 27))
    assert Receipt.objects.filter(case=case).count() == 1
    assert reconcile().ok


def test_rejection_needs_a_reason_and_books_nothing(case, officer, finance):
    report = _report(case, officer)
    with pytest.raises(InvalidAmount):
        s.payment_report_reject(report_id=report.pk, actor=finance, now=at(2024, 1, 26), reason="  ")
    report.refresh_from_db()
    assert report.status == PaymentReportStatus.PENDING
    s.payment_report_reject(report_id=report.pk, actor=finance, now=at(2024, 1, 26), reason="专户未见该款")
    report.refresh_from_db()
    assert report.status == PaymentReportStatus.REJECTED and report.reason == "专户未见该款"
    _nothing_booked(case)
    with pytest.raises(InvalidTransition):
        s.payment_report_confirm(report_id=report.pk, actor=finance, now=at(2024, 1, 27))
    _nothing_booked(case)


def test_only_finance_of_the_court_confirms(case, officer, other_finance, leader):
    report = _report(case, officer)
    with pytest.raises(PermissionDenied):
        s.payment_report_confirm(report_id=report.pk, actor=officer, now=at(2024, 1, 26))
    with pytest.raises(PermissionDenied):
        s.payment_report_confirm(report_id=report.pk, actor=leader, now=at(2024, 1, 26))
    with pytest.raises(NotFound):
        s.payment_report_confirm(report_id=report.pk, actor=other_finance, now=at(2024, 1, 26))
    report.refresh_from_db()
    assert report.status == PaymentReportStatus.PENDING
    _nothing_booked(case)


def test_a_report_is_idempotent_and_refuses_the_future(case, officer):
    first = _report(case, officer)
    assert _report(case, officer).pk == first.pk
    with pytest.raises(Conflict):
        _report(case, officer, amount="1")
    with pytest.raises(InvalidAmount):
        _report(case, officer, key="r2", paid=at(2024, 2, 1), now=at(2024, 1, 25))
    with pytest.raises(InvalidAmount):
        _report(case, officer, key="r3", amount="0")
    assert case.payment_reports.count() == 1
