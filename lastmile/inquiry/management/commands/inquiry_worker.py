"""``lastmile inquiry-worker``: the 查控 worker. It applies the institutions' stored answers in
batches per case (``inbox_apply``) and sends due orders (``orders_dispatch``). ``lastmile run``
starts one; on PostgreSQL more can run side by side (the inbox and the orders are claimed with
SKIP LOCKED), on SQLite run one. The control sweep (``inquiry_sweep``: rounds whose wait is over,
releases, lapses, failed messages) is the schedule's every five minutes (``lastmile schedule``);
``--sweep-every`` runs it here as well, for a worker on its own."""

from __future__ import annotations

import argparse
import json
import resource
import signal
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from lastmile.core.clock import get_clock
from lastmile.inquiry.services import inbox_apply, inquiry_sweep, orders_dispatch


class Command(BaseCommand):
    help = "查控后台：分批处理机构回执、发送到期指令并定期检查（可在 PostgreSQL 上多进程并行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="处理一轮后退出")
        parser.add_argument("--idle", type=float, default=0.05, help="无事可做时的等待（秒）")
        parser.add_argument("--no-sweep", action="store_true", help=argparse.SUPPRESS)  # the default now
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=0.0,
            help="每隔多少秒执行一次定期检查；0为不执行（由定时任务负责）",
        )
        parser.add_argument("--batch", type=int, default=400, help="每轮最多处理的回执数")
        parser.add_argument("--stats", default="", help="退出时把查询数、处理数和CPU时间写入此JSON文件")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_sweep = 0.0
        totals = {"queries": 0, "messages": 0, "sent": 0, "steps": 0}

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            totals["queries"] += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            if options["stats"]:  # the bench's queries per order
                stack.enter_context(connection.execute_wrapper(count))
            while not stopping:
                applied = inbox_apply(now=get_clock().now(), limit=options["batch"])
                sent = orders_dispatch(now=get_clock().now()).sent
                totals["messages"] += applied.applied
                totals["sent"] += sent
                totals["steps"] += 1
                every = options["sweep_every"]
                if every > 0 and time.monotonic() - last_sweep > every:
                    inquiry_sweep(now=get_clock().now())
                    last_sweep = time.monotonic()
                if options["once"]:
                    break
                if not (applied.applied or sent):  # cases held elsewhere: look again soon
                    time.sleep(min(0.01, options["idle"]) if applied.busy else options["idle"])
        if options["stats"]:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            totals["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)  # type: ignore[assignment]
            Path(options["stats"]).write_text(json.dumps(totals))
