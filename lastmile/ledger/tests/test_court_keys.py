"""Idempotency keys belong to a court: another court using the same key books its own money,
learns nothing of the first court's amounts and cannot block its bookings."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lastmile.cases.services import PartyInRole, case_register
from lastmile.ledger import services as s
from lastmile.ledger.models import Account, Payout, Receipt, Transaction
from lastmile.ledger.selectors import reconcile
from lastmile.testing.factories import OrganisationFactory, PersonFactory

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def wl_case(wuling):
    return case_register(
        court=wuling,
        type_code="执",
        parties=[
            PartyInRole(OrganisationFactory(), "applicant"),
            PartyInRole(PersonFactory(), "respondent"),
        ],
        actor=None,
        now=at(2024, 1, 2),
        amount_claimed=D("5000"),
    )


def _receive(case, key, amount, court_id=None):
    return s.receipt_record(
        case=case,
        court_id=court_id,
        amount=D(amount),
        source="bank_deduction",
        idempotency_key=key,
        received_at=at(2024, 2, 1),
        actor=None,
    )


def test_same_key_in_another_court_books_that_courts_own_receipt(case, wl_case):
    a = _receive(case, "bank-1", "500.00")
    b = _receive(wl_case, "bank-1", "300.00")
    assert b.pk != a.pk and b.court_id == wl_case.court_id and b.amount == D("300.00")
    assert Account.objects.get(case=wl_case).balance == D("300.00")
    assert Account.objects.get(case=case).balance == D("500.00")
    # each court's ledger has its own transaction under the key
    assert set(
        Transaction.objects.filter(idempotency_key="receipt:bank-1").values_list("court_id", flat=True)
    ) == {
        case.court_id,
        wl_case.court_id,
    }
    # a replay in each court still changes nothing
    assert _receive(wl_case, "bank-1", "300.00").pk == b.pk
    assert _receive(case, "bank-1", "500.00").pk == a.pk
    assert Receipt.objects.count() == 2
    assert reconcile().ok


def test_unclaimed_money_under_another_courts_key_is_booked_not_swallowed(yuelu, wuling):
    a = _receive(None, "stmt-9", "100.00", court_id=yuelu.pk)
    b = _receive(None, "stmt-9", "100.00", court_id=wuling.pk)
    # before: court B got court A's receipt back and its own money was never booked
    assert b.pk != a.pk and b.court_id == wuling.pk
    unclaimed = Account.objects.get(court=wuling, kind="unclaimed")
    assert unclaimed.balance == D("100.00")


def test_a_clash_within_one_court_reveals_only_that_courts_amount(case, wl_case):
    _receive(case, "bank-2", "777.77")
    with pytest.raises(Exception) as info:
        _receive(case, "bank-2", "1.00")
    assert "777.77" in str(getattr(info.value, "details", ""))  # the court's own receipt: fine
    # the other court never sees it
    b = _receive(wl_case, "bank-2", "1.00")
    assert b.amount == D("1.00")


def test_api_receipt_under_another_courts_key_leaks_nothing(client, case, finance, wl_case, other_finance):
    body = {
        "case_id": case.pk,
        "amount": "12345.67",
        "idempotency_key": "notice-42",
        "received_at": "2024-02-01T10:00:00+08:00",
    }
    client.force_login(finance)
    first = client.post("/api/v1/funds/receipts", json.dumps(body), content_type="application/json")
    assert first.status_code == 200
    second = client.post(
        "/api/v1/funds/receipts",
        json.dumps(dict(body, idempotency_key="notice-43")),
        content_type="application/json",
    )
    assert second.status_code == 200
    client.force_login(other_finance)
    theirs = dict(body, case_id=wl_case.pk, amount="10.00")
    r = client.post("/api/v1/funds/receipts", json.dumps(theirs), content_type="application/json")
    assert r.status_code == 200, r.content
    assert "12345.67" not in r.content.decode()
    assert r.json()["id"] != first.json()["id"] and r.json()["amount"] == "10.00"
    # unclaimed in court B under court A's key: booked too, court A's receipt not returned
    unclaimed = dict(body, amount="12345.67", idempotency_key="notice-43")
    unclaimed.pop("case_id")
    r = client.post("/api/v1/funds/receipts", json.dumps(unclaimed), content_type="application/json")
    assert r.status_code == 200 and r.json()["id"] != second.json()["id"] and r.json()["case_id"] is None
    assert Receipt.objects.filter(court=wl_case.court).count() == 2


def test_statement_import_with_another_courts_keys(case, wl_case, wuling):
    _receive(case, "row-1", "50.00")
    result = s.receipts_import(
        court=wuling,
        rows=[
            s.ReceiptRow(
                idempotency_key="row-1", amount=D("20.00"), received_at=at(2024, 2, 2), case_id=wl_case.pk
            )
        ],
        actor=None,
        now=at(2024, 2, 2),
    )
    assert result.created == 1 and result.errors == [] and result.replayed == 0
    assert Account.objects.get(case=wl_case).balance == D("20.00")
    assert reconcile().ok


def test_payout_keys_are_per_court(case, wl_case, finance, other_finance, bank):
    _receive(case, "fund-a", "1000.00")
    _receive(wl_case, "fund-b", "1000.00")
    wl_applicant = wl_case.case_parties.filter(role="applicant").first().party
    pa = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("400"),
        actor=finance,
        now=at(2024, 2, 3),
        idempotency_key="pay-1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    pb = s.payout_request(
        case=wl_case,
        kind="applicant",
        amount=D("250"),
        actor=other_finance,
        now=at(2024, 2, 3),
        idempotency_key="pay-1",
        payee_party=wl_applicant,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    assert pb.pk != pa.pk and pb.court_id == wl_case.court_id and pb.amount == D("250.00")
    assert Payout.objects.count() == 2


def test_database_holds_one_key_per_court(case):
    _receive(case, "dup", "5.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            court=case.court,
            amount=D("5.00"),
            source="cash",
            idempotency_key="dup",
            received_at=at(2024, 2, 1),
            effective_on=at(2024, 2, 1).date(),
        )
    txn = Transaction.objects.get(idempotency_key="receipt:dup")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(court=case.court, kind="receipt", idempotency_key="receipt:dup", at=txn.at)
