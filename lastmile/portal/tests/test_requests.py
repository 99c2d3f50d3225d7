"""The debtor online: it offers to pay and asks for the release of a freeze from the portal (the
Linxiang debtor had to phone the judge); the officer sees the request on the case and on its
workbench and answers; the answer shows to the debtor and to nobody else."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.cases.models import CaseEvent, Deadline
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied
from lastmile.inquiry.services import inquiry_start
from lastmile.inquiry.tests.conftest import money_case  # noqa: F401  (fixture)
from lastmile.inquiry.tests.test_services import answer_inquiries, confirm_freezes, deposit
from lastmile.portal import services
from lastmile.portal.models import PartyRequest, RequestStatus
from lastmile.portal.services_requests import (
    freeze_release_request,
    party_request_answer,
    payment_offer_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(money_case, officer, now):  # noqa: F811
    """A 执 case owing 10,000 yuan with one active freeze, and portal accounts of both sides."""
    case = money_case(principal="10000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "20000")]})
    confirm_freezes(case, now)
    debtor = case.case_parties.get(role="respondent").party
    applicant = case.case_parties.get(role="applicant").party
    return (
        case,
        services.portal_account_create(party=debtor, username="d", password="pw-123456", now=now),
        services.portal_account_create(party=applicant, username="a", password="pw-123456", now=now),
    )


def _counts(case):
    return (
        PartyRequest.objects.count(),
        CaseEvent.objects.filter(case=case).count(),
        Deadline.objects.filter(case=case).count(),
    )


def test_offer_reaches_the_officer_and_the_answer_reaches_the_debtor_only(frozen, officer, now):
    case, debtor, _applicant = frozen
    offer = payment_offer_submit(
        account=debtor,
        case=case,
        amount=Decimal("10000"),
        installments=4,
        first_due_on=date(2025, 3, 15),
        text="每月15日还款",
        now=now,
    )
    event = CaseEvent.objects.get(case=case, kind="portal.request_submitted")
    assert "愿意支付10,000.00元，分4期支付" in event.summary
    assert event.data["recipient"] == debtor.party_id
    deadline = Deadline.objects.get(case=case, kind="party_request", done_at__isnull=True)
    assert deadline.assignee_id == officer.pk and deadline.due_on > now.date()

    party_request_answer(
        actor=officer, request_id=offer.pk, answer="已转告申请执行人，同意按4期履行。", now=now
    )
    offer.refresh_from_db()
    assert offer.status == RequestStatus.ANSWERED and offer.answered_by == officer
    deadline.refresh_from_db()
    assert deadline.done_at == now
    with pytest.raises(InvalidTransition):
        party_request_answer(actor=officer, request_id=offer.pk, answer="再答", now=now)


def test_only_the_debtor_side_may_offer_or_ask_for_release_and_nothing_is_written(frozen, now):
    case, _debtor, applicant = frozen
    before = _counts(case)
    with pytest.raises(PermissionDenied, match="只有本案被执行人"):
        payment_offer_submit(
            account=applicant,
            case=case,
            amount=Decimal("1"),
            installments=1,
            first_due_on=now.date(),
            text="",
            now=now,
        )
    with pytest.raises(PermissionDenied, match="只有本案被执行人"):
        freeze_release_request(account=applicant, case=case, reason="paid", text="", now=now)
    assert _counts(case) == before


def test_bad_offers_are_refused_in_chinese(frozen, now):
    case, debtor, _ = frozen
    before = _counts(case)
    for amount, n, first, message in (
        (Decimal("0"), 1, now.date(), "大于0元"),
        (Decimal("100"), 37, now.date(), "分期数"),
        (Decimal("100"), 2, now.date() - timedelta(days=1), "不能早于今天"),
    ):
        with pytest.raises(ConditionsNotMet, match=message):
            payment_offer_submit(
                account=debtor, case=case, amount=amount, installments=n, first_due_on=first, text="", now=now
            )
    assert _counts(case) == before


def test_release_needs_a_freeze_in_force_a_reason_and_one_at_a_time(frozen, money_case, now):  # noqa: F811
    case, debtor, _ = frozen
    with pytest.raises(ConditionsNotMet, match="说明"):
        freeze_release_request(account=debtor, case=case, reason="other", text="", now=now)
    freeze_release_request(account=debtor, case=case, reason="necessities", text="冻结的是工资卡", now=now)
    with pytest.raises(InvalidTransition, match="等待法院答复"):
        freeze_release_request(account=debtor, case=case, reason="excess", text="", now=now)
    unfrozen = money_case(principal="5000", debtors=[debtor.party])
    with pytest.raises(InvalidTransition, match="没有已生效的冻结"):
        freeze_release_request(account=debtor, case=unfrozen, reason="paid", text="", now=now)


def test_another_courts_officer_cannot_answer(frozen, now, wuling):
    from lastmile.accounts.models import Role
    from lastmile.testing.factories import UserFactory

    case, debtor, _ = frozen
    request = freeze_release_request(account=debtor, case=case, reason="paid", text="", now=now)
    stranger = UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_judge")
    with pytest.raises(NotFound, match="申请不存在"):
        party_request_answer(actor=stranger, request_id=request.pk, answer="同意", now=now)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_pages_debtor_asks_officer_answers_debtor_reads_applicant_sees_nothing(
    client, frozen, officer, clock
):
    case, debtor, applicant = frozen
    client.force_login(debtor.user)
    page = client.get(reverse("portal:party_case", args=[case.pk])).content.decode()
    assert "我愿意付款" in page and "申请解除冻结" in page
    response = client.post(
        reverse("portal:party_release", args=[case.pk]),
        {"reason": "necessities", "text": "冻结的是工资卡，家里要生活"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("portal:party_offer", args=[case.pk]),
        {"amount": "10,000", "installments": "4", "first_due_on": "2025-03-15", "text": ""},
    )
    assert response.status_code == 302
    assert PartyRequest.objects.filter(case=case).count() == 2

    # The officer: on its 当事人申请 page, on the case's timeline, and on its workbench.
    client.force_login(officer)
    staff = client.get(reverse("portal:staff_requests")).content.decode()
    assert "申请解除冻结" in staff and "冻结的是工资卡" in staff and "10,000.00" in staff
    timeline = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "被执行人网上申请解除冻结" in timeline
    bench = client.get(reverse("web:workbench")).content.decode()
    assert "答复当事人网上申请" in bench
    release = PartyRequest.objects.get(kind="freeze_release")
    client.post(
        reverse("portal:staff_request_answer", args=[release.pk]),
        {"answer": "经审查，该账户为工资账户，已裁定解除冻结。"},
    )

    client.force_login(debtor.user)
    page = client.get(reverse("portal:party_case", args=[case.pk])).content.decode()
    assert "已裁定解除冻结" in page

    client.force_login(applicant.user)
    page = client.get(reverse("portal:party_case", args=[case.pk])).content.decode()
    assert "工资卡" not in page and "已裁定解除冻结" not in page and "履行方案" not in page
    assert client.get(reverse("portal:staff_requests")).status_code == 403


def test_offer_page_shows_bad_input_in_chinese(client, frozen, clock):
    case, debtor, _ = frozen
    client.force_login(debtor.user)
    response = client.post(
        reverse("portal:party_offer", args=[case.pk]),
        {"amount": "abc", "installments": "4", "first_due_on": "2025-03-15"},
    )
    assert response.status_code == 200 and "金额" in response.content.decode()
    assert not PartyRequest.objects.exists()


def test_the_applicant_is_refused_the_debtors_pages(client, frozen, clock):
    case, _debtor, applicant = frozen
    client.force_login(applicant.user)
    for name in ("portal:party_offer", "portal:party_release"):
        response = client.get(reverse(name, args=[case.pk]))
        assert response.status_code == 403 and "只有本案被执行人" in response.content.decode()
    page = client.get(reverse("portal:party_case", args=[case.pk])).content.decode()
    assert "我愿意付款" not in page


def test_api_offer_and_release_with_json_error_codes(client, frozen, clock):
    case, debtor, applicant = frozen
    base = f"/api/v1/party/cases/{case.pk}"
    client.force_login(applicant.user)
    refused = client.post(
        f"{base}/payment-offers",
        {"amount": "100.00", "installments": 1, "first_due_on": "2025-03-10"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert (
        refused.json()["code"] == "permission_denied" and refused.json()["details"]["reason"] == "not_debtor"
    )

    client.force_login(debtor.user)
    late = client.post(
        f"{base}/payment-offers",
        {"amount": "100.00", "installments": 1, "first_due_on": "2025-01-01"},
        content_type="application/json",
    )
    assert late.status_code == 409 and late.json()["code"] == "conditions_not_met"
    assert not PartyRequest.objects.exists()
    made = client.post(
        f"{base}/payment-offers",
        {"amount": "10000.00", "installments": 4, "first_due_on": "2025-03-15"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["kind"] == "payment_offer"
    release = client.post(f"{base}/freeze-releases", {"reason": "excess"}, content_type="application/json")
    assert release.status_code == 201 and release.json()["status"] == "pending"
    listed = client.get(f"{base}/requests").json()
    assert {r["kind"] for r in listed} == {"payment_offer", "freeze_release"}
