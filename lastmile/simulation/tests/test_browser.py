"""The command center in a real headless Chromium after a small simulated year."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Court, Role
from lastmile.simulation.court_year import simulate_year
from lastmile.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_after_a_small_year(browser, live_server):
    simulate_year(court_code="湘0702", year=2023, cases=40, seed=5)
    UserFactory(court=Court.objects.get(code="湘0702"), role=Role.LEADER, username="wl_boss")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "wl_boss")
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    page.goto(live_server.url + "/stats/?year=2023")
    assert page.locator("h1").first.inner_text().startswith("指挥中心")
    accepted = page.locator(".tile[data-key=accepted] b").inner_text()
    assert accepted.replace("件", "").strip().replace(",", "").isdigit()
    assert int(accepted.replace("件", "").replace(",", "")) >= 35
    assert page.locator(".st-chart svg").count() == 2
    assert page.locator("tr[data-key='method:执行完毕']").count() == 1
    # Nothing came from outside the server: no CDN, no script from the internet.
    assert all(u.startswith(live_server.url) or u.startswith("data:") for u in requests)
