"""Set-based posting: a bank statement booked with a few statements keeps every promise of the
row-by-row path (zero-sum, no overdraft, idempotent keys, the audit chain, the payout deadline
and the allocation of each payment)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from lastmile.cases.models import Deadline
from lastmile.cases.selectors import audit_verify
from lastmile.core.errors import Conflict, InvalidAmount
from lastmile.ledger import services as s
from lastmile.ledger.kinds import LedgerDeadline
from lastmile.ledger.models import Account, AccountKind, Leg, Receipt, Transaction
from lastmile.ledger.selectors import case_statement, case_statements, reconcile
from lastmile.ledger.services.posting import Posting, _post_many

from .conftest import at

D = Decimal


def _obligation(case):
    s.obligation_record(
        case=case,
        actor=None,
        now=at(2024, 1, 2),
        principal=D("10000"),
        basis_effective_on=date(2023, 12, 1),
        performance_deadline=date(2023, 12, 31),
        interest=s.InterestTerms(kind="fixed", annual_rate=D("0.0435"), start=date(2023, 6, 1)),
        costs=[s.CostItem("execution_fee", "申请执行费", D("150"))],
    )


def _payout_deadlines(case):
    return list(
        Deadline.objects.filter(
            case=case, kind=LedgerDeadline.PAYOUT, done_at__isnull=True, cancelled_at__isnull=True
        ).values_list("starts_on", flat=True)
    )


@pytest.mark.django_db
def test_a_statement_is_booked_like_receipts_one_by_one(make_case, yuelu, clerk):
    one, two, three = make_case(), make_case(), make_case()
    for c in (one, two, three):
        _obligation(c)
    # an older open deadline stays; a later one gives way to earlier money
    s.receipt_record(
        case=one,
        amount=D("1"),
        source="cash",
        idempotency_key="early",
        received_at=at(2024, 1, 3),
        actor=None,
    )
    s.receipt_record(
        case=two,
        amount=D("1"),
        source="cash",
        idempotency_key="late",
        received_at=at(2024, 1, 30),
        actor=None,
    )
    rows = [
        s.ReceiptRow(f"r{i}", D("100.10") + i, at(2024, 1, 10 + i % 5), case_id=c.pk)
        for i, c in enumerate([one, two, three] * 4)
    ] + [s.ReceiptRow("u1", D("7.77"), at(2024, 1, 12))]
    res = s.receipts_import(court=yuelu, rows=rows, actor=clerk, now=at(2024, 2, 1), with_receipts=True)
    assert (res.created, res.unclaimed, res.errors) == (13, 1, [])
    assert len(res.receipts) == 13
    for c in (one, two, three):
        held = sum((r.amount for r in rows if r.case_id == c.pk), D("0")) + (D("1") if c != three else 0)
        assert Account.objects.get(case=c).balance == held
    assert Account.objects.get(court=yuelu, kind=AccountKind.UNCLAIMED).balance == D("7.77")
    assert _payout_deadlines(one) == [date(2024, 1, 3)]
    assert _payout_deadlines(two) == [date(2024, 1, 10)]
    assert _payout_deadlines(three) == [date(2024, 1, 10)]
    # zero-sum, the chain, the books
    for txn in Transaction.objects.filter(court=yuelu):
        assert sum(Leg.objects.filter(transaction=txn).values_list("amount", flat=True)) == 0
    assert audit_verify() == []
    assert reconcile(court=yuelu).ok
    # the allocation read in bulk is the one read case by case
    as_of = date(2024, 3, 1)
    bulk = case_statements(cases=[one, two, three], as_of=as_of)
    for c in (one, two, three):
        single, many = case_statement(case=c, as_of=as_of), bulk[c.pk]
        assert many is not None and single is not None
        assert many.allocations == single.allocations
        assert many.outstanding == single.outstanding
    # replayed: nothing changes
    again = s.receipts_import(court=yuelu, rows=rows, actor=clerk, now=at(2024, 2, 2))
    assert (again.created, again.replayed) == (0, 13)
    assert Receipt.objects.filter(court=yuelu).count() == 15


@pytest.mark.django_db
def test_a_statement_partly_booked_before_books_only_its_new_lines(case, yuelu, clerk):
    """The insert claims the keys; a key booked before makes it fall back to sorting the rows out:
    the same line is a replay, the same key with another amount a reported conflict, the rest is
    booked once."""
    first = [
        s.ReceiptRow("a", D("10"), at(2024, 1, 10), case_id=case.pk),
        s.ReceiptRow("b", D("20"), at(2024, 1, 11), case_id=case.pk),
    ]
    s.receipts_import(court=yuelu, rows=first, actor=clerk, now=at(2024, 2, 1))
    events = case.events.count()
    rows = [
        first[0],  # the same line again
        s.ReceiptRow("b", D("21"), at(2024, 1, 11), case_id=case.pk),  # same key, another amount
        s.ReceiptRow("c", D("30"), at(2024, 1, 12), case_id=case.pk),
        s.ReceiptRow("c", D("30"), at(2024, 1, 12), case_id=case.pk),  # twice in the statement
    ]
    res = s.receipts_import(court=yuelu, rows=rows, actor=clerk, now=at(2024, 2, 2), with_receipts=True)
    assert (res.created, res.replayed) == (1, 2)
    assert [k for k, _ in res.errors] == ["b"]
    assert [r.idempotency_key for r in res.receipts] == ["c"]
    assert dict(Receipt.objects.filter(court=yuelu).values_list("idempotency_key", "amount")) == {
        "a": D("10.00"),
        "b": D("20.00"),
        "c": D("30.00"),
    }
    assert Transaction.objects.filter(court=yuelu, idempotency_key__startswith="receipt:").count() == 3
    assert Account.objects.get(case=case).balance == D("60.00")
    assert case.events.count() == events + 1
    assert audit_verify() == []
    assert reconcile(court=yuelu).ok


@pytest.mark.django_db
def test_post_many_refuses_an_unbalanced_or_overdrawing_batch_and_writes_nothing(case, yuelu):
    bank = s.system_account(court_id=yuelu.pk, kind=AccountKind.BANK)
    acc = s.case_account(case=case)
    good = Posting(case.pk, "receipt", "k1", at(2024, 1, 5), "", ((bank.pk, D("5")), (acc.pk, D("-5"))))
    bad = Posting(case.pk, "receipt", "k2", at(2024, 1, 5), "", ((bank.pk, D("5")), (acc.pk, D("-4"))))
    with pytest.raises(InvalidAmount), transaction.atomic():
        _post_many(court_id=yuelu.pk, postings=[good, bad])
    over = Posting(case.pk, "payout_hold", "k3", at(2024, 1, 5), "", ((acc.pk, D("5")), (bank.pk, D("-5"))))
    with pytest.raises(Conflict), transaction.atomic():
        _post_many(court_id=yuelu.pk, postings=[over])
    assert not Transaction.objects.filter(court=yuelu).exists()
    with transaction.atomic():
        (posted,) = _post_many(court_id=yuelu.pk, postings=[good])
        assert _post_many(court_id=yuelu.pk, postings=[good]) == []  # idempotent on the key
    assert Account.objects.get(pk=acc.pk).balance == D("5.00")
    assert Leg.objects.filter(transaction_id=posted.txn_id).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_checks_each_statement_of_legs_once(case, yuelu):
    assert connection.vendor == "postgresql"
    s.receipt_record(
        case=case, amount=D("5"), source="cash", idempotency_key="k", received_at=at(2024, 2, 1), actor=None
    )
    txn = Transaction.objects.get(idempotency_key="receipt:k")
    account = Account.objects.get(case=case)
    # a leg added later to a balanced transaction unbalances it: refused at once
    with pytest.raises(IntegrityError), transaction.atomic():
        Leg.objects.create(transaction=txn, account=account, amount=D("-1"))
    # a transaction whose legs come in one statement and balance is accepted
    with transaction.atomic():
        other = Transaction.objects.create(
            court=yuelu, case=case, kind="receipt", idempotency_key="k2", at=txn.at, memo=""
        )
        bank = Account.objects.get(court=yuelu, kind=AccountKind.BANK)
        Leg.objects.bulk_create(
            [
                Leg(transaction=other, account=bank, amount=D("2")),
                Leg(transaction=other, account=account, amount=D("-2")),
            ]
        )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_leg'::regclass AND NOT tgisinternal "
            "ORDER BY 1"
        )
        assert [r[0] for r in cur.fetchall()] == [
            "ledger_leg_append_only",
            "ledger_leg_parents_ins",  # the foreign keys, once per statement (migration 0011)
            "ledger_legs_balanced",
        ]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_batch_columns_sent_as_joined_text_read_back_exactly():
    from datetime import datetime

    from lastmile.core.db import bulk_cursor
    from lastmile.ledger.services.posting import _pg_arrays

    when = datetime(2024, 1, 5, 9, 0, 0, 123456, tzinfo=at(2024, 1, 1).tzinfo)
    types = ["bigint", "bigint", "numeric", "text", "text", "timestamptz", "date"]
    rows = [
        (1, None, D("0.01"), "", "a\x1fb", when, date(2024, 1, 5)),  # the separator inside a text
        (2**40, 7, D("-123456789012.34"), "付款人", "", when, date(2023, 12, 31)),
        (3, None, D("100.00"), "", "", when, date(2024, 2, 29)),
    ]
    for batch in (rows, rows[:1], rows[1:]):  # one row goes as binary arrays
        exprs, params = _pg_arrays(types, list(zip(*batch, strict=True)))
        with bulk_cursor() as cur:
            cur.execute(f"SELECT * FROM unnest({', '.join(exprs)})", params)
            assert [tuple(r) for r in cur.fetchall()] == [tuple(r) for r in batch]
    exprs, _ = _pg_arrays(types, list(zip(*rows[1:], strict=True)))
    assert all(e.startswith("string_to_array") for e in exprs)  # the fast path was taken
