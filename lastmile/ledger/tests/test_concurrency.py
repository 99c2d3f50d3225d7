"""Parallel receipts and payouts on a real PostgreSQL: a case account is never overdrawn, nothing
is paid twice, a replayed bank notice is booked once, and the books reconcile."""

from __future__ import annotations

import contextlib
import random
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from lastmile.cases.models import Deadline
from lastmile.cases.selectors import audit_verify
from lastmile.core.clock import court_date
from lastmile.core.errors import Conflict, InvalidTransition
from lastmile.ledger import services as s
from lastmile.ledger.kinds import LedgerDeadline
from lastmile.ledger.models import Account, Leg, Payout, PayoutStatus, Receipt, Transaction
from lastmile.ledger.selectors import reconcile
from lastmile.ledger.services.posting import Posting, _post_many, _post_many_balances
from lastmile.testing.concurrency import run_parallel

from .conftest import at

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_receipts_and_payouts_never_overdraw_or_pay_twice(
    make_case, bank, finance, finance2, leader
):
    assert connection.vendor == "postgresql"
    cases = [make_case(), make_case()]
    for c in cases:
        s.receipt_record(
            case=c,
            amount=D("1000"),
            source="bank_deduction",
            idempotency_key=f"seed-{c.pk}",
            received_at=at(2024, 2, 1),
            actor=None,
        )
    refused = {"overdraw": 0}
    lock = threading.Lock()

    def receipts(tid):
        def go():
            rnd = random.Random(tid)
            for n in range(15):
                c = cases[n % 2]
                # threads share keys: every notice is delivered by two threads
                key = f"notice-{c.pk}-{(tid // 2)}-{n}"
                s.receipt_record(
                    case=c,
                    amount=D("10.00"),
                    source="bank_deduction",
                    idempotency_key=key,
                    received_at=at(2024, 2, 2),
                    actor=None,
                )
                rnd.random()

        return go

    def payouts(tid, clerk):
        def go():
            rnd = random.Random(100 + tid)
            for n in range(12):
                c = cases[rnd.randrange(2)]
                try:
                    s.payout_request(
                        case=c,
                        kind="applicant",
                        amount=D(rnd.choice(["90", "150", "333.33"])),
                        actor=clerk,
                        now=at(2024, 2, 3),
                        idempotency_key=f"p-{tid}-{n}",
                        payee_party=bank,
                        payee_account="800012345678901",
                        payee_bank="长沙银行岳麓支行",
                        payee_account_name="收款人户名",
                    )
                except Conflict:
                    with lock:
                        refused["overdraw"] += 1

        return go

    run_parallel([receipts(t) for t in range(4)] + [payouts(t, [finance, finance2][t % 2]) for t in range(4)])
    assert refused["overdraw"] > 0  # the test did try to overdraw

    # approve everything, then settle every payout from three threads at once
    for p in Payout.objects.filter(status=PayoutStatus.REQUESTED):
        s.payout_approve(payout_id=p.pk, actor=leader, now=at(2024, 2, 4))
    ids = list(Payout.objects.values_list("pk", flat=True))

    def settle(order):
        def go():
            for pid in order:
                with contextlib.suppress(InvalidTransition):
                    s.payout_settle(payout_id=pid, actor=finance, now=at(2024, 2, 5))

        return go

    run_parallel([settle(ids), settle(list(reversed(ids))), settle(ids[::2] + ids[1::2])])

    assert not Account.objects.filter(balance__lt=0).exists()
    assert Receipt.objects.count() == 2 + 2 * 15  # 4 threads, 2 per key set: each notice booked once
    settled = Transaction.objects.filter(kind="payout_settle")
    assert settled.count() == Payout.objects.filter(status=PayoutStatus.PAID).count() == len(ids)
    assert len(set(settled.values_list("idempotency_key", flat=True))) == settled.count()
    for c in cases:
        received = sum(Receipt.objects.filter(case=c).values_list("amount", flat=True), D("0"))
        paid = sum(
            Payout.objects.filter(case=c, status=PayoutStatus.PAID).values_list("amount", flat=True), D("0")
        )
        assert paid <= received
        assert Account.objects.get(case=c).balance == received - paid
    rec = reconcile()
    assert rec.ok, rec.differences
    assert audit_verify() == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_an_unbalanced_transaction_at_the_end_of_its_statement(case):
    s.receipt_record(
        case=case, amount=D("5"), source="cash", idempotency_key="k", received_at=at(2024, 2, 1), actor=None
    )
    txn = Transaction.objects.get(idempotency_key="receipt:k")
    account = Account.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        bad = Transaction.objects.create(
            court=case.court, case=case, kind="receipt", idempotency_key="bad", at=txn.at
        )
        Leg.objects.create(transaction=bad, account=account, amount=D("-1"))
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Leg.objects.filter(transaction=txn).update(amount=D("6"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_statement_imports_of_one_court_book_everything_once(make_case, yuelu):
    """Bank statements imported at the same moment (the accounts are locked late in each import, so
    the imports overlap until then): every receipt booked once, a statement uploaded twice at once
    booked once, each balance the sum of its receipts, one open payout deadline per case from its
    earliest arrival, the books and the audit chain intact."""
    assert connection.vendor == "postgresql"
    cases = [make_case() for _ in range(6)]

    def statement(n: int) -> list[s.ReceiptRow]:
        rnd = random.Random(n)
        return [
            s.ReceiptRow(
                idempotency_key=f"st{n}-{i}",
                amount=D(rnd.randrange(100, 100_000)) / 100,
                received_at=at(2024, 2, 2 + (n + i) % 7),
                case_id=None if i % 9 == 0 else cases[(n + i) % len(cases)].pk,
            )
            for i in range(40)
        ]

    # four statements, each sent by two threads at once (the same rows in the same order)
    statements = [statement(n) for n in range(4)]
    results: list[s.ImportResult] = []
    lock = threading.Lock()

    def importer(rows):
        def go():
            res = s.receipts_import(court=yuelu, rows=rows, actor=None, now=at(2024, 2, 10))
            with lock:
                results.append(res)

        return go

    run_parallel([importer(statements[n // 2]) for n in range(8)])

    assert all(r.errors == [] for r in results)
    assert sum(r.created for r in results) == 4 * 40
    assert sum(r.replayed for r in results) == 4 * 40
    assert Receipt.objects.filter(court=yuelu).count() == 4 * 40
    rows = [r for st in statements for r in st]
    total = sum((r.amount for r in rows), D("0"))
    assert s.system_account(court_id=yuelu.pk, kind="bank").balance == total
    for c in cases:
        mine = [r for r in rows if r.case_id == c.pk]
        assert Account.objects.get(case=c).balance == sum((r.amount for r in mine), D("0"))
        open_deadlines = list(
            Deadline.objects.filter(
                case=c, kind=LedgerDeadline.PAYOUT, done_at__isnull=True, cancelled_at__isnull=True
            ).values_list("starts_on", flat=True)
        )
        assert open_deadlines == [min(court_date(r.received_at) for r in mine)]
    rec = reconcile()
    assert rec.ok, rec.differences
    assert audit_verify() == []


@pytest.mark.django_db
def test_balances_written_late_still_refuse_an_overdraw_and_write_nothing(make_case, yuelu):
    case = make_case()
    bank = s.system_account(court_id=yuelu.pk, kind="bank")
    acc = s.case_account(case=case)
    over = Posting(case.pk, "payout_hold", "late", at(2024, 1, 5), "", ((acc.pk, D("5")), (bank.pk, D("-5"))))
    with pytest.raises(Conflict), transaction.atomic():
        posted = _post_many(court_id=yuelu.pk, postings=[over], skip_posted=False, balances_now=False)
        assert Transaction.objects.filter(idempotency_key="late").exists()  # written, balances not yet
        _post_many_balances(posted)
    assert not Transaction.objects.filter(idempotency_key="late").exists()
    assert not Leg.objects.filter(account=acc).exists()
    assert Account.objects.get(pk=acc.pk).balance == D("0")
    with pytest.raises(ValueError):
        _post_many(court_id=yuelu.pk, postings=[over], balances_now=False)
