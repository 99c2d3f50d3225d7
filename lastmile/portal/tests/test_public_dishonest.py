"""The public dishonest-list query: page and API, exact identity matching, grace, removal, rate limit."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.cache import cache

from lastmile.core.identifiers import mask_resident_id
from lastmile.measures.models import RemovalGround
from lastmile.measures.services import grace_period_grant, listing_remove
from lastmile.measures.tests.helpers import enforcement_case, list_debtor, person
from lastmile.testing.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PAGE = "/portal/public/dishonest/"
API = "/api/v1/public/dishonest"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def listed(yuelu, officer, president, clock, now):
    debtor = person(name="王小明", seq=31)
    case = enforcement_case(court=yuelu, officer=officer, debtor=debtor, now=now)
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor, now=now, ground=3)
    return debtor, listing


def test_page_shows_masked_listing(public_client, listed):
    debtor, listing = listed
    r = public_client.get(PAGE, {"name": "王小明"})
    body = r.content.decode()
    assert r.status_code == 200
    assert mask_resident_id(debtor.id_number) in body
    assert debtor.id_number not in body
    for text in (listing.case_number, "长沙市岳麓区人民法院", "规避执行", "全部未履行", "2025年3月3日"):
        assert text in body


def test_api_exact_identity(public_client, listed):
    debtor, _ = listed
    hit = json.loads(public_client.get(API, {"name": "王小明", "id": debtor.id_number.lower()}).content)
    assert hit["count"] == 1
    row = hit["results"][0]
    assert row["id_number"] == debtor.id_number[:10] + "****" + debtor.id_number[14:]
    assert row["case_number"].startswith("（2025）湘0104执") and row["published_on"] == "2025-03-03"
    other = person(name="王小明", seq=77).id_number  # same name, another person: not returned
    miss = json.loads(public_client.get(API, {"name": "王小明", "id": other}).content)
    assert miss == {"count": 0, "results": []}


def test_name_alone_returns_all_namesakes(public_client, listed, yuelu, officer, president, now):
    twin = person(name="王小明", seq=55, birth=date(1990, 1, 2))
    case = enforcement_case(court=yuelu, officer=officer, debtor=twin, now=now)
    list_debtor(officer=officer, president=president, case=case, subject=twin, now=now)
    assert json.loads(public_client.get(API, {"name": " 王小明 "}).content)["count"] == 2


def test_organisation_by_credit_code(public_client, yuelu, officer, president, clock, now):
    rep = PersonFactory(name="赵法人")
    org = OrganisationFactory(name="长沙某某机械有限公司", legal_representative=rep)
    case = enforcement_case(court=yuelu, officer=officer, debtor=org, now=now)
    list_debtor(officer=officer, president=president, case=case, subject=org, now=now)
    data = json.loads(public_client.get(API, {"name": "长沙某某机械有限公司", "id": org.id_number}).content)
    assert data["count"] == 1
    assert data["results"][0]["id_number"] == org.id_number  # credit codes are public in full
    assert data["results"][0]["legal_representative"] == "赵法人"


def test_grace_and_removed_listings_are_not_public(public_client, yuelu, officer, president, clock, now):
    a = person(name="李玥", seq=42)
    case_a = enforcement_case(court=yuelu, officer=officer, debtor=a, now=now)
    grace_period_grant(actor=officer, case=case_a, party=a, months=1, reason="积极筹款", now=now)
    list_debtor(officer=officer, president=president, case=case_a, subject=a, now=now, ground=1)
    b = person(name="李玥", seq=43)
    case_b = enforcement_case(court=yuelu, officer=officer, debtor=b, now=now)
    listing_b = list_debtor(officer=officer, president=president, case=case_b, subject=b, now=now, ground=1)
    assert json.loads(public_client.get(API, {"name": "李玥"}).content)["count"] == 1
    listing_remove(actor=officer, listing_id=listing_b.pk, ground=RemovalGround.PERFORMED, now=now)
    assert json.loads(public_client.get(API, {"name": "李玥"}).content)["count"] == 0


def test_bad_identity_is_a_chinese_error(public_client, listed):
    r = public_client.get(API, {"name": "王小明", "id": "12345"})
    assert r.status_code == 400 and "身份证号码" in json.loads(r.content)["message"]
    r = public_client.get(PAGE, {"name": "王"})
    assert r.status_code == 400 and "至少两个字" in r.content.decode()


def test_rate_limited_per_ip(public_client, listed, settings):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "MEASURES": {"PUBLIC_QUERY_RATE": 3, "PUBLIC_QUERY_WINDOW_SECONDS": 60},
    }
    for _ in range(3):
        assert public_client.get(API, {"name": "王小明"}).status_code == 200
    r = public_client.get(API, {"name": "王小明"})
    assert r.status_code == 429
    assert json.loads(r.content) == {
        "code": "rate_limited",
        "message": "查询过于频繁，请稍后再试。",
        "details": {},
    }
    page = public_client.get(PAGE, {"name": "王小明"})
    assert page.status_code == 429 and "查询过于频繁" in page.content.decode()
    # another client address has its own budget
    assert public_client.get(API, {"name": "王小明"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_empty_form_is_not_counted(public_client, db):
    r = public_client.get(PAGE)
    assert r.status_code == 200 and "失信被执行人名单查询" in r.content.decode()
