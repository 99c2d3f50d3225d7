"""A bank's staff on the portal (issue L): they upload the spreadsheet the API takes, follow the
batch and its cases, and download the error report; another bank's staff find nothing of it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lastmile.filing.models import BatchStatus, IntakeBatch
from lastmile.filing.samples import bad_rows, rows_to_xlsx, sample_rows
from lastmile.filing.services import institution_client_upsert, institution_staff_create
from lastmile.testing.factories import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(institution, now):
    return institution_staff_create(
        client=institution, username="bank_op", display_name="刘经办", password="pw-123456", now=now
    )


@pytest.fixture
def other_staff(yuelu, now):
    other = institution_client_upsert(name="湖南另一银行岳麓支行", uscc=make_uscc(), courts=[yuelu], now=now)
    return institution_staff_create(
        client=other, username="other_op", display_name="王经办", password="pw-123456", now=now
    )


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _workbook(today) -> bytes:
    bad = dict(bad_rows(today=today)[:1] + bad_rows(today=today)[2:3])  # a bad ID; an amount in words
    rows = [*sample_rows(3, today=today), bad["invalid_id"], bad["invalid_amount"]]
    return rows_to_xlsx(rows)


def _upload(web: Client, yuelu, today, batch_id: str = "P-1", content: bytes | None = None):
    # an XLSX carries the second it was written: a re-upload sends the very same bytes
    upload = SimpleUploadedFile("六月借款.xlsx", content or _workbook(today))
    return web.post("/portal/bank/", {"court": yuelu.pk, "batch_id": batch_id, "file": upload})


def test_bank_staff_upload_in_the_portal_and_follow_the_batch_and_its_cases(staff, yuelu, today, worker):
    web = _client(staff.user)
    page = web.get("/portal/bank/")
    assert page.status_code == 200 and staff.client.name in page.content.decode()
    response = _upload(web, yuelu, today)
    assert response.status_code == 302
    batch = IntakeBatch.objects.get()
    # the same path as the API: stored in the bank's name, left to the worker, the uploader recorded
    assert batch.client == staff.client and batch.status == BatchStatus.RECEIVED
    assert batch.uploaded_by == staff.user and not batch.via_api
    running = web.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in running and "已接收" in running
    worker()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PARTIALLY_ACCEPTED and batch.created_cases == 3
    progress = web.get(f"/portal/bank/batches/{batch.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    detail = web.get(response["Location"]).content.decode()
    numbers = [r.case.number for r in batch.rows.filter(case__isnull=False).select_related("case")]
    assert len(numbers) == 3 and all(n in detail for n in numbers)
    assert "下载错误报告" in detail and "借款人证件号码" in detail
    listing = web.get("/portal/bank/").content.decode()
    assert "P-1" in listing and "部分受理" in listing


def test_the_error_report_lists_each_error_with_its_row_column_and_message(staff, yuelu, today, worker):
    web = _client(staff.user)
    _upload(web, yuelu, today)
    worker()
    batch = IntakeBatch.objects.get()
    response = web.get(f"/portal/bank/batches/{batch.pk}/errors.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["行号", "合同编号", "列", "错误说明"]
    by_row = {}
    for row_number, _contract, column, message in lines[1:]:
        by_row.setdefault(int(row_number), []).append((column, message))
    # header is row 1, the three good rows are rows 2-4: the bad ID is row 5, the amount row 6
    assert sorted(by_row) == [5, 6]
    assert any(col == "借款人证件号码" and "校验位" in msg for col, msg in by_row[5])
    assert any(col == "借款金额" and msg for col, msg in by_row[6])
    xlsx = web.get(f"/portal/bank/batches/{batch.pk}/errors.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_another_banks_staff_find_nothing_of_the_batch(staff, other_staff, yuelu, today, worker):
    _upload(_client(staff.user), yuelu, today)
    worker()
    batch = IntakeBatch.objects.get()
    other = _client(other_staff.user)
    for suffix in ("", "progress/", "errors.csv", "errors.xlsx"):
        assert other.get(f"/portal/bank/batches/{batch.pk}/{suffix}").status_code == 404, suffix
    assert "P-1" not in other.get("/portal/bank/").content.decode()


def test_court_staff_and_other_logins_are_not_bank_staff(staff, clerk, yuelu, today, worker):
    from lastmile.accounts.services import party_login_create

    _upload(_client(staff.user), yuelu, today)
    batch = IntakeBatch.objects.get()
    outsider = party_login_create(username="party_login", display_name="赵四", password="pw")  # no bank link
    for user in (clerk, outsider):
        web = _client(user)
        assert web.get("/portal/bank/").status_code == 403
        assert web.get(f"/portal/bank/batches/{batch.pk}/errors.csv").status_code == 403
    assert Client().get("/portal/bank/")["Location"].startswith("/portal/bank/login/")


def test_a_disabled_login_is_refused_and_uploads_nothing(staff, yuelu, today):
    staff.active = False
    staff.save(update_fields=["active"])
    response = _upload(_client(staff.user), yuelu, today)
    assert response.status_code == 403 and not IntakeBatch.objects.exists()


def test_an_upload_without_a_file_says_why_and_stores_nothing(staff, yuelu):
    response = _client(staff.user).post("/portal/bank/", {"court": yuelu.pk, "batch_id": "X"})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert not IntakeBatch.objects.exists()


def test_a_court_the_bank_may_not_file_in_is_not_offered(staff, wuling, today):
    upload = SimpleUploadedFile("a.xlsx", rows_to_xlsx(sample_rows(1, today=today)))
    response = _client(staff.user).post("/portal/bank/", {"court": wuling.pk, "file": upload})
    assert response.status_code == 400 and not IntakeBatch.objects.exists()


def test_the_court_opens_a_bank_staff_login_from_the_command_line(institution):
    from django.core.management import call_command

    from lastmile.filing.models import InstitutionStaff

    out = io.StringIO()
    call_command(
        "filing",
        "staff-create",
        str(institution.pk),
        "--username",
        "zhang",
        "--name",
        "张经办",
        "--password",
        "pw-123456",
        stdout=out,
    )
    staff = InstitutionStaff.objects.get(user__username="zhang")
    assert staff.client == institution and staff.user.court is None and staff.user.role == ""
    assert Client().login(username="zhang", password="pw-123456")


def test_the_bank_staff_menu_leads_to_their_batches_and_the_public_one_to_their_login(staff):
    assert "/portal/bank/login/" in Client().get("/portal/public/dishonest/").content.decode()
    page = _client(staff.user).get("/portal/bank/").content.decode()
    assert 'href="/portal/bank/">批量立案' in page and "/portal/party/" not in page
    # the brand link and the workbench lead a bank's staff to their batches, never to a 403
    web = _client(staff.user)
    for start in ("/", "/workbench/"):
        r = web.get(start, follow=True)
        assert r.status_code == 200 and r.redirect_chain[-1][0] == "/portal/bank/", start


def test_an_old_excel_file_is_refused_in_chinese_and_nothing_is_stored(staff, yuelu):
    upload = SimpleUploadedFile("借款.xls", b"\xd0\xcf\x11\xe0 an Excel 97 workbook")
    response = _client(staff.user).post("/portal/bank/", {"court": yuelu.pk, "file": upload})
    body = response.content.decode()
    assert response.status_code == 400 and "另存为XLSX" in body
    assert not IntakeBatch.objects.exists()


def test_the_same_upload_twice_files_nothing_twice(staff, yuelu, today, worker):
    web = _client(staff.user)
    content = _workbook(today)
    first = _upload(web, yuelu, today, content=content)
    worker()
    again = _upload(web, yuelu, today, content=content)
    assert again["Location"] == first["Location"] and IntakeBatch.objects.count() == 1
