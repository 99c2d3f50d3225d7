"""The error codes of the online judicial auction. The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class AuctionErrorCode(StrEnum):
    NOT_OPEN = "auction_not_open"
    ENDED = "auction_ended"
    BID_TOO_LOW = "auction_bid_too_low"
    NOT_REGISTERED = "auction_not_registered"
    PRICE_RULE = "auction_price_rule"
    DEPOSIT_RULE = "auction_deposit_rule"
    NOTICE_PERIOD = "auction_notice_period"
    DURATION = "auction_duration"
    NECESSARY_HOME = "auction_necessary_home"
    DEFAULTED_BUYER = "auction_defaulted_buyer"
    PANEL_REQUIRED = "auction_panel_required"
    NOT_A_CREDITOR = "auction_not_a_creditor"
    NO_MORE_AUCTIONS = "auction_no_more_auctions"
    HOME_OCCUPIED = "auction_home_occupied"
