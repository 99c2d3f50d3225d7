"""Pages, API, the reconcile command and the demo data."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lastmile.core.clock import FixedClock, use_clock
from lastmile.ledger import services as s
from lastmile.ledger.demo import demo_seed_ledger
from lastmile.ledger.models import Account, Payout, PayoutStatus, Receipt
from lastmile.ledger.selectors import reconcile

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(case):
    s.obligation_record(
        case=case,
        actor=None,
        now=at(2024, 1, 2),
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
        costs=[s.CostItem("execution_fee", "申请执行费", D("1400"))],
    )
    s.receipt_record(
        case=case,
        amount=D("40000"),
        source="bank_deduction",
        idempotency_key="n1",
        received_at=at(2024, 1, 20),
        actor=None,
    )
    return case


def test_sheet_shows_every_amount_basis_and_date(client, funded, officer):
    client.force_login(officer)
    r = client.get(reverse("ledger:sheet", args=[funded.pk]) + "?as_of=2024-01-30")
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "执行案款计算明细" in html and "申请执行费" in html and "《诉讼费用交纳办法》（2006）第14条" in html
    )
    assert "2024-01-11 至 2024-01-20" in html and "175.00" in html
    assert "@media print" not in html and "ledger/ledger.css" in html
    assert s.case_account(case=funded).number in html


def test_sheet_of_another_courts_case_is_not_found(client, funded, other_clerk):
    client.force_login(other_clerk)
    assert client.get(reverse("ledger:sheet", args=[funded.pk])).status_code == 404


def test_case_page_panel_for_finance_with_actions(client, funded, finance):
    client.force_login(finance)
    with use_clock(FixedClock(at(2024, 1, 30))):
        html = client.get(reverse("web:case_detail", args=[funded.pk])).content.decode()
    assert "执行案款" in html and "申请发放" in html and "40000.00" in html


@pytest.mark.parametrize("bad", ["abc", "²", "9" * 40])
def test_a_payee_that_names_no_party_is_refused_not_a_500(client, funded, finance, bad):
    client.force_login(finance)
    r = client.post(
        reverse("ledger:payout_request", args=[funded.pk]),
        {"kind": "applicant", "payee_party": bad, "amount": "1,000"},
    )
    assert r.status_code == 302 and not Payout.objects.exists()


def test_payout_flow_through_pages(client, funded, finance, leader, bank):
    client.force_login(finance)
    client.post(
        reverse("ledger:payout_request", args=[funded.pk]),
        {"kind": "applicant", "payee_party": bank.pk, "amount": "1,000"},
    )
    p = Payout.objects.get()
    client.post(reverse("ledger:payout_action", args=[p.pk, "approve"]), {"case_id": funded.pk})
    assert Payout.objects.get().status == PayoutStatus.REQUESTED  # the requester may not approve
    client.force_login(leader)
    client.post(reverse("ledger:payout_action", args=[p.pk, "approve"]), {"case_id": funded.pk})
    p.refresh_from_db()
    assert p.status == PayoutStatus.REQUESTED and p.instruction_id is None  # no payee account yet
    client.force_login(finance)
    account = {"case_id": funded.pk, "payee_bank": "长沙银行岳麓支行", "payee_account_name": bank.name}
    # a bank card whose check digit is wrong is refused; a corporate account is recorded unchecked
    client.post(
        reverse("ledger:payout_action", args=[p.pk, "account"]),
        {**account, "payee_account": "6222 0202 0011 2233 445", "payee_account_kind": "card"},
    )
    p.refresh_from_db()
    assert p.payee_account == ""
    client.post(
        reverse("ledger:payout_action", args=[p.pk, "account"]),
        {**account, "payee_account": "8000-1234-5678-901"},
    )
    p.refresh_from_db()
    assert (p.payee_account, p.payee_account_kind, p.payee_account_checked) == (
        "800012345678901",
        "corporate",
        False,
    )
    client.force_login(leader)
    client.post(reverse("ledger:payout_action", args=[p.pk, "approve"]), {"case_id": funded.pk})
    p.refresh_from_db()
    assert p.status == PayoutStatus.APPROVED and p.instruction_id is not None
    client.force_login(finance)
    with use_clock(FixedClock(at(2024, 1, 25))):
        tab = client.get(reverse("web:case_detail", args=[funded.pk])).content.decode()
    assert f'data-instruction="{p.pk}"' in tab and "未校验" in tab
    pdf = client.get(reverse("documents:pdf", args=[p.instruction_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.post(reverse("ledger:payout_action", args=[p.pk, "settle"]), {"case_id": funded.pk})
    assert Payout.objects.get().status == PayoutStatus.PAID


def test_claim_page(client, case, yuelu, finance):
    r = s.receipt_record(
        case=None,
        court_id=yuelu.pk,
        amount=D("10"),
        source="cash",
        idempotency_key="u",
        received_at=at(2024, 1, 20),
        actor=None,
    )
    client.force_login(finance)
    assert "待认领款项" in client.get(reverse("ledger:unclaimed")).content.decode()
    client.post(reverse("ledger:claim", args=[r.pk]), {"case_number": case.number})
    assert Receipt.objects.get(pk=r.pk).case_id == case.pk


def test_api_bank_notice_is_idempotent_and_statement_reads(client, case, finance):
    client.force_login(finance)
    body = {
        "case_id": case.pk,
        "amount": "250.00",
        "idempotency_key": "bank-77",
        "received_at": "2024-01-20T10:00:00+08:00",
    }
    for _ in range(2):
        r = client.post("/api/v1/funds/receipts", json.dumps(body), content_type="application/json")
        assert r.status_code == 200
    assert Receipt.objects.count() == 1 and Account.objects.get(case=case).balance == D("250.00")
    clash = dict(body, amount="300")
    r = client.post("/api/v1/funds/receipts", json.dumps(clash), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = client.get(f"/api/v1/funds/cases/{case.pk}/statement?as_of=2024-01-30")
    assert r.status_code == 200 and r.json()["balance"] == "250.00"


def test_api_refuses_bank_notice_without_funds_rights(client, case, officer):
    client.force_login(officer)
    body = {
        "case_id": case.pk,
        "amount": "250.00",
        "idempotency_key": "x",
        "received_at": "2024-01-20T10:00:00+08:00",
    }
    r = client.post("/api/v1/funds/receipts", json.dumps(body), content_type="application/json")
    assert r.status_code == 403 and not Receipt.objects.exists()


def test_reconcile_command(funded, capsys):
    call_command("ledger", "reconcile")
    assert "对账平衡" in capsys.readouterr().out
    Account.objects.filter(case=funded).update(balance=D("1"))
    with pytest.raises(CommandError, match="对账不平"):
        call_command("ledger", "reconcile", "--court", funded.court.code)


def test_demo_seed_ledger_is_idempotent(now, case, finance, leader):
    assert demo_seed_ledger(now=now) is True
    counts = (Receipt.objects.count(), Payout.objects.count())
    assert demo_seed_ledger(now=now) is False
    assert (Receipt.objects.count(), Payout.objects.count()) == counts
    assert Receipt.objects.filter(case__isnull=True).count() == 1
    assert reconcile().ok
