"""The acts after a measure is taken, through the case page and the API (issue M item 1): each one
changes the state it names; a refusal shows its Chinese legal basis and changes nothing; another
court's rows are not found."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from lastmile.accounts.models import Role, Team
from lastmile.cases.models import CaseParty, PartyRole
from lastmile.measures.models import (
    CorrectionRequest,
    DebtorProfile,
    DishonestListing,
    DishonestNotApplicable,
    EnterpriseScreening,
    GracePeriod,
    GuardrailOverride,
    HomeDesignation,
    ListingStatus,
    Measure,
    MeasureKind,
    MeasureReview,
    MeasureStatus,
    OperationTarget,
    RefusalReferral,
    SpecialOperation,
    TemporaryLift,
)
from lastmile.testing.factories import OrganisationFactory, UserFactory

from .helpers import list_debtor, snapshot, take

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post_json(c: Client, url: str, body: dict) -> tuple[int, dict]:
    r = c.post(url, json.dumps(body), content_type="application/json")
    return r.status_code, r.json()


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _restriction(officer, president, case, debtor, now) -> Measure:
    return take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor,
        kind=MeasureKind.CONSUMPTION_RESTRICTION,
        now=now,
    )


def test_the_case_page_offers_the_acts_after_a_measure(officer, president, case, debtor_person, now, clock):
    _restriction(officer, president, case, debtor_person, now)
    page = _client(officer).get(f"/cases/{case.pk}/").content.decode()
    for label in ("解除限制消费", "提请临时解除限消", "制作拒执移送材料", "给予宽限期", "登记居住房屋认定"):
        assert label in page


def test_lift_a_restriction_from_the_case_page_needs_a_confirmation(
    officer, president, case, debtor_person, now, clock
):
    m = _restriction(officer, president, case, debtor_person, now)
    c = _client(officer)
    before = snapshot(case)
    r = c.post(f"/measures/{m.pk}/act/", {"action": "lift", "reason": "已全部履行"}, follow=True)
    assert r.status_code == 200 and "请勾选确认" in _messages(r)
    assert "最高人民法院关于限制被执行人高消费及有关消费的若干规定" in _messages(r)  # the basis, in Chinese
    assert snapshot(case) == before
    r = c.post(f"/measures/{m.pk}/act/", {"action": "lift", "reason": "已全部履行", "confirm": "1"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == MeasureStatus.LIFTED


def test_lift_through_the_api_and_a_listing_is_refused_with_a_code(
    officer, president, case, debtor_person, now, clock
):
    m = _restriction(officer, president, case, debtor_person, now)
    status, body = _post_json(_client(officer), f"/api/v1/measures/{m.pk}/lift", {"reason": "已全部履行"})
    assert status == 200 and body["status"] == "lifted"
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    status, body = _post_json(
        _client(officer), f"/api/v1/measures/{listing.measure_id}/lift", {"reason": "x"}
    )
    assert status >= 400 and body["code"] and "删除或撤销" in body["message"]


def test_temporary_lift_proposed_by_the_officer_approved_by_the_president(
    officer, president, case, debtor_person, now, clock
):
    m = _restriction(officer, president, case, debtor_person, now)
    r = _client(officer).post(
        f"/measures/{m.pk}/act/",
        {
            "action": "temporary_lift_propose",
            "reason_kind": "illness",
            "starts_on": "2025-03-04",
            "ends_on": "2025-04-20",
        },
        follow=True,
    )
    assert "最长不超过一个月" in _messages(r) and not TemporaryLift.objects.exists()
    _client(officer).post(
        f"/measures/{m.pk}/act/",
        {
            "action": "temporary_lift_propose",
            "reason_kind": "illness",
            "starts_on": "2025-03-04",
            "ends_on": "2025-03-20",
        },
    )
    lift = TemporaryLift.objects.get()
    assert lift.status == "proposed"
    assert "院长批准临时解除" in _client(president).get(f"/cases/{case.pk}/").content.decode()
    r = _client(officer).post(
        f"/measures/{m.pk}/act/", {"action": "temporary_lift_decide", "lift": lift.pk, "approve": "1"}
    )
    lift.refresh_from_db()
    assert lift.status == "proposed"  # the officer may not approve
    _client(president).post(
        f"/measures/{m.pk}/act/", {"action": "temporary_lift_decide", "lift": lift.pk, "approve": "1"}
    )
    lift.refresh_from_db()
    assert lift.status == "approved"


def test_review_of_a_fine_applied_and_decided(officer, president, case, debtor_person, now, clock):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=MeasureKind.FINE,
        now=now,
        amount=Decimal("5000"),
    )
    c = _client(officer)
    r = c.post(
        f"/measures/{m.pk}/act/",
        {"action": "review_apply", "applied_on": "2025-03-20", "grounds": "无力缴纳"},
        follow=True,
    )
    assert "复议申请期" in _messages(r) and "民事诉讼法" in _messages(r)
    assert not MeasureReview.objects.exists()
    c.post(
        f"/measures/{m.pk}/act/",
        {"action": "review_apply", "applied_on": "2025-03-04", "grounds": "无力缴纳"},
    )
    review = MeasureReview.objects.get()
    status, body = _post_json(
        c, f"/api/v1/measures/reviews/{review.pk}/decide", {"outcome": "revoked", "decided_on": "2025-03-06"}
    )
    assert status == 200 and body["outcome"] == "revoked"
    m.refresh_from_db()
    assert m.status == MeasureStatus.REVOKED


def test_listing_removed_and_corrected(officer, president, case, debtor_person, now, clock):
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    c = _client(officer)
    # a correction request, received on the page and decided through the API
    c.post(
        f"/measures/listings/{listing.pk}/act/", {"action": "correction_receive", "content": "履行情况有误"}
    )
    req = CorrectionRequest.objects.get()
    assert req.review_due_on == date(2025, 3, 18)
    status, body = _post_json(
        c,
        f"/api/v1/measures/corrections/{req.pk}/decide",
        {"outcome": "corrected", "note": "核实", "performance": "部分履行"},
    )
    assert status == 200 and body["status"] == "corrected"
    listing.refresh_from_db()
    assert listing.performance == "部分履行" and listing.status in (
        ListingStatus.GRACE,
        ListingStatus.PUBLISHED,
    )
    # removal: the ground must fit (a fixed-period listing is not removed as "performed")
    before = snapshot(case)
    r = c.post(
        f"/measures/listings/{listing.pk}/act/",
        {"action": "listing_remove", "ground": "applicant_request", "confirm": "1"},
        follow=True,
    )
    assert "最高人民法院关于公布失信被执行人名单信息的若干规定" in _messages(r)
    assert snapshot(case) == before
    c.post(
        f"/measures/listings/{listing.pk}/act/",
        {"action": "listing_remove", "ground": "early", "note": "主动履行", "confirm": "1"},
    )
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED and listing.removal_ground == "early"


def test_refusal_referral_prepared_and_advanced_by_stage(officer, president, case, debtor_person, now, clock):
    m = _restriction(officer, president, case, debtor_person, now)
    c = _client(officer)
    c.post(
        f"/measures/cases/{case.pk}/act/",
        {
            "action": "referral_prepare",
            "party": debtor_person.pk,
            "conduct": "隐匿财产拒不履行",
            "evidence": "银行流水\n证人证言",
            "measures": [str(m.pk)],
        },
    )
    ref = RefusalReferral.objects.get()
    assert ref.status == "prepared" and list(ref.measures.all()) == [m] and len(ref.evidence) == 2
    r = c.post(f"/measures/referrals/{ref.pk}/advance/", {"status": "judged"}, follow=True)
    assert "不能登记为" in _messages(r) and "拒不执行判决、裁定" in _messages(r)
    ref.refresh_from_db()
    assert ref.status == "prepared"
    c.post(f"/measures/referrals/{ref.pk}/advance/", {"status": "sent_to_police", "on": "2025-03-03"})
    status, body = _post_json(
        c, f"/api/v1/measures/referrals/{ref.pk}/steps", {"status": "police_filed", "on": "2025-03-05"}
    )
    assert status == 200 and body["status"] == "police_filed"
    assert list(ref.steps.values_list("status", flat=True)) == ["prepared", "sent_to_police", "police_filed"]


def test_guardrail_inputs_from_the_page_and_the_api(officer, president, case, debtor_person, now, clock):
    company = OrganisationFactory()
    CaseParty.objects.create(case=case, party=company, role=PartyRole.RESPONDENT, position=9)
    c = _client(officer)
    url = f"/measures/cases/{case.pk}/act/"
    c.post(url, {"action": "grace", "party": debtor_person.pk, "months": "2", "reason": "就业困难"})
    assert GracePeriod.objects.get().months == 2
    r = c.post(url, {"action": "grace", "party": debtor_person.pk, "months": "5", "reason": "x"}, follow=True)
    assert "一至三个月" in _messages(r) and GracePeriod.objects.count() == 1
    c.post(
        url,
        {
            "action": "home",
            "party": debtor_person.pk,
            "property_ref": "湘(2020)长沙市不动产权第001号",
            "address": "长沙市岳麓区",
            "necessary_home": "1",
        },
    )
    assert HomeDesignation.objects.get().necessary_home is True
    c.post(
        url,
        {
            "action": "screening",
            "party": company.pk,
            "operating": "1",
            "employees_kept": "1",
            "taxes_paid": "1",
            "paying_in_part": "1",
        },
    )
    assert EnterpriseScreening.objects.get(party=company).struggling is True
    r = c.post(url, {"action": "screening", "party": debtor_person.pk}, follow=True)
    assert "只适用于法人或其他组织" in _messages(r) and EnterpriseScreening.objects.count() == 1
    api = f"/api/v1/measures/cases/{case.pk}"
    status, _ = _post_json(
        c, api + "/profiles", {"party_id": debtor_person.pk, "full_time_student": True, "campus_loan": True}
    )
    assert status == 200 and DebtorProfile.objects.get().campus_loan is True
    status, _ = _post_json(c, api + "/not-listed", {"party_id": debtor_person.pk, "reason": "无失信情形"})
    assert status == 200 and DishonestNotApplicable.objects.count() == 1
    body = {
        "party_id": debtor_person.pk,
        "rule": "campus_loan_student",
        "proposal_kind": "fine",
        "reason": "恶意",
    }
    status, _ = _post_json(c, api + "/overrides", body)
    assert status == 403 and not GuardrailOverride.objects.exists()  # the 院长's act
    status, _ = _post_json(_client(president), api + "/overrides", body)
    assert status == 200 and GuardrailOverride.objects.get().granted_by == president
    status, body = _post_json(c, api + "/grace-periods", {"party_id": 999999, "months": 1, "reason": "x"})
    assert status == 409 and body["code"] and GracePeriod.objects.count() == 1


def test_special_operation_created_assigned_and_its_outcomes_linked_to_measures(
    officer, president, case, debtor_person, now, clock, yuelu
):
    restriction = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=MeasureKind.CONSUMPTION_RESTRICTION,
        now=now,
    )
    assert "专项行动" in _client(president).get("/measures/operations/").content.decode()
    r = _client(officer).post(
        "/measures/operations/", {"name": "湘执利剑", "starts_on": "2025-03-01", "ends_on": "2025-03-31"}
    )
    assert r.status_code == 200 and not SpecialOperation.objects.exists()  # officers do not dispatch
    r = _client(president).post(
        "/measures/operations/", {"name": "湘执利剑", "starts_on": "2025-03-01", "ends_on": "2025-03-31"}
    )
    op = SpecialOperation.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/measures/operations/{op.pk}/"
    target = OperationTarget.objects.get(operation=op, party=debtor_person)
    team = Team.objects.create(court=yuelu, name="快执一组")
    _client(president).post(
        f"/measures/operations/targets/{target.pk}/",
        {"action": "target_assign", "team": team.pk, "scheduled_on": "2025-03-10"},
    )
    target.refresh_from_db()
    assert target.team == team and target.scheduled_on == date(2025, 3, 10)
    status, body = _post_json(
        _client(officer),
        f"/api/v1/measures/operations/targets/{target.pk}/outcome",
        {"outcome": "paid_full", "amount_recovered": "5000.00", "measure_ids": [restriction.pk]},
    )
    assert status == 200 and body["measure_ids"] == [restriction.pk]
    page = _client(officer).get(f"/measures/operations/{op.pk}/").content.decode()
    assert "行动产生" in page and "5,000.00" in page
    # a measure that is not this target's (here: no such measure) is refused, nothing changes
    status, body = _post_json(
        _client(officer),
        f"/api/v1/measures/operations/targets/{target.pk}/outcome",
        {"outcome": "detained", "measure_ids": [restriction.pk + 1000]},
    )
    assert status == 409 and "只能关联" in body["message"]
    target.refresh_from_db()
    assert target.outcome == "paid_full" and list(target.measures.all()) == [restriction]


def test_another_courts_staff_find_nothing(officer, president, case, debtor_person, now, clock, wuling):
    m = _restriction(officer, president, case, debtor_person, now)
    stranger = UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_judge")
    c = _client(stranger)
    r = c.post(f"/measures/{m.pk}/act/", {"action": "lift", "reason": "x", "confirm": "1"})
    assert r.status_code == 404
    r = c.post(
        f"/measures/cases/{case.pk}/act/", {"action": "grace", "party": debtor_person.pk, "months": "1"}
    )
    assert r.status_code == 404
    status, _ = _post_json(c, f"/api/v1/measures/{m.pk}/lift", {"reason": "x"})
    assert status == 404
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_FORCE and not GracePeriod.objects.exists()
    assert not DishonestListing.objects.exists()


def test_bad_input_is_a_message_or_a_code_never_a_500(officer, president, case, debtor_person, now, clock):
    m = _restriction(officer, president, case, debtor_person, now)
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    c = _client(officer)
    garbage = {
        "action": "x",
        "party": "abc",
        "months": "-1",
        "on": "2025-13-45",
        "review": "zz",
        "lift": "zz",
    }
    for url in (
        f"/measures/cases/{case.pk}/act/",
        f"/measures/{m.pk}/act/",
        f"/measures/listings/{listing.pk}/act/",
        "/measures/referrals/999999/advance/",
        "/measures/operations/targets/999999/",
        "/measures/operations/",
    ):
        assert c.post(url, garbage).status_code < 500, url
        for action in (
            "grace",
            "home",
            "screening",
            "review_apply",
            "review_decide",
            "temporary_lift_propose",
            "temporary_lift_decide",
            "correction_decide",
            "listing_remove",
            "referral_prepare",
        ):
            assert (
                c.post(url, {**garbage, "action": action, "applied_on": "x", "starts_on": "y"}).status_code
                < 500
            )
    for url in (
        f"/api/v1/measures/{m.pk}/reviews",
        f"/api/v1/measures/cases/{case.pk}/grace-periods",
        "/api/v1/measures/operations",
        "/api/v1/measures/referrals/999999/steps",
    ):
        r = c.post(url, json.dumps({"months": "x", "on": "nope"}), content_type="application/json")
        assert r.status_code < 500 and r.json(), url
    assert Measure.objects.get(pk=m.pk).status == MeasureStatus.IN_FORCE


@pytest.mark.parametrize("bad", ["abc", "²", "9" * 40])
def test_a_debtor_field_that_names_nothing_is_a_message_not_a_500(officer, case, clock, bad):
    c = _client(officer)
    for action in ("screening", "referral_prepare"):
        r = c.post(f"/measures/cases/{case.pk}/act/", {"action": action, "party": bad}, follow=True)
        assert r.status_code == 200 and "请选择本案被执行人" in _messages(r)
