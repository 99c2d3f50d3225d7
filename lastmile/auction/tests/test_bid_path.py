"""What one bid costs the database (bench/auction.py measures the rate): a refused bid that is
already too low never waits for the round's lock and writes nothing; an accepted bid reads the
registration (with the round as last committed, one read) before the lock and then only locks,
inserts and updates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lastmile.auction.models import Bid
from lastmile.auction.services import bidder_register
from lastmile.core.clock import FixedClock, use_clock

from .conftest import at, ident
from .test_pages import rnd  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_queries_per_bid_through_the_api(client, rnd, bidders):  # noqa: F811
    bidder_register(user=bidders[0], round_id=rnd.pk, real_name="甲", id_number=ident(0), now=at(2025, 4, 1))
    client.force_login(bidders[0])
    url = f"/api/v1/auction/rounds/{rnd.pk}/bids"
    with use_clock(FixedClock(at(2025, 4, 11) - timedelta(minutes=1))):
        with CaptureQueriesContext(connection) as accepted:
            ok = client.post(url, {"amount": "700000"}, content_type="application/json")
        assert ok.status_code == 200
        with CaptureQueriesContext(connection) as refused:
            low = client.post(url, {"amount": "700000"}, content_type="application/json")
        assert low.status_code == 409 and low.json()["code"] == "auction_bid_too_low"
    sql = [q["sql"].upper() for q in refused.captured_queries]
    assert not any(s.startswith(("INSERT", "UPDATE", "SAVEPOINT")) or "FOR UPDATE" in s for s in sql), sql
    # session, user, the registration with the round as committed (3 measured)
    assert len(sql) <= 3, sql
    # + the locked round, the bid, the round's new price and end, the savepoint and its release
    assert len(accepted.captured_queries) <= 8, [q["sql"] for q in accepted.captured_queries]
    assert Bid.objects.count() == 1
