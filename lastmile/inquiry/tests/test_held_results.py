"""A signed "deduction done" is booked only for a deduction in flight and within its order;
anything else is held for review, never booked (issue I.2). And the demo keys authenticate
nothing outside demo mode."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.core.errors import Conflict, InvalidAmount, InvalidTransition, PermissionDenied
from lastmile.inquiry import conf, protocol
from lastmile.inquiry.models import (
    Freeze,
    FreezeStatus,
    HeldResult,
    HoldReason,
    Order,
    OrderKind,
    OrderStatus,
)
from lastmile.inquiry.ports import SendOutcome
from lastmile.inquiry.services import (
    freeze_deduct,
    freeze_release,
    held_result_review,
    inbox_apply,
    inbox_receive,
    inquiry_start,
    order_outcome_apply,
)
from lastmile.ledger.models import Receipt
from lastmile.ledger.services import amount_outstanding
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
D = Decimal
BANK_KEY = "a-key-agreed-with-wechatpay-0123456789abcdef"


def done(order, result, suffix="done"):
    return {"message_id": f"{order.key}:{suffix}", "order_id": order.key, "status": "done", "result": result}


def _frozen_case(money_case, officer, now, principal="25553.14", balance="90000.00"):
    """A case whose debtor's WeChat balance is frozen for the whole debt, and a deduct order."""
    case = money_case(principal=principal)
    inquiry_start(case=case, actor=officer, now=now)
    for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE):
        assets = (
            [{"kind": "deposit", "identifier": "wx-1", "balance": balance}]
            if order.institution == "wechatpay"
            else []
        )
        inbox_receive(institution=order.institution, message=done(order, {"assets": assets}), now=now)
    freeze_order = Order.objects.get(case=case, kind=OrderKind.FREEZE)
    inbox_receive(
        institution="wechatpay",
        message=done(freeze_order, {"frozen_amount": str(freeze_order.amount), "freeze_ref": "R1"}),
        now=now,
    )
    freeze = Freeze.objects.get(case=case)
    assert freeze.status == FreezeStatus.ACTIVE and freeze.amount_held == D(principal)
    deduct = freeze_deduct(freeze=freeze, actor=officer, now=now)
    assert deduct.amount == D(principal)
    return case, freeze, deduct


def _post_signed(client, message, *, code, secret):
    body = protocol.dumps(message)
    path = reverse("inquiry:callback")
    headers = protocol.signed_headers(
        institution_code=code,
        secret=secret,
        method="POST",
        path=path,
        key=message["message_id"],
        body=body,
        now=time.time(),
    )
    wanted = {k: v for k, v in headers.items() if k.startswith("X-")}
    return client.post(path, data=body, content_type="application/json", headers=wanted)


@pytest.fixture
def production_keys(settings):
    """Production: demo mode off, the institution's real key configured."""
    inquiry = {**settings.LASTMILE.get("INQUIRY", {}), "KEYS": {"wechatpay": BANK_KEY}}
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": False, "INQUIRY": inquiry}
    conf._gateway.cache_clear()


def test_signed_deduction_above_the_order_is_held_and_books_nothing(
    client, money_case, officer, now, production_keys
):
    case, freeze, deduct = _frozen_case(money_case, officer, now)
    owed_before = amount_outstanding(case=case, as_of=now.date())
    forged = done(deduct, {"deducted_amount": "1000000.00"})
    response = _post_signed(client, forged, code="wechatpay", secret=BANK_KEY)
    assert response.status_code == 200  # correctly signed: accepted into the inbox …
    inbox_apply(now=now)  # … and applied by the inquiry worker

    assert not Receipt.objects.filter(case=case).exists()  # … but nothing is booked
    assert amount_outstanding(case=case, as_of=now.date()) == owed_before
    freeze.refresh_from_db()
    assert (freeze.status, freeze.amount_held, freeze.amount_deducted) == (
        FreezeStatus.ACTIVE,
        D("25553.14"),
        D("0.00"),
    )
    held = HeldResult.objects.get(case=case)
    assert (held.reason, held.amount, held.order_amount, held.order_id) == (
        HoldReason.OVER_AMOUNT,
        D("1000000.00"),
        D("25553.14"),
        deduct.pk,
    )
    deduct.refresh_from_db()
    assert deduct.status == OrderStatus.HELD and "待人工核对" in deduct.last_error
    assert CaseEvent.objects.filter(case=case, kind="inquiry.result_held").count() == 1
    assert not CaseEvent.objects.filter(case=case, kind="inquiry.deducted").exists()

    # A repeat of the same message, or the answer to a re-query, changes nothing more.
    _post_signed(client, forged, code="wechatpay", secret=BANK_KEY)
    inbox_apply(now=now)
    order_outcome_apply(
        order_id=deduct.pk, outcome=SendOutcome(deduct.key, "result", message=forged), now=now
    )
    assert HeldResult.objects.filter(case=case).count() == 1
    assert not Receipt.objects.filter(case=case).exists()


