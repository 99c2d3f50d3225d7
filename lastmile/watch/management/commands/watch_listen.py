"""``lastmile watch-listen``: the plate listener (MQTT subscriber → match → alert)."""

from __future__ import annotations

import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lastmile.watch.conf import listener_workers, watch_setting
from lastmile.watch.listener import PlateListener, run_workers, shared_topic


class Command(BaseCommand):
    help = "启动车牌识别监听：订阅 MQTT 车牌识别结果，比对布控名单并产生预警。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--broker", default=str(watch_setting("BROKER_URL")))
        parser.add_argument("--topic", default=str(watch_setting("TOPIC")))
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="监听进程数（大于 1 时使用 MQTT 共享订阅 $share/lastmile/<topic>）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = max(1, options["workers"] or listener_workers())
        broker, topic = options["broker"], options["topic"]
        shown = shared_topic(topic) if workers > 1 else topic
        self.stdout.write(f"车牌识别监听：{broker} {shown}（{workers} 个进程）")
        if workers > 1:
            sys.exit(run_workers(workers, broker_url=broker, topic=topic))
        # one worker: in this process (it retries the connection while the broker starts)
        listener = PlateListener(broker_url=broker, topic=topic, client_id="lastmile-watch")
        signal.signal(signal.SIGTERM, lambda *_: listener.stop())
        listener.run()
