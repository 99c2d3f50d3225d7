"""Distribution (参与分配) and the bank-statement import reach finance through the case page and the
API (issue M item 1): state changes through the door; refusals name the rule and change nothing."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.test import Client

from lastmile.ledger import services as s
from lastmile.ledger.models import Payout, Receipt
from lastmile.testing.factories import OrganisationFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _fund(case, amount: str) -> None:
    s.receipt_record(
        case=case,
        amount=D(amount),
        source="debtor_transfer",
        idempotency_key=f"fund-{case.pk}",
        received_at=at(2024, 1, 20),
        actor=None,
    )


def test_distribution_from_the_case_page(make_case, finance, clerk):
    a1, a2 = OrganisationFactory(), OrganisationFactory()
    case = make_case(applicants=[a1, a2])
    _fund(case, "1000")
    url = f"/funds/cases/{case.pk}/distribution"
    page = _client(finance).get(f"/cases/{case.pk}/").content.decode()
    assert "提交分配方案" in page
    form = {
        "amount": "1000",
        "creditor_0": a1.pk,
        "amount_0": "3000",
        "creditor_1": a2.pk,
        "amount_1": "1000",
    }
    r = _client(finance).post(url, form, follow=True)
    assert "请勾选确认" in r.content.decode() and not Payout.objects.exists()
    r = _client(clerk).post(url, {**form, "confirm": "1"}, follow=True)
    assert "第五百零六条" in r.content.decode() and not Payout.objects.exists()  # funds.manage only
    r = _client(finance).post(url, {**form, "confirm": "1"})
    assert r.status_code == 302
    assert sorted((p.payee_party_id, p.amount, p.status) for p in Payout.objects.all()) == sorted(
        [(a1.pk, D("750.00"), "requested"), (a2.pk, D("250.00"), "requested")]
    )


def test_distribution_through_the_api_with_a_creditor_of_another_case(make_case, finance):
    a1, other_creditor = OrganisationFactory(), OrganisationFactory()
    case = make_case(applicants=[a1])
    other = make_case(applicants=[other_creditor])
    _fund(case, "900")
    body = {
        "amount": "900",
        "idempotency_key": "d1",
        "claims": [
            {"party_id": a1.pk, "amount": "2000"},
            {"party_id": other_creditor.pk, "amount": "1000", "payee_case_id": other.pk},
        ],
    }
    c = _client(finance)
    bad = {**body, "claims": [{"party_id": other_creditor.pk, "amount": "1000"}]}  # not of this case
    r = c.post(
        f"/api/v1/funds/cases/{case.pk}/distribution", json.dumps(bad), content_type="application/json"
    )
    assert r.status_code == 404 and not Payout.objects.exists()
    r = c.post(
        f"/api/v1/funds/cases/{case.pk}/distribution", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert [(p["amount"], p["status"]) for p in r.json()] == [
        ("600.00", "requested"),
        ("300.00", "requested"),
    ]
    assert Payout.objects.get(payee_party=other_creditor).payee_case_id == other.pk


def test_statement_import_through_the_api_by_case_or_virtual_account(case, make_case, finance, clerk):
    other = make_case()
    account = s.case_account(case=other)
    wrong = account.number[:-1] + str((int(account.number[-1]) + 1) % 10)
    when = "2024-01-20T10:00:00+08:00"
    rows = [
        {"idempotency_key": "s1", "amount": "100", "received_at": when, "case_id": case.pk},
        {"idempotency_key": "s2", "amount": "200", "received_at": when, "account_number": account.number},
        {"idempotency_key": "s3", "amount": "300", "received_at": when, "account_number": wrong},
        {"idempotency_key": "s4", "amount": "400", "received_at": when},
    ]
    url = "/api/v1/funds/receipts/import"
    r = _client(clerk).post(url, json.dumps({"rows": rows}), content_type="application/json")
    assert r.status_code == 403 and not Receipt.objects.exists()
    r = _client(finance).post(url, json.dumps({"rows": rows}), content_type="application/json")
    assert r.status_code == 200
    out = r.json()
    assert (out["created"], out["unclaimed"]) == (3, 1)
    assert [e["idempotency_key"] for e in out["errors"]] == ["s3"] and "校验位" in out["errors"][0]["message"]
    assert Receipt.objects.get(idempotency_key="s2").case_id == other.pk
    again = _client(finance).post(url, json.dumps({"rows": rows}), content_type="application/json").json()
    assert (again["created"], again["replayed"]) == (0, 3)
