"""Issue M item 9: money an officer types in waits for finance. The officer records a payment on
the case page; it counts for nothing (no balance, no interest stop, no payout deadline) until
finance, from its inbox, confirms it against the execution account; a report finance cannot find
is sent back with its reason and books nothing (执行款物管理规定 法发〔2017〕6号)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import Deadline
from lastmile.core.clock import FixedClock, use_clock
from lastmile.ledger.models import Account, PaymentReport, PaymentReportStatus
from lastmile.ledger.services import amount_outstanding
from lastmile.testing.enforcement import at
from lastmile.testing.factories import UserFactory
from lastmile.web.inbox import inbox_for

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 3)


def _balance(case) -> Decimal:
    account = Account.objects.filter(case=case).first()
    return account.balance if account else Decimal("0.00")


def test_the_officers_payment_counts_once_finance_confirms_it_from_the_inbox(client, file_case, yuelu):
    case = file_case(NOW)
    officer = case.officer
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="m9_caiwu")
    owed = amount_outstanding(case=case, as_of=(NOW + timedelta(days=5)).date())

    client.force_login(officer)
    with use_clock(FixedClock(NOW + timedelta(days=5))):
        r = client.post(
            reverse("enforcement:act", args=[case.pk, "payment"]),
            {"key": "m9-1", "amount": "3000", "payer": "被执行人", "paid_on": "2025-03-07"},
        )
    assert r.status_code == 302
    report = PaymentReport.objects.get(case=case)
    assert report.status == PaymentReportStatus.PENDING and report.paid_at.date().isoformat() == "2025-03-07"
    assert _balance(case) == 0
    assert amount_outstanding(case=case, as_of=(NOW + timedelta(days=5)).date()) == owed
    assert not Deadline.objects.filter(case=case, kind="funds_payout").exists()

    # finance finds it in its inbox; the bank's reference is required to confirm
    sections = {s.queue.key: s for s in inbox_for(finance, now=NOW + timedelta(days=6))}
    assert [i.pk for i in sections["payment_report"].items] == [report.pk]
    client.force_login(finance)
    with use_clock(FixedClock(NOW + timedelta(days=6))):
        page = client.get(reverse("web:inbox")).content.decode()
        assert "待确认到账登记" in page and case.number in page
        client.post(reverse("web:inbox_act", args=["payment_report", report.pk, "confirm"]))
        report.refresh_from_db()
        assert report.status == PaymentReportStatus.PENDING and _balance(case) == 0
        client.post(
            reverse("web:inbox_act", args=["payment_report", report.pk, "confirm"]), {"bank_reference": "B-9"}
        )
        money_tab = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    report.refresh_from_db()
    assert report.status == PaymentReportStatus.CONFIRMED and report.bank_reference == "B-9"
    assert _balance(case) == Decimal("3000.00")
    assert Deadline.objects.get(case=case, kind="funds_payout").starts_on.isoformat() == "2025-03-07"
    assert "已确认到账" in money_tab
    after = {s.queue.key: s for s in inbox_for(finance, now=NOW + timedelta(days=6))}
    assert after["payment_report"].total == 0


def test_a_report_finance_cannot_find_is_sent_back_from_the_case_page(client, file_case, yuelu):
    case = file_case(NOW)
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="m9_caiwu2")
    client.force_login(case.officer)
    with use_clock(FixedClock(NOW + timedelta(days=5))):
        client.post(reverse("enforcement:act", args=[case.pk, "payment"]), {"key": "m9-2", "amount": "800"})
    report = PaymentReport.objects.get(case=case)
    client.force_login(finance)
    with use_clock(FixedClock(NOW + timedelta(days=6))):
        page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
        assert "未到账，退回" in page  # offered on the money tab
        client.post(reverse("enforcement:act", args=[case.pk, "payment_reject"]), {"report": report.pk})
        report.refresh_from_db()
        assert report.status == PaymentReportStatus.PENDING  # no reason: refused
        client.post(
            reverse("enforcement:act", args=[case.pk, "payment_reject"]),
            {"report": report.pk, "reason": "专户未见该款"},
        )
    report.refresh_from_db()
    assert report.status == PaymentReportStatus.REJECTED and report.receipt is None
    assert _balance(case) == 0


def test_the_api_reports_pending_and_finance_confirms(client, file_case, yuelu):
    case = file_case(NOW)
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="m9_caiwu3")
    client.force_login(case.officer)
    with use_clock(FixedClock(NOW + timedelta(days=5))):
        r = client.post(
            f"/api/v1/enforcement/cases/{case.pk}/payments",
            {"amount": "500", "idempotency_key": "m9-api"},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["status"] == "pending"
        # the officer cannot confirm its own report
        denied = client.post(
            f"/api/v1/enforcement/cases/{case.pk}/payments/{body['id']}/confirm",
            {},
            content_type="application/json",
        )
        assert denied.status_code == 403
    client.force_login(finance)
    with use_clock(FixedClock(NOW + timedelta(days=6))):
        r = client.post(
            f"/api/v1/enforcement/cases/{case.pk}/payments/{body['id']}/confirm",
            {"bank_reference": "B-1"},
            content_type="application/json",
        )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "confirmed"
    assert Decimal(r.json()["outstanding"]) < Decimal(body["outstanding"])
    assert _balance(case) == Decimal("500.00")
