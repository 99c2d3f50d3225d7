"""``manage.py enforcement_sweep``: run the periodic enforcement checks once (cron or by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lastmile.core.clock import get_clock
from lastmile.enforcement.services import enforcement_sweep

LABELS = {
    "settlements_defaulted": "新发现和解未按期履行",
    "requeries_overdue": "终本后财产复查已逾期",
    "time_limit_warnings": "新增执行期限届满提醒",
}


class Command(BaseCommand):
    help = "执行案件定期检查：和解分期违约、终本后财产复查、执行期限预警。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = enforcement_sweep(now=get_clock().now())
        for key, count in result.items():
            self.stdout.write(f"{LABELS.get(key, key)}：{count}")
