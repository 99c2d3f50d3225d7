"""The camera and feed simulator (``lastmile watch-sim``): parking lots around the three demo
courts publish plate reads over MQTT, and the railway, airline and hotel feeds post signed
messages about debtors under a 限制消费令 or on the 失信 list.

Traffic is ordinary cars (random plates of the lots' prefectures, camera confidence 0.75–0.99);
every ``--watched-every`` seconds one watched car (from the court's watch list, so the demo
debtors' cars) drives into a lot, now and then misread by one confusable character, so a newcomer
sees an alert within minutes of ``lastmile run``.
"""

from __future__ import annotations

import random
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime

from lastmile.inquiry import protocol

from .matching import CONFUSION_GROUPS


@dataclass(frozen=True)
class Lot:
    code: str
    name: str
    prefix: str  # the prefecture's plate prefix
    lat: float
    lng: float
    cameras: int = 2


LOTS: tuple[Lot, ...] = (
    # 岳麓区 (Changsha, 湘A)
    Lot("yl-meixihu", "梅溪湖步步高广场停车场", "湘A", 28.1985, 112.8891, 3),
    Lot("yl-wanda", "岳麓万达广场停车场", "湘A", 28.2038, 112.9585, 2),
    Lot("yl-csu", "中南大学南校区停车场", "湘A", 28.1602, 112.9316, 2),
    Lot("yl-station", "长沙西站停车场", "湘A", 28.2271, 112.8567, 2),
    # 武陵区 (Changde, 湘J)
    Lot("wl-plaza", "常德万达广场停车场", "湘J", 29.0361, 111.6985, 2),
    Lot("wl-hospital", "常德市第一人民医院停车场", "湘J", 29.0312, 111.6821, 2),
    Lot("wl-station", "常德站停车场", "湘J", 29.0552, 111.6702, 2),
    # 临湘市 (Yueyang, 湘F)
    Lot("lx-center", "临湘市政务中心停车场", "湘F", 29.4768, 113.4508, 2),
    Lot("lx-station", "临湘站停车场", "湘F", 29.4925, 113.4623, 2),
)
SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
COLOURS = ("蓝", "蓝", "蓝", "绿", "黄")


def random_plate(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice(SERIAL) for _ in range(5))


def misread(rng: random.Random, plate: str) -> str:
    """The plate with one confusable character read as another of its group (if it has one)."""
    positions = [i for i, ch in enumerate(plate) if i >= 2 and any(ch in g for g in CONFUSION_GROUPS)]
    if not positions:
        return plate
    i = rng.choice(positions)
    group = next(g for g in CONFUSION_GROUPS if plate[i] in g)
    return plate[:i] + rng.choice([c for c in group if c != plate[i]]) + plate[i + 1 :]


def read_message(
    rng: random.Random, lot: Lot, plate: str, *, now: datetime, confidence: float | None = None
) -> tuple[str, dict[str, object]]:
    """(topic, payload) of one read of ``plate`` at one of ``lot``'s cameras."""
    cam = rng.randrange(lot.cameras) + 1
    camera = f"{lot.code}-cam{cam}"
    jitter = (rng.random() - 0.5) * 0.0008
    msg_id = uuid.uuid4().hex[:16]
    return f"lastmile/plates/{lot.code}/{camera}", {
        "id": msg_id,
        "plate": plate,
        "colour": rng.choice(COLOURS),
        "time": now.isoformat(),
        "camera": camera,
        "place": f"{lot.name}{cam}号口",
        "lat": round(lot.lat + jitter, 6),
        "lng": round(lot.lng + jitter, 6),
        "confidence": round(confidence if confidence is not None else rng.uniform(0.75, 0.99), 3),
        "image": f"lpr://{lot.code}/{now:%Y%m%d}/{camera}-{msg_id}.jpg",
    }


def feed_post(base_url: str, feed: str, message: dict[str, object], *, secret: str) -> int:
    """POST one signed feed message (the institutions' signing scheme); the HTTP status."""
    path = f"/watch/feed/{feed}/"
    body = protocol.dumps(message)
    headers = protocol.signed_headers(
        institution_code=f"feed:{feed}",
        secret=secret,
        method="POST",
        path=path,
        key=str(message["message_id"]),
        body=body,
        now=time.time(),
    )
    if not base_url.startswith(("http://", "https://")):
        raise ValueError("the platform URL must be http(s)")
    req = urllib.request.Request(  # noqa: S310 (checked above)
        base_url.rstrip("/") + path, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 (a configured URL)
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
