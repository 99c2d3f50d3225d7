"""The inbox worker: a callback only verifies and stores (one INSERT), the worker applies the
stored messages in batches per case, with the same outcome as applying them one by one; signed
batches of callbacks keep every protection a single callback has."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lastmile.cases.models import CaseEvent
from lastmile.inquiry import protocol
from lastmile.inquiry.models import Freeze, InboxMessage, Order, OrderKind, OrderStatus
from lastmile.inquiry.services import inbox, inbox_apply, inbox_store, inquiry_start, inquiry_sweep

pytestmark = pytest.mark.django_db
D = Decimal


def done(order, result):
    return {"message_id": f"{order.key}:done", "order_id": order.key, "status": "done", "result": result}


def accepted(order):
    return {"message_id": f"{order.key}:accepted", "order_id": order.key, "status": "accepted"}


def deposit(ident, balance):
    return {"kind": "deposit", "identifier": ident, "balance": str(balance)}


def _post(client, body: dict, *, code: str, key: str, secret: str | None = None):
    raw = protocol.dumps(body)
    path = reverse("inquiry:callback")
    headers = protocol.signed_headers(
        institution_code=code,
        secret=secret if secret is not None else protocol.demo_key(code),
        method="POST",
        path=path,
        key=key,
        body=raw,
        now=time.time(),
    )
    wanted = {k: v for k, v in headers.items() if k.startswith("X-")}
    return client.post(path, data=raw, content_type="application/json", headers=wanted)


def _answer_all(case, found):
    """Store (not apply) an accepted and a done message for every inquiry of the case."""
    for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE):
        inbox_store(
            institution=order.institution,
            messages=[accepted(order), done(order, {"assets": found.get(order.institution, [])})],
            now=order.created_at,
        )


def test_a_batch_per_case_plans_once_and_freezes_no_more_than_owed(money_case, officer, now):
    cases = [money_case(principal="10000") for _ in range(3)]
    for case in cases:
        inquiry_start(case=case, actor=officer, now=now)
        _answer_all(case, {"icbc": [deposit("icbc-1", "20000")], "wechatpay": [deposit("wx-1", "3000")]})
    assert InboxMessage.objects.filter(processed_at__isnull=True).count() == 3 * 28
    report = inbox_apply(now=now)
    assert (report.applied, report.cases, report.failed) == (3 * 28, 3, 0)
    assert not InboxMessage.objects.filter(processed_at__isnull=True).exists()
    for case in cases:
        assert not Order.objects.filter(case=case, kind=OrderKind.INQUIRE).exclude(status="done").exists()
        amounts = sorted(o.amount for o in Order.objects.filter(case=case, kind=OrderKind.FREEZE))
        # wechatpay first, then icbc up to what is owed.
        assert amounts == [D("3000.00"), D("7000.00")]
        assert CaseEvent.objects.filter(case=case, kind="inquiry.freeze_ordered").count() == 1
    # The freeze confirmations of all cases, again one batch each.
    for order in Order.objects.filter(kind=OrderKind.FREEZE):
        inbox_store(
            institution=order.institution,
            messages=[done(order, {"frozen_amount": str(order.amount), "freeze_ref": f"R{order.pk}"})],
            now=now,
        )
    assert inbox_apply(now=now).cases == 3
    assert Freeze.objects.filter(status="active").count() == 6
    assert inbox_apply(now=now).applied == 0  # nothing left


def test_queries_per_message_do_not_grow_with_the_batch(money_case, officer, now):
    def per_message(n_cases: int) -> float:
        for _ in range(n_cases):
            case = money_case(principal="10000")
            inquiry_start(case=case, actor=officer, now=now)
            _answer_all(case, {})
        with CaptureQueriesContext(connection) as queries:
            report = inbox_apply(now=now)
        return len(queries) / report.applied

    small, large = per_message(1), per_message(4)
    assert large <= small  # per-case and per-batch work is shared, never per message more


def test_callback_only_stores_and_the_worker_applies(client, money_case, officer, now):
    case = money_case()
    inquiry_start(case=case, actor=officer, now=now)
    order = Order.objects.get(case=case, institution="wechatpay")
    response = _post(client, done(order, {"assets": []}), code="wechatpay", key=f"{order.key}:done")
    assert response.status_code == 200 and response.json() == {"ok": True, "stored": 1}
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    inbox_apply(now=now)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DONE


def test_signed_batch_is_checked_as_a_whole_and_answers_only_the_institutions_own_orders(
    client, money_case, officer, now
):
    case = money_case()
    inquiry_start(case=case, actor=officer, now=now)
    wx = Order.objects.get(case=case, institution="wechatpay")
    icbc = Order.objects.get(case=case, institution="icbc")
    # WeChat Pay signs a batch that also answers ICBC's order (a forged answer for another bank).
    batch = {"batch_id": "wechatpay-b1", "messages": [done(wx, {"assets": []}), done(icbc, {"assets": []})]}
    bad = _post(client, batch, code="wechatpay", key="wechatpay-b1", secret="not-the-key")
    assert (bad.status_code, bad.json()["code"]) == (401, "bad_signature")
    mismatch = _post(client, batch, code="wechatpay", key="another-batch")
    assert (mismatch.status_code, mismatch.json()["code"]) == (400, "bad_request")
    empty = _post(client, {"batch_id": "b2", "messages": []}, code="wechatpay", key="b2")
    assert empty.status_code == 400
    no_id = _post(client, {"batch_id": "b3", "messages": [{"status": "done"}]}, code="wechatpay", key="b3")
    assert no_id.status_code == 400
    assert not InboxMessage.objects.exists()
    ok = _post(client, batch, code="wechatpay", key="wechatpay-b1")
    assert ok.status_code == 200 and ok.json()["stored"] == 2
    again = _post(client, batch, code="wechatpay", key="wechatpay-b1")  # a repeat stores nothing new
    assert again.status_code == 200 and InboxMessage.objects.count() == 2
    inbox_apply(now=now)
    assert Order.objects.get(pk=wx.pk).status == OrderStatus.DONE
    assert Order.objects.get(pk=icbc.pk).status == OrderStatus.PENDING  # not WeChat Pay's order
    assert InboxMessage.objects.get(order_key=icbc.key).error == "未知指令"


def test_a_failing_case_is_rolled_back_alone_and_retried_by_the_sweep(money_case, officer, now, monkeypatch):
    good, bad = money_case(), money_case()
    for case in (good, bad):
        inquiry_start(case=case, actor=officer, now=now)
        _answer_all(case, {})
    real = inbox._message_apply

    def flaky(order, control, msg, when, **kw):
        if order.case_id == bad.pk:
            raise RuntimeError("boom")
        real(order, control, msg, when, **kw)

    monkeypatch.setattr(inbox, "_message_apply", flaky)
    report = inbox_apply(now=now)
    assert report.failed == 14 and report.cases == 1
    assert not Order.objects.filter(case=good, kind=OrderKind.INQUIRE).exclude(status="done").exists()
    assert not Order.objects.filter(case=bad, status="done").exists()
    assert InboxMessage.objects.filter(processed_at__isnull=True, error="boom").count() == 14
    assert inbox_apply(now=now).applied == 0  # a failed message is the sweep's, not the batch's
    monkeypatch.setattr(inbox, "_message_apply", real)
    assert inquiry_sweep(now=now + timedelta(seconds=1)).inbox_retried == 14
    assert not Order.objects.filter(case=bad, kind=OrderKind.INQUIRE).exclude(status="done").exists()


def test_a_callback_costs_one_insert_however_many_messages_it_carries(client, money_case, officer, now):
    case = money_case()
    inquiry_start(case=case, actor=officer, now=now)
    orders = list(Order.objects.filter(case=case, institution="wechatpay"))
    batch = {
        "batch_id": "wechatpay-b9",
        "messages": [accepted(o) for o in orders] + [done(o, {}) for o in orders],
    }
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, batch, code="wechatpay", key="wechatpay-b9")
    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and statements[0].startswith("INSERT"), statements
