"""``lastmile watch-sim``: parking lots around the demo courts publish plate reads over MQTT, and
the railway, airline and hotel feeds post signed messages about restricted debtors."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandParser

from lastmile.core.clock import get_clock
from lastmile.core.demo import demo_mode
from lastmile.watch import selectors
from lastmile.watch.conf import FEEDS, feed_key, watch_setting
from lastmile.watch.listener import broker_address
from lastmile.watch.sim import LOTS, feed_post, misread, random_plate, read_message


def _web_origin() -> str:
    url = os.environ.get("LASTMILE_INQUIRY_CALLBACK_URL", "http://127.0.0.1:8000/inquiry/callback/")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Command(BaseCommand):
    help = "启动停车场卡口与联合惩戒反馈模拟器（演示用）：含演示被执行人的车辆和出行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--broker", default=str(watch_setting("BROKER_URL")))
        parser.add_argument("--rate", type=float, default=5.0, help="每秒车牌识别次数")
        parser.add_argument("--watched-every", type=float, default=45.0, help="每隔多少秒驶入一辆布控车辆")
        parser.add_argument("--feed-every", type=float, default=120.0, help="每隔多少秒一条出行反馈")
        parser.add_argument("--web", default="", help="平台地址（反馈推送），默认取机构回执地址")
        parser.add_argument("--seconds", type=float, default=0.0, help="运行多少秒后退出（0 为一直运行）")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        import paho.mqtt.client as mqtt

        rng = random.Random(options["seed"])  # noqa: S311 (simulated traffic, not secrets)
        clock = get_clock()
        if demo_mode():
            from lastmile.watch.demo import demo_watch_ensure

            for attempt in range(60):  # the demo seed may still be running
                try:
                    made = demo_watch_ensure(now=clock.now())
                    if made:
                        self.stdout.write("演示布控车辆：" + "、".join(e.plate for e in made))
                    break
                except Exception as exc:  # tables not migrated yet: wait for run's migrate
                    self.stderr.write(f"等待数据库就绪（{exc.__class__.__name__}），{attempt + 1}/60")
                    time.sleep(2)
        host, port = broker_address(options["broker"])
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"watch-sim-{os.getpid()}")
        for attempt in range(30):
            try:
                client.connect(host, port, keepalive=30)
                break
            except OSError as exc:
                self.stderr.write(f"连接 MQTT 失败（{exc}），{attempt + 1}/30")
                time.sleep(1)
        client.loop_start()
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        web = options["web"] or _web_origin()
        self.stdout.write(
            f"卡口模拟器：{host}:{port}，{len(LOTS)} 个停车场，"
            f"每秒 {options['rate']} 次识别；反馈推送至 {web}"
        )
        started = time.monotonic()
        next_watched = started + min(20.0, options["watched_every"])
        next_feed = started + min(60.0, options["feed_every"])
        interval = 1.0 / max(0.1, options["rate"])
        try:
            while not stop["now"]:
                mono = time.monotonic()
                if options["seconds"] and mono - started > options["seconds"]:
                    break
                now = clock.now()
                lot = rng.choice(LOTS)
                topic, payload = read_message(rng, lot, random_plate(rng, lot.prefix), now=now)
                client.publish(topic, json.dumps(payload, ensure_ascii=False), qos=1)
                if mono >= next_watched:
                    next_watched = mono + options["watched_every"] * rng.uniform(0.6, 1.4)
                    plates = selectors.watched_plates(today=clock.today())
                    if plates:
                        plate = rng.choice(plates)[1]
                        shown = misread(rng, plate) if rng.random() < 0.5 else plate
                        near = [lt for lt in LOTS if lt.prefix == plate[:2]] or list(LOTS)
                        topic, payload = read_message(rng, rng.choice(near), shown, now=now, confidence=0.93)
                        client.publish(topic, json.dumps(payload, ensure_ascii=False), qos=1)
                        self.stdout.write(f"布控车辆驶入：{shown}（{payload['place']}）")
                if mono >= next_feed:
                    next_feed = mono + options["feed_every"] * rng.uniform(0.6, 1.4)
                    self._feed(rng, web, now)
                time.sleep(interval)
        finally:
            client.loop_stop()
            client.disconnect()

    def _feed(self, rng: random.Random, web: str, now: Any) -> None:
        persons = selectors.watched_persons(today=now.date())
        if not persons:
            return
        id_number, name = rng.choice(persons)
        feed = rng.choice(list(FEEDS))
        secret = feed_key(feed)
        if secret is None:
            return
        detail = {
            "railway": "G6012 长沙南—北京西 二等座",
            "airline": "CZ3101 长沙黄花—广州白云 经济舱",
            "hotel": "五星级酒店 入住一晚",
        }[feed]
        message = {
            "message_id": f"{feed}-{rng.getrandbits(48):012x}",
            "id_number": id_number,
            "name": name,
            "time": now.isoformat(),
            "place": {"railway": "长沙南站", "airline": "长沙黄花国际机场", "hotel": "长沙市岳麓区"}[feed],
            "lat": 28.1474 if feed == "railway" else 28.1892,
            "lng": 113.0645 if feed == "railway" else 113.2196,
            "detail": detail,
        }
        status = feed_post(web, feed, message, secret=secret)
        self.stdout.write(f"{FEEDS[feed]}反馈：{name} → {status}")
