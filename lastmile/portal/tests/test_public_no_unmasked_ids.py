"""Nothing unmasked ever leaves: every public page and API response (and every publication export)
produced from the suite's data is scanned for resident ID numbers that are not masked."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from lastmile.measures.models import DishonestListing, PublicationChannel, RemovalGround
from lastmile.measures.publication import unmasked_id_numbers
from lastmile.measures.services import grace_period_grant, listing_remove, publication_export_create
from lastmile.measures.tests.helpers import enforcement_case, list_debtor, person
from lastmile.parties.models import IdType, Party, PartyKind
from lastmile.parties.services import party_upsert
from lastmile.portal import public_api, public_urls, public_views
from lastmile.testing.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    cache.clear()
    settings.LASTMILE = {**settings.LASTMILE, "MEASURES": {"PUBLIC_QUERY_RATE": 100_000}}


@pytest.fixture
def listed_world(yuelu, officer, president, clock, now):
    """Persons (one entered with a legacy 15-digit ID), an organisation, namesakes, and listings
    that are published, in a grace period, and removed."""
    people = [
        person(name="王小明", seq=31),
        person(name="王小明", seq=32),
        person(name="张堃", seq=15, region="430702"),
    ]
    legacy = party_upsert(
        kind=PartyKind.PERSON, name="刘老汉", id_type=IdType.RESIDENT_ID, id_number="430104520101123", now=now
    )
    org = OrganisationFactory(name="长沙某某贸易有限公司", legal_representative=PersonFactory(name="钱法人"))
    for p in [*people, legacy, org]:
        case = enforcement_case(court=yuelu, officer=officer, debtor=p, now=now)
        list_debtor(officer=officer, president=president, case=case, subject=p, now=now, ground=3)
    grace_person = person(name="李玥", seq=42)
    case = enforcement_case(court=yuelu, officer=officer, debtor=grace_person, now=now)
    grace_period_grant(actor=officer, case=case, party=grace_person, months=1, reason="筹款", now=now)
    list_debtor(officer=officer, president=president, case=case, subject=grace_person, now=now, ground=1)
    removed = person(name="赵六", seq=66)
    case = enforcement_case(court=yuelu, officer=officer, debtor=removed, now=now)
    gone = list_debtor(officer=officer, president=president, case=case, subject=removed, now=now, ground=1)
    listing_remove(actor=officer, listing_id=gone.pk, ground=RemovalGround.PERFORMED, now=now)
    return Party.objects.all()


def _queries(parties):
    out = [{}]
    for p in parties:
        out.append({"name": p.name})
        if p.id_number:
            out += [{"name": p.name, "id": p.id_number}, {"name": p.name, "id": p.id_number.lower()}]
        if p.id_type == IdType.RESIDENT_ID:
            legacy = p.id_number[:6] + p.id_number[8:17]  # the 15-digit form of the same person
            out.append({"name": p.name, "id": legacy})
    out += [{"name": "王小明", "id": "123"}, {"name": "王"}, {"id": "430104198503120317"}]
    return out


def _public_paths():
    pages = ["/portal/public/" + str(p.pattern) for p in public_urls.urlpatterns]
    apis = ["/api/v1/public" + path for path in public_api.router.path_operations]
    return pages + apis


def test_every_public_response_is_masked(public_client, listed_world, officer):
    paths = _public_paths()
    assert "/portal/public/dishonest/" in paths and "/api/v1/public/dishonest" in paths
    for path in paths:
        for q in _queries(listed_world):
            public_client.get(path, q)
    # publication exports go to newspapers, WeChat and LED screens: scanned as public output too
    public_client.force_login(officer)
    for channel in PublicationChannel.values:
        export = publication_export_create(
            actor=officer, channel=channel, now=listed_world.first().created_at
        )
        public_client.get(f"/measures/exports/{export.pk}/")

    # the scan is meaningful: real data was shown, masked, and no response was blocked
    bodies = "\n".join(body for _, _, body in public_client.responses)
    assert {status for _, status, _ in public_client.responses} <= {200, 400}
    shown = DishonestListing.objects.filter(status="published")
    assert shown.count() == 5
    for listing in shown:
        assert listing.masked_id in bodies
        assert listing.id_key not in bodies or not listing.is_person
    assert "****" in bodies
    assert not unmasked_id_numbers(bodies)
    for party in listed_world.filter(kind="person"):
        assert party.id_number not in bodies
    # the fixture's teardown scans every recorded response again, one by one


# --- the scanner itself ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "身份证号码：430104198503120317",
        '{"id_number":"11010519491231002X"}',
        "<td>11010519491231002x</td>",
        "旧证430104520101123号",
    ],
)
def test_scanner_finds_unmasked_ids(text):
    assert unmasked_id_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        "4301041985****0317",
        "430104520****123",
        "91430104MA4L00001X",  # a credit code
        "案号（2025）湘0104执1号，金额152000.00元",
        "1234567890123456789",  # 19 digits: not an ID
        "430104199913320317",  # month 13: not a date
    ],
)
def test_scanner_ignores_masked_and_other_numbers(text):
    assert not unmasked_id_numbers(text)


def test_scan_fails_when_masking_is_removed(public_client, listed_world, monkeypatch):
    """Remove the masking: the guard blocks the response, and without the guard the scan finds it."""
    listing = DishonestListing.objects.filter(status="published", is_person=True).first()
    DishonestListing.objects.filter(pk=listing.pk).update(masked_id=listing.id_key)  # masking removed

    blocked = public_client.get("/api/v1/public/dishonest", {"name": listing.name})
    assert blocked.status_code == 500 and listing.id_key not in blocked.content.decode()

    monkeypatch.setattr(public_views, "guarded", lambda response: response)
    monkeypatch.setattr(public_api, "guarded", lambda response: response)
    leaked = public_client.client.get("/api/v1/public/dishonest", {"name": listing.name})  # not recorded
    assert listing.id_key in unmasked_id_numbers(leaked.content.decode())
    page = public_client.client.get("/portal/public/dishonest/", {"name": listing.name})
    assert listing.id_key in unmasked_id_numbers(page.content.decode())
    assert json.loads(leaked.content)["results"]
