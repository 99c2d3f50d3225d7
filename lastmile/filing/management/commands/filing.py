"""``lastmile filing <subcommand>``: batch filing from the command line.

- ``import <file> --court 湘0104 --client <id> [--batch-id X]``: file a spreadsheet now, with a
  progress bar on stderr.
- ``batch-status <id>``: status, counts and progress of a batch.
- ``process <id>``: continue an interrupted batch (idempotent).
- ``client-create --name … --uscc … --courts 湘0104,湘0702``: register an institution and print
  its first API key (shown once).
- ``key-issue <client id>``: print a new API key for an institution.
- ``staff-create <client id> --username … --name … [--manager]``: open a portal login for a
  member of the institution's staff (机构经办人); the password is read from the prompt or
  ``--password``.
- ``sample <out.xlsx|out.csv> [--rows N] [--bad] [--encoding gbk]``: write a sample spreadsheet.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lastmile.accounts.models import Court
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError
from lastmile.filing.models import InstitutionClient, InstitutionStaffRole, IntakeBatch
from lastmile.filing.samples import bad_rows, rows_to_csv, rows_to_xlsx, sample_rows
from lastmile.filing.selectors import batch_summary
from lastmile.filing.services import (
    api_key_issue,
    batch_process,
    batch_submit,
    institution_client_upsert,
    institution_staff_create,
)


def progress_bar(done: int, total: int, width: int = 30) -> str:
    filled = width if total == 0 else int(width * done / total)
    percent = 100 if total == 0 else int(100 * done / total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {percent}%"


class Command(BaseCommand):
    help = "批量立案：导入表格、查询进度、继续处理、机构与密钥、生成样例表格。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入表格并立案")
        imp.add_argument("file")
        imp.add_argument("--court", required=True)
        imp.add_argument("--client", type=int, required=True)
        imp.add_argument("--batch-id", default="")
        st = sub.add_parser("batch-status", help="查看批次进度")
        st.add_argument("batch", type=int)
        pr = sub.add_parser("process", help="继续处理中断的批次")
        pr.add_argument("batch", type=int)
        cc = sub.add_parser("client-create", help="登记批量立案机构并签发密钥")
        cc.add_argument("--name", required=True)
        cc.add_argument("--uscc", required=True)
        cc.add_argument("--courts", required=True, help="法院代字，逗号分隔")
        ki = sub.add_parser("key-issue", help="为机构签发新密钥")
        ki.add_argument("client", type=int)
        sc = sub.add_parser("staff-create", help="为机构经办人开设门户账号")
        sc.add_argument("client", type=int)
        sc.add_argument("--username", required=True)
        sc.add_argument("--name", required=True)
        sc.add_argument("--password", default="")
        sc.add_argument("--manager", action="store_true", help="负责人（默认经办人）")
        sa = sub.add_parser("sample", help="生成样例表格")
        sa.add_argument("out")
        sa.add_argument("--rows", type=int, default=20)
        sa.add_argument("--start", type=int, default=1)
        sa.add_argument("--bad", action="store_true", help="加入各类错误行")
        sa.add_argument("--encoding", default="utf-8-sig")

    def _progress(self) -> Any:
        tty = sys.stderr.isatty()
        state = {"last": -1}

        def show(done: int, total: int) -> None:
            percent = 100 if total == 0 else int(100 * done / total)
            if tty or percent // 10 != state["last"] // 10 or done == total:
                state["last"] = percent
                sys.stderr.write(("\r" if tty else "") + progress_bar(done, total) + ("" if tty else "\n"))
                sys.stderr.flush()

        return show

    def _report(self, batch: IntakeBatch) -> None:
        s = batch_summary(batch)
        self.stdout.write(
            f"批次 #{s.id}（{s.batch_id}）{s.status_label}：共{s.total_rows}行，已立案{s.created_cases}件，"
            f"未受理{s.error_rows}行 {progress_bar(s.progress_done, s.progress_total)}"
        )
        if s.message:
            self.stdout.write(s.message)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        now = get_clock().now()
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options, now)
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from None

    def do_import(self, options: dict[str, Any], now: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        court = Court.objects.filter(code=options["court"]).first()
        client = InstitutionClient.objects.filter(pk=options["client"]).first()
        if court is None or client is None:
            raise CommandError("法院代字或机构编号不存在。")
        result = batch_submit(
            court=court,
            client=client,
            external_id=options["batch_id"],
            now=now,
            filename=path.name,
            content=path.read_bytes(),
            process="none",
        )
        if result.replayed:
            self.stdout.write("该批次已提交过，内容相同，未重复立案。")
        batch = batch_process(batch_id=result.batch.pk, now=now, progress=self._progress())
        sys.stderr.write("\n")
        self._report(batch)

    def do_batch_status(self, options: dict[str, Any], now: Any) -> None:
        batch = IntakeBatch.objects.select_related("client", "court").filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"批次 #{options['batch']} 不存在。")
        self._report(batch)

    def do_process(self, options: dict[str, Any], now: Any) -> None:
        if not IntakeBatch.objects.filter(pk=options["batch"]).exists():
            raise CommandError(f"批次 #{options['batch']} 不存在。")
        batch = batch_process(batch_id=options["batch"], now=now, progress=self._progress())
        sys.stderr.write("\n")
        self._report(batch)

    def do_client_create(self, options: dict[str, Any], now: Any) -> None:
        codes = [c.strip() for c in options["courts"].split(",") if c.strip()]
        courts = list(Court.objects.filter(code__in=codes))
        if len(courts) != len(codes):
            raise CommandError("有法院代字不存在。")
        client = institution_client_upsert(name=options["name"], uscc=options["uscc"], courts=courts, now=now)
        _row, key = api_key_issue(client=client, now=now, label="命令行签发")
        self.stdout.write(f"机构 #{client.pk} {client.name}；接口密钥（只显示这一次）：{key}")

    def do_key_issue(self, options: dict[str, Any], now: Any) -> None:
        client = InstitutionClient.objects.filter(pk=options["client"]).first()
        if client is None:
            raise CommandError("机构不存在。")
        _row, key = api_key_issue(client=client, now=now, label="命令行签发")
        self.stdout.write(f"接口密钥（只显示这一次）：{key}")

    def do_staff_create(self, options: dict[str, Any], now: Any) -> None:
        client = InstitutionClient.objects.filter(pk=options["client"]).first()
        if client is None:
            raise CommandError("机构不存在。")
        password = options["password"] or getpass.getpass("密码：")
        if not password:
            raise CommandError("请设置密码。")
        staff = institution_staff_create(
            client=client,
            username=options["username"],
            display_name=options["name"],
            password=password,
            now=now,
            role=InstitutionStaffRole.MANAGER if options["manager"] else InstitutionStaffRole.OPERATOR,
        )
        self.stdout.write(f"已为{client.name}开设门户账号 {staff.user.username}（登录：/portal/bank/login/）")

    def do_sample(self, options: dict[str, Any], now: Any) -> None:
        today = timezone.localtime(now).date()
        rows = sample_rows(options["rows"], today=today, start=options["start"])
        if options["bad"]:
            rows += [r for _code, r in bad_rows(today=today)]
        out = Path(options["out"])
        if out.suffix.lower() == ".csv":
            out.write_bytes(rows_to_csv(rows, encoding=options["encoding"]))
        else:
            out.write_bytes(rows_to_xlsx(rows))
        self.stdout.write(f"已写入 {len(rows)} 行：{out}")
