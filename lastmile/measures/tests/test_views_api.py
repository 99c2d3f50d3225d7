"""Staff pages and API of measures: thin wrappers, errors as Chinese messages / codes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lastmile.cases.models import CaseEvent
from lastmile.measures.models import Measure, MeasureStatus

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_api_evaluate_propose_approve(officer, president, case, debtor_person, clock):
    c = _client(officer)
    url = f"/api/v1/measures/cases/{case.pk}"
    body = {"kind": "fine", "subject_id": debtor_person.pk, "amount": "200000", "reason": "x"}
    ev = c.post(url + "/evaluate", json.dumps(body), content_type="application/json").json()
    assert ev["verdict"] == "refused" and ev["reasons"][0]["basis"]["article"] == "118"
    events = CaseEvent.objects.count()
    r = c.post(url + "/measures", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "guardrail_refused"
    assert CaseEvent.objects.count() == events and not Measure.objects.exists()
    body["amount"] = "20000"
    m = c.post(url + "/measures", json.dumps(body), content_type="application/json").json()
    assert m["status"] == "proposed"
    assert (
        c.post(f"/api/v1/measures/{m['id']}/approve", "{}", content_type="application/json").status_code
        == 403
    )
    ok = _client(president).post(f"/api/v1/measures/{m['id']}/approve", "{}", content_type="application/json")
    assert ok.json()["status"] == "in_force"
    assert c.get(url).json()["measures"][0]["status"] == "in_force"


def test_case_page_panel_and_forms(officer, president, case, debtor_person, clock):
    c = _client(officer)
    page = c.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "强制措施与信用惩戒" in page.content.decode()
    r = c.post(
        f"/measures/cases/{case.pk}/propose/",
        {"kind": "consumption_restriction", "subject": debtor_person.pk, "reason": "未履行"},
    )
    assert r.status_code == 302
    m = Measure.objects.get()
    assert m.status == MeasureStatus.PROPOSED
    r = _client(president).post(f"/measures/{m.pk}/decide/", {"approve": "1", "document_number": "限消令1号"})
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_FORCE and m.document_number == "限消令1号"


def test_exports_record_person_times(officer, president, case, debtor_person, clock):
    from lastmile.measures.models import PublicationExport

    from .helpers import list_debtor

    list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=clock.now())
    c = _client(officer)
    for channel in ("newspaper", "wechat", "led"):
        r = c.post("/measures/exports/", {"channel": channel})
        assert r.status_code == 302
        page = c.get(r["Location"])
        assert page.status_code == 200 and debtor_person.id_number not in page.content.decode()
    assert list(PublicationExport.objects.values_list("person_times", flat=True)) == [1, 1, 1]


def test_the_listing_form_asks_the_birth_date_a_passport_does_not_carry(officer, yuelu, clock):
    """失信规定 2017 art. 4, reached from the case page: the listing of a debtor whose ID carries
    no birth date is refused until the form gives it; with it (an adult) the listing goes on."""
    from lastmile.parties.models import IdType
    from lastmile.testing.factories import PersonFactory

    from .helpers import enforcement_case, notices_served

    debtor = PersonFactory(name="约翰", id_type=IdType.PASSPORT, id_number="E12345678")
    case = enforcement_case(court=yuelu, officer=officer, debtor=debtor, now=clock.now())
    notices_served(case, debtor, clock.now())
    c = _client(officer)
    form = {"kind": "dishonest_listing", "subject": debtor.pk, "ground": "1", "reason": "有能力拒不履行"}
    r = c.post(f"/measures/cases/{case.pk}/propose/", form, follow=True)
    assert "出生日期" in r.content.decode() and not Measure.objects.exists()
    r = c.post(
        f"/measures/cases/{case.pk}/propose/", {**form, "birth_date": "1980-05-01", "acknowledge": "1"}
    )
    assert r.status_code == 302 and Measure.objects.get().kind == "dishonest_listing"
