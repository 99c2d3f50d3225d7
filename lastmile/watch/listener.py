"""The plate listener: an MQTT subscriber that feeds the cameras' reads, in batches, to
:func:`lastmile.watch.services.plate_reads_process`.

One thread per process: it reads the socket in large chunks (:class:`lastmile.watch.mqtt.Subscriber`:
every complete message of a chunk at once), matches them against the in-memory
:class:`PlateIndex` (reloaded every REFRESH_SECONDS, the watch list re-synced every SYNC_SECONDS by
the first worker), writes the hits and then acknowledges the QoS 1 messages (a crash before the
commit redelivers them; a repeated read carries the same message id and is dropped).

``WORKERS`` > 1 (:func:`run_workers`) runs that many processes on one MQTT shared subscription
(``$share/lastmile/<topic>``: the broker deals the messages out among them), for when one
process's core is full; mosquitto and EMQX support it, the embedded amqtt broker does not (it
gets one worker). The default is one (docs/watch.md, "Performance").
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections, connections

from lastmile.core.clock import get_clock

from . import selectors, services
from .conf import watch_setting
from .matching import PlateIndex
from .mqtt import MqttError, Subscriber, address

log = logging.getLogger(__name__)

SHARE_GROUP = "lastmile"


def broker_address(url: str) -> tuple[str, int]:
    """(host, port) of a broker URL (the embedded broker and the simulator use it)."""
    host, port, _tls, _user, _password = address(url)
    return host, port


def shared_topic(topic: str, group: str = SHARE_GROUP) -> str:
    """``topic`` as an MQTT shared subscription (unchanged when it already is one)."""
    return topic if topic.startswith("$share/") else f"$share/{group}/{topic}"


@dataclass
class Stats:
    delivered: int = 0  # payloads taken from the broker
    received: int = 0  # reads processed
    invalid: int = 0
    matched: int = 0
    alerts: int = 0
    batches: int = 0
    alert_ids: list[int] = field(default_factory=list)


class PlateListener:
    """Subscribe, match, record; ``stop()`` ends it. ``on_alerts`` (tests) is called with the
    ids of the new alerts of each batch; ``progress`` (the bench: a shared counter with a
    ``value``) is raised by the reads of each batch."""

    def __init__(
        self,
        *,
        broker_url: str | None = None,
        topic: str | None = None,
        qos: int = 1,
        on_alerts: Callable[[list[int]], None] | None = None,
        sync: bool = True,
        client_id: str = "",
        progress: Any = None,
    ) -> None:
        self.broker_url = broker_url or str(watch_setting("BROKER_URL"))
        self.topic = topic or str(watch_setting("TOPIC"))
        self.qos = qos
        self.on_alerts = on_alerts
        self.sync = sync
        self.client_id = client_id
        self.progress = progress
        self.stats = Stats()
        self.subscribed = threading.Event()
        self._stop = threading.Event()
        self._index = PlateIndex(max_distance=int(watch_setting("MAX_DISTANCE")))
        self._loaded_at = 0.0
        self._synced_at = 0.0
        self._cameras: dict[str, services.Read] = {}
        self._camera_counts: Counter[str] = Counter()
        self._cameras_at = time.monotonic()
        self._sub: Subscriber | None = None
        self._thread: threading.Thread | None = None
        # group commit (run() only): hit batches by sequence number, and the acks waiting on them
        self._writer: threading.Thread | None = None
        self._pending: queue.SimpleQueue[tuple[int, list[services.Hit]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._seq = 0  # hit batches handed to the writer
        self._hit_seq = 0  # the latest of them
        self._written_seq = 0  # the latest committed
        self._acks: deque[tuple[int, list[int]]] = deque()

    # -- MQTT --------------------------------------------------------------------------------
    def connect(self) -> None:
        sub = Subscriber(self.broker_url, self.topic, qos=self.qos, client_id=self.client_id)
        sub.connect()
        self._sub = sub
        self.subscribed.set()

    def close(self) -> None:
        self._acks.clear()  # unacknowledged QoS 1 reads are redelivered on the next connection
        if self._sub is not None:
            self._sub.close()
            self._sub = None
        self.subscribed.clear()

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
        """Read what has arrived (waiting up to ``timeout``), process it, acknowledge it; the
        number of payloads."""
        if self._sub is None:
            raise MqttError("not connected")
        payloads = self._sub.read(timeout)
        if not payloads:
            self._refresh()
            return 0
        return self.process(payloads)

    def process(self, payloads: Sequence[bytes]) -> int:
        """Match a batch in memory; write its hits now, or hand them to the writer thread when
        :meth:`run` started one (group commit: the hits that arrive while it writes are written
        together next, so the database work per hit falls as the rate rises). The batch's QoS 1
        acknowledgements go out once its hits, and every earlier batch's, are committed."""
        s = self.stats
        s.delivered += len(payloads)
        self._refresh()
        if self._writer is None:  # match and write at once (tests, process_once without run())
            result = services.plate_reads_process(
                payloads=list(payloads), index=self._index, now=get_clock().now()
            )
            self._written_record(result)
        else:
            result, hits = services.plate_reads_match(payloads=list(payloads), index=self._index)
            if hits:
                with self._lock:
                    self._seq += 1
                    self._hit_seq = self._seq
                    self._pending.put((self._seq, hits))
        acks = self._sub.take_acks() if self._sub is not None else []
        if acks:
            self._acks.append((self._hit_seq, acks))
        self._acks_send()
        s.received += result.received
        s.invalid += result.invalid
        s.batches += 1
        if self.progress is not None:
            self.progress.value += result.received
        with self._lock:
            for camera, read in result.cameras.items():
                self._cameras.setdefault(camera, read)
            self._camera_counts.update(result.camera_counts)
        if self._writer is None and time.monotonic() - self._cameras_at > 5.0:
            self.flush_cameras()  # with a writer thread, it does (all writes in one thread)
        return len(payloads)

    def _written_record(self, written: services.IngestResult) -> None:
        s = self.stats
        s.matched += written.matched
        s.alerts += len(written.alerts_new)
        if written.alerts_new:
            s.alert_ids.extend(written.alerts_new)
            if self.on_alerts:
                self.on_alerts(written.alerts_new)

    def _acks_send(self) -> None:
        """Acknowledge the batches whose hits (and all earlier hits) are committed, in order."""
        if self._sub is None:
            return
        done = self._written_seq
        while self._acks and self._acks[0][0] <= done:
            self._sub.ack(self._acks.popleft()[1])

    def _write_loop(self) -> None:
        """The writer thread: drain every pending hit batch and write them in one transaction."""
        while not (self._stop.is_set() and self._pending.empty()):
            if time.monotonic() - self._cameras_at > 5.0:
                try:
                    self.flush_cameras()
                except Exception:
                    log.exception("recording the cameras failed")
            try:
                items = [self._pending.get(timeout=0.05)]
            except queue.Empty:
                continue
            while True:
                try:
                    items.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            hits = [h for _, batch in items for h in batch]
            written = services.IngestResult()
            for attempt in (1, 2):
                try:
                    services.plate_hits_record(hits=hits, result=written, now=get_clock().now())
                    break
                except Exception:  # logged; a second failure drops these hits (acked, not retried)
                    log.exception("writing %d plate hits failed (attempt %d)", len(hits), attempt)
                    close_old_connections()
                    written = services.IngestResult()
            self._written_record(written)
            self._written_seq = items[-1][0]
        close_old_connections()

    def flush_cameras(self) -> None:
        with self._lock:
            reads, counts = self._cameras, self._camera_counts
            self._cameras, self._camera_counts = {}, Counter()
            self._cameras_at = time.monotonic()
        if counts:
            services.cameras_touch(reads=reads, counts=counts, now=get_clock().now())

    def run(self) -> None:
        """Connect and process until :meth:`stop` (blocking); a lost or refused connection is
        retried every second (the broker may still be starting, or restarting)."""
        self._refresh(force=True)
        self._writer = threading.Thread(target=self._write_loop, name="plate-writer", daemon=True)
        self._writer.start()
        try:
            while not self._stop.is_set():
                try:
                    if self._sub is None:
                        self.connect()
                        log.info("plate listener subscribed to %s on %s", self.topic, self.broker_url)
                    self.process_once(timeout=0.05)
                    self._acks_send()
                except (MqttError, OSError) as exc:
                    log.warning("MQTT connection to %s: %s; retrying", self.broker_url, exc)
                    self.close()
                    self._stop.wait(1.0)
                except Exception:  # one bad batch must not stop the listener
                    log.exception("plate batch failed")
                    close_old_connections()
        finally:
            try:
                self._writer.join(timeout=10)  # _stop is set: it writes what is pending and ends
                self._acks_send()
                self._writer = None
                self.flush_cameras()
            finally:
                self._writer = None
                self.close()

    def start(self) -> None:
        """Run in a background thread (tests)."""
        self._thread = threading.Thread(target=self.run, name="plate-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def _worker(
    number: int, broker_url: str, topic: str, qos: int, client_id: str, sync: bool, progress: Any
) -> None:
    connections.close_all()  # never share the parent's database connection
    listener = PlateListener(
        broker_url=broker_url,
        topic=topic,
        qos=qos,
        sync=sync and number == 0,  # one worker keeps the watch list in line
        client_id=f"{client_id}-{number}-{os.getpid()}" if client_id else "",
        progress=progress,
    )
    signal.signal(signal.SIGTERM, lambda *_: listener.stop())
    signal.signal(signal.SIGINT, lambda *_: listener.stop())
    listener.run()


