"""扣划 and 解除 are the enforcement judge's: the command center and an 执行员 are refused, in the
service, on the page and in the API, and nothing changes (民事诉讼法 2023 art. 253; 查封规定 2020
art. 28)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.core.errors import PermissionDenied
from lastmile.inquiry.models import Control, Freeze, FreezeStatus, Order
from lastmile.inquiry.services import (
    controls_release_all,
    freeze_deduct,
    freeze_release,
    freeze_renew,
    inquiry_start,
)
from lastmile.testing.factories import UserFactory

from .test_services import answer_inquiries, confirm_freezes, deposit

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(money_case, officer, now):
    """A case owing 10,000 yuan with one active freeze of all of it, ordered by the judge (``officer``)."""
    case = money_case(principal="10000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "20000")]})
    confirm_freezes(case, now)
    freeze = Freeze.objects.get(case=case)
    assert freeze.status == FreezeStatus.ACTIVE and freeze.amount_held == Decimal("10000.00")
    return case, freeze


@pytest.fixture
def command_center(yuelu):
    return UserFactory(court=yuelu, role=Role.COMMAND_CENTER, username="yl_command")


@pytest.fixture
def enforcement_officer(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="yl_zhixingyuan")


def _state(case):
    return (
        list(Order.objects.filter(case=case).order_by("pk").values()),
        list(Freeze.objects.filter(case=case).order_by("pk").values()),
        list(Control.objects.filter(case=case).values()),
        CaseEvent.objects.filter(court=case.court).count(),
    )


@pytest.mark.parametrize("who", ["command_center", "enforcement_officer"])
def test_command_center_and_officer_cannot_deduct_or_release(request, who, frozen, now):
    case, freeze = frozen
    actor = request.getfixturevalue(who)
    before = _state(case)
    for act in (
        lambda: freeze_deduct(freeze=freeze, actor=actor, now=now),
        lambda: freeze_release(freeze=freeze, actor=actor, now=now, reason="试图解除"),
        lambda: controls_release_all(case=case, reason="试图解除全部", actor=actor, now=now),
    ):
        with pytest.raises(PermissionDenied) as exc:
            act()
        assert exc.value.details["capability"] in {"control.deduct", "control.release"}
    assert _state(case) == before
    # What they may still do: renew a freeze before it lapses (an 执行员 or the command center
    # keeps the control alive; only the judge moves or lifts the money).
    freeze_renew(freeze=freeze, actor=actor, now=now)


def test_enforcement_judge_deducts_and_releases(frozen, officer, money_case, now):
    _case, freeze = frozen
    assert officer.role == Role.ENFORCEMENT_JUDGE
    deduct = freeze_deduct(freeze=freeze, actor=officer, now=now)
    assert (deduct.kind, deduct.amount, deduct.created_by) == ("deduct", Decimal("10000.00"), officer)

    other = money_case(principal="5000")
    inquiry_start(case=other, actor=officer, now=now)
    answer_inquiries(other, now, {"wechatpay": [deposit("wx-2", "9000")]})
    confirm_freezes(other, now)
    release = freeze_release(
        freeze=Freeze.objects.get(case=other), actor=officer, now=now, reason="案外人异议成立"
    )
    assert release.kind == "unfreeze" and release.created_by == officer
    assert (
        controls_release_all(case=other, reason="执行和解", actor=officer, now=now) == 0
    )  # already releasing


def test_page_hides_and_refuses_deduct_and_release_for_the_officer(
    client, frozen, officer, enforcement_officer, clock
):
    case, freeze = frozen
    page = reverse("web:case_detail", args=[case.pk])
    deduct_url = reverse("inquiry:freeze_action", args=[freeze.pk, "deduct"])
    release_url = reverse("inquiry:freeze_action", args=[freeze.pk, "release"])
    renew_url = reverse("inquiry:freeze_action", args=[freeze.pk, "renew"])

    client.force_login(enforcement_officer)
    html = client.get(page).content.decode()
    assert renew_url in html and deduct_url not in html and release_url not in html
    before = _state(case)
    client.post(deduct_url)
    client.post(release_url, {"reason": "x"})
    api = client.post(f"/api/v1/inquiry/freezes/{freeze.pk}/deduct")
    assert (api.status_code, api.json()["code"]) == (403, "permission_denied")
    api = client.post(f"/api/v1/inquiry/freezes/{freeze.pk}/release")
    assert (api.status_code, api.json()["code"]) == (403, "permission_denied")
    assert _state(case) == before

    client.force_login(officer)
    html = client.get(page).content.decode()
    assert deduct_url in html and release_url in html
    ok = client.post(f"/api/v1/inquiry/freezes/{freeze.pk}/deduct")
    assert ok.status_code == 200 and ok.json()["kind"] == "deduct"
