from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError
from lastmile.web.demo import demo_seed


class Command(BaseCommand):
    help = "载入演示数据（法院、各岗位演示账号、当事人和案件）；已载入时不重复。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_seed(now=get_clock().now())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write("演示数据已载入。" if result.created else "演示数据已存在。")
        print_logins(self, result.logins)
        for line in result.notes:
            self.stdout.write(line)


def print_logins(cmd: BaseCommand, logins: list[tuple[str, str, str, str]]) -> None:
    if not logins:
        return
    cmd.stdout.write("演示账号（法院 / 岗位 / 用户名 / 密码）：")
    for court, role, username, password in logins:
        cmd.stdout.write(f"  {court:<6} {role:<6} {username:<14} {password}")
    cmd.stdout.write(
        "工作人员登录：/login/    当事人登录：/portal/party/login/    失信公开查询：/portal/public/dishonest/"
    )
