"""The 参考价 panel on the case file and its API: 定向询价 of the family home through the page,
a refusal shown as a Chinese message with its article (nothing written), another court's staff
kept out, and the reference price read back through the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.core.clock import FixedClock, use_clock
from lastmile.testing.factories import UserFactory
from lastmile.valuation.models import Valuation, ValuationStatus

pytestmark = pytest.mark.django_db


def test_directed_inquiry_of_the_home_through_the_page_and_the_api(case, seized, officer, now, clock):
    home = seized("real_estate", market_value="880000")
    shares = seized("equity", "股权-9")
    c = Client()
    c.force_login(officer)
    page = c.get(reverse("web:case_detail", args=[case.pk]))
    assert page.status_code == 200 and "财产处置参考价" in page.content.decode()
    refused = c.post(
        reverse("valuation:start", args=[case.pk]), {"asset": shares.pk, "method": "directed"}, follow=True
    )
    assert "第5条" in refused.content.decode() and not Valuation.objects.exists()
    c.post(reverse("valuation:start", args=[case.pk]), {"asset": home.pk, "method": "directed"})
    v = Valuation.objects.get()
    with use_clock(FixedClock(now + timedelta(days=1))):
        c.post(reverse("valuation:act", args=[v.pk, "collect"]))
        v.refresh_from_db()
        assert v.status == ValuationStatus.FINAL
        body = c.get(f"/api/v1/valuation/assets/{home.pk}/reference-price").json()
    assert body["method"] == "directed" and Decimal(str(body["value"])) == v.price
    assert body["valid_until"] == v.valid_until.isoformat()
    listed = c.get(f"/api/v1/valuation/cases/{case.pk}").json()
    assert listed[0]["status"] == "final"


def test_api_refusal_is_a_code_and_another_court_sees_nothing(case, seized, officer, courts, clock):
    shares = seized("equity", "股权-10")
    c = Client()
    c.force_login(officer)
    r = c.post(
        f"/api/v1/valuation/cases/{case.pk}",
        {"asset_id": shares.pk, "method": "directed"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "valuation_method_not_available"
    other = UserFactory(court=courts["湘0702"], role=Role.ENFORCEMENT_JUDGE)
    c2 = Client()
    c2.force_login(other)
    assert c2.get(f"/api/v1/valuation/cases/{case.pk}").status_code == 404
    assert c2.get(f"/api/v1/valuation/assets/{shares.pk}/reference-price").status_code == 404
    assert (
        c2.post(
            reverse("valuation:start", args=[case.pk]), {"asset": shares.pk, "method": "online"}
        ).status_code
        == 302
    )
    assert not Valuation.objects.exists()
