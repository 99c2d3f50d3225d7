"""Record (or revoke) the 院长's designation of a deputy to approve what is reserved to the 院长.

    manage.py president_designate --president yl_yuanzhang --deputy yl_fuyuanzhang \
        --from 2025-03-01T08:00 --until 2025-03-08T18:00 --basis "院长书面授权" --reason "院长外出学习"
    manage.py president_designate --president yl_yuanzhang --revoke 3
    manage.py president_designate --list 湘0104
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lastmile.accounts.models import PresidentDesignation, User
from lastmile.accounts.services import president_designate, president_designation_revoke
from lastmile.core.clock import SHANGHAI, get_clock
from lastmile.core.errors import DomainError


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"时间格式应为 YYYY-MM-DDTHH:MM：{text}") from exc
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


class Command(BaseCommand):
    help = "记录或撤销院长指定代为审批的院领导（谁指定谁、起止时间、依据、事由）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--president", help="院长的用户名")
        parser.add_argument("--deputy", help="受指定院领导的用户名")
        parser.add_argument("--from", dest="valid_from", help="生效时间（北京时间）")
        parser.add_argument("--until", dest="valid_until", help="终止时间（北京时间）")
        parser.add_argument("--basis", default="", help="依据")
        parser.add_argument("--reason", default="", help="事由")
        parser.add_argument("--revoke", type=int, help="撤销的指定编号")
        parser.add_argument("--list", dest="court", help="列出该法院（法院代字）的指定记录")

    def handle(self, *args: Any, **opts: Any) -> None:
        now = get_clock().now()
        if opts["court"]:
            for d in PresidentDesignation.objects.filter(court__code=opts["court"]).select_related(
                "deputy", "designated_by"
            ):
                state = "已撤销" if d.revoked_at else ("生效中" if d.in_effect(now) else "未生效或已到期")
                self.stdout.write(f"{d.pk}\t{d}\t{d.legal_basis}\t{d.reason}\t{state}")
            return
        president = User.objects.filter(username=opts["president"] or "").first()
        if president is None:
            raise CommandError("请用 --president 指明院长的用户名。")
        try:
            if opts["revoke"]:
                d = president_designation_revoke(actor=president, designation_id=opts["revoke"], now=now)
                self.stdout.write(f"已撤销：{d}")
                return
            deputy = User.objects.filter(username=opts["deputy"] or "").first()
            if deputy is None or not opts["valid_from"] or not opts["valid_until"]:
                raise CommandError("请指明 --deputy、--from 和 --until。")
            d = president_designate(
                actor=president,
                deputy=deputy,
                valid_from=_moment(opts["valid_from"]),
                valid_until=_moment(opts["valid_until"]),
                legal_basis=opts["basis"],
                reason=opts["reason"],
                now=now,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已记录：{d}")
