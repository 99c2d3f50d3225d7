"""Background work of the auction: the sweep that ends rounds at their (extended) end and
releases the losers' deposits within 24 hours (网络司法拍卖规定 2016 arts. 20, 23)."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock

from .services import auction_sweep


@task()
def auction_sweep_task() -> int:
    return auction_sweep(now=get_clock().now())
