"""Settings of 布控: ``settings.LASTMILE["WATCH"]``, each key with a default (docs/watch.md)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from lastmile.core.demo import demo_mode
from lastmile.inquiry import protocol

FEEDS = {"railway": "铁路购票", "airline": "民航订票", "hotel": "星级酒店入住"}

DEFAULTS: dict[str, Any] = {
    # The MQTT broker the cameras publish to: the embedded one of ``lastmile run``, mosquitto or
    # an EMQX cluster in production.
    "BROKER_URL": os.environ.get("LASTMILE_MQTT_URL", "mqtt://127.0.0.1:1883"),
    # Plate reads arrive on ``lastmile/plates/<lot>/<camera>``.
    "TOPIC": "lastmile/plates/#",
    # Listener processes on one shared subscription ($share/lastmile/<TOPIC>) (mosquitto, EMQX;
    # the embedded amqtt broker has none and always gets one). One is the default: on the
    # two-core reference machine it kept 47,000 reads/s and two kept 18,000 (the broker deals
    # the messages out one by one, so each process reads smaller chunks); more pay when one
    # process's core is full and the broker runs elsewhere. docs/watch.md, "Performance".
    "WORKERS": int(os.environ.get("LASTMILE_WATCH_WORKERS", "1")),
    # Sightings of one watched vehicle or person within this many minutes are one alert.
    "DEDUP_MINUTES": 10,
    # At most this many confusable characters between a read and a watched plate.
    "MAX_DISTANCE": 2,
    # Reads below this camera confidence are dropped (counted, never matched).
    "MIN_CONFIDENCE": 0.3,
    # The listener reloads the watch list this often, and re-syncs it with the seizures,
    # restrictions and listings every SYNC_SECONDS.
    "REFRESH_SECONDS": 2.0,
    "SYNC_SECONDS": 30.0,
    # Per-feed HMAC keys {feed: secret}; in demo mode a feed missing here uses its demo key.
    "FEED_KEYS": {},
    "MAX_SKEW_SECONDS": 300,
    # The command center's stream: how long one connection stays open, how often it looks.
    "STREAM_MAX_SECONDS": 20.0,
    "STREAM_POLL_SECONDS": 0.1,
}


def watch_setting(key: str) -> Any:
    return getattr(settings, "LASTMILE", {}).get("WATCH", {}).get(key, DEFAULTS[key])


def listener_workers() -> int:
    """How many listener processes to run: WORKERS, but one on the embedded broker (amqtt has no
    shared subscriptions)."""
    if os.environ.get("LASTMILE_MQTT_EMBEDDED") == "1":
        return 1
    return max(1, int(watch_setting("WORKERS")))


def feed_key(feed: str) -> str | None:
    """The HMAC key shared with ``feed`` (None when unknown): configured, or the demo key (the
    institutions' signing scheme, :mod:`lastmile.inquiry.protocol`) in demo mode only."""
    keys = watch_setting("FEED_KEYS")
    if feed in keys:
        return str(keys[feed])
    if feed in FEEDS and demo_mode():
        return protocol.demo_key(f"feed:{feed}")
    return None
