"""The service pages and API: one order's methods and proof, batch service, batch mail receipts,
refusals shown in Chinese (pages) or with their codes (API), and the menu entry."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.core.clock import FixedClock, use_clock
from lastmile.service.models import AttemptOutcome, OrderStatus, ServiceAttempt, ServiceOrder
from lastmile.testing.factories import UserFactory

from .test_methods import at, served_doc  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed():
    with use_clock(FixedClock(at(3, 11))) as clock:
        yield clock


@pytest.fixture
def officer_client(client, yuelu):
    client.force_login(UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="svc_officer"))
    return client


def test_order_page_serves_by_mail_and_records_the_receipt(served_doc, debtor, officer_client, fixed):  # noqa: F811
    order = ServiceOrder.objects.get(document=served_doc, recipient=debtor)
    url = reverse("service:order", args=[order.pk])
    page = officer_client.get(url).content.decode()
    assert "另行送达" in page and "不能公告送达" in page
    r = officer_client.post(url, {"action": "notice", "medium": ""}, follow=True)
    assert "第九十五条" in r.content.decode()
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.FAILED
    r = officer_client.post(url, {"action": "start", "method": "mail", "tracking_number": "12"}, follow=True)
    assert "邮件单号应为" in r.content.decode() and not ServiceAttempt.objects.exists()
    officer_client.post(url, {"action": "start", "method": "mail", "tracking_number": "1100000000037"})
    attempt = ServiceAttempt.objects.get()
    fixed.set(at(3, 18))
    r = officer_client.post(
        url,
        {
            "action": "result",
            "attempt": attempt.pk,
            "outcome": "signed",
            "on": "2025-03-14",
            "signer": "王小明",
        },
        follow=True,
    )
    assert "送达日期2025-03-14" in r.content.decode()
    order.refresh_from_db()
    assert order.served_on == date(2025, 3, 14)
    listing = officer_client.get(reverse("service:status")).content.decode()
    assert "1100000000037" in listing and "王小明" in listing and "邮寄送达" in listing
    case_page = officer_client.get(reverse("web:case_detail", args=[order.case_id])).content.decode()
    assert "签收人 王小明" in case_page and "2025-03-14" in case_page


def test_batch_page_names_each_wrong_row_and_writes_nothing(served_doc, debtor, officer_client, fixed):  # noqa: F811
    order = ServiceOrder.objects.get(document=served_doc, recipient=debtor)
    url = reverse("service:batch")
    assert order.recipient.name in officer_client.get(url).content.decode()
    r = officer_client.post(
        url, {"action": "start", "method": "mail", "order": [order.pk], f"tracking_{order.pk}": ""}
    )
    assert r.status_code == 400 and "第1行" in r.content.decode() and "邮件单号应为" in r.content.decode()
    assert not ServiceAttempt.objects.exists()
    r = officer_client.post(
        url,
        {"action": "start", "method": "mail", "order": [order.pk], f"tracking_{order.pk}": "1100000000044"},
    )
    assert r.status_code == 200 and ServiceAttempt.objects.get().tracking_number == "1100000000044"


def test_results_page_takes_a_csv_of_mail_receipts(served_doc, debtor, officer_client, fixed):  # noqa: F811
    order = ServiceOrder.objects.get(document=served_doc, recipient=debtor)
    officer_client.post(
        reverse("service:order", args=[order.pk]),
        {"action": "start", "method": "mail", "tracking_number": "1100000000051"},
    )
    url = reverse("service:results")
    assert "1100000000051" in officer_client.get(url).content.decode()
    fixed.set(at(3, 18))
    bad = officer_client.post(url, {"lines": "1100000000051,签收,2025-03-30,王小明"})
    assert bad.status_code == 400 and "不能晚于今天" in bad.content.decode()
    assert ServiceAttempt.objects.get().outcome == AttemptOutcome.PENDING
    upload = SimpleUploadedFile(
        "receipts.csv", "邮件单号,结果,日期,签收人\n1100000000051,签收,2025-03-15,王小明\n".encode()
    )
    r = officer_client.post(url, {"lines": "", "file": upload})
    assert r.status_code == 200 and "已登记1条回执" in r.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED and order.served_on == date(2025, 3, 15)


def test_api_batches_answer_every_wrong_row_with_its_code(served_doc, debtor, officer_client, fixed):  # noqa: F811
    order = ServiceOrder.objects.get(document=served_doc, recipient=debtor)
    r = officer_client.post(
        f"/api/v1/service/orders/{order.pk}/public-notice", {}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "service_public_notice_no_grounds"
    r = officer_client.post(
        "/api/v1/service/batch/start",
        {"method": "mail", "rows": [{"order_id": order.pk, "tracking_number": "1100000000068"}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    fixed.set(at(3, 18))
    r = officer_client.post(
        "/api/v1/service/batch/results",
        {
            "rows": [
                {
                    "tracking_number": "1100000000068",
                    "outcome": "signed",
                    "on": "2025-03-16",
                    "signer": "王小明",
                },
                {"tracking_number": "1100000000099", "outcome": "failed", "failure": "查无此人"},
            ]
        },
        content_type="application/json",
    )
    body = r.json()
    assert r.status_code == 409 and body["code"] == "service_batch_invalid"
    assert [(e["row"], e["code"]) for e in body["details"]["errors"]] == [(2, "service_tracking_unknown")]
    assert ServiceAttempt.objects.get().outcome == AttemptOutcome.PENDING
    r = officer_client.post(
        "/api/v1/service/batch/results",
        {
            "rows": [
                {
                    "tracking_number": "1100000000068",
                    "outcome": "signed",
                    "on": "2025-03-16",
                    "signer": "王小明",
                }
            ]
        },
        content_type="application/json",
    )
    assert r.status_code == 200
    detail = officer_client.get(f"/api/v1/service/orders/{order.pk}").json()
    assert detail["served_on"] == "2025-03-16" and detail["proofs"][0]["signer"] == "王小明"
    assert detail["legal_basis"]["article"] == "91"


@pytest.mark.parametrize("role", [Role.JUDGE, Role.ENFORCEMENT_OFFICER, Role.ENFORCEMENT_JUDGE])
def test_the_menu_leads_judges_and_enforcement_staff_to_service(client, yuelu, role):
    client.force_login(UserFactory(court=yuelu, role=role, username=f"svc_nav_{role}"))
    page = client.get(reverse("web:workbench")).content.decode()
    assert f'href="{reverse("service:status")}"' in page and ">送达</a>" in page
