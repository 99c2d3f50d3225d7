"""Staff pages: upload on behalf of a bank, the batch page with its progress, the report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lastmile.filing.models import BatchStatus, IntakeBatch
from lastmile.filing.samples import bad_rows, rows_to_xlsx, sample_rows
from lastmile.filing.services import batch_submit


@pytest.fixture
def web(clerk):
    c = Client()
    c.force_login(clerk)
    return c


@pytest.mark.django_db
def test_clerk_uploads_and_sees_the_result(web, institution, clock, today, worker):
    page = web.get("/filing/")
    assert page.status_code == 200 and institution.name in page.content.decode()
    rows = sample_rows(2, today=today) + [r for _, r in bad_rows(today=today)[:2]]
    upload = SimpleUploadedFile("借款.xlsx", rows_to_xlsx(rows))
    response = web.post("/filing/", {"client": institution.pk, "batch_id": "V-1", "file": upload})
    assert response.status_code == 302
    assert IntakeBatch.objects.get().status == BatchStatus.RECEIVED  # stored, not parsed here
    worker()
    batch = IntakeBatch.objects.get()
    detail = web.get(response["Location"]).content.decode()
    assert batch.status == BatchStatus.PARTIALLY_ACCEPTED
    assert "下载错误报告" in detail and "校验位错误" in detail and "民诉前调" in detail
    progress = web.get(f"/filing/batches/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true" and "100%" in progress.content.decode()
    report = web.get(f"/filing/batches/{batch.pk}/errors.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"


@pytest.mark.django_db
def test_a_running_batch_polls_for_progress(web, yuelu, clerk, institution, now, today):
    batch = batch_submit(
        court=yuelu,
        client=institution,
        external_id="V-2",
        now=now,
        actor=clerk,
        filename="a.xlsx",
        content=rows_to_xlsx(sample_rows(3, today=today)),
        process="none",
    ).batch
    html = web.get(f"/filing/batches/{batch.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html
    fragment = web.get(f"/filing/batches/{batch.pk}/progress/")
    assert "HX-Refresh" not in fragment and "已接收" in fragment.content.decode()


@pytest.mark.django_db
def test_upload_without_a_file_shows_the_reason_and_creates_nothing(web, institution, clock):
    response = web.post("/filing/", {"client": institution.pk})
    assert response.status_code == 400 and "上传文件" in response.content.decode()
    assert IntakeBatch.objects.count() == 0


@pytest.mark.django_db
def test_staff_without_the_capability_cannot_open_the_page(officer):
    c = Client()
    c.force_login(officer)
    assert c.get("/filing/").status_code == 403


@pytest.mark.django_db
def test_nav_shows_batch_filing_to_clerks(web, officer):
    assert "批量立案" in web.get("/workbench/").content.decode()