def workers_start(
    workers: int,
    *,
    broker_url: str,
    topic: str,
    qos: int = 1,
    client_id: str = "",
    sync: bool = True,
    progress: Sequence[Any] | None = None,
) -> list[Any]:
    """Start ``workers`` listener processes on the shared subscription of ``topic`` (a plain
    subscription when ``workers`` is 1); ``progress[i]`` is worker i's counter of reads."""
    ctx = mp.get_context("fork")
    sub_topic = shared_topic(topic) if workers > 1 else topic
    connections.close_all()
    procs = []
    for i in range(workers):
        proc = ctx.Process(
            target=_worker,
            args=(i, broker_url, sub_topic, qos, client_id, sync, progress[i] if progress else None),
            name=f"plate-listener-{i}",
            daemon=True,
        )
        proc.start()
        procs.append(proc)
    return procs


def workers_stop(procs: Sequence[Any], timeout: float = 10.0) -> None:
    for proc in procs:
        if proc.is_alive():
            proc.terminate()  # SIGTERM: the worker finishes its batch and disconnects
    for proc in procs:
        proc.join(timeout)


def run_workers(workers: int, *, broker_url: str, topic: str, client_id: str = "lastmile-watch") -> int:
    """``lastmile watch-listen``: run the workers until SIGTERM, or until one of them dies (then
    stop the others and return 1, so that ``lastmile run`` restarts the listener)."""
    procs = workers_start(workers, broker_url=broker_url, topic=topic, client_id=client_id)
    stopping = threading.Event()

    def stop(*_: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping.is_set():
            if any(not p.is_alive() for p in procs):
                log.error("a plate listener worker ended; stopping the others")
                return 1
            stopping.wait(0.5)
        return 0
    finally:
        workers_stop(procs)
