"""The 金融案件平台 tab in a real headless Chromium: reached from the dashboard, its two charts drawn
on the server, and nothing fetched from outside."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Role
from lastmile.statistics.tests.test_financial import platform  # noqa: F401 - the fixture
from lastmile.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_financial_tab_from_the_dashboard(browser, live_server, platform):  # noqa: F811
    UserFactory(court=platform["court"], role=Role.LEADER, username="yl_boss")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "yl_boss")
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    page.goto(live_server.url + "/stats/?start=2024-01-01&end=2024-06-30")
    page.click("nav.st-tabs >> text=金融案件平台")
    page.wait_for_url("**/stats/financial/**")
    page.fill("input[name=start]", "2024-01-01")
    page.fill("input[name=end]", "2024-06-30")
    page.fill("input[name=as_of]", "2024-06-30")
    page.select_option("select[name=by]", "quarter")
    page.click("form.st-filters button.primary")
    page.wait_for_url("**by=quarter**")
    assert page.locator(".tile[data-key=filed] b").inner_text().startswith("12")
    assert page.locator(".tile[data-key=median] b").inner_text().startswith("27")
    assert page.locator(".st-chart svg").count() == 2
    assert page.locator("tr[data-key='2024-04-01'] td").first.inner_text() == "2024年第2季度"
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in requests)
    assert page.locator(".tile[data-key=within] span").inner_text() == "批量案件 27 天内结案"
