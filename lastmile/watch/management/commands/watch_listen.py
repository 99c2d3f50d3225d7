"""``lastmile watch-listen``: the plate listener (MQTT subscriber → match → alert)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.watch.conf import watch_setting
from lastmile.watch.listener import PlateListener


class Command(BaseCommand):
    help = "启动车牌识别监听：订阅 MQTT 车牌识别结果，比对布控名单并产生预警。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--broker", default=str(watch_setting("BROKER_URL")))
        parser.add_argument("--topic", default=str(watch_setting("TOPIC")))

    def handle(self, *args: Any, **options: Any) -> None:
        listener = PlateListener(
            broker_url=options["broker"], topic=options["topic"], client_id="lastmile-watch"
        )
        signal.signal(signal.SIGTERM, lambda *_: listener.stop())
        # the broker may still be starting (lastmile run starts both at once): retry the connection
        for attempt in range(30):
            try:
                self.stdout.write(f"车牌识别监听：{options['broker']} {options['topic']}")
                listener.run()
                return
            except (ConnectionRefusedError, OSError) as exc:
                self.stderr.write(f"连接 MQTT 失败（{exc}），{attempt + 1}/30 次，稍后重试。")
                time.sleep(1.0)
