"""``lastmile simulate --court 湘0702 --year 2023 --cases 6772``: a seeded court-year through the
platform's services (see :mod:`lastmile.simulation.court_year`)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lastmile.documents.rendering import render_threads_use
from lastmile.simulation.court_year import court_has_cases, simulate_year


class Command(BaseCommand):
    help = (
        "模拟一个法院一年的执行工作（经平台自身的服务办理：立案、分流、查控、付款、和解、措施、结案），"
        "可复现。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--court", default="湘0702", help="法院代字，默认 湘0702（武陵法院）")
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--cases", type=int, default=6772, help="全年新收执行案件数")
        parser.add_argument("--seed", type=int, default=2023, help="随机种子：相同种子、空库得到相同的一年")
        parser.add_argument("--quick", action="store_true", help="快速模式：200 件")
        parser.add_argument("--if-empty", action="store_true", help="该法院该年度已有案件时不再模拟")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cases = 200 if options["quick"] else options["cases"]
        if cases < 1:
            raise CommandError("案件数必须大于零。")
        if options["if_empty"] and court_has_cases(court_code=options["court"], year=options["year"]):
            self.stdout.write(f"{options['court']} {options['year']} 年已有案件，未重复模拟。")
            return
        # This process works alone: the day's notices and the freeze rulings it issues together are
        # typeset on every core (typst releases the GIL).
        render_threads_use(os.cpu_count() or 1)
        started = time.monotonic()
        last = [-1]
        # On a terminal the bar is redrawn in place; in a log (no terminal) a line per 5 %.
        tty = sys.stderr.isatty()
        step, head, tail = (1, "\r", "") if tty else (5, "", "\n")

        def progress(day: date, filed: int, total: int) -> None:
            """Called after each simulated day is committed (its cases are on the dashboard)."""
            pct = min(100, (day.timetuple().tm_yday * 100) // 365)
            if pct // step != last[0]:
                last[0] = pct // step
                bar = "#" * (pct // 4) + "·" * (25 - pct // 4)
                sys.stderr.write(
                    f"{head}模拟 {options['court']} {day:%Y-%m-%d} [{bar}] {pct:3d}%  "
                    f"已立案 {filed}/{total} 件  用时 {time.monotonic() - started:.0f} 秒{tail}"
                )
                sys.stderr.flush()

        result = simulate_year(
            court_code=options["court"],
            year=options["year"],
            cases=cases,
            seed=options["seed"],
            progress=None if options["no_progress"] else progress,
        )
        if not options["no_progress"]:
            last[0] = -1
            progress(date(options["year"], 12, 31), result.cases, result.cases)
            if tty:
                sys.stderr.write("\n")
        self.stdout.write(
            f"模拟完成：{result.cases} 件，{result.events} 个事件，用时 {result.seconds:.0f} 秒。"
            "打开 /stats/ 查看指挥中心。"
        )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
