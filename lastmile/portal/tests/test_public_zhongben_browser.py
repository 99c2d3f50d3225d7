"""The public 终本 query in a real headless Chromium, as a member of the public: the entry a 终本
closing published is found by name, masked (终本规定 2016 art. 10)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.services import enforcement_close
from lastmile.testing.enforcement import at, file_case, zhongben_ready

__all__ = ["file_case"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))


def test_the_public_finds_the_zhongben_entry_masked(
    browser, live_server, file_case, officer, president, debtor
):
    cache.clear()
    with transaction.atomic():
        case = file_case(at(2025, 3, 3))
        zhongben_ready(case, officer=officer, president=president, now=at(2025, 5, 6))
        enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 6, 16))
    page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + "/")  # the public starts at the front page and follows the menu
    page.click("text=终本案件信息查询")
    page.wait_for_load_state()
    assert page.url.endswith("/portal/public/zhongben/")
    page.fill("input[name=name]", debtor.name)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "public_zhongben.png"), full_page=True)
    text = page.locator("body").inner_text()
    page.close()
    assert case.number in text and "终本日期" in text and "未履行金额" in text
    assert debtor.id_number not in text and debtor.id_number[:10] + "****" in text
