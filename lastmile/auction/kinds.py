"""The auction app's event kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


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


class AuctionDeadline(DeadlineKind):
    # 15 days from the 成交 or 抵债 ruling to hand the asset over (拍卖变卖规定 2020 art. 27)
    HANDOVER = "auction_handover", _("拍卖财产交付")
