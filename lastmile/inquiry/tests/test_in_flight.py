"""An act in flight (issue M item 9.3): a deduction, release or renewal sent and not yet answered
shows as sent, with the time, instead of offering the act again; a second one is refused and
nothing is sent twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lastmile.inquiry.models import Freeze, Order, OrderKind
from lastmile.inquiry.services import inquiry_start

from .test_services import answer_inquiries, confirm_freezes, deposit

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_a_deduction_sent_shows_as_awaiting_the_bank_and_is_not_offered_again(
    client, money_case, officer, now, clock
):
    case = money_case(principal="10000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "4000")]})
    confirm_freezes(case, now)
    freeze = Freeze.objects.get(case=case)
    client.force_login(officer)
    before = client.get(reverse("inquiry:panel", args=[case.pk])).content.decode()
    deduct_url = reverse("inquiry:freeze_action", args=[freeze.pk, "deduct"])
    assert deduct_url in before and f'data-in-flight="{freeze.pk}"' not in before

    html = client.post(deduct_url, headers=HTMX).content.decode()
    assert f'data-in-flight="{freeze.pk}"' in html and "扣划已发送，等待银行回执" in html and "发送于" in html
    assert deduct_url not in html  # the buttons are gone while the bank has not answered
    assert reverse("inquiry:freeze_action", args=[freeze.pk, "release"]) not in html

    # a second click (a stale page, a double submit) is refused; one order only
    again = client.post(deduct_url, headers=HTMX).content.decode()
    assert "已有正在办理的扣划或解除指令" in again
    release = client.post(reverse("inquiry:freeze_action", args=[freeze.pk, "release"]), headers=HTMX)
    assert "已有正在办理的扣划或解除指令" in release.content.decode()
    assert Order.objects.filter(freeze=freeze, kind=OrderKind.DEDUCT).count() == 1
    assert not Order.objects.filter(freeze=freeze, kind=OrderKind.UNFREEZE).exists()
