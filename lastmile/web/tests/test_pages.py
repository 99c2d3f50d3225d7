from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.cases.services import PartyInRole, case_register
from lastmile.web.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(yuelu, clerk, officer, bank, debtor, now):
    return case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("152000"),
        officer=officer,
    )


def test_login_page_is_chinese(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    assert "最后一公里" in response.content.decode()
    assert "登录" in response.content.decode()


def test_workbench_requires_login(client):
    response = client.get(reverse("web:workbench"))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.slow
def test_demo_workbench_shows_cases_and_deadlines(client, now, demo_mode):
    from lastmile.cases.models import Case

    demo_seed(now=now)
    from lastmile.web.demo import demo_person_id

    wang = demo_person_id("430104", "19850312", 31)
    case = Case.objects.filter(case_parties__party__id_number=wang, type_code="执").earliest("received_at")
    assert case.officer is not None
    assert client.login(username=case.officer.username, password="lastmile2026")
    page = client.get(reverse("web:workbench")).content.decode()
    assert "我承办的案件" in page
    assert case.number in page
    assert "发出执行通知书" in page


@pytest.mark.slow
def test_demo_seed_is_idempotent(now, demo_mode):
    first = demo_seed(now=now)
    second = demo_seed(now=now)
    assert first.created and not second.created
    assert len(first.logins) == len(second.logins) == 32


def test_case_search_by_number_party_and_id(client, case, officer, debtor):
    client.force_login(officer)
    url = reverse("web:case_list")
    half_width = case.number.replace("（", "(").replace("）", ")")
    for q in (case.number, half_width, "王小明", debtor.id_number):
        body = client.get(url, {"q": q}).content.decode()
        assert case.number in body, q
    assert case.number not in client.get(url, {"q": "不存在的人"}).content.decode()


def test_case_page_shows_timeline_and_full_id_to_own_court(client, case, officer, debtor):
    client.force_login(officer)
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "立案登记" in body
    assert debtor.id_number in body


def test_other_court_cannot_see_the_case_through_pages(client, case, other_clerk):
    client.force_login(other_clerk)
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
    body = client.get(reverse("web:case_list"), {"q": case.number}).content.decode()
    assert "没有符合条件的案件" in body
    assert f"/cases/{case.pk}/" not in body
    assert case.number not in client.get(reverse("web:workbench")).content.decode()


def test_other_court_cannot_see_the_case_through_api(client, case, other_clerk, officer):
    client.force_login(other_clerk)
    r = client.get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert client.get("/api/v1/cases", {"q": case.number}).json() == []
    assert client.get(f"/api/v1/cases/{case.pk}/events").status_code == 404
    client.force_login(officer)
    r = client.get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 200 and r.json()["number"] == case.number
    assert [e["kind"] for e in client.get(f"/api/v1/cases/{case.pk}/events").json()] == ["case.registered"]


def test_api_requires_login(client, case):
    r = client.get("/api/v1/cases")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_openapi_schema_is_served(client, officer):
    client.force_login(officer)
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/cases" in r.json()["paths"]
