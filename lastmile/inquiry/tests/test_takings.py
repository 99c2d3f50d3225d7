"""Issue N: 扣押 of a movable with custody and costs (民事诉讼法 2023 art. 255), income withheld
through the employer keeping the family's living necessities (art. 254; 查封规定 2020 art. 3),
到期债权 (执行工作规定 2020 arts. 45–52) and 轮候查封 taking effect when the earlier seizure ends
(查封规定 2020 art. 26). Refusals name the basis and write nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent
from lastmile.core.errors import DomainError
from lastmile.core.periods import period_end
from lastmile.documents.models import Document
from lastmile.inquiry.models import (
    Asset,
    Custody,
    Freeze,
    FreezeStatus,
    IncomeWithholding,
    Order,
    OrderKind,
    OrderStatus,
    Receivable,
    ReceivableStatus,
    WaitingSeizure,
    WaitingStatus,
    WithholdingStatus,
)
from lastmile.inquiry.services.income import (
    income_payment_record,
    income_withhold_release,
    income_withhold_start,
)
from lastmile.inquiry.services.movables import movable_distrain, movable_release
from lastmile.inquiry.services.receivables import (
    receivable_enforce,
    receivable_notice_issue,
    receivable_objection_record,
    receivable_served,
)
from lastmile.inquiry.services.waiting import waiting_seizure_ahead_released, waiting_seizure_register
from lastmile.ledger.services import amount_outstanding
from lastmile.service.models import ServiceOrder
from lastmile.testing.factories import FIXED_NOW as FOUND_AT
from lastmile.testing.factories import OrganisationFactory, PersonFactory, make_resident_id

D = Decimal
pytestmark = pytest.mark.django_db


def _debtor(case):
    return case.case_parties.get(role="respondent").party


def _docs(case):
    return Document.objects.filter(case=case).count()


def _paver(case, officer, now, identifier="SAP90-2019-001"):
    return movable_distrain(
        case=case,
        party=_debtor(case),
        description="摊铺机一台（SAP90）",
        identifier=identifier,
        custodian="申请执行人长沙银行",
        place="马鞍山市雨山区某工地停车场",
        assisting_court="马鞍山市雨山区人民法院",
        costs="3500.00",
        costs_note="拖运及停放费",
        actor=officer,
        now=now,
    )


def test_distrain_a_movable_with_ruling_custody_and_costs(money_case, officer, now):
    case = money_case()
    freeze = _paver(case, officer, now)
    assert freeze.status == FreezeStatus.ACTIVE and not freeze.is_money
    assert freeze.expires_on == date(2027, 3, 2)  # two years for movables (民诉解释 2022 art. 485)
    custody = Custody.objects.get(freeze=freeze)
    assert custody.custodian == "申请执行人长沙银行" and custody.costs == D("3500.00")
    assert custody.assisting_court == "马鞍山市雨山区人民法院"
    order = Order.objects.get(freeze=freeze)
    assert order.ruling.template.code == "ruling_distrain_movable"
    assert order.ruling.context["assisting"] == "马鞍山市雨山区人民法院"
    assert ServiceOrder.objects.filter(document=order.ruling).count() == 2  # debtor and applicant
    assert CaseEvent.objects.filter(case=case, kind="inquiry.movable_distrained").exists()


def test_distrain_refuses_someone_not_the_debtor_and_writes_nothing(money_case, officer, now, bank):
    case = money_case()
    before = (Freeze.objects.count(), _docs(case))
    with pytest.raises(DomainError) as exc:
        movable_distrain(
            case=case,
            party=bank,
            description="摊铺机",
            identifier="X-1",
            custodian="本院",
            place="本院",
            actor=officer,
            now=now,
        )
    assert "第255条" in exc.value.message
    assert (Freeze.objects.count(), _docs(case)) == before


def _asset_of(case, identifier, kind="movable", now=FOUND_AT):
    order = Order.objects.create(
        court=case.court,
        case=case,
        institution="realestate",
        kind=OrderKind.INQUIRE,
        party=_debtor(case),
        key=f"t-{case.pk}-{identifier}",
        status=OrderStatus.DONE,
        created_at=now,
    )
    return Asset.objects.create(
        court=case.court,
        case=case,
        party=_debtor(case),
        institution="realestate",
        kind=kind,
        identifier=identifier,
        label="同一财产",
        found_at=now,
        order=order,
    )


def test_waiting_seizure_takes_effect_when_the_earlier_seizure_ends(money_case, officer, now):
    debtor = PersonFactory(name="两案被执行人", id_number=make_resident_id())
    first, second, third = (money_case(debtors=[debtor]) for _ in range(3))
    freeze = _paver(first, officer, now, identifier="SAP90-W")
    # Not seized by anyone, and no other court named: seize directly instead (art. 26).
    lone = _asset_of(second, "SAP90-OTHER")
    with pytest.raises(DomainError) as exc:
        waiting_seizure_register(asset=lone, actor=officer, now=now)
    assert "第26条" in exc.value.message and not WaitingSeizure.objects.exists()
    w2 = waiting_seizure_register(
        asset=_asset_of(second, "SAP90-W"), actor=officer, now=now + timedelta(hours=1)
    )
    w3 = waiting_seizure_register(
        asset=_asset_of(third, "SAP90-W"), actor=officer, now=now + timedelta(hours=2)
    )
    assert w2.ruling.template.code == "ruling_waiting_seizure" and w2.ruling.context["ahead"].startswith(
        "本院"
    )
    movable_release(freeze=freeze, actor=officer, now=now + timedelta(days=3), reason="被执行人提供担保")
    w2.refresh_from_db()
    w3.refresh_from_db()
    assert w2.status == WaitingStatus.EFFECTIVE and w2.freeze.status == FreezeStatus.ACTIVE
    assert w2.freeze.case_id == second.pk and w2.freeze.starts_on == (now + timedelta(days=3)).date()
    assert w3.status == WaitingStatus.WAITING  # the earliest-registered first
    assert CaseEvent.objects.filter(case=second, kind="inquiry.waiting_effective").exists()


def test_waiting_behind_another_court_takes_effect_when_its_release_is_recorded(money_case, officer, now):
    case = money_case()
    asset = _asset_of(case, "湘（2019）长沙市不动产权第0099999号", kind="real_estate")
    w = waiting_seizure_register(asset=asset, actor=officer, now=now, ahead="长沙市天心区人民法院")
    w = waiting_seizure_ahead_released(waiting=w, actor=officer, now=now + timedelta(days=30))
    assert w.status == WaitingStatus.EFFECTIVE
    assert w.freeze.expires_on == date(2028, 4, 1)  # real estate: three years from the day it took effect


def test_income_withheld_keeps_the_family_living_allowance(money_case, officer, now):
    case = money_case(principal="30000")
    debtor = _debtor(case)
    # 湘0104's standard is 930 a month (setting): debtor + 2 dependants keep 2790.
    before = (_docs(case), IncomeWithholding.objects.count())
    with pytest.raises(DomainError) as exc:
        income_withhold_start(
            case=case,
            party=debtor,
            employer="长沙某物流有限公司",
            monthly_income=D("2700"),
            dependants=2,
            actor=officer,
            now=now,
        )
    assert "第254条" in exc.value.message and "2,790.00" in exc.value.message
    assert (_docs(case), IncomeWithholding.objects.count()) == before
    w = income_withhold_start(
        case=case,
        party=debtor,
        employer="长沙某物流有限公司",
        monthly_income=D("6000"),
        dependants=2,
        actor=officer,
        now=now,
    )
    assert w.retained == D("2790.00") and w.monthly_amount == D("3210.00") and w.total == D("30000.00")
    assert (
        w.ruling.template.code == "ruling_withhold_income"
        and w.notice.template.code == "income_assistance_notice"
    )
    assert w.notice.context["retained"] == "2790.00" and w.notice.context["employer"] == "长沙某物流有限公司"
    assert ServiceOrder.objects.filter(document=w.ruling).count() == 2
    # More than the month's withholding would take the family's part: refused.
    with pytest.raises(DomainError):
        income_payment_record(
            withholding=w, month="2025-03", amount=D("3300"), paid_on=now.date(), actor=officer, now=now
        )
    income_payment_record(
        withholding=w, month="2025-03", amount=D("3210"), paid_on=now.date(), actor=officer, now=now
    )
    assert amount_outstanding(case=case, as_of=now.date()) == D("26790.00")
    with pytest.raises(DomainError):  # one payment a month
        income_payment_record(
            withholding=w, month="2025-03", amount=D("10"), paid_on=now.date(), actor=officer, now=now
        )
    w = income_withhold_release(withholding=w, reason="为保障被执行人家庭基本生活", actor=officer, now=now)
    assert (
        w.status == WithholdingStatus.RELEASED and w.release_ruling.template.code == "ruling_income_release"
    )
    assert ServiceOrder.objects.filter(document=w.release_ruling).count() == 2
    with pytest.raises(DomainError):
        income_payment_record(
            withholding=w, month="2025-04", amount=D("100"), paid_on=now.date(), actor=officer, now=now
        )


def test_income_of_an_organisation_is_not_withheld(money_case, officer, now):
    org = OrganisationFactory(name="某公司")
    case = money_case(debtors=[org])
    with pytest.raises(DomainError):
        income_withhold_start(
            case=case,
            party=org,
            employer="某单位",
            monthly_income=D("90000"),
            dependants=0,
            actor=officer,
            now=now,
        )
    assert not IncomeWithholding.objects.exists()


def test_receivable_silent_window_then_enforcement(money_case, officer, now):
    case = money_case()
    r = receivable_notice_issue(
        case=case,
        party=_debtor(case),
        third_party="马鞍山某路桥工程有限公司",
        amount=D("120000"),
        actor=officer,
        now=now,
    )
    assert (
        r.notice.template.code == "third_party_performance_notice"
        and r.notice.context["amount"] == "120000.00"
    )
    served = now.date()
    r = receivable_served(receivable=r, served_on=served, actor=officer, now=now)
    assert r.objection_due == period_end(served, 15)
    with pytest.raises(DomainError) as exc:
        receivable_enforce(receivable=r, actor=officer, now=now + timedelta(days=10))
    assert "第49条" in exc.value.message and Receivable.objects.get().status == ReceivableStatus.SERVED
    # "Cannot pay" is not an objection (art. 47); a late objection does not count either.
    with pytest.raises(DomainError) as exc:
        receivable_objection_record(
            receivable=r,
            statement="无力支付",
            admitted=None,
            objected_on=served,
            actor=officer,
            now=now,
            kind="cannot_pay",
        )
    assert "第47条" in exc.value.message
    with pytest.raises(DomainError):
        receivable_objection_record(
            receivable=r,
            statement="不欠",
            admitted=None,
            objected_on=r.objection_due + timedelta(days=1),
            actor=officer,
            now=now,
        )
    r = receivable_enforce(receivable=r, actor=officer, now=now + timedelta(days=20))
    assert r.status == ReceivableStatus.ENFORCED and r.enforced_amount == D("120000.00")
    assert r.ruling.template.code == "ruling_enforce_third_party"


def test_receivable_objection_stops_the_disputed_part(money_case, officer, now, bank):
    case = money_case()
    with pytest.raises(DomainError) as exc:  # a debt owed to someone other than the debtor
        receivable_notice_issue(
            case=case, party=bank, third_party="某公司", amount=D("1"), actor=officer, now=now
        )
    assert "第52条" in exc.value.message
    r = receivable_notice_issue(
        case=case, party=_debtor(case), third_party="甲公司", amount=D("50000"), actor=officer, now=now
    )
    r = receivable_served(receivable=r, served_on=now.date(), actor=officer, now=now)
    r = receivable_objection_record(
        receivable=r,
        statement="工程款尚未结算，只承认两万元",
        admitted=D("20000"),
        objected_on=now.date(),
        actor=officer,
        now=now,
    )
    r = receivable_enforce(receivable=r, actor=officer, now=now + timedelta(days=1))
    assert r.enforced_amount == D("20000.00")
    full = receivable_notice_issue(
        case=case, party=_debtor(case), third_party="乙公司", amount=D("9000"), actor=officer, now=now
    )
    full = receivable_served(receivable=full, served_on=now.date(), actor=officer, now=now)
    full = receivable_objection_record(
        receivable=full, statement="不存在债务", admitted=None, objected_on=now.date(), actor=officer, now=now
    )
    with pytest.raises(DomainError):
        receivable_enforce(receivable=full, actor=officer, now=now + timedelta(days=30))
    assert Receivable.objects.get(pk=full.pk).ruling_id is None
