"""扣划 every frozen account of a case in one act (issue M item 4): one order per money freeze,
together never more than is owed (counting the orders already sent), refusals named, nothing
twice; an officer without the ruling power changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.inquiry.models import Order, OrderKind
from lastmile.inquiry.services import inquiry_start
from lastmile.ledger.services import amount_outstanding, receipt_record
from lastmile.testing.factories import UserFactory

from .test_services import answer_inquiries, confirm_freezes, deposit

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def frozen_case(money_case, officer, now):
    case = money_case(principal="10000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(
        case,
        now,
        {
            "icbc": [deposit("icbc-1", "8000")],
            "wechatpay": [deposit("wx-1", "3000")],
            "alipay": [deposit("ali-1", "500")],
        },
    )
    confirm_freezes(case, now)
    # the debtor paid 2,000 meanwhile: 9,640 is frozen, 8,000 is owed
    receipt_record(
        case=case,
        amount=D("2000"),
        source="debtor_transfer",
        idempotency_key="p1",
        received_at=now,
        actor=None,
    )
    assert amount_outstanding(case=case, as_of=now.date()) == D("8000.00")
    return case


def deductions(case):
    return {o.asset.identifier: o.amount for o in Order.objects.filter(case=case, kind=OrderKind.DEDUCT)}


def test_one_act_orders_a_deduction_per_freeze_never_over_what_is_owed(client, frozen_case, officer, clock):
    client.force_login(officer)
    r = client.post(reverse("inquiry:deduct_all", args=[frozen_case.pk]))
    assert r.status_code == 302 and r["Location"].endswith("#tab-property")
    assert deductions(frozen_case) == {"wx-1": D("3000.00"), "ali-1": D("500.00"), "icbc-1": D("4500.00")}
    notes = [str(m) for m in get_messages(r.wsgi_request)]
    assert "已对3个账户发出扣划指令，合计8,000.00元。" in notes
    # again: every account has an order in flight; nothing is sent twice
    events = CaseEvent.objects.filter(case=frozen_case).count()
    r = client.post(reverse("inquiry:deduct_all", args=[frozen_case.pk]))
    notes = [str(m) for m in get_messages(r.wsgi_request)]
    assert [n for n in notes if "正在办理" in n] == notes[-3:] and "合计" not in notes[-1]
    assert len(deductions(frozen_case)) == 3 and CaseEvent.objects.filter(case=frozen_case).count() == events


def test_the_button_is_on_the_property_tab_and_an_officer_without_the_power_changes_nothing(
    client, frozen_case, officer, yuelu
):
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[frozen_case.pk])).content.decode()
    assert reverse("inquiry:deduct_all", args=[frozen_case.pk]) in page and "全部扣划" in page
    executor = UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER)
    client.force_login(executor)
    r = client.post(reverse("inquiry:deduct_all", args=[frozen_case.pk]))
    assert any("权限" in str(m) for m in get_messages(r.wsgi_request))
    assert not deductions(frozen_case)
