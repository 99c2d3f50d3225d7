"""Issue K item 11: the good-faith guardrails sit on the paths that act (法发〔2019〕35号
最高人民法院关于在执行工作中进一步强化善意文明执行理念的意见; 查封规定 2020 arts. 3, 4, 10).

- One-click 查控 does not freeze the basic deposit account of an enterprise screened as struggling
  rather than evading, and the case page says why, naming the opinion; a deduction from such an
  account frozen before the screening is refused and changes nothing.
- A deduction leaves a natural-person debtor the living allowance (查封规定 2020 art. 3).
- The family's designated necessary home is seized only 活封 (art. 4: may be seized, never
  auctioned, sold or taken in payment; art. 10); a 死封 is refused and changes nothing, and the
  home does not count as property awaiting disposal for 终本.
- A 涉企 case flagged for the green channel: screening first, priority in triage, and credit
  punishment of the struggling enterprise refused unless the 院长 approves it in writing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from lastmile.cases.models import CaseEvent
from lastmile.core.errors import ConditionsNotMet
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.inquiry.models import Asset, Freeze, FreezeStatus, Order, OrderKind
from lastmile.inquiry.rules import living_allowance
from lastmile.inquiry.selectors import inquiry_coverage
from lastmile.inquiry.services import asset_seize, freeze_deduct, inbox_receive, inquiry_start
from lastmile.measures.services import enterprise_screening_record, home_designation_record
from lastmile.testing.enforcement import at, basis
from lastmile.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BASIC = {"account_type": "basic"}


def _land(order: Order, now, result: dict[str, Any]) -> None:
    inbox_receive(
        institution=order.institution,
        message={
            "message_id": f"{order.key}:done",
            "order_id": order.key,
            "status": "done",
            "result": result,
        },
        now=now,
    )


def _query(case, officer, now, found: dict[str, list[dict[str, Any]]]) -> None:
    """一键查控, every institution answering with what ``found`` lists for it."""
    for order in inquiry_start(case=case, actor=officer, now=now):
        _land(order, now, {"assets": found.get(order.institution, [])})


def _land_freezes(case, now) -> None:
    for order in Order.objects.filter(case=case, kind=OrderKind.FREEZE, status__in=("pending", "sent")):
        _land(order, now, {"frozen_amount": str(order.amount), "freeze_ref": f"F{order.pk}"})


def _state(case) -> tuple:
    return (
        sorted(Freeze.objects.filter(case=case).values_list("pk", "status", "amount_held", "live_seal")),
        Order.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


def _screen(case, company, officer, now, *, struggling: bool = True) -> None:
    enterprise_screening_record(
        actor=officer,
        case=case,
        party=company,
        operating=True,
        employees_kept=True,
        taxes_paid=True,
        paying_in_part=struggling,
        note="仍在生产，按月部分履行",
        now=now,
    )


@pytest.fixture
def company(db):
    return OrganisationFactory(name="湘江机械制造有限公司")


def test_good_faith_opinion_2019_35_one_click_does_not_freeze_struggling_company_basic_account(
    client, file_case, officer, company
):
    now = at(2025, 3, 3)
    case = file_case(now, respondents=[company], basis=basis("300000"))
    _screen(case, company, officer, now)
    _query(
        case,
        officer,
        now,
        {
            "icbc": [
                {
                    "kind": "deposit",
                    "identifier": "4301-basic",
                    "label": "基本存款账户",
                    "balance": "260000",
                    "details": BASIC,
                }
            ],
            "ccb": [
                {"kind": "deposit", "identifier": "4302-general", "label": "一般存款账户", "balance": "50000"}
            ],
        },
    )
    basic = Asset.objects.get(case=case, identifier="4301-basic")
    # The general account is frozen; the basic account is not, and the reason names the opinion.
    assert list(Freeze.objects.filter(case=case).values_list("asset__identifier", "amount_requested")) == [
        ("4302-general", Decimal("50000.00"))
    ]
    assert "法发〔2019〕35号" in basic.guard_note and "暂时经营困难" in basic.guard_note
    spared = CaseEvent.objects.get(case=case, kind=InquiryEvent.GUARD_SPARED)
    assert spared.data["asset"] == basic.pk and "基本存款账户" in spared.summary

    # The case page shows the refusal and its basis in the 查控 panel.
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "善意执行：" in page and "法发〔2019〕35号" in page and "4301-basic" in page


def test_good_faith_opinion_2019_35_deduction_from_basic_account_refused_after_screening(
    file_case, officer, company
):
    """Frozen before anyone screened the company; once it is screened as struggling, the judge's
    deduction from its basic account is refused with the basis, and nothing changes."""
    now = at(2025, 3, 3)
    case = file_case(now, respondents=[company], basis=basis("300000"))
    _query(
        case,
        officer,
        now,
        {"icbc": [{"kind": "deposit", "identifier": "4301-basic", "balance": "260000", "details": BASIC}]},
    )
    _land_freezes(case, now)
    freeze = Freeze.objects.get(case=case, status=FreezeStatus.ACTIVE)
    _screen(case, company, officer, at(2025, 3, 4))
    before = _state(case)
    with pytest.raises(ConditionsNotMet) as info:
        freeze_deduct(freeze=freeze, actor=officer, now=at(2025, 3, 5))
    assert "基本存款账户" in info.value.message and "法发〔2019〕35号" in info.value.message
    assert _state(case) == before


def test_seizure_rules_2020_art_3_deduction_leaves_the_living_allowance(file_case, officer, debtor):
    now = at(2025, 3, 3)
    case = file_case(now)
    allowance = living_allowance(court_code=case.court.code)
    _query(case, officer, now, {"icbc": [{"kind": "deposit", "identifier": "6222-1", "balance": "10000"}]})
    freeze = Freeze.objects.get(case=case)
    assert freeze.amount_requested == Decimal("10000") - allowance  # the freeze left it
    _land_freezes(case, now)
    # The debtor spent what was left free; the next round finds only the frozen money.
    later = at(2025, 3, 10)
    _query(case, officer, later, {"icbc": [{"kind": "deposit", "identifier": "6222-1", "balance": "8140"}]})
    freeze.refresh_from_db()
    assert freeze.amount_held == Decimal("10000") - allowance
    order = freeze_deduct(freeze=freeze, actor=officer, now=later)
    assert order.amount == freeze.amount_held - allowance
    assert "生活必需费用" in order.note
    event = CaseEvent.objects.filter(case=case, kind=InquiryEvent.DEDUCT_ORDERED).latest("pk")
    assert event.data["kept"] == str(allowance) and event.legal_basis["article"] == "3"


def test_seizure_rules_2020_art_4_family_home_seized_only_in_use_never_awaiting_disposal(
    client, file_case, officer, debtor
):
    now = at(2025, 3, 3)
    case = file_case(now)
    home_ref = "湘（2021）长沙市不动产权第0012345号"
    _query(
        case,
        officer,
        now,
        {"realestate": [{"kind": "real_estate", "identifier": home_ref, "label": "岳麓区某小区3栋502"}]},
    )
    home = Asset.objects.get(case=case, identifier=home_ref)
    home_designation_record(
        actor=officer,
        case=case,
        party=debtor,
        property_ref=home_ref,
        address="岳麓区某小区3栋502",
        necessary_home=True,
        notice_served_on=None,
        now=now,
    )
    # 死封 of the family's necessary home is refused and changes nothing.
    before = _state(case)
    with pytest.raises(ConditionsNotMet) as info:
        asset_seize(asset=home, actor=officer, now=now, live_seal=False)
    assert "活封" in info.value.message and "第4条" in info.value.message
    assert _state(case) == before
    # The same through the API: a JSON error code, nothing written.
    client.force_login(officer)
    api = client.post(
        f"/api/v1/inquiry/assets/{home.pk}/seize", {"live_seal": False}, content_type="application/json"
    )
    assert api.status_code in (400, 409), api.content
    assert api.json()["code"] and "活封" in api.json()["message"]
    assert _state(case) == before
    # The ordinary 查封 is made 活封, with the basis on the asset and in the record.
    order = asset_seize(asset=home, actor=officer, now=now)
    freeze = Freeze.objects.get(case=case, asset=home)
    assert freeze.live_seal and "活封" in order.note
    _land(order, now, {"freeze_ref": "R1"})
    home.refresh_from_db()
    assert "第4条" in home.guard_note
    # Seized, but not waiting for an auction it may never have (终本规定 2016 art. 1(3)).
    coverage = inquiry_coverage(case=case, since=now.date())
    assert coverage.seized == 0 and coverage.homes_kept == 1
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "活封" in page and "不得拍卖、变卖或者抵债" in page


def test_good_faith_opinion_2019_35_green_channel_screens_first_triages_first_credit_punishment_cautious(
    client, file_case, officer, president, company
):
    from lastmile.enforcement.models import EnforcementCase, Track
    from lastmile.measures.error_codes import GuardrailReason
    from lastmile.measures.guardrails import GuardrailRefused, Proposal
    from lastmile.measures.models import Measure, MeasureKind, MeasureStatus
    from lastmile.measures.services import guardrail_override_grant, measure_propose

    now = at(2025, 3, 3)
    case = file_case(now, respondents=[company], basis=basis("600000"))
    ec = EnforcementCase.objects.get(pk=case.pk)
    assert ec.track == Track.COMPLEX and not ec.green_channel  # amount and an enterprise debtor

    def ec_state() -> tuple:
        e = EnforcementCase.objects.get(pk=case.pk)
        return (
            e.green_channel,
            e.track,
            e.triage_score,
            e.triage_reasons,
            CaseEvent.objects.filter(case=case).count(),
        )

    # Screening first: flagging an unscreened enterprise's case is refused on the case page.
    client.force_login(officer)
    before = ec_state()
    client.post(reverse("enforcement:act", args=[case.pk, "green_channel"]), {"reason": "民营企业"})
    assert ec_state() == before
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "须先甄别企业经营状况" in page and "湘江机械制造有限公司" in page
    api = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/green-channel",
        {"reason": "民营企业"},
        content_type="application/json",
    )
    assert api.status_code in (400, 409) and "甄别" in api.json()["message"]
    assert ec_state() == before

    _screen(case, company, officer, now)
    client.post(reverse("enforcement:act", args=[case.pk, "green_channel"]), {"reason": "民营企业"})
    ec.refresh_from_db()
    assert ec.green_channel and ec.track == Track.FAST
    assert any("涉企绿色通道" in r for r in ec.triage_reasons)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "涉企绿色通道" in page

    # 审慎: 限消 of the enterprise screened as struggling is refused and changes nothing ...
    proposal = Proposal(kind=MeasureKind.CONSUMPTION_RESTRICTION, case=case, subject=company)
    before_measures = (Measure.objects.filter(case=case).count(), CaseEvent.objects.filter(case=case).count())
    with pytest.raises(GuardrailRefused) as info:
        measure_propose(actor=officer, proposal=proposal, reason="未履行", now=now, acknowledge_warnings=True)
    assert "法发〔2019〕35号" in info.value.message
    assert (
        Measure.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
    ) == before_measures
    # ... unless the 院长 approves it in writing; then it goes to the 院长 for decision.
    guardrail_override_grant(
        actor=president,
        case=case,
        party=company,
        rule=GuardrailReason.ENTERPRISE_STRUGGLING,
        proposal_kind=MeasureKind.CONSUMPTION_RESTRICTION,
        reason="经查该企业转移经营收入，确有必要",
        now=now,
    )
    m = measure_propose(actor=officer, proposal=proposal, reason="未履行", now=now, acknowledge_warnings=True)
    assert m.status == MeasureStatus.PROPOSED and m.needs_president
