"""The judge's day in a real Chromium, through the case page only (issue M must-show): carry out an
approved 拘留 (送交拘留所) and lift a 限制消费令 in force, ticking the confirmation. The measures are
set up through the services; every act is a click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import transaction

from lastmile.core.clock import FixedClock, use_clock
from lastmile.measures.models import Measure, MeasureKind, MeasureStatus

from .helpers import take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))


def test_the_judge_carries_out_a_detention_and_lifts_a_restriction(
    browser, live_server, officer, president, case, debtor_person, now
):
    with transaction.atomic():
        detention = take(
            officer=officer,
            president=president,
            case=case,
            subject=debtor_person,
            kind=MeasureKind.DETENTION,
            now=now,
            days=5,
        )
        restriction = take(
            officer=officer,
            president=president,
            case=case,
            subject=debtor_person,
            kind=MeasureKind.CONSUMPTION_RESTRICTION,
            now=now,
        )
    with use_clock(FixedClock(now)):
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(live_server.url + "/login/")
        page.fill("input[name=username]", officer.username)
        page.fill("input[name=password]", "pw-123456")
        page.click("button[type=submit]")
        page.wait_for_url("**/workbench/")
        page.goto(live_server.url + f"/cases/{case.pk}/")
        page.click("a[data-tab=measures]")

        carry = page.locator(f"form[action='/measures/{detention.pk}/carry-out/']:has(input[value=execute])")
        carry.locator("input[name=custody]").fill("长沙市公安局拘留所")
        carry.locator("button").click()
        page.wait_for_selector("text=已登记")  # back on the measures tab

        page.click("summary:has-text('措施的后续处理')")
        lift = page.locator(f"form[action='/measures/{restriction.pk}/act/']:has(input[value=lift])")
        lift.locator("input[name=reason]").fill("已全部履行")
        lift.locator("button").click()  # the confirmation box is required: nothing is sent
        assert Measure.objects.get(pk=restriction.pk).status == MeasureStatus.IN_FORCE
        lift.locator("input[name=confirm]").check()
        lift.locator("button").click()
        page.wait_for_selector("text=已登记")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "role_judge_case_measures.png"), full_page=True)
        page.close()
    detention.refresh_from_db()
    assert detention.status == MeasureStatus.IN_FORCE and detention.custody == "长沙市公安局拘留所"
    assert Measure.objects.get(pk=restriction.pk).status == MeasureStatus.LIFTED
