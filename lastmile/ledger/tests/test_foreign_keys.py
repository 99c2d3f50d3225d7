"""The ledger's foreign keys hold on every backend: on SQLite as Django's foreign keys, on PostgreSQL
as the set-based triggers of migration 0011 (one check per statement instead of one per row)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from lastmile.accounts.models import Court
from lastmile.cases.models import Case
from lastmile.ledger import services as s
from lastmile.ledger.models import Account, AccountKind, Leg, Receipt, Transaction

from .conftest import at

D = Decimal
MISSING = 987_654_321


def _booked(case):  # type: ignore[no-untyped-def]
    s.receipt_record(
        case=case, amount=D("5"), source="cash", idempotency_key="k", received_at=at(2024, 2, 1), actor=None
    )
    return Transaction.objects.get(idempotency_key="receipt:k")


def _refused(sql: str, params: list) -> None:
    """``sql`` fails on a foreign key, at the latest when its transaction commits (SQLite's and
    Django's foreign keys are deferred; the triggers check at the end of the statement)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(sql, params)
        connection.check_constraints()  # what the commit would do with deferred keys


@pytest.mark.django_db
def test_a_leg_naming_a_missing_transaction_or_account_is_refused(case, yuelu):
    txn = _booked(case)
    bank = Account.objects.get(court=yuelu, kind=AccountKind.BANK)
    account = Account.objects.get(case=case)
    legs = "INSERT INTO ledger_leg (transaction_id, account_id, amount) VALUES (%s, %s, %s), (%s, %s, %s)"
    _refused(legs, [MISSING, bank.pk, "2.00", MISSING, account.pk, "-2.00"])
    other = Transaction.objects.create(
        court=yuelu, case=case, kind="receipt", idempotency_key="k2", at=txn.at, memo=""
    )
    _refused(legs, [other.pk, bank.pk, "2.00", other.pk, MISSING, "-2.00"])
    # the same statement with real parents is accepted
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(legs, [other.pk, bank.pk, "2.00", other.pk, account.pk, "-2.00"])
    assert Leg.objects.filter(transaction=other).count() == 2


@pytest.mark.django_db
def test_a_receipt_or_transaction_naming_a_missing_court_or_case_is_refused(case, yuelu):
    txn = _booked(case)
    receipt = (
        "INSERT INTO ledger_receipt (court_id, case_id, amount, source, idempotency_key, received_at, "
        "effective_on, payer, note) VALUES (%s, %s, 1, 'cash', %s, %s, %s, '', '')"
    )
    when = txn.at
    _refused(receipt, [yuelu.pk, MISSING, "r1", when, when.date()])
    _refused(receipt, [MISSING, case.pk, "r2", when, when.date()])
    rec = Receipt.objects.get(idempotency_key="k")
    # a claimed receipt's case must exist too (an UPDATE)
    _refused("UPDATE ledger_receipt SET case_id = %s WHERE id = %s", [MISSING, rec.pk])
    txn_sql = (
        "INSERT INTO ledger_transaction (court_id, case_id, kind, idempotency_key, at, memo) "
        "VALUES (%s, %s, 'receipt', %s, %s, '')"
    )
    _refused(txn_sql, [yuelu.pk, MISSING, "t1", when])
    _refused(txn_sql, [MISSING, None, "t2", when])


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_parents_named_by_the_ledger_cannot_be_deleted_renumbered_or_truncated(
    case, make_case, yuelu
):
    assert connection.vendor == "postgresql"
    _booked(case)
    account = Account.objects.get(case=case)
    with connection.cursor() as cur:  # run the deferred checks now: TRUNCATE refuses pending ones
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql, params in [
        ("DELETE FROM cases_case WHERE id = %s", [case.pk]),
        ("UPDATE cases_case SET id = %s WHERE id = %s", [MISSING, case.pk]),
        ("DELETE FROM accounts_court WHERE id = %s", [yuelu.pk]),
        ("UPDATE accounts_court SET id = %s WHERE id = %s", [MISSING, yuelu.pk]),
        ("DELETE FROM ledger_account WHERE id = %s", [account.pk]),
        ("UPDATE ledger_account SET id = %s WHERE id = %s", [MISSING, account.pk]),
        ("TRUNCATE ledger_account CASCADE", []),
        ("TRUNCATE ledger_transaction", []),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    assert Case.objects.filter(pk=case.pk).exists() and Court.objects.filter(pk=yuelu.pk).exists()
    # an account no leg names may still go (its balance and other rows are not the ledger's keys)
    spare = Account.objects.create(
        court=yuelu, case=make_case(), kind=AccountKind.CASE, name="x", number="spare-1", balance=D("0")
    )
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_account WHERE id = %s", [spare.pk])
    assert not Account.objects.filter(pk=spare.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_replaced_the_six_row_by_row_foreign_keys():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid IN ('ledger_leg'::regclass, 'ledger_transaction'::regclass) "
            "ORDER BY 1, 2"
        )
        assert cur.fetchall() == []
        cur.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = 'ledger_receipt'::regclass ORDER BY 1"
        )
        # recorded_by, claimed_by: users, written once per receipt at most and usually empty
        assert [r[0] for r in cur.fetchall()] == ["accounts_user", "accounts_user"]
