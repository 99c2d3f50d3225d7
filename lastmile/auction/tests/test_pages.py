"""The public auction site, the bidding API and the staff pages: anyone sees announced rounds and
the bid history by bidder codes only (网络司法拍卖规定 2016 art. 18); a registered login bids at
the server clock; bad input is a Chinese message or a JSON code, never a 500, and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from lastmile.auction.models import Bid, Bidder, Lot, Round
from lastmile.auction.services import bid_place, bidder_register
from lastmile.core.clock import FixedClock, use_clock

from .conftest import NOW, D, at, ident, schedule_first
from .test_auction import make_lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(officer, seizure):
    lot = make_lot(officer, seizure)
    return schedule_first(officer, lot.pk)


def test_public_pages_show_announced_rounds_and_codes_never_names(client, rnd, bidders):
    with use_clock(FixedClock(NOW + timedelta(days=1))):  # notified, not yet announced (art. 16)
        assert client.get(reverse("auction:public_detail", args=[rnd.pk])).status_code == 404
        assert rnd.lot.title not in client.get(reverse("auction:public_list")).content.decode()
    bidder_register(
        user=bidders[0], round_id=rnd.pk, real_name="王大锤", id_number=ident(0), now=at(2025, 4, 1)
    )
    bid_place(user=bidders[0], round_id=rnd.pk, amount=D("700000"), now=at(2025, 4, 10, 12))
    with use_clock(FixedClock(at(2025, 4, 10, 13))):
        listing = client.get(reverse("auction:public_list")).content.decode()
        assert rnd.lot.title in listing
        page = client.get(reverse("auction:public_detail", args=[rnd.pk])).content.decode()
        code = Bidder.objects.get(round=rnd).code
        assert code in page and "王大锤" not in page and ident(0) not in page
        assert "countdown.js" in page and 'data-ends-at="' in page
        state = client.get(reverse("auction:public_state", args=[rnd.pk])).json()
        assert state["leader"] == code and state["next_minimum"] == "705000.00" and state["open"]
        api = client.get(f"/api/v1/auction/rounds/{rnd.pk}").json()
        assert api["history"][0]["code"] == code and "王大锤" not in str(api)


def test_a_registered_login_bids_through_the_page_and_the_api_at_the_server_clock(client, rnd, bidders):
    user = bidders[1]
    client.force_login(user)
    url = reverse("auction:public_detail", args=[rnd.pk])
    with use_clock(FixedClock(at(2025, 4, 1))):
        bad = client.post(
            reverse("auction:public_register", args=[rnd.pk]), {"real_name": "李四", "id_number": "123"}
        )
        assert bad.status_code == 302 and not Bidder.objects.exists()
        client.post(
            reverse("auction:public_register", args=[rnd.pk]), {"real_name": "李四", "id_number": ident(1)}
        )
        assert Bidder.objects.get(round=rnd, user=user).real_name == "李四"
    end = at(2025, 4, 11)
    with use_clock(FixedClock(end - timedelta(minutes=2))):
        r = client.post(reverse("auction:public_bid", args=[rnd.pk]), {"amount": "70万"}, follow=True)
        assert "延时至" in r.content.decode()
        assert Round.objects.get(pk=rnd.pk).ends_at == end + timedelta(minutes=3)
        # Too low through the API: a JSON code, nothing written.
        api = client.post(
            f"/api/v1/auction/rounds/{rnd.pk}/bids", {"amount": "700001"}, content_type="application/json"
        )
        assert api.status_code == 409 and api.json()["code"] == "auction_bid_too_low"
        garbage = client.post(
            f"/api/v1/auction/rounds/{rnd.pk}/bids", {"amount": "abc"}, content_type="application/json"
        )
        assert garbage.status_code == 400 and Bid.objects.count() == 1
    # A client cannot choose its time: the server's clock says the end has passed.
    with use_clock(FixedClock(end + timedelta(minutes=3))):
        late = client.post(
            f"/api/v1/auction/rounds/{rnd.pk}/bids",
            {"amount": "900000", "placed_at": "2025-04-10T10:00:00+08:00"},
            content_type="application/json",
        )
        assert late.status_code == 409 and late.json()["code"] == "auction_ended"
        assert client.get(url).status_code == 200


def test_staff_create_a_lot_and_schedule_from_the_pages_refusals_are_chinese(client, officer, seizure, yuelu):
    client.force_login(officer)
    with use_clock(FixedClock(NOW)):
        page = client.get(reverse("auction:staff_lots")).content.decode()
        assert "列入拍卖" in page
        r = client.post(
            reverse("auction:staff_lots"),
            {
                "seizure_id": seizure.pk,
                "title": "枫林三路住宅",
                "reference_price": "100万",
                "reference_source": "委托评估",
                "reference_on": "2025-02-20",
                "costs": "0",
            },
        )
        lot = Lot.objects.get()
        assert r.status_code == 302 and lot.reference_price == D("1000000.00")
        client.post(
            reverse("auction:staff_act", args=[lot.pk, "reference"]),
            {"price": "1,050,000", "source": "委托评估（三家机构）", "on": "2025-02-25"},
        )
        lot.refresh_from_db()
        assert lot.reference_price == D("1050000.00") and lot.reference_source.startswith("委托评估")
        bad = client.post(
            reverse("auction:staff_act", args=[lot.pk, "preemption"]),
            {"name": "共有人", "id_number": "123", "basis": "共有", "rank": "1"},
            follow=True,
        )
        assert bad.status_code == 200 and not lot.preemption_holders.exists()
        client.post(
            reverse("auction:staff_act", args=[lot.pk, "preemption"]),
            {"name": "共有人赵某", "id_number": ident(9), "basis": "按份共有人", "rank": "1"},
        )
        assert lot.preemption_holders.get().party.name == "共有人赵某"
        act = reverse("auction:staff_act", args=[lot.pk, "schedule"])
        r = client.post(
            act,
            {
                "starting_price": "600000",
                "deposit": "60000",
                "increment": "5000",
                "starts_at": "2025-04-10T10:00",
                "ends_at": "2025-04-11T10:00",
                "panel": "合议庭",
            },
            follow=True,
        )
        assert "百分之七十" in r.content.decode() and not Round.objects.exists()
        r = client.post(
            act,
            {
                "starting_price": "735000",
                "deposit": "73500",
                "increment": "5000",
                "starts_at": "2025-04-10T10:00",
                "ends_at": "2025-04-11T10:00",
                "panel": "合议庭",
            },
        )
        assert Round.objects.filter(lot=lot).count() == 1
        assert client.get(reverse("auction:staff_lot", args=[lot.pk])).status_code == 200
        assert client.post(reverse("auction:staff_act", args=[lot.pk, "nonsense"])).status_code == 404
    assert lot.reference_on == date(2025, 2, 25)
