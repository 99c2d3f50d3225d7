"""The portal in a real headless Chromium, as each party: the applicant sees its urgent clue; the
debtor, once served, sees the notice served on it and none of the court's plans (issue I.1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from .test_party_disclosure import PLATE, SECRETS, _secrets_before_control, _served

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))


def _case_page_as(browser, live_server, username: str, case_id: int, shot: str) -> str:
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + reverse("portal:party_login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("portal:party_case", args=[case_id]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / shot), full_page=True)
    text = page.locator("body").inner_text()
    page.close()
    return text


def test_applicant_and_debtor_each_see_what_the_law_lets_them(
    browser, live_server, case, officer, bank_account, debtor_account, now
):
    with transaction.atomic():
        _served(case, now)
        _secrets_before_control(case, officer, bank_account, now)

    applicant = _case_page_as(browser, live_server, "bank", case.pk, "portal_applicant.png")
    assert case.number in applicant and PLATE in applicant  # its own clue, at once

    debtor = _case_page_as(browser, live_server, "debtor", case.pk, "portal_debtor.png")
    assert case.number in debtor and "执行通知书" in debtor  # the act served on it
    leaked = [s for s in SECRETS if s in debtor]
    assert not leaked, leaked
