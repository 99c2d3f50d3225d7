"""A bank's staff in a real headless Chromium at a phone's width (issue L): log in, upload a
spreadsheet with some bad rows, wait while the worker processes it, download the error report
and find each bad row in it with its column and reason."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from lastmile.filing.models import FINISHED_STATUSES, IntakeBatch
from lastmile.filing.samples import bad_rows, rows_to_xlsx, sample_rows
from lastmile.filing.services import batch_process, institution_staff_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))


def test_bank_staff_upload_wait_and_download_the_error_report(browser, live_server, institution, now, today):
    with transaction.atomic():
        institution_staff_create(
            client=institution, username="bank_op", display_name="刘经办", password="pw-123456", now=now
        )
    bad: dict = {}
    for code, row in bad_rows(today=today):
        bad.setdefault(code, row)  # the first of each kind (the first bad ID is the borrower's)
    rows = [*sample_rows(4, today=today), bad["invalid_id"], bad["invalid_date"], bad["invalid_phone"]]
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_server.url + reverse("portal:bank_login"))
    page.fill("input[name=username]", "bank_op")
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/portal/bank/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the upload page fits a phone
    page.fill("input[name=batch_id]", "JUNE-01")
    page.set_input_files(
        "input[name=file]",
        files=[
            {"name": "六月借款.xlsx", "mimeType": "application/octet-stream", "buffer": rows_to_xlsx(rows)}
        ],
    )
    page.click("button.primary")
    page.wait_for_url("**/portal/bank/batches/*/")
    assert "已接收" in page.locator("#batch-progress").inner_text()  # queued, the page polls

    # the worker (``lastmile db_worker``) takes the batch; the polling page reloads when it is done
    for pk in IntakeBatch.objects.exclude(status__in=FINISHED_STATUSES).values_list("pk", flat=True):
        batch_process(batch_id=pk, now=now)
    page.wait_for_selector("#download-errors", timeout=15_000)
    assert "部分受理" in page.locator("#batch-progress").inner_text()
    assert page.locator("#created-count").inner_text() == "4"
    assert page.locator("#error-count").inner_text() == "3"
    # usable on a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bank_portal_batch.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download-errors")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["行号", "合同编号", "列", "错误说明"]
    found = {(int(r[0]), r[2]) for r in lines[1:]}
    # header row 1, four good rows 2-5: the bad ID is row 6, the impossible date 7, the phone 8
    assert (6, "借款人证件号码") in found
    assert (7, "放款日期") in found
    assert (8, "借款人手机") in found
    assert {n for n, _col in found} == {6, 7, 8}
    assert all(r[3] for r in lines[1:])  # every error says why, in Chinese
    page.close()
