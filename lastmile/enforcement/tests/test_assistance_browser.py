"""Between courts in a real Chromium: the assisting court's officer signs in, finds the request in
its inbox, opens it, accepts it and replies, all by clicks; the requesting officer then reads the
answer on its own case page. The request is sent through the service."""

from __future__ import annotations

import pytest
from django.db import transaction

from lastmile.accounts.models import Role
from lastmile.core.clock import FixedClock, use_clock
from lastmile.enforcement.models import AssistanceStatus
from lastmile.enforcement.services import assistance_request_send
from lastmile.enforcement.tests.conftest import at
from lastmile.testing.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    return page


def test_the_assisting_court_accepts_and_replies_from_its_inbox(
    browser, live_server, file_case, officer, wuling
):
    now = at(2025, 9, 26, 10)
    with transaction.atomic():
        case = file_case(now)
        case.officer = officer
        case.save(update_fields=["officer"])
        helper = UserFactory(
            court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_browser", phone="0736-7654321"
        )
        req = assistance_request_send(
            case=case,
            kind="commission",
            to_court=wuling,
            matter="执行被执行人在常德的车辆",
            actor=officer,
            now=now,
        )
    with use_clock(FixedClock(at(2025, 9, 29, 9))):
        page = _login(browser, live_server, helper.username)
        page.goto(live_server.url + "/inbox/")
        page.click(f"a[data-open=assistance-{req.pk}]")
        page.wait_for_selector("text=执行被执行人在常德的车辆")
        page.click("button[data-act=accept]")
        page.wait_for_selector("text=已受理")
        page.fill("textarea[name=reply]", "已扣押车辆一辆，正在评估")
        page.click("button[data-act=reply]")
        page.wait_for_selector("text=已回复")
        page.close()

        requester = _login(browser, live_server, officer.username)
        requester.goto(live_server.url + f"/cases/{case.pk}/")
        body = requester.content()
        requester.close()
    req.refresh_from_db()
    assert req.status == AssistanceStatus.REPLIED and req.replied_by == helper
    assert "已扣押车辆一辆" in body
