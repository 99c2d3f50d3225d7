"""The pages in a real headless Chromium: log in, reach the workbench, search a case."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lastmile.web.demo import demo_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))


def test_login_workbench_and_search(browser, live_server, now, demo_mode):
    from lastmile.cases.models import Case

    demo_seed(now=now)
    from lastmile.web.demo import demo_person_id

    wang = demo_person_id("430104", "19850312", 31)
    case = Case.objects.filter(case_parties__party__id_number=wang, type_code="执").earliest("received_at")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + "/login/")
    assert "最后一公里" in page.title()
    page.fill("input[name=username]", case.officer.username)
    page.fill("input[name=password]", "lastmile2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    assert page.locator("h1").first.inner_text().startswith("我的工作台")
    assert page.locator("text=发出执行通知书").count() >= 1
    # an officer's long menu wraps between its items, never inside one (工作台 on two lines)
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        heights = page.eval_on_selector_all(
            ".topbar nav a, .topbar .brand",
            "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height,"
            " parseFloat(getComputedStyle(e).lineHeight) || 1.5 * parseFloat(getComputedStyle(e).fontSize)])",
        )
        assert len(heights) > 10
        assert [text for text, height, line in heights if height > 1.5 * line] == [], width
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "workbench.png"), full_page=True)

    page.goto(live_server.url + "/cases/")
    page.fill("#q", "王小明")
    page.wait_for_selector("#case-rows >> text=湘0104执")
    # The case's own number (王小明 may have several cases; the toolbar above holds the export link).
    page.click(f"#case-rows td a >> text={case.number}")
    page.click("nav.tabs >> text=时间轴与期限")  # the case file opens in tabs
    page.wait_for_selector("text=立案登记")


def test_wrong_password_shows_chinese_error(browser, live_server):
    page = browser.new_page(locale="zh-CN")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.locator("text=用户名或密码错误").count() == 1
