"""``lastmile watch-broker``: the embedded MQTT broker (amqtt) where cameras publish plate reads."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.watch.broker import serve_forever
from lastmile.watch.conf import watch_setting
from lastmile.watch.listener import broker_address


class Command(BaseCommand):
    help = "启动内置 MQTT 消息服务器（停车场、卡口摄像机上报车牌识别结果）。"

    def add_arguments(self, parser: CommandParser) -> None:
        host, port = broker_address(str(watch_setting("BROKER_URL")))
        parser.add_argument("--host", default=host)
        parser.add_argument("--port", type=int, default=port)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"MQTT 消息服务器：{options['host']}:{options['port']}")
        serve_forever(options["host"], options["port"])
