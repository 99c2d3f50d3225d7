"""``lastmile audit verify|anchor [--court 湘0104]``: check the keyed audit chain, or anchor it.

``verify`` recomputes every court's chain with the key, checks it against the signed anchors
kept outside the database and against the ledger, and names the first bad row of each court.
``anchor`` writes a signed checkpoint of each court's chain head to the anchors directory (the
periodic sweep does the same at least daily). See docs/audit.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lastmile.accounts.models import Court
from lastmile.cases import selectors, services
from lastmile.cases.audit import AuditKey, AuditKeyError, anchors_dir, audit_key, audit_key_from_file
from lastmile.core.clock import get_clock


class Command(BaseCommand):
    help = (
        "审计链：verify 用密钥与锚点逐条校验，指出每个法院第一条被篡改、删除、插入或调换的记录；"
        "anchor 将各法院链头的签名锚点写入数据库之外的锚点目录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "anchor"])
        parser.add_argument("--court", help="法院代字，默认全部法院")
        parser.add_argument("--key-file", help="审计密钥文件（默认取 LASTMILE_AUDIT_KEY 或配置的密钥）")
        parser.add_argument("--anchors", help="锚点目录（verify：例如异地保存的副本；默认取配置）")
        parser.add_argument("--no-anchors", action="store_true", help="verify 时不核对锚点")
        parser.add_argument("--force", action="store_true", help="anchor：链头未变也写入锚点")

    def handle(self, *args: Any, **options: Any) -> None:
        court = None
        if options["court"]:
            court = Court.objects.filter(code=options["court"]).first()
            if court is None:
                raise CommandError(f"未找到法院代字 {options['court']}")
        try:
            key = self._key(options.get("key_file"))
        except AuditKeyError as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "anchor":
            self._anchor(court, force=options["force"])
        else:
            self._verify(court, key, options)

    def _key(self, key_file: str | None) -> AuditKey:
        return audit_key_from_file(Path(key_file)) if key_file else audit_key()

    def _verify(self, court: Court | None, key: AuditKey, options: dict[str, Any]) -> None:
        root = Path(options["anchors"]) if options.get("anchors") else None
        if root is not None and not root.is_dir():
            raise CommandError(f"锚点目录 {root} 不存在。")
        total = selectors.audit_count(court=court)
        breaks = selectors.audit_verify(
            court=court, key=key, anchors=not options["no_anchors"], anchors_root=root
        )
        if breaks:
            for b in breaks:
                self.stderr.write(str(b))
            courts = len({b.court_code for b in breaks})
            raise CommandError(f"审计链校验失败：{courts} 个法院的审计链被破坏（共 {total} 条记录）。")
        where = root or anchors_dir()
        self.stdout.write(
            self.style.SUCCESS(f"审计链完整：共校验 {total} 条记录（密钥 {key.key_id}，锚点 {where}）。")
        )

    def _anchor(self, court: Court | None, *, force: bool) -> None:
        outcomes = services.audit_anchor_write(now=get_clock().now(), court=court, force=force)
        failed = 0
        for o in outcomes:
            if o.anchor is not None:
                a = o.anchor
                self.stdout.write(f"{o.court.code}：已锚定第 {a.index} 条（共 {a.count} 条），链头 {a.head}")
            elif o.error:
                failed += 1
                self.stderr.write(f"{o.court.code}：未锚定，{o.error}")
            else:
                self.stdout.write(f"{o.court.code}：{o.skipped}")
        if failed:
            raise CommandError(f"{failed} 个法院的审计链或锚点文件已损坏，未写入锚点。")
        self.stdout.write(self.style.SUCCESS(f"锚点目录：{anchors_dir()}"))
