"""``lastmile institutions-sim``: start the institutions simulator (a separate process).

The simulator is an adapter under ``lastmile.integrations``; it is chosen by the setting
``LASTMILE["INQUIRY"]["SIMULATOR"]`` so that the domain never imports integrations. It listens
where the platform sends orders: the host and port of ``LASTMILE["INQUIRY"]["GATEWAY_URL"]``,
unless ``--host``/``--port`` say otherwise."""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from lastmile.inquiry.conf import inquiry_setting


class Command(BaseCommand):
    help = "启动查控协助机构模拟器（银行、微信支付、支付宝、不动产、车辆等，供演示和测试）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs="*", help="传给模拟器的参数，如 -- --lost 0.2 --reorder")

    def run_from_argv(self, argv: list[str]) -> None:
        # Hand every flag to the simulator's own parser (--lost, --down, …); flags given on the
        # command line come after the defaults, so they win.
        import_string(inquiry_setting("SIMULATOR"))([*simulator_address_args(), *argv[2:]])

    def handle(self, *args: Any, **options: Any) -> None:
        import_string(inquiry_setting("SIMULATOR"))(
            [*simulator_address_args(), *(list(args) or sys.argv[2:0])]
        )


def simulator_address_args() -> list[str]:
    """``--host``/``--port`` of the configured gateway URL (the simulator stands in for it)."""
    parts = urlsplit(str(inquiry_setting("GATEWAY_URL")))
    return ["--host", parts.hostname or "127.0.0.1", "--port", str(parts.port or 80)]
