"""Measures reach the people behind a company (issue K item 7).

- 民事诉讼法 2023 art. 114 ¶2: an organisation that obstructs execution (e.g. refuses to perform a
  judgment) — its 主要负责人 or 直接责任人员 may be fined or detained; a fine on that person is a
  fine on a person (art. 118: at most 100,000 yuan), not the organisation's 50,000–1,000,000.
- 民诉解释 2022 art. 482: the 法定代表人 or 负责人 of an organisation debtor may be brought by 拘传,
  questioned at most 8 hours (24 where detention may follow).
- 限消规定 2015 art. 3: a 限制消费令 on an organisation covers its 法定代表人, 主要负责人 and 实际控制人;
  the order names them and is served on each.

The person must be the one the organisation's record names (a 直接责任人员 needs the finding that
makes them directly responsible); a refused act changes nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from lastmile.cases.models import CaseEvent
from lastmile.documents.models import Document
from lastmile.measures.error_codes import GuardrailReason
from lastmile.measures.guardrails import GuardrailRefused, Proposal
from lastmile.measures.models import Measure, MeasureKind, MeasureStatus, MeasureSubject
from lastmile.measures.services import measure_execute, measure_propose, summons_release
from lastmile.service.models import ServiceOrder
from lastmile.testing.enforcement import at, e_service_consent
from lastmile.testing.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db
K = MeasureKind


@pytest.fixture
def company(db):
    rep = PersonFactory(name="张大伟")
    controller = PersonFactory(name="李建国")
    return OrganisationFactory(
        name="长沙某某贸易有限公司", legal_representative=rep, actual_controller=controller
    )


@pytest.fixture
def company_case(file_case, company, serve_notices):
    case = file_case(at(2025, 3, 3), respondents=[company])
    serve_notices(case, at(2025, 3, 10))
    for party in (company, company.legal_representative, company.actual_controller):
        e_service_consent(party, at(2025, 3, 3))
    return case


def _snapshot(case):
    return {
        "measures": list(Measure.objects.filter(case=case).values()),
        "subjects": MeasureSubject.objects.filter(measure__case=case).count(),
        "events": CaseEvent.objects.filter(case=case).count(),
        "documents": Document.objects.filter(case=case).count(),
        "orders": ServiceOrder.objects.filter(case=case).count(),
    }


def _served(case, code):
    doc = Document.objects.get(case=case, template__code=code)
    return doc, set(ServiceOrder.objects.filter(document=doc).values_list("recipient_id", flat=True))


def test_art114_fine_on_the_legal_representative_is_a_fine_on_a_person(
    company_case, company, take_measure, officer
):
    rep = company.legal_representative
    before = _snapshot(company_case)
    with pytest.raises(GuardrailRefused) as refused:  # 200,000 is within a unit's limit, not a person's
        measure_propose(
            actor=officer,
            proposal=Proposal(
                kind=K.FINE,
                case=company_case,
                subject=rep,
                organisation=company,
                capacity="legal_representative",
                amount=Decimal("200000"),
            ),
            reason="拒不履行生效判决",
            now=at(2025, 4, 1),
        )
    assert refused.value.details["reasons"][0]["code"] == GuardrailReason.FINE_PERSON_LIMIT
    assert _snapshot(company_case) == before

    m = take_measure(
        company_case,
        rep,
        K.FINE,
        at(2025, 4, 1),
        organisation=company,
        capacity="legal_representative",
        amount=Decimal("50000"),
    )
    assert m.status == MeasureStatus.IN_FORCE and m.organisation == company
    doc, served = _served(company_case, "fine_decision")
    assert "系被执行人长沙某某贸易有限公司的法定代表人" in doc.context["person"]["desc"]
    assert doc.context["person"]["name"] == "张大伟"
    assert served == {rep.pk, company.pk}


def test_art114_detention_of_the_legal_representative_and_the_company_itself_is_refused(
    company_case, company, take_measure, officer
):
    before = _snapshot(company_case)
    with pytest.raises(GuardrailRefused) as refused:
        measure_propose(
            actor=officer,
            proposal=Proposal(kind=K.DETENTION, case=company_case, subject=company, days=5),
            reason="拒不履行",
            now=at(2025, 4, 1),
        )
    assert refused.value.details["reasons"][0]["code"] == GuardrailReason.DETENTION_PERSON_ONLY
    assert _snapshot(company_case) == before

    rep = company.legal_representative
    m = take_measure(
        company_case,
        rep,
        K.DETENTION,
        at(2025, 4, 1),
        organisation=company,
        capacity="legal_representative",
        days=5,
    )
    assert m.status == MeasureStatus.APPROVED
    measure_execute(
        actor=officer,
        measure_id=m.pk,
        starts_at=at(2025, 4, 2),
        now=at(2025, 4, 2),
        custody="长沙市公安局拘留所",
    )
    doc, served = _served(company_case, "detention_decision")
    assert doc.context["custody"] == "长沙市公安局拘留所"
    assert "法定代表人" in doc.context["person"]["desc"] and served == {rep.pk, company.pk}


def test_interp482_summons_of_the_legal_representative_within_the_hours(
    company_case, company, take_measure, officer
):
    rep = company.legal_representative
    m = take_measure(
        company_case,
        rep,
        K.SUMMONS_BY_FORCE,
        at(2025, 4, 1),
        organisation=company,
        capacity="legal_representative",
        summons_count=2,
        hours=8,
    )
    brought = at(2025, 4, 2, 9)
    measure_execute(
        actor=officer, measure_id=m.pk, starts_at=brought, now=brought, place="本院执行局第三接待室"
    )
    doc, served = _served(company_case, "summons_warrant")
    assert doc.context["place"] == "本院执行局第三接待室" and served == {rep.pk, company.pk}

    before = _snapshot(company_case)
    with pytest.raises(Exception) as late:  # nine hours: beyond the eight of art. 482
        summons_release(
            actor=officer,
            measure_id=m.pk,
            released_at=brought + timedelta(hours=9),
            questioning_record="询问财产情况",
            now=brought + timedelta(hours=9),
        )
    assert "482" in late.value.message  # type: ignore[attr-defined]
    assert _snapshot(company_case) == before
    summons_release(
        actor=officer,
        measure_id=m.pk,
        released_at=brought + timedelta(hours=3),
        questioning_record="询问财产情况，已制作笔录",
        now=brought + timedelta(hours=3),
    )
    m.refresh_from_db()
    assert m.status == MeasureStatus.CARRIED_OUT and m.released_at == brought + timedelta(hours=3)


@pytest.mark.parametrize(
    ("kind", "terms", "code"),
    [
        # a person the company's record does not name as its 法定代表人
        (K.FINE, {"capacity": "legal_representative", "amount": Decimal("1000")}, "organisation_not_linked"),
        # a 直接责任人员 without the finding that makes them directly responsible
        (K.FINE, {"capacity": "direct_responsible", "amount": Decimal("1000")}, "organisation_not_linked"),
        # 拘传 reaches the 法定代表人 or 负责人 only (民诉解释 2022 art. 482)
        (
            K.SUMMONS_BY_FORCE,
            {"capacity": "direct_responsible", "summons_count": 2, "hours": 8},
            "organisation_capacity",
        ),
        # only 拘传, 罚款 and 拘留 reach a person behind the company this way
        (K.EXIT_RESTRICTION, {"capacity": "legal_representative"}, "organisation_kind"),
    ],
)
def test_art114_refusals_change_nothing(company_case, company, officer, kind, terms, code):
    stranger = PersonFactory(name="赵某")
    before = _snapshot(company_case)
    with pytest.raises(GuardrailRefused) as refused:
        measure_propose(
            actor=officer,
            proposal=Proposal(kind=kind, case=company_case, subject=stranger, organisation=company, **terms),
            reason="妨害执行",
            now=at(2025, 4, 1),
        )
    assert code in [r["code"] for r in refused.value.details["reasons"]]
    assert refused.value.message.startswith("不得采取该措施")
    assert _snapshot(company_case) == before


def test_art114_a_direct_responsible_person_with_the_finding_is_fined(company_case, company, take_measure):
    clerk_person = PersonFactory(name="钱会计")
    m = take_measure(
        company_case,
        clerk_person,
        K.FINE,
        at(2025, 4, 1),
        organisation=company,
        capacity="direct_responsible",
        responsibility="经手将公司账户资金转移至关联公司，影响债务履行",
        amount=Decimal("20000"),
    )
    assert m.status == MeasureStatus.IN_FORCE and m.capacity == "direct_responsible"
    doc, _ = _served(company_case, "fine_decision")
    assert "直接责任人员" in doc.context["person"]["desc"]


def test_art3_the_restriction_covers_names_and_serves_the_people_behind_the_company(
    company_case, company, take_measure
):
    m = take_measure(company_case, company, K.CONSUMPTION_RESTRICTION, at(2025, 4, 1))
    people = {s.party_id: s.capacity for s in m.subjects.all()}
    rep, controller = company.legal_representative, company.actual_controller
    assert people == {
        company.pk: "debtor",
        rep.pk: "legal_representative",
        controller.pk: "actual_controller",
    }
    doc, served = _served(company_case, "consumption_restriction_order")
    assert doc.context["restricted_persons"] == "你单位的法定代表人张大伟、你单位的实际控制人李建国"
    assert served == {company.pk, rep.pk, controller.pk}


def test_reachable_on_the_case_page_and_the_api(company_case, company, officer, clock):
    rep = company.legal_representative
    c = Client()
    c.force_login(officer)
    page = c.get(f"/cases/{company_case.pk}/").content.decode()
    assert (
        f"{rep.pk}@{company.pk}@legal_representative" in page
        and "张大伟（长沙某某贸易有限公司法定代表人）" in page
    )
    r = c.post(
        f"/measures/cases/{company_case.pk}/propose/",
        {
            "kind": "fine",
            "subject": f"{rep.pk}@{company.pk}@legal_representative",
            "amount": "3000",
            "reason": "拒不履行",
        },
    )
    assert r.status_code == 302
    m = Measure.objects.get(case=company_case)
    assert m.subject == rep and m.organisation == company and m.status == MeasureStatus.PROPOSED

    before = _snapshot(company_case)
    body = {
        "kind": "detention",
        "subject_id": PersonFactory(name="孙某").pk,
        "organisation_id": company.pk,
        "capacity": "principal",
        "days": 3,
        "reason": "妨害执行",
    }
    r = c.post(
        f"/api/v1/measures/cases/{company_case.pk}/measures",
        json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "guardrail_refused"
    assert "不是长沙某某贸易有限公司登记的主要负责人" in r.json()["message"]
    assert _snapshot(company_case) == before
