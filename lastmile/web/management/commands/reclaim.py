"""``lastmile reclaim [--stale-seconds N]``: resume what dead workers left (see lastmile.web.reclaim)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.web.reclaim import reclaim_all


class Command(BaseCommand):
    help = "回收中断的工作：重新排队占用已过期的文书批量任务和批量立案批次，以及进程已退出的后台任务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-seconds",
            type=int,
            default=None,
            help="后台任务运行超过该秒数即视为进程已退出（默认 LASTMILE['TASKS_STALE_SECONDS']，1800）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stale = options["stale_seconds"]
        report = reclaim_all(
            now=get_clock().now(), stale=timedelta(seconds=stale) if stale is not None else None
        )
        self.stdout.write(
            f"文书批量任务 {len(report.document_batches)} 个、批量立案批次 {len(report.filing_batches)} 个、"
            f"后台任务 {len(report.task_rows)} 个已重新排队。"
        )
