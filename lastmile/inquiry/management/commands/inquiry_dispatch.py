"""``lastmile inquiry-dispatch``: send due inquiry orders and run the control sweep, once or in a
loop (the worker does the same through tasks; this is for operators, tests and the bench)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.inquiry.services import inquiry_sweep, orders_dispatch


class Command(BaseCommand):
    help = "发送到期的查控指令并执行定期检查（自动冻结、解除、冻结失效）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，直到 Ctrl-C")
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时的轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        last_sweep = 0.0
        while True:
            report = orders_dispatch(now=get_clock().now())
            if report.sent:
                self.stdout.write(f"已发送 {report.sent} 条指令：{report.outcomes}")
            if time.monotonic() - last_sweep > 30 or not options["loop"]:
                sweep = inquiry_sweep(now=get_clock().now())
                last_sweep = time.monotonic()
                if sweep.planned or sweep.released or sweep.lapsed:
                    self.stdout.write(
                        f"定期检查：新冻结{sweep.planned}，解除{sweep.released}，失效{sweep.lapsed}"
                    )
            if not options["loop"]:
                return
            if not report.sent:
                time.sleep(options["interval"])
