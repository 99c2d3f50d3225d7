"""The 扣押、收入、到期债权与轮候查封 panel on the case file: the 摊铺机 distrained and the wages
withheld then released through the pages; a refusal comes back as a message with its basis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lastmile.inquiry.models import Custody, IncomeWithholding, WithholdingStatus

pytestmark = pytest.mark.django_db


def test_distrain_and_withhold_then_release_wages_through_the_page(money_case, officer, clock):
    case = money_case()
    debtor = case.case_parties.get(role="respondent").party
    c = Client()
    c.force_login(officer)
    assert (
        "扣押、收入、到期债权与轮候查封" in c.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    )
    c.post(
        reverse("takings:case_act", args=[case.pk, "distrain"]),
        {
            "party": debtor.pk,
            "description": "摊铺机一台",
            "identifier": "SAP90-P1",
            "custodian": "申请执行人",
            "place": "马鞍山市某停车场",
            "assisting_court": "马鞍山市雨山区人民法院",
            "costs": "1,200.00",
        },
    )
    assert Custody.objects.get().costs == Decimal("1200.00")
    low = c.post(
        reverse("takings:case_act", args=[case.pk, "income"]),
        {"party": debtor.pk, "employer": "某公司", "monthly_income": "900", "dependants": "1"},
        follow=True,
    )
    assert "第254条" in low.content.decode() and not IncomeWithholding.objects.exists()
    c.post(
        reverse("takings:case_act", args=[case.pk, "income"]),
        {"party": debtor.pk, "employer": "某公司", "monthly_income": "8000", "dependants": "2"},
    )
    w = IncomeWithholding.objects.get()
    c.post(reverse("takings:row_act", args=["income", w.pk, "release"]), {"reason": "保障家庭基本生活"})
    w.refresh_from_db()
    assert w.status == WithholdingStatus.RELEASED
    page = c.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "已解除" in page and "摊铺机一台" in page


@pytest.mark.parametrize("bad", ["abc", "²", "9" * 40, "-1"])
def test_a_party_or_asset_field_that_names_nothing_is_a_message_not_a_500(money_case, officer, clock, bad):
    case = money_case()
    c = Client()
    c.force_login(officer)
    for action in ("distrain", "income", "receivable"):
        r = c.post(reverse("takings:case_act", args=[case.pk, action]), {"party": bad}, follow=True)
        assert r.status_code == 200 and "请选择本案当事人" in r.content.decode()
    assert not Custody.objects.exists() and not IncomeWithholding.objects.exists()
