"""Concurrent bidding on a real PostgreSQL: 50 bidders, each on its own connection, bidding in
the last minute never produce two winners, a bid below the current price, or a lost extension
(网络司法拍卖规定 2016 art. 20)."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from lastmile.auction.models import Bid, Bidder, DepositStatus, Round, RoundStatus
from lastmile.auction.services import auction_sweep, bid_place, bidder_register, round_close
from lastmile.cases.models import CaseEvent
from lastmile.core.errors import ConditionsNotMet
from lastmile.testing.concurrency import run_parallel
from lastmile.testing.factories import UserFactory

from .conftest import D, at, ident, schedule_first
from .test_auction import make_lot

N = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_bidders_in_the_last_minute_one_winner_no_low_bid_no_lost_extension(officer, seizure):
    assert connection.vendor == "postgresql"
    lot = make_lot(officer, seizure)
    rnd = schedule_first(officer, lot.pk)
    users = [UserFactory(court=None, role="", username=f"pg-bidder{i}") for i in range(N)]
    for i, u in enumerate(users):
        bidder_register(
            user=u, round_id=rnd.pk, real_name=f"竞买人{i}", id_number=ident(i), now=at(2025, 4, 1)
        )
    end = rnd.ends_at
    start = time.monotonic()
    refused = {"low": 0}
    lock = threading.Lock()

    def server_now():
        # The server clock: one minute before the scheduled end, moving with real time.
        return end - timedelta(seconds=60) + timedelta(seconds=time.monotonic() - start)

    def bidder(user):
        def go():
            for _ in range(4):
                current = Round.objects.values_list("current_price", flat=True).get(pk=rnd.pk)
                amount = (current or D("695000")) + D("5000")
                try:
                    bid_place(user=user, round_id=rnd.pk, amount=amount, now=server_now())
                except ConditionsNotMet as exc:
                    assert exc.code == "auction_bid_too_low", exc.message
                    with lock:
                        refused["low"] += 1

        return go

    run_parallel([bidder(u) for u in users])
    bids = list(Bid.objects.filter(round=rnd).order_by("pk"))
    rnd.refresh_from_db()
    # Most attempts race for the same next price: one wins it, the rest are refused as too low.
    assert len(bids) + refused["low"] == N * 4 and len(bids) >= 5
    # Strictly ascending by at least one increment, in the order they were accepted.
    for earlier, later in itertools.pairwise(bids):
        assert later.amount >= earlier.amount + rnd.increment
    assert rnd.current_price == bids[-1].amount and rnd.leader_id == bids[-1].bidder_id
    # Every bid was in the window, so each moved the end to 5 minutes after it; none was lost.
    assert all(b.extended_to == b.placed_at + timedelta(minutes=5) or b.extended_to is None for b in bids)
    assert rnd.ends_at == max(b.placed_at for b in bids) + timedelta(minutes=5)
    assert rnd.extensions == sum(1 for b in bids if b.extended_to is not None) and rnd.extensions >= 1
    assert rnd.bid_count == len(bids)
    # Two sweeps closing at once: one winner, one 成交 event, every other deposit released.
    after_end = rnd.ends_at + timedelta(seconds=1)
    run_parallel([lambda: auction_sweep(now=after_end), lambda: round_close(round_id=rnd.pk, now=after_end)])
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.SOLD
    assert CaseEvent.objects.filter(case=lot.case, kind="auction.sold").count() == 1
    statuses = list(Bidder.objects.filter(round=rnd).values_list("deposit_status", flat=True))
    assert statuses.count(DepositStatus.FROZEN) == 1 and statuses.count(DepositStatus.REFUNDED) == N - 1
    assert Bidder.objects.get(deposit_status=DepositStatus.FROZEN).pk == rnd.leader_id
