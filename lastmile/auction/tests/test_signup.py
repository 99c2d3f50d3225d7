"""A member of the public finds the auctions from the public menu, signs up as a real-name bidder
of a round and pays the deposit (simulated card payment) on one page, then bids there
(网络司法拍卖规定 2016 arts. 17, 20). A refused sign-up leaves no login and no bidder behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from lastmile.accounts.models import User
from lastmile.auction.models import Bid, Bidder, DepositStatus
from lastmile.core.clock import FixedClock, use_clock

from .conftest import at, ident
from .test_pages import rnd  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

CARD = "6222020200012345678"  # passes ISO/IEC 7812 (Luhn)


def _luhn_ok(number: str) -> bool:
    from lastmile.ledger.services import luhn_valid

    return luhn_valid(number)


def test_the_public_signs_up_pays_the_deposit_and_bids(client, rnd):  # noqa: F811
    card = CARD if _luhn_ok(CARD) else CARD[:-1] + next(d for d in "0123456789" if _luhn_ok(CARD[:-1] + d))
    with use_clock(FixedClock(at(2025, 4, 1))):
        home = client.get(reverse("portal:public_dishonest")).content.decode()
        assert reverse("auction:public_list") in home  # the public menu links the auctions
        detail = client.get(reverse("auction:public_detail", args=[rnd.pk])).content.decode()
        signup = reverse("auction:public_signup", args=[rnd.pk])
        assert signup in detail
        assert client.get(signup).status_code == 200
        form = {
            "username": "zhaoliu",
            "password": "lastmile2026",
            "real_name": "赵六",
            "id_number": ident(3),
            "deposit_card": card[:-1] + str((int(card[-1]) + 1) % 10),  # a mistyped card
        }
        bad = client.post(signup, form)
        assert bad.status_code == 400 and "银行卡号" in bad.content.decode()
        assert not User.objects.filter(username="zhaoliu").exists() and not Bidder.objects.exists()
        bad_id = client.post(signup, {**form, "deposit_card": card, "id_number": "123"})
        assert bad_id.status_code == 400 and not User.objects.filter(username="zhaoliu").exists()
        ok = client.post(signup, {**form, "deposit_card": card}, follow=True)
        assert ok.status_code == 200
        bidder = Bidder.objects.get(round=rnd)
        assert bidder.user.username == "zhaoliu" and bidder.real_name == "赵六"
        assert bidder.deposit_status == DepositStatus.FROZEN and bidder.deposit == rnd.deposit
        page = ok.content.decode()
        assert bidder.code in page and "赵六" not in page.split("</header>")[-1].split("出价记录")[-1]
        # The name is taken now: a second sign-up with it is refused.
        client.logout()
        again = client.post(signup, {**form, "deposit_card": card, "id_number": ident(4)})
        assert again.status_code == 400 and Bidder.objects.count() == 1
    client.force_login(bidder.user)
    with use_clock(FixedClock(at(2025, 4, 11) - timedelta(minutes=1))):
        r = client.post(reverse("auction:public_bid", args=[rnd.pk]), {"amount": "700000"}, follow=True)
        assert "出价700000" in r.content.decode().replace(",", "")
    assert Bid.objects.get(round=rnd).bidder == bidder
