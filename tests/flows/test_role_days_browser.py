"""A day's work through the pages only, one role at a time, in a real Chromium (issue M must-show):
the 院长 approves from the inbox, finance pays out from its queue, the filing clerk accepts an
online application. The rows are set up through the services; every act of the day is a click.
Each role's main page is photographed (``LASTMILE_SCREENSHOTS=docs/images`` refreshes the docs)."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseStatus
from lastmile.core.clock import FixedClock, use_clock
from lastmile.enforcement.services import time_limit_extension_request
from lastmile.ledger.models import Payout, PayoutStatus
from lastmile.ledger.services import payout_approve, payout_request, receipt_record
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import Measure, MeasureKind, MeasureStatus
from lastmile.measures.services import measure_propose
from lastmile.testing.enforcement import at
from lastmile.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))
NOW = at(2025, 3, 3)


def _login(browser, live_server, username: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture
def day(file_case, officer, yuelu):
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="finance_day")
    with transaction.atomic():
        case = file_case(NOW)
        debtor = case.case_parties.get(role="respondent").party
        measure = measure_propose(
            actor=officer,
            proposal=Proposal(kind=MeasureKind.CONSUMPTION_RESTRICTION, case=case, subject=debtor),
            reason="经执行通知仍未履行",
            now=NOW,
            acknowledge_warnings=True,
        )
        receipt_record(
            case=case,
            amount=Decimal("8000.00"),
            source="debtor_transfer",
            idempotency_key="day-1",
            received_at=NOW,
            actor=finance,
        )
        payout = payout_request(
            case=case,
            kind="applicant",
            amount=Decimal("8000.00"),
            actor=finance,
            now=NOW,
            idempotency_key="day-p1",
            payee_party=case.case_parties.get(role="applicant").party,
            payee_account="6217000010001234567",
            payee_bank="中国建设银行长沙岳麓支行",
            payee_account_name=case.case_parties.get(role="applicant").party.name,
        )
        time_limit_extension_request(case=case, actor=officer, now=NOW, reason="拍卖程序尚未终结")
    return {"case": case, "measure": measure, "payout": payout, "finance": finance}


def test_the_president_approves_from_the_inbox(browser, live_server, day, president):
    with use_clock(FixedClock(NOW + timedelta(days=1))):
        page = _login(browser, live_server, president.username)
        assert page.locator("#nav-inbox-count").inner_text() == "3"
        page.click("nav >> text=待办")
        _shot(page, "role_president.png")
        page.click(f'[data-act="measure-approve-{day["measure"].pk}"]')
        page.wait_for_selector("text=已处理")
        page.click(f'[data-act="payout-approve-{day["payout"].pk}"]')
        page.wait_for_selector("text=已处理")
        assert page.locator("#nav-inbox-count").inner_text() == "1"
        page.close()
    assert Measure.objects.get(pk=day["measure"].pk).status != MeasureStatus.PROPOSED
    assert Payout.objects.get(pk=day["payout"].pk).status == PayoutStatus.APPROVED


def test_finance_pays_out_from_its_queue(browser, live_server, day, president):
    payout_approve(payout_id=day["payout"].pk, actor=president, now=NOW)
    with use_clock(FixedClock(NOW + timedelta(days=1))):
        page = _login(browser, live_server, day["finance"].username)
        page.click("nav >> text=待办")
        _shot(page, "role_finance.png")
        row = page.locator(f'form:has([data-act="payout_settle-settle-{day["payout"].pk}"])')
        row.locator("input[name=bank_reference]").fill("CB20250304-0001")
        row.locator("button").click()
        page.wait_for_selector("text=已处理")
        page.close()
    assert Payout.objects.get(pk=day["payout"].pk).status == PayoutStatus.PAID


def test_the_clerk_accepts_an_online_application(browser, live_server, day, clerk):
    case = day["case"]
    case.status = CaseStatus.RECEIVED  # as an application filed online stands before a clerk
    case.save(update_fields=["status"])
    with use_clock(FixedClock(NOW)):
        page = _login(browser, live_server, clerk.username)
        page.click("nav >> text=待办")
        _shot(page, "role_clerk.png")
        page.click(f'[data-act="filing-accept-{case.pk}"]')
        page.wait_for_selector("text=已处理")
        page.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED
