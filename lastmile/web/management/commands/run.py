"""``lastmile run``: migrate, load demo data on first start, start every process, stop on Ctrl-C.

On the embedded default (no ``DATABASE_URL``) ``lastmile run`` is demo mode: the ``lastmile``
entry point sets ``LASTMILE_DEMO=1`` before the settings load (:mod:`lastmile.cli`). Anywhere
else, or with ``--no-demo``, no demo data, demo logins, demo keys or simulator.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.core.db import planner_statistics_refresh
from lastmile.core.demo import demo_mode
from lastmile.web.demo import demo_seed
from lastmile.web.management.commands.demo_seed import print_logins
from lastmile.web.processes import run_all


class Command(BaseCommand):
    help = "启动平台（内嵌默认配置即演示模式）：迁移数据库、首次启动载入演示数据、启动全部进程。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="不载入演示数据（非演示模式）")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已就绪。")
        demo = demo_mode() and not options["no_demo"]
        if demo:
            result = demo_seed(now=get_clock().now())
            self.stdout.write("首次启动，已载入演示数据。" if result.created else "演示数据已存在。")
            print_logins(self, result.logins)
            for line in result.notes:
                self.stdout.write(line)
        else:
            self.stdout.write("非演示模式：不载入演示数据，不启动查控协助机构模拟器。")
        planner_statistics_refresh()  # then every 10 minutes (web/schedule.py)
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"最后一公里已启动：{url}  （按 Ctrl-C 停止）"))
        run_all(host=options["host"], port=options["port"], out=self.stdout.write, demo=demo)
