"""The reference price (确定财产处置参考价规定 2018): each method, its periods, the objection window,
validity, costs; refusals name the article and change nothing; documents issued and served."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent
from lastmile.core.errors import DomainError
from lastmile.documents.models import Document
from lastmile.inquiry.models import Freeze, FreezeStatus
from lastmile.service.models import ServiceOrder
from lastmile.valuation import rules, services
from lastmile.valuation.models import Method, ObjectionOutcome, Valuation, ValuationStatus
from lastmile.valuation.selectors import reference_price_for

D = Decimal
pytestmark = pytest.mark.django_db


def _nothing_written(case):
    return Valuation.objects.filter(case=case).count(), Document.objects.filter(case=case).count()


def test_directed_inquiry_of_the_family_home_is_final_at_once_and_served(case, seized, officer, now):
    home = seized("real_estate", market_value="880000")
    v = services.valuation_start(asset=home, method=Method.DIRECTED, actor=officer, now=now)
    assert v.answer_due == rules.answer_due("directed", now.date())
    assert v.request_document.template.code == "valuation_inquiry_letter"
    assert reference_price_for(home, today=now.date()) is None  # nothing yet
    v = services.valuation_collect(valuation=v, actor=officer, now=now + timedelta(days=1))
    assert v.status == ValuationStatus.FINAL  # art. 24: no objection to 定向询价
    assert D("880000") * D("0.94") <= v.price <= D("880000") * D("1.06")
    assert v.valid_until == date(2026, 3, 4)  # one year (art. 27) through the period calculator
    price = reference_price_for(home, today=now.date())
    assert price is not None and price.value == v.price and price.method == "directed"
    assert price.valid_until == v.valid_until and price.date == v.priced_on
    served = ServiceOrder.objects.filter(document=v.result_document).count()
    assert served == 2  # applicant and debtor (art. 21)
    with pytest.raises(DomainError) as exc:
        services.valuation_object(
            valuation=v, party=case.case_parties.first().party, grounds="太低", actor=officer, now=now
        )
    assert "第24条" in exc.value.message


def test_directed_inquiry_refused_for_equity_and_nothing_written(case, seized, officer, now):
    shares = seized("equity", "股权-001")
    before = _nothing_written(case)
    with pytest.raises(DomainError) as exc:
        services.valuation_start(asset=shares, method=Method.DIRECTED, actor=officer, now=now)
    assert "第5条" in exc.value.message
    assert _nothing_written(case) == before


def test_asset_not_seized_is_refused(case, seized, officer, now):
    home = seized()
    Freeze.objects.filter(asset=home).update(status=FreezeStatus.RELEASED)
    with pytest.raises(DomainError) as exc:
        services.valuation_start(asset=home, method=Method.ONLINE, actor=officer, now=now)
    assert "第1条" in exc.value.message
    assert not Valuation.objects.exists()


def test_agreement_must_match(case, seized, officer, now):
    home = seized()
    with pytest.raises(DomainError) as exc:
        services.valuation_start(
            asset=home,
            method=Method.AGREEMENT,
            actor=officer,
            now=now,
            applicant_price=D("900000"),
            debtor_price=D("950000"),
        )
    assert "第4条" in exc.value.message
    assert not Valuation.objects.exists()
    v = services.valuation_start(
        asset=home,
        method=Method.AGREEMENT,
        actor=officer,
        now=now,
        applicant_price=D("900000"),
        debtor_price=D("900000.00"),
    )
    assert v.status == ValuationStatus.FINAL and v.price == D("900000.00")


def test_online_inquiry_asks_every_platform_and_takes_the_mean_of_those_on_time(case, seized, officer, now):
    car = seized(
        "vehicle",
        "湘A12345",
        label="湘A12345小型轿车",
        market_value="100000",
        sim_delay_hours={"taobao": 10, "jd": 30, "icbc_rong_e": 24 * 6},
    )
    v = services.valuation_start(asset=car, method=Method.ONLINE, actor=officer, now=now)
    assert sorted(v.answers.values_list("source", flat=True)) == ["icbc_rong_e", "jd", "taobao"]  # art. 10
    assert v.cost == D("300.00") and v.cost_advanced_by.name == "长沙银行股份有限公司岳麓支行"  # art. 33
    v = services.valuation_collect(valuation=v, actor=officer, now=now + timedelta(days=2))
    assert v.status == ValuationStatus.OPEN  # period (3 days) not over, one platform silent
    v = services.valuation_collect(valuation=v, actor=officer, now=now + timedelta(days=7))
    answers = {a.source: a for a in v.answers.all()}
    assert answers["icbc_rong_e"].answered_at is not None and not answers["icbc_rong_e"].on_time
    assert v.price == rules.online_mean([answers["taobao"].value, answers["jd"].value])  # art. 13
    assert v.status == ValuationStatus.PRICED
    assert v.objection_due == rules.objection_due(v.priced_on)
    # Within the objection window the price is not yet usable; after it, it is.
    assert reference_price_for(car, today=v.priced_on) is None
    assert reference_price_for(car, today=v.objection_due + timedelta(days=1)).value == v.price


def test_online_inquiry_with_no_answer_on_time_fails_towards_appraisal(case, seized, officer, now):
    car = seized("vehicle", "湘A99999", sim_silent=["taobao", "jd", "icbc_rong_e"])
    v = services.valuation_start(asset=car, method=Method.ONLINE, actor=officer, now=now)
    v = services.valuation_collect(valuation=v, actor=officer, now=now + timedelta(days=10))
    assert v.status == ValuationStatus.FAILED and v.price is None
    assert CaseEvent.objects.filter(case=case, kind="valuation.failed").exists()


def test_online_extension_once_by_three_days(case, seized, officer, now):
    car = seized("vehicle", "湘A77777")
    v = services.valuation_start(asset=car, method=Method.ONLINE, actor=officer, now=now)
    due = v.answer_due
    v = services.valuation_extend(valuation=v, days=3, actor=officer, now=now)
    assert v.answer_due == rules.answer_due_extended(due, 3)
    with pytest.raises(DomainError) as exc:
        services.valuation_extend(valuation=v, days=3, actor=officer, now=now)
    assert "第11条" in exc.value.message
    v.refresh_from_db()
    assert v.extensions == 1


def test_appraisal_by_lot_thirty_days_extensions_and_objection(case, seized, officer, now, debtor):
    paver = seized("equity", "摊铺机-SAP90", label="摊铺机一台", market_value="420000")
    v = services.valuation_start(asset=paver, method=Method.APPRAISAL, actor=officer, now=now)
    assert len(v.firms) == 3 and v.firms_chosen_by == "lot" and v.lot_seed
    assert rules.firms_by_lot(rules_roster(), seed=v.lot_seed) == v.firms  # reproducible draw
    assert v.answer_due == rules.answer_due("appraisal", now.date())
    assert v.request_document.template.code == "valuation_commission"
    # Extension asked 5 days or more before the deadline: granted, at most twice, ≤ 15 days.
    with pytest.raises(DomainError):
        services.valuation_extend(valuation=v, days=16, actor=officer, now=now)
    services.valuation_extend(valuation=v, days=15, actor=officer, now=now)
    services.valuation_extend(valuation=v, days=10, actor=officer, now=now)
    with pytest.raises(DomainError) as exc:
        services.valuation_extend(valuation=v, days=5, actor=officer, now=now)
    assert "第19条" in exc.value.message
    v = services.valuation_collect(valuation=v, actor=officer, now=now + timedelta(days=25))
    assert v.status == ValuationStatus.PRICED and v.price is not None
    # Objection in time, rejected by a served ruling; a late one is refused.
    o = services.valuation_object(
        valuation=v, party=debtor, grounds="遗漏附件", actor=officer, now=now + timedelta(days=26)
    )
    late = v.objection_due + timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        services.valuation_object(
            valuation=v, party=debtor, grounds="再议", actor=officer, now=now, filed_on=late
        )
    assert "第22条" in exc.value.message
    assert reference_price_for(paver, today=late) is None  # an objection is pending
    o = services.objection_decide(objection=o, upheld=False, actor=officer, now=now + timedelta(days=30))
    assert o.outcome == ObjectionOutcome.REJECTED and o.ruling.template.code == "valuation_objection_ruling"
    assert ServiceOrder.objects.filter(document=o.ruling).count() == 2
    assert reference_price_for(paver, today=late).value == v.price


def test_upheld_objection_leaves_the_platform_out_of_the_mean(case, seized, officer, now, debtor):
    car = seized(
        "vehicle", "湘A55555", market_value="100000", sim_delay_hours={"taobao": 1, "jd": 2, "icbc_rong_e": 3}
    )
    v = services.valuation_start(asset=car, method=Method.ONLINE, actor=officer, now=now)
    v = services.valuation_collect(valuation=v, actor=officer, now=now + timedelta(hours=5))
    o = services.valuation_object(valuation=v, party=debtor, grounds="京东报告有误", actor=officer, now=now)
    services.objection_decide(objection=o, upheld=True, exclude_source="jd", actor=officer, now=now)
    v.refresh_from_db()
    values = {a.source: a.value for a in v.answers.all()}
    assert v.price == rules.online_mean([values["taobao"], values["icbc_rong_e"]])
    assert v.answers.get(source="jd").excluded


def test_one_open_attempt_per_asset(case, seized, officer, now):
    home = seized()
    services.valuation_start(asset=home, method=Method.ONLINE, actor=officer, now=now)
    with pytest.raises(DomainError):
        services.valuation_start(asset=home, method=Method.APPRAISAL, actor=officer, now=now)
    assert Valuation.objects.count() == 1


def rules_roster():
    from lastmile.valuation.conf import valuation_setting

    return list(valuation_setting("FIRMS"))
