"""The plate listener: an MQTT subscriber (paho-mqtt) that feeds the cameras' reads, in batches,
to :func:`lastmile.watch.services.plate_reads_process`.

paho's network thread only queues the payloads; one processing thread drains the queue every few
milliseconds (up to ``BATCH`` reads), matches them against the in-memory :class:`PlateIndex`
(reloaded every REFRESH_SECONDS, the watch list re-synced every SYNC_SECONDS) and writes the hits.
MQTT delivers QoS 1 at least once: a repeated read carries the same message id and is dropped.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import close_old_connections

from lastmile.core.clock import get_clock

from . import selectors, services
from .conf import watch_setting
from .matching import PlateIndex

log = logging.getLogger(__name__)

BATCH = 5000


def broker_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    return parts.hostname or "127.0.0.1", parts.port or 1883


@dataclass
class Stats:
    delivered: int = 0  # payloads the MQTT client took from the broker
    received: int = 0  # reads processed
    invalid: int = 0
    matched: int = 0
    alerts: int = 0
    batches: int = 0
    alert_ids: list[int] = field(default_factory=list)


class PlateListener:
    """Subscribe, match, record; ``stop()`` ends it. ``on_alerts`` (tests, the bench) is called
    with the ids of the new alerts of each batch."""

    def __init__(
        self,
        *,
        broker_url: str | None = None,
        topic: str | None = None,
        qos: int = 1,
        on_alerts: Callable[[list[int]], None] | None = None,
        sync: bool = True,
        client_id: str = "",
    ) -> None:
        self.host, self.port = broker_address(broker_url or str(watch_setting("BROKER_URL")))
        self.topic = topic or str(watch_setting("TOPIC"))
        self.qos = qos
        self.on_alerts = on_alerts
        self.sync = sync
        self.client_id = client_id
        self.inbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self.stats = Stats()
        self.subscribed = threading.Event()
        self._stop = threading.Event()
        self._index = PlateIndex(max_distance=int(watch_setting("MAX_DISTANCE")))
        self._loaded_at = 0.0
        self._synced_at = 0.0
        self._cameras: dict[str, services.Read] = {}
        self._camera_counts: Counter[str] = Counter()
        self._cameras_at = time.monotonic()
        self._client: Any = None
        self._thread: threading.Thread | None = None

    # -- MQTT --------------------------------------------------------------------------------
    def connect(self) -> None:
        import paho.mqtt.client as mqtt

        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id)

        def on_connect(c, userdata, flags, reason_code, properties=None):  # type: ignore[no-untyped-def]
            c.subscribe(self.topic, qos=self.qos)

        def on_subscribe(c, userdata, mid, reason_codes, properties=None):  # type: ignore[no-untyped-def]
            self.subscribed.set()

        stats = self.stats

        def on_message(c, userdata, msg):  # type: ignore[no-untyped-def]
            self.inbox.put(msg.payload)
            stats.delivered += 1

        client.on_connect = on_connect
        client.on_subscribe = on_subscribe
        client.on_message = on_message
        client.connect(self.host, self.port, keepalive=30)
        client.loop_start()
        self._client = client

    # -- processing ----------------------------------------------------------------------------
    def _refresh(self, force: bool = False) -> None:
        mono = time.monotonic()
        now = get_clock().now()
        if self.sync and (force or mono - self._synced_at >= float(watch_setting("SYNC_SECONDS"))):
            try:
                services.watch_list_sync(now=now)
            except Exception:  # a failed sync must not stop the listener; it retries next round
                log.exception("watch list sync failed")
            self._synced_at = mono
        if force or mono - self._loaded_at >= float(watch_setting("REFRESH_SECONDS")):
            index = PlateIndex(max_distance=int(watch_setting("MAX_DISTANCE")))
            for entry_id, plate in selectors.watched_plates(today=get_clock().today()):
                index.add(entry_id, plate)
            self._index = index
            self._loaded_at = mono

    def reload(self) -> None:
        """Reload the watch list now (tests, the bench)."""
        self._refresh(force=True)

    def process_once(self, timeout: float = 0.02) -> int:
        """Drain what is queued (up to BATCH) and process it; the number of payloads."""
        payloads: list[bytes] = []
        try:
            payloads.append(self.inbox.get(timeout=timeout))
        except queue.Empty:
            return 0
        while len(payloads) < BATCH:
            try:
                payloads.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        self._refresh()
        result = services.plate_reads_process(payloads=payloads, index=self._index, now=get_clock().now())
        s = self.stats
        s.received += result.received
        s.invalid += result.invalid
        s.matched += result.matched
        s.alerts += len(result.alerts_new)
        s.batches += 1
        self._cameras.update(result.cameras)
        self._camera_counts.update(result.camera_counts)
        if time.monotonic() - self._cameras_at > 5.0:
            self.flush_cameras()
        if result.alerts_new:
            s.alert_ids.extend(result.alerts_new)
            if self.on_alerts:
                self.on_alerts(result.alerts_new)
        return len(payloads)

    def flush_cameras(self) -> None:
        if self._camera_counts:
            services.cameras_touch(reads=self._cameras, counts=self._camera_counts, now=get_clock().now())
        self._cameras, self._camera_counts = {}, Counter()
        self._cameras_at = time.monotonic()

    def run(self) -> None:
        """Connect and process until :meth:`stop` (blocking)."""
        self._refresh(force=True)
        self.connect()
        try:
            while not self._stop.is_set():
                try:
                    self.process_once()
                except Exception:  # one bad batch must not stop the listener
                    log.exception("plate batch failed")
                    close_old_connections()
        finally:
            self.flush_cameras()
            if self._client is not None:
                self._client.loop_stop()
                self._client.disconnect()

    def start(self) -> None:
        """Run in a background thread (tests, the bench)."""
        self._thread = threading.Thread(target=self.run, name="plate-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