def test_deduction_result_for_an_order_not_in_flight_is_held(money_case, officer, now):
    case, freeze, deduct = _frozen_case(money_case, officer, now)
    # The institution refused the order: it is final, no longer in flight.
    inbox_receive(
        institution="wechatpay",
        message={
            "message_id": f"{deduct.key}:rejected",
            "order_id": deduct.key,
            "status": "rejected",
            "error": {"message": "账户状态异常"},
        },
        now=now,
    )
    deduct.refresh_from_db()
    assert deduct.status == OrderStatus.FAILED
    # A later "done" for exactly the ordered amount, correctly signed, is still not booked.
    inbox_receive(institution="wechatpay", message=done(deduct, {"deducted_amount": "25553.14"}), now=now)
    assert not Receipt.objects.filter(case=case).exists()
    held = HeldResult.objects.get(case=case)
    assert held.reason == HoldReason.NOT_IN_FLIGHT and held.order_status == OrderStatus.FAILED
    freeze.refresh_from_db()
    assert (freeze.status, freeze.amount_deducted) == (FreezeStatus.ACTIVE, D("0.00"))


def test_deduction_within_the_order_is_still_booked(money_case, officer, now):
    case, freeze, deduct = _frozen_case(money_case, officer, now)
    inbox_receive(institution="wechatpay", message=done(deduct, {"deducted_amount": "25553.14"}), now=now)
    assert Receipt.objects.get(case=case, source="bank_deduction").amount == D("25553.14")
    assert not HeldResult.objects.exists()
    freeze.refresh_from_db()
    assert freeze.status == FreezeStatus.DEDUCTED


def test_held_result_is_shown_in_the_queue_and_reviewed_by_the_enforcement_judge(
    client, money_case, officer, now, yuelu
):
    case, freeze, deduct = _frozen_case(money_case, officer, now)
    inbox_receive(institution="wechatpay", message=done(deduct, {"deducted_amount": "1000000.00"}), now=now)
    held = HeldResult.objects.get(case=case)

    # While it waits, the freeze cannot be deducted or released again.
    with pytest.raises(Conflict):
        freeze_deduct(freeze=freeze, actor=officer, now=now)
    with pytest.raises(Conflict):
        freeze_release(freeze=freeze, actor=officer, now=now)
    assert Order.objects.filter(case=case, kind__in=[OrderKind.DEDUCT, OrderKind.UNFREEZE]).count() == 1

    client.force_login(officer)
    page = client.get(reverse("inquiry:queue")).content.decode()
    assert "待核对的机构回报" in page and "1,000,000.00" in page

    command = UserFactory(court=yuelu, role=Role.COMMAND_CENTER, username="zhihui_h2")
    with pytest.raises(PermissionDenied):
        held_result_review(held=held, actor=command, now=now, note="已对账")
    with pytest.raises(InvalidAmount):
        held_result_review(held=held, actor=officer, now=now, note="  ")
    held.refresh_from_db()
    assert held.reviewed_at is None

    response = client.post(
        reverse("inquiry:held_review", args=[held.pk]), {"note": "机构确认为报文错误，未扣款"}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.reviewed_by == officer and held.review_note == "机构确认为报文错误，未扣款"
    deduct.refresh_from_db()
    assert (deduct.status, deduct.superseded) == (OrderStatus.FAILED, True)
    with pytest.raises(InvalidTransition):
        held_result_review(held=held, actor=officer, now=now, note="again")
    assert not Receipt.objects.filter(case=case).exists()  # reviewing books nothing
    # The freeze can be worked again.
    assert freeze_deduct(freeze=freeze, actor=officer, now=now).amount == D("25553.14")


def test_demo_keys_authenticate_nothing_outside_demo_mode(client, money_case, officer, now, settings):
    case = money_case()
    inquiry_start(case=case, actor=officer, now=now)
    order = Order.objects.get(case=case, institution="wechatpay")
    msg = done(order, {"assets": []})
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": False}
    assert conf.institution_key("wechatpay") is None
    refused = _post_signed(client, msg, code="wechatpay", secret=protocol.demo_key("wechatpay"))
    assert (refused.status_code, refused.json()["code"]) == (401, "unknown_institution")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": True}
    assert conf.institution_key("wechatpay") == protocol.demo_key("wechatpay")
    assert (
        _post_signed(client, msg, code="wechatpay", secret=protocol.demo_key("wechatpay")).status_code == 200
    )
