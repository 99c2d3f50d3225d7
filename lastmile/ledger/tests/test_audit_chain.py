"""Ledger transactions are in the court's keyed audit chain (issue I.7): a leg's amount changed,
a transaction inserted behind the ledger's back or deleted is named by ``audit verify``. Each of
these passed unnoticed before: the chain did not cover the ledger."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from lastmile.cases.models import CaseEvent
from lastmile.cases.selectors import audit_verify
from lastmile.cases.services import PartyInRole, case_register
from lastmile.cases.tests.tampering import Editor, dba, rehash_from, set_index
from lastmile.ledger.models import Account, Leg, Transaction
from lastmile.ledger.services import ReceiptRow, receipt_record, receipts_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def audit_settings(settings, tmp_path):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "AUDIT": {"KEY": "ledger-audit-key-0123456789abcdef0123", "ANCHORS_DIR": str(tmp_path / "anchors")},
    }


@contextmanager
def ledger_dba():
    """Get past the ledger's own append-only triggers, as someone with DBA rights can."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the balance checks of the honest postings
            cur.execute("SET session_replication_role = replica")
        else:
            cur.execute("DROP TRIGGER IF EXISTS ledger_leg_append_only")
            cur.execute("DROP TRIGGER IF EXISTS ledger_transaction_append_only")
        try:
            yield cur
        finally:
            if connection.vendor == "postgresql":
                cur.execute("SET session_replication_role = DEFAULT")


def _file(court, clerk, bank, debtor, now):
    return case_register(
        court=court,
        type_code="执",
        parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
        actor=clerk,
        now=now,
        amount_claimed=Decimal("100000"),
    )


@pytest.fixture
def receipts(yuelu, clerk, bank, debtor, now):
    case = _file(yuelu, clerk, bank, debtor, now)
    first = receipt_record(
        case=case,
        amount=Decimal("1200.00"),
        source="debtor_transfer",
        idempotency_key="BANK-1",
        received_at=now + timedelta(hours=1),
        actor=None,
    )
    receipt_record(
        case=None,
        court_id=yuelu.pk,
        amount=Decimal("80.50"),
        source="debtor_transfer",
        idempotency_key="BANK-2",
        received_at=now + timedelta(hours=2),
        actor=None,
    )
    return case, first


def test_every_posted_transaction_is_in_the_chain(yuelu, receipts):
    recorded = {e.data["txn"]: e for e in CaseEvent.objects.filter(court=yuelu, kind="ledger.transaction")}
    assert set(recorded) == set(Transaction.objects.filter(court=yuelu).values_list("pk", flat=True))
    assert len(recorded) == 2
    assert audit_verify() == []


def test_altering_a_ledger_entry_amount_is_named(yuelu, receipts):
    txn = Transaction.objects.get(court=yuelu, case=receipts[0])
    event = CaseEvent.objects.get(court=yuelu, kind="ledger.transaction", data__txn=txn.pk)
    # Both legs changed together, so the transaction still balances.
    with ledger_dba():
        for leg in Leg.objects.filter(transaction=txn):
            Leg.objects.filter(pk=leg.pk).update(amount=leg.amount / 100)
    breaks = audit_verify()
    assert [(b.chain_index, b.event_id, b.record) for b in breaks] == [
        (event.chain_index, event.pk, f"ledger_transaction #{txn.pk}")
    ]
    assert "12.00" in breaks[0].reason and "1200.00" in breaks[0].reason


def test_a_ledger_transaction_inserted_behind_the_ledger_is_named(yuelu, receipts):
    bank = Account.objects.get(court=yuelu, kind="bank")
    unclaimed = Account.objects.get(court=yuelu, kind="unclaimed")
    txn = Transaction.objects.create(
        court=yuelu, kind="receipt", idempotency_key="forged", at=receipts[1].received_at, memo=""
    )
    Leg.objects.bulk_create(  # one statement: the database checks each statement's transactions
        [
            Leg(transaction=txn, account=bank, amount=Decimal("5")),
            Leg(transaction=txn, account=unclaimed, amount=Decimal("-5")),
        ]
    )
    breaks = audit_verify()
    assert [b.record for b in breaks] == [f"ledger_transaction #{txn.pk}"]
    assert "不在审计链中" in breaks[0].reason


def test_a_deleted_ledger_transaction_is_named(yuelu, receipts):
    txn = Transaction.objects.get(court=yuelu, case=None)
    event = CaseEvent.objects.get(court=yuelu, kind="ledger.transaction", data__txn=txn.pk)
    with ledger_dba():
        Leg.objects.filter(transaction=txn).delete()
        Transaction.objects.filter(pk=txn.pk).delete()
    breaks = audit_verify()
    assert [(b.chain_index, b.event_id) for b in breaks] == [(event.chain_index, event.pk)]
    assert "已被删除" in breaks[0].reason


def test_a_bank_statement_import_is_in_the_chain(yuelu, clerk, bank, debtor, now):
    case = _file(yuelu, clerk, bank, debtor, now)
    rows = [
        ReceiptRow(idempotency_key=f"S-{i}", amount=Decimal("10.00") + i, received_at=now, case_id=case.pk)
        for i in range(3)
    ]
    result = receipts_import(court=yuelu, rows=rows, actor=clerk, now=now + timedelta(hours=1))
    assert result.created == 3 and not result.errors
    (chained,) = CaseEvent.objects.filter(court=yuelu, kind="ledger.transaction")  # one event per batch
    assert sorted(row["key"] for row in chained.data["rows"]) == ["receipt:S-0", "receipt:S-1", "receipt:S-2"]
    assert audit_verify() == []
    with ledger_dba():
        Leg.objects.filter(transaction__idempotency_key="receipt:S-1", amount__lt=0).update(
            account=Account.objects.get(court=yuelu, kind="bank")
        )
    (brk,) = audit_verify()
    assert brk.record.startswith("ledger_transaction #")


@pytest.fixture
def chain(yuelu, clerk, bank, debtor, now):
    for i in range(6):
        _file(yuelu, clerk, bank, debtor, now + timedelta(minutes=i))
    return list(CaseEvent.objects.filter(court=yuelu).order_by("chain_index"))


def test_migration_rekeys_an_intact_legacy_chain_and_brings_in_the_ledger(yuelu, chain, now):
    import importlib

    from django.apps import apps

    receipt_record(
        case=chain[0].case,
        amount=Decimal("50.00"),
        source="debtor_transfer",
        idempotency_key="OLD-1",
        received_at=now,
        actor=None,
    )
    # As before the migration: no ledger rows in the chain, every hash unkeyed.
    with dba() as cur:
        gone = CaseEvent.objects.get(court=yuelu, kind="ledger.transaction")
        cur.execute("DELETE FROM cases_caseevent WHERE id = %s", [gone.pk])
        for ev in CaseEvent.objects.filter(court=yuelu, chain_index__gt=gone.chain_index).order_by(
            "chain_index"
        ):
            set_index(cur, ev.pk, ev.chain_index - 1)
    rehash_from(yuelu, 1)
    n = CaseEvent.objects.filter(court=yuelu).count()
    assert audit_verify()  # unkeyed rows do not verify under the key
    migration = importlib.import_module("lastmile.cases.migrations.0004_audit_chain_keyed")
    migration.forwards(apps, Editor())
    assert audit_verify() == []
    txn = Transaction.objects.get(court=yuelu)
    last = CaseEvent.objects.filter(court=yuelu).order_by("-chain_index").first()
    assert last.chain_index == n + 1 and last.kind == "ledger.transaction" and last.data["txn"] == txn.pk
    # ... and the triggers are back.
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=last.pk).delete()
