"""``lastmile run``: migrate, load demo data on first start, start every process, stop on Ctrl-C."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.web.demo import demo_seed
from lastmile.web.management.commands.demo_seed import print_logins
from lastmile.web.processes import run_all


class Command(BaseCommand):
    help = "启动平台（内嵌默认配置）：迁移数据库、首次启动载入演示数据、启动全部进程。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="不载入演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已就绪。")
        if not options["no_demo"]:
            result = demo_seed(now=get_clock().now())
            self.stdout.write("首次启动，已载入演示数据。" if result.created else "演示数据已存在。")
            print_logins(self, result.logins)
            for line in result.notes:
                self.stdout.write(line)
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"最后一公里已启动：{url}  （按 Ctrl-C 停止）"))
        run_all(
            host=options["host"], port=options["port"], out=self.stdout.write, demo=not options["no_demo"]
        )
