"""The auction app's event kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class AuctionEvent(EventKind):
    LOT_CREATED = "auction.lot_created"
    ROUND_ANNOUNCED = "auction.round_announced"
    SOLD = "auction.sold"
    FAILED = "auction.failed"
    CONFIRMED = "auction.confirmed"
    PAID = "auction.paid"
    WITHDRAWN = "auction.withdrawn"
    SET_OFF = "auction.set_off"
    ALLOCATED = "auction.allocated"
    HANDED_OVER = "auction.handed_over"
