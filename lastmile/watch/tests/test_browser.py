"""The command center's screen in a real headless Chromium: an alert written while the page is
open appears without reload, with the case, the debtor, the image and a dot on the map."""

from __future__ import annotations

import json
import time

import pytest

from lastmile.watch.matching import PlateIndex
from lastmile.watch.services import plate_reads_process, watch_entry_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_command_center_receives_an_alert_live(
    browser, live_server, case, officer, command_center, now, settings
):
    # short streams: the page reconnects every 2 s, and none is left holding a connection at the end
    settings.LASTMILE = {**settings.LASTMILE, "WATCH": {"STREAM_MAX_SECONDS": 2.0}}
    entry = watch_entry_add(
        actor=officer, case=case, plate="湘A5D802", ruling_number="（2025）湘0104执保12号", note="", now=now
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", command_center.username)
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    assert page.locator("nav a", has_text="布控预警").count() == 1
    page.goto(live_server.url + "/watch/")
    page.wait_for_selector("#watch-live[data-state=open]", timeout=10_000)
    assert page.locator(".alert-row").count() == 0
    read = {
        "id": "b1",
        "plate": "湘AS D802".replace(" ", ""),
        "time": "2025-03-03T09:31:00+08:00",
        "camera": "yl-wanda-cam2",
        "place": "岳麓万达广场停车场2号口",
        "lat": 28.2038,
        "lng": 112.9585,
        "confidence": 0.95,
        "image": "lpr://yl-wanda/20250303/b1.jpg",
    }
    result = plate_reads_process(
        payloads=[json.dumps(read).encode()], index=PlateIndex([(entry.pk, entry.plate)]), now=now
    )
    assert len(result.alerts_new) == 1
    row = page.locator(f'.alert-row[data-id="{result.alerts_new[0]}"]')
    row.wait_for(timeout=10_000)  # no reload: the stream brought it
    text = row.inner_text()
    assert "湘ASD802" in text and case.number in text and "赵车主" in text and "lpr://yl-wanda" in text
    assert page.locator("#watch-hits circle.hit").count() == 1
    assert all(u.startswith(live_server.url) for u in requests)  # nothing from the internet
    page.close()
    time.sleep(3)
