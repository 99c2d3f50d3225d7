"""``manage.py auction_sweep``: end the rounds whose time is up and release the losers' deposits."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lastmile.auction.services import auction_sweep
from lastmile.core.clock import get_clock


class Command(BaseCommand):
    help = "结束已到期的网络司法拍卖并退还未成交竞买人的保证金"

    def handle(self, *args: Any, **options: Any) -> None:
        n = auction_sweep(now=get_clock().now())
        self.stdout.write(f"{n}")
