"""``lastmile ledger reconcile [--court 湘0104]``: prove the case-funds books add up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lastmile.accounts.models import Court
from lastmile.ledger.selectors import reconcile


class Command(BaseCommand):
    help = (
        "核对执行案款账（reconcile）：各案账户之和等于执行款专户，每案收款等于已发放、待划付、"
        "账户余额与已退还之和，每张凭证借贷平衡；列出全部差异。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reconcile"])
        parser.add_argument("--court", help="法院代字，默认全部法院")

    def handle(self, *args: Any, **options: Any) -> None:
        court = None
        if options["court"]:
            court = Court.objects.filter(code=options["court"]).first()
            if court is None:
                raise CommandError(f"未找到法院代字 {options['court']}")
        rec = reconcile(court=court)
        for code, t in sorted(rec.totals.items()):
            self.stdout.write(
                f"{code}：执行款专户 {t['bank']} = 各案账户 {t['cases']} + 待认领 {t['unclaimed']}"
                f" + 待划付 {t['pending']}"
            )
        if not rec.ok:
            for line in rec.differences:
                self.stderr.write(line)
            raise CommandError(f"对账不平：发现 {len(rec.differences)} 处差异。")
        self.stdout.write(
            self.style.SUCCESS(
                f"对账平衡：{rec.checked_transactions} 张凭证、{rec.checked_accounts} 个账户、"
                f"{rec.checked_cases} 个案件全部相符。"
            )
        )
