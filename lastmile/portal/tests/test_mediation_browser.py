"""A borrower joins the bank's mediation and signs the 4-installment agreement in a real headless
Chromium at a phone's width (390 px), through the portal's mediation pages (issue L)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from lastmile.mediation import services as mediation
from lastmile.mediation.models import Agreement, PartyAct
from lastmile.portal.services import portal_account_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))
FOUR = [Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.66")]


def _fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"


def test_borrower_joins_and_signs_on_a_phone(
    browser, live_server, cc_file_rows, cc_mediator, clerk, now, clock
):
    with transaction.atomic():
        (case,) = cc_file_rows([3])
        (m,) = mediation.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
        _bank, borrower = mediation.mediation_parties(m)
        portal_account_create(party=borrower, username="borrower", password="pw-123456", now=now)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_server.url + reverse("portal:party_login"))
    page.fill("input[name=username]", "borrower")
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # the invitation: the list, the mediation, 确认参加调解
    page.goto(live_server.url + reverse("portal:mediation_list"))
    page.click(f"text={case.number}")
    page.wait_for_load_state()
    _fits_the_phone(page)
    page.click("#join button")
    page.wait_for_load_state()
    assert PartyAct.objects.filter(mediation=m, party=borrower, kind="joined").exists()

    # the mediator drafts the 4-installment agreement; the borrower reads and signs it
    with transaction.atomic():
        mediation.mediation_agreement_record(
            mediation=m,
            terms=["申请人同意免除被申请人全部罚息；"],
            installments=[mediation.InstallmentIn(date(2025, 4 + n, 15), a) for n, a in enumerate(FOUR)],
            actor=cc_mediator,
            now=now,
        )
    page.reload()
    assert page.locator("#installments tbody tr").count() == 5  # four installments and the total
    _fits_the_phone(page)
    page.screenshot(path=str(SHOTS / "portal_mediation_sign_390.png"), full_page=True)
    page.check("#sign input[name=agree]")
    page.fill("#sign input[name=name]", borrower.name)
    page.click("#sign button")
    page.wait_for_load_state()
    text = page.locator("#parties").inner_text()
    assert "已签署" in text
    act = PartyAct.objects.get(mediation=m, party=borrower, kind="signed")
    assert act.method == "online"
    assert Agreement.objects.get(mediation=m).effective_on is None  # the bank has yet to sign
    page.close()
