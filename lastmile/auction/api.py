"""The bidding API: an auction's public state (anyone) and a bid from a logged-in registered
bidder, timed by the server clock (网络司法拍卖规定 2016 art. 20). Errors carry the auction's codes
(:mod:`.error_codes`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from lastmile.accounts.http import AuthedRequest
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound
from lastmile.core.money import parse_amount

from . import selectors, services

router = Router(tags=["网络司法拍卖"])


class BidIn(Schema):
    amount: str


@router.get("/rounds/{round_id}", auth=None, summary="拍卖状态（公开，竞买人以竞买代码显示）")
def round_get(request: HttpRequest, round_id: int) -> dict[str, Any]:
    now = get_clock().now()
    rnd = selectors.public_round(round_id=round_id, now=now)
    state = selectors.round_state(rnd=rnd, now=now)
    state["history"] = [
        {"code": b.code, "amount": str(b.amount), "at": b.placed_at.isoformat(), "matched": b.matched}
        for b in selectors.bid_history(rnd=rnd, limit=50)
    ]
    return state


@router.post("/rounds/{round_id}/bids", auth=django_auth, summary="出价（已实名报名并交纳保证金的竞买人）")
def bid_post(request: AuthedRequest, round_id: int, payload: BidIn) -> dict[str, Any]:
    if getattr(request.user, "role", ""):
        raise NotFound("工作人员账号不能参加竞买。")
    result = services.bid_place(
        user=request.user, round_id=round_id, amount=parse_amount(payload.amount), now=get_clock().now()
    )
    return {
        "bid": result.bid.pk,
        "amount": str(result.current_price),
        "ends_at": result.ends_at.isoformat(),
        "extended": result.extended,
    }
