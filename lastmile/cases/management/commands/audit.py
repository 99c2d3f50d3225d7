"""``lastmile audit verify [--court 湘0104]``: check the hash-chained audit trail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lastmile.accounts.models import Court
from lastmile.cases import selectors


class Command(BaseCommand):
    help = "校验审计链（verify）：逐条重算哈希，指出第一条被篡改、删除或插入的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--court", help="法院代字，默认全部法院")

    def handle(self, *args: Any, **options: Any) -> None:
        court = None
        if options["court"]:
            court = Court.objects.filter(code=options["court"]).first()
            if court is None:
                raise CommandError(f"未找到法院代字 {options['court']}")
        total = selectors.audit_count(court=court)
        breaks = selectors.audit_verify(court=court)
        if breaks:
            for b in breaks:
                self.stderr.write(str(b))
            raise CommandError(f"审计链校验失败：{len(breaks)} 个法院的审计链被破坏（共 {total} 条记录）。")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {total} 条记录。"))
