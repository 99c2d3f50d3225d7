"""``lastmile statistics_rebuild``: rebuild the command center's summary from the cases now
(``--clear``: drop it; the dashboard then reads the cases alone). See lastmile/statistics/summary.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.statistics.summary import summary_clear, summary_rebuild


class Command(BaseCommand):
    help = "重建指挥中心统计汇总（已结案件按月汇总）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clear", action="store_true", help="删除汇总，统计直接读取案件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clear"]:
            summary_clear()
            self.stdout.write("已删除统计汇总。")
            return
        state = summary_rebuild(now=get_clock().now())
        self.stdout.write(
            f"统计汇总已重建：{state.as_of:%Y-%m-%d} 之前结案的 {state.cases} 件案件，"
            f"{state.cells} 个汇总格，"
            f"另有 {len(state.late_case_ids)} 件结案后仍有到账、由统计直接计算。"
        )
