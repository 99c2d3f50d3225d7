"""Two bidders compete in the last minutes in a real headless Chromium: each bid in the last five
minutes moves the end, and the other bidder's open page shows the extended end without reload
(the countdown polls the server; 网络司法拍卖规定 2016 art. 20)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lastmile.auction.models import Round
from lastmile.auction.services import bidder_register
from lastmile.core.clock import FixedClock, use_clock
from lastmile.testing.factories import UserFactory

from .conftest import at, ident, schedule_first
from .test_auction import make_lot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, user, round_id):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/?next=/auction/{round_id}/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/auction/{round_id}/")
    return page


def _shown(dt):
    return f"{timezone.localtime(dt):%Y-%m-%d %H:%M:%S}"


def test_bidders_compete_in_the_last_minutes_and_each_extension_is_shown(
    browser, live_server, officer, seizure
):
    lot = make_lot(officer, seizure)
    rnd = schedule_first(officer, lot.pk)
    a, b = (UserFactory(court=None, role="", username=f"web-bidder{i}") for i in range(2))
    for i, u in enumerate((a, b)):
        bidder_register(
            user=u, round_id=rnd.pk, real_name=f"竞买人{i}", id_number=ident(i), now=at(2025, 4, 1)
        )
    end = rnd.ends_at
    clock = FixedClock(end - timedelta(minutes=3))
    with use_clock(clock):
        page_a = _login(browser, live_server, a, rnd.pk)
        page_b = _login(browser, live_server, b, rnd.pk)
        assert page_a.locator("#ends-at").inner_text() == _shown(end)
        # A bids 3 minutes before the end: the end moves to 5 minutes after the bid.
        page_a.fill("#bid-amount", "700000")
        page_a.click("#bid-button")
        page_a.wait_for_url(f"**/auction/{rnd.pk}/")
        first = end + timedelta(minutes=2)
        assert page_a.locator("#ends-at").inner_text() == _shown(first)
        assert "延时至" in page_a.locator("#history").inner_text()
        # B's open page learns of it without reload.
        page_b.wait_for_function(
            f"document.getElementById('ends-at').textContent === '{_shown(first)}'", timeout=10_000
        )
        # B outbids 4 minutes later (1 minute before the new end): another extension.
        clock.set(end + timedelta(minutes=1))
        page_b.reload()
        assert page_b.locator("#bid-amount").input_value() == "705000.00"
        page_b.click("#bid-button")
        page_b.wait_for_url(f"**/auction/{rnd.pk}/")
        second = end + timedelta(minutes=6)
        assert page_b.locator("#ends-at").inner_text() == _shown(second)
        page_a.wait_for_function(
            f"document.getElementById('ends-at').textContent === '{_shown(second)}'", timeout=10_000
        )
        history = page_a.locator("#history").inner_text()
        assert history.count("延时至") == 2 and "竞买人0" not in history and "竞买人1" not in history
        assert Round.objects.get(pk=rnd.pk).extensions == 2
        page_a.close()
        page_b.close()
