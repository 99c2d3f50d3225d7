"""``lastmile schedule [--once]``: enqueue the periodic sweeps when they are due."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.web.schedule import enqueue_due


class Command(BaseCommand):
    help = "定时任务：按周期把各项巡检（查控、执行、强制措施、调解审判）交给后台任务执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次并退出")
        parser.add_argument("--tick", type=float, default=30.0, help="检查间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        last_run: dict[str, datetime] = {}
        while True:
            for label in enqueue_due(last_run=last_run, now=get_clock().now()):
                self.stdout.write(f"已安排：{label}")
            if options["once"]:
                return
            time.sleep(options["tick"])
