"""Issue N, first "must show": the 张某 journey, from a seized family home to money in the mortgagee
bank's account, through the real services of every app that owns a step, time passed in.

张某 and his wife owe the bank on a mortgage loan; their only home, where his parents and their
children live, is mortgaged to the bank. The court

1. lifts the withholding of his wages to keep the family fed (民事诉讼法 2023 art. 254; 法发〔2019〕35号);
2. seizes the home 活封 and records it as the family's necessary home (查封规定 2020 art. 4), which
   may not be auctioned while the family has nowhere else to live;
3. fixes its reference price by 定向询价 (确定财产处置参考价规定 2018 arts. 5, 6, 24);
4. posts a 腾房公告 signed by the 院长, naming a flat the bank rented for the family (民事诉讼法 2023
   art. 261; 执行异议复议规定 2020 art. 20 ¶1(3), ¶2): forced vacating is refused while its period
   runs; the family moves into the flat of its own accord;
5. sells the home by online judicial auction, bidders competing in the last minutes, each bid in
   the last five minutes extending the end (网络司法拍卖规定 2016 art. 20);
6. issues and serves the 成交裁定 (拍卖变卖规定 2020 art. 26), books the price, allocates it to the
   mortgagee bank first, the surplus to the debtor, and pays both out (民诉解释 2022 art. 506);
7. hands the empty home over (art. 27) and closes the case 执行完毕.

Each refused act names its rule and changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from lastmile.accounts.models import Role
from lastmile.auction.models import Bid, LotStatus, RoundStatus
from lastmile.auction.services import (
    auction_sweep,
    bid_place,
    bidder_register,
    handover_record,
    lot_create,
    payment_record,
    proceeds_allocate,
    round_schedule,
    sale_confirm,
)
from lastmile.cases.disclosure import APPLICANT, DEBTOR, party_events
from lastmile.cases.models import CaseEvent, CaseStatus
from lastmile.core.errors import ConditionsNotMet, DomainError, PermissionDenied
from lastmile.documents.models import Document
from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.services import enforcement_close
from lastmile.inquiry.models import Asset, Freeze, FreezeStatus, IncomeWithholding, Order
from lastmile.inquiry.services import asset_seize, inbox_receive, inquiry_start
from lastmile.inquiry.services.income import income_withhold_release, income_withhold_start
from lastmile.ledger.models import Payout, PayoutStatus, Receipt
from lastmile.ledger.services import amount_outstanding, payout_account_set, payout_approve, payout_settle
from lastmile.measures.guardrails import GuardrailRefused
from lastmile.measures.models import HomeDesignation, VacateNotice, VacateStatus
from lastmile.measures.services import (
    home_designation_record,
    vacate_notice_draft,
    vacate_notice_sign,
    vacating_force_record,
    vacating_record,
)
from lastmile.service.models import ServiceOrder
from lastmile.testing.enforcement import at, basis
from lastmile.testing.factories import PersonFactory, UserFactory, make_resident_id
from lastmile.valuation.models import Method, ValuationStatus
from lastmile.valuation.services import valuation_collect, valuation_start

pytestmark = pytest.mark.django_db

D = Decimal
HOME_REF = "湘（2019）长沙市不动产权第0067890号"
ADDRESS = "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室"
FLAT = "长沙市岳麓区望城坡街道某小区3栋502室（申请执行人租赁）"
OCCUPANTS = "被执行人张某、李某夫妇及其父母、子女"


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


def state(case) -> tuple:
    """What a refused act must leave as it was."""
    return (
        CaseEvent.objects.filter(case=case).count(),
        Document.objects.filter(case=case).count(),
        ServiceOrder.objects.filter(case=case).count(),
        list(
            VacateNotice.objects.filter(case=case).values_list("status", "ends_on", "vacated_on", "forced_on")
        ),
        list(Payout.objects.filter(case=case).values_list("status", "amount")),
    )


def codes(case) -> list[str]:
    return list(Document.objects.filter(case=case).values_list("template__code", flat=True))


def served_on(document) -> set[int]:
    return set(ServiceOrder.objects.filter(document=document).values_list("recipient_id", flat=True))


@pytest.fixture
def zhang(db):
    return PersonFactory(name="张某", id_number=make_resident_id(seq=7))


@pytest.fixture
def finance(yuelu):
    return UserFactory(court=yuelu, role=Role.FINANCE, username="zhang-finance")


@pytest.fixture
def public(db):
    """Three logins without court or role: the public who bid."""
    return [UserFactory(court=None, role="", username=f"zhang-bidder{i}") for i in range(3)]


def test_zhang_only_home_journey_wages_lifted_directed_inquiry_vacated_auctioned_bank_paid_closed(
    file_case, serve_notices, officer, president, finance, bank, zhang, public
):
    t0 = at(2025, 3, 3)
    case = file_case(t0, respondents=[zhang], basis=basis("600000"))
    serve_notices(case, t0)  # the 执行通知 is served today: the home's three months' grace starts

    # --- 1. Wages: withheld, then the withholding lifted to keep the family fed. ----------------
    withholding = income_withhold_start(
        case=case,
        party=zhang,
        employer="长沙某物流有限公司",
        monthly_income=D("8000"),
        dependants=4,
        actor=officer,
        now=t0,
    )
    released = income_withhold_release(
        withholding=withholding,
        reason="被执行人工资系赡养父母、抚养子女的唯一生活来源，解除扣留以保障家庭基本生活",
        actor=officer,
        now=at(2025, 3, 5),
    )
    assert IncomeWithholding.objects.get(pk=released.pk).status == "released"
    assert "ruling_income_release" in codes(case)
    release_ruling = Document.objects.get(case=case, template__code="ruling_income_release")
    assert zhang.pk in served_on(release_ruling)

    # --- 2. The home: found, seized 活封, recorded as the family's necessary home. --------------
    found = {
        "kind": "real_estate",
        "identifier": HOME_REF,
        "label": ADDRESS,
        "details": {"market_value": "1000000"},
    }
    for order in inquiry_start(case=case, actor=officer, now=t0):
        _land(order, t0, {"assets": [found] if order.institution == "realestate" else []})
    home = Asset.objects.get(case=case, identifier=HOME_REF)
    home_designation_record(
        actor=officer,
        case=case,
        party=zhang,
        property_ref=HOME_REF,
        address=ADDRESS,
        necessary_home=True,
        notice_served_on=date(2025, 3, 3),
        now=t0,
    )
    _land(asset_seize(asset=home, actor=officer, now=t0), t0, {"freeze_ref": "R-ZH"})
    seizure = Freeze.objects.get(case=case, asset=home)
    assert seizure.status == FreezeStatus.ACTIVE and seizure.live_seal

    # --- 3. The reference price by 定向询价: final at once, no objection (arts. 5, 6, 24). -------
    valuation = valuation_start(asset=home, method=Method.DIRECTED, actor=officer, now=at(2025, 3, 6))
    valuation = valuation_collect(valuation=valuation, actor=officer, now=at(2025, 3, 7))
    assert valuation.status == ValuationStatus.FINAL and valuation.price is not None
    reference = valuation.price
    assert {"valuation_inquiry_letter", "valuation_result_notice"} <= set(codes(case))

    # The family's necessary home may not be auctioned while it has nowhere else to live (art. 4).
    lot_terms = {
        "seizure_id": seizure.pk,
        "title": "岳麓区枫林三路88号2栋1201室",
        "reference_price": reference,
        "reference_source": f"定向询价（{valuation.priced_on:%Y-%m-%d}）",
        "reference_on": valuation.priced_on,
    }
    before = state(case)
    with pytest.raises(ConditionsNotMet) as refused:
        lot_create(actor=officer, now=at(2025, 3, 8), **lot_terms)
    assert "第4条" in refused.value.message and state(case) == before

    # --- 4. The 腾房公告: drafted by the officer, signed by the 院长 only. ------------------------
    notice = vacate_notice_draft(
        actor=officer,
        case=case,
        party=zhang,
        property_ref=HOME_REF,
        address=ADDRESS,
        occupants=OCCUPANTS,
        days=15,
        applicant_housing=FLAT,
        now=at(2025, 3, 10),
    )
    assert notice.status == VacateStatus.DRAFTED and notice.document is None
    before = state(case)
    with pytest.raises(PermissionDenied):
        vacate_notice_sign(actor=officer, notice_id=notice.pk, now=at(2025, 3, 11))
    assert state(case) == before
    notice = vacate_notice_sign(actor=president, notice_id=notice.pk, now=at(2025, 3, 11))
    # 15 days from the posting would end on 26 March, but the necessary home keeps its three
    # months' grace after the 执行通知 (执行异议复议规定 2020 art. 20 ¶2): 3 June.
    assert notice.status == VacateStatus.ISSUED and notice.starts_on == date(2025, 3, 11)
    assert notice.ends_on == date(2025, 6, 3)
    doc = notice.document
    assert doc is not None and doc.template.code == "vacate_notice"
    assert served_on(doc) == {zhang.pk, bank.pk}
    assert doc.context["president"] == president.name and FLAT in str(doc.context["applicant_housing"])
    # The debtor and the bank see the 公告 served, never the draft (the court's plan).
    for side, party in ((DEBTOR, zhang), (APPLICANT, bank)):
        kinds = [e.kind for e in party_events(case=case, sides=[side], party_id=party.pk)]
        assert "measures.vacate_notice_issued" in kinds and "measures.vacate_notice_drafted" not in kinds

    # Forced vacating is refused while the period runs, naming the law, and changes nothing.
    before = state(case)
    with pytest.raises(GuardrailRefused) as refused:
        vacating_force_record(actor=officer, notice_id=notice.pk, on=date(2025, 4, 1), now=at(2025, 4, 1))
    reasons = {r["code"] for r in refused.value.details["reasons"]}
    assert reasons == {"vacate_grace", "vacate_announcement_period"}
    assert "第261条" in refused.value.message and state(case) == before

    # The family moves into the flat the bank rented, of its own accord.
    notice = vacating_record(
        actor=officer,
        notice_id=notice.pk,
        vacated_on=date(2025, 4, 5),
        moved_to=FLAT,
        moved_to_applicant_housing=True,
        now=at(2025, 4, 5, 16),
    )
    assert notice.status == VacateStatus.VACATED and notice.housing_provided
    with pytest.raises(GuardrailRefused) as refused:
        vacating_force_record(actor=officer, notice_id=notice.pk, on=date(2025, 6, 10), now=at(2025, 6, 10))
    assert [r["code"] for r in refused.value.details["reasons"]] == ["vacate_already_vacated"]
    assert HomeDesignation.objects.get(case=case, property_ref=HOME_REF).necessary_home

    # --- 5. The online auction: the applicant housed the family, so the home may be sold. -------
    lot = lot_create(actor=officer, now=at(2025, 4, 7), **lot_terms)
    start = (reference * D("0.7")).quantize(D("1"))  # the floor (网络司法拍卖规定 art. 10)
    rnd = round_schedule(
        actor=officer,
        lot_id=lot.pk,
        starting_price=start,
        deposit=(start / 10).quantize(D("0.01")),
        increment=D("5000"),
        starts_at=at(2025, 5, 20),
        ends_at=at(2025, 5, 21),
        panel="张审判长、李审判员、王审判员",
        now=at(2025, 4, 7),
    )
    assert "auction_announcement" in codes(case)
    # The announcement states the home's present state from the 腾房公告 (网络司法拍卖规定 art. 13 (5)).
    assert rnd.announcement.context["occupancy"] == "已腾空（2025年4月5日自行搬离）"
    for i, user in enumerate(public):
        bidder_register(
            user=user,
            round_id=rnd.pk,
            real_name=f"竞买人{i}",
            id_number=make_resident_id(seq=300 + i),
            now=at(2025, 5, 1),
        )
    end = at(2025, 5, 21)
    bid_place(user=public[0], round_id=rnd.pk, amount=start, now=at(2025, 5, 20, 11))
    price = start
    extensions = []
    for who, t in (
        (1, end - timedelta(minutes=3)),
        (2, end + timedelta(minutes=1)),
        (0, end + timedelta(minutes=5)),
        (1, end + timedelta(minutes=9, seconds=30)),
    ):
        price += D("5000")
        result = bid_place(user=public[who], round_id=rnd.pk, amount=price, now=t)
        assert result.extended and result.ends_at == t + timedelta(minutes=5)
        extensions.append(result.ends_at)
    assert list(
        Bid.objects.filter(round=rnd)
        .exclude(extended_to=None)
        .order_by("placed_at")
        .values_list("extended_to", flat=True)
    ) == (extensions)
    assert auction_sweep(now=extensions[-1]) == 1
    rnd.refresh_from_db()
    lot.refresh_from_db()
    assert rnd.status == RoundStatus.SOLD and rnd.extensions == 4 and lot.final_price == price

    # --- 6. 成交裁定 issued and served; the price booked and allocated, the bank first. ----------
    lot = sale_confirm(actor=officer, lot_id=lot.pk, now=at(2025, 5, 22))
    assert lot.confirmation.template.code == "auction_confirmation"
    assert {zhang.pk, bank.pk} <= served_on(lot.confirmation)
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 5, 28), bank_reference="ZH-1")
    assert Receipt.objects.get(pk=lot.receipt_id).amount == price
    owed = amount_outstanding(case=case, as_of=date(2025, 5, 28))
    assert owed == D("0.00")  # the price covers the whole debt with its interest
    payouts = proceeds_allocate(
        actor=finance,
        lot_id=lot.pk,
        secured=[bank],
        now=at(2025, 5, 29),
        panel="张审判长、李审判员、王审判员",
    )
    to_bank = [p for p in payouts if p.payee_party_id == bank.pk]
    to_zhang = [p for p in payouts if p.payee_party_id == zhang.pk]
    assert to_bank and sum(p.amount for p in payouts) == price
    accounts = {
        bank.pk: ("800012345678901", "长沙银行岳麓支行", bank.name),
        zhang.pk: ("6217002870012345672", "中国建设银行长沙岳麓支行", zhang.name),
    }
    for p in to_bank + to_zhang:
        number, bank_name, name = accounts[p.payee_party_id]
        payout_account_set(
            payout_id=p.pk, actor=finance, now=at(2025, 5, 29), number=number, bank=bank_name, name=name
        )
        payout_approve(payout_id=p.pk, actor=president, now=at(2025, 5, 30))
        payout_settle(payout_id=p.pk, actor=finance, now=at(2025, 5, 30), bank_reference=f"PAY-{p.pk}")
    settled = Payout.objects.filter(case=case, payee_party=bank, status=PayoutStatus.PAID)
    assert settled.count() == len(to_bank) and all(p.payee_account == "800012345678901" for p in settled)
    assert sum(p.amount for p in settled) == sum(p.amount for p in to_bank)
    assert lot.status == LotStatus.SOLD

    # --- 7. The empty home handed over within 15 days; the case closed 执行完毕. ----------------
    handover_record(actor=officer, lot_id=lot.pk, on=date(2025, 6, 3), now=at(2025, 6, 3))
    enforcement_close(case=case, method=ClosingMethod.COMPLETED, actor=officer, now=at(2025, 6, 4))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closing_method == ClosingMethod.COMPLETED
    assert "closing_notice" in codes(case)


def test_an_occupied_home_is_not_handed_over_and_forced_vacating_waits_for_the_period(
    file_case, serve_notices, officer, president, bank, zhang
):
    """The sold home of a debtor who stays: the handover is refused while the family lives there
    (拍卖变卖规定 2020 art. 27), forced vacating waits for the 公告's period (民事诉讼法 2023
    art. 261), and once it has run the officers move the family out and the home is handed over."""
    t0 = at(2025, 3, 3)
    case = file_case(t0, respondents=[zhang], basis=basis("600000"))
    serve_notices(case, t0)
    notice = vacate_notice_draft(
        actor=officer,
        case=case,
        party=zhang,
        property_ref=HOME_REF,
        address=ADDRESS,
        occupants="被执行人张某",
        days=15,
        now=t0,
    )
    from lastmile.measures.guardrails import home_handover_evaluate

    evaluation = home_handover_evaluate(case=case, party=zhang, property_ref=HOME_REF, now=t0)
    assert [r.code for r in evaluation.refusals] == ["home_occupied"]
    notice = vacate_notice_sign(actor=president, notice_id=notice.pk, now=t0)
    assert notice.ends_on == date(2025, 3, 18)  # 15 days, not a necessary home
    before = state(case)
    with pytest.raises(GuardrailRefused) as refused:
        vacating_force_record(actor=officer, notice_id=notice.pk, on=date(2025, 3, 18), now=at(2025, 3, 18))
    assert [r["code"] for r in refused.value.details["reasons"]] == ["vacate_announcement_period"]
    assert state(case) == before
    assert home_handover_evaluate(case=case, party=zhang, property_ref=HOME_REF, now=at(2025, 3, 19)).refusals
    notice = vacating_force_record(
        actor=officer, notice_id=notice.pk, on=date(2025, 3, 19), now=at(2025, 3, 19)
    )
    assert notice.status == VacateStatus.FORCED
    assert home_handover_evaluate(
        case=case, party=zhang, property_ref=HOME_REF, now=at(2025, 3, 19)
    ).verdict == ("allowed")
    # Bad input is refused with a message, nothing written.
    before = state(case)
    for kw in ({"days": 0}, {"days": 181}, {"occupants": " "}):
        terms = {"property_ref": "另一房产", "address": ADDRESS, "occupants": "张某", "days": 15, **kw}
        with pytest.raises(DomainError):
            vacate_notice_draft(actor=officer, case=case, party=zhang, now=t0, **terms)
    assert state(case) == before
