"""The 查控 panel, the command-center queue, and the signed callback endpoint."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.inquiry import protocol
from lastmile.inquiry.models import InboxMessage, Order, OrderKind, OrderStatus
from lastmile.inquiry.services import inbox_apply, inquiry_start
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post_callback(client, message, *, code="wechatpay", secret=None, ts=None, key=None):
    body = protocol.dumps(message)
    path = reverse("inquiry:callback")
    headers = protocol.signed_headers(
        institution_code=code,
        secret=secret or protocol.demo_key(code),
        method="POST",
        path=path,
        key=key or message["message_id"],
        body=body,
        now=ts if ts is not None else time.time(),
    )
    wanted = {k: v for k, v in headers.items() if k.startswith("X-")}
    return client.post(path, data=body, content_type="application/json", headers=wanted)


def test_callback_refuses_bad_signature_and_stale_timestamp_then_accepts_once(
    client, money_case, officer, now
):
    case = money_case()
    inquiry_start(case=case, actor=officer, now=now)
    order = Order.objects.get(case=case, institution="wechatpay")
    msg = {
        "message_id": f"{order.key}:done",
        "order_id": order.key,
        "status": "done",
        "result": {"assets": []},
    }
    bad = _post_callback(client, msg, secret="not-the-key")
    assert (bad.status_code, bad.json()["code"]) == (401, "bad_signature")
    stale = _post_callback(client, msg, ts=time.time() - 3600)
    assert (stale.status_code, stale.json()["code"]) == (401, "stale_timestamp")
    unknown = _post_callback(client, msg, code="nobank", secret="x")
    assert unknown.json()["code"] == "unknown_institution"
    assert InboxMessage.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING  # nothing changed
    for _ in range(2):
        ok = _post_callback(client, msg)
        assert ok.status_code == 200 and ok.json()["stored"] == 1
    assert InboxMessage.objects.count() == 1
    # The callback only stores: the inquiry worker applies the message.
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert inbox_apply(now=now).applied == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DONE


def test_case_page_shows_panel_and_htmx_start(client, money_case, officer, now, clock):
    case = money_case()
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk]))
    assert page.status_code == 200 and "一键查控" in page.content.decode()
    # every amount on the panel in the same form (thousands separators): owed and what may still be frozen
    panel = page.content.decode().split('id="inquiry-panel"', 1)[1].split("</section>", 1)[0]
    assert panel.count("<b>30,000.00</b>") == 2 and "<b>30000.00</b>" not in panel
    response = client.post(reverse("inquiry:start", args=[case.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="inquiry-panel"' in html and "查询中" in html and 'hx-trigger="every 3s"' in html
    assert Order.objects.filter(case=case, kind=OrderKind.INQUIRE).count() == 14
    again = client.post(reverse("inquiry:start", args=[case.pk]), headers={"HX-Request": "true"})
    assert "上一轮查询尚未全部回复" in again.content.decode()
    assert Order.objects.filter(case=case, kind=OrderKind.INQUIRE).count() == 14


def test_queue_lists_failed_orders_with_resend(client, money_case, officer, now, clock, yuelu):
    case = money_case()
    inquiry_start(case=case, actor=officer, now=now)
    Order.objects.filter(case=case, institution="icbc").update(
        status=OrderStatus.FAILED, last_error="机构服务不可用（HTTP 503）"
    )
    center = UserFactory(court=yuelu, role=Role.COMMAND_CENTER)
    client.force_login(center)
    page = client.get(reverse("inquiry:queue"))
    html = page.content.decode()
    assert page.status_code == 200 and "HTTP 503" in html and "重新发送" in html and case.number in html
    failed = Order.objects.get(case=case, institution="icbc")
    client.post(reverse("inquiry:resend", args=[failed.pk]), {"back": "queue"})
    failed.refresh_from_db()
    assert failed.status == OrderStatus.SENT and failed.attempts == 0
    clerk = UserFactory(court=yuelu, role=Role.FILING_CLERK)
    client.force_login(clerk)
    assert client.get(reverse("inquiry:queue")).status_code == 403


def test_api_control_view(client, money_case, officer, now, clock):
    case = money_case()
    client.force_login(officer)
    response = client.post(f"/api/v1/inquiry/cases/{case.pk}/start")
    assert response.status_code == 200 and len(response.json()) == 14
    data = client.get(f"/api/v1/inquiry/cases/{case.pk}").json()
    assert data["round"] == 1 and data["owed"] == "30000.00"
    assert client.post(f"/api/v1/inquiry/cases/{case.pk}/start").json()["code"] == "conflict"


def test_worker_task_sends_orders_and_schedules_the_next_run(wire, money_case, officer):
    from django_tasks_db.models import DBTaskResult

    from lastmile.inquiry.tasks import orders_dispatch_task

    case = money_case()
    inquiry_start(case=case, actor=officer, now=wire.clock.now())
    assert orders_dispatch_task.func() == 14
    assert not Order.objects.filter(case=case, status=OrderStatus.PENDING).exists()
    scheduled = DBTaskResult.objects.filter(status="READY")
    paths = set(scheduled.values_list("task_path", flat=True))
    assert "lastmile.inquiry.tasks.orders_dispatch_task" in paths  # accepted orders are asked again later
    assert "lastmile.inquiry.tasks.inquiry_sweep_task" in paths
    orders_dispatch_task.func()
    assert (
        DBTaskResult.objects.filter(status="READY", task_path__endswith="orders_dispatch_task").count() == 1
    )
    wire.pump()
    assert Order.objects.filter(case=case, status=OrderStatus.DONE).count() >= 14
