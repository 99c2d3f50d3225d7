"""The embedded MQTT broker of ``lastmile run`` (amqtt, pure Python): no server to install.

Production points ``LASTMILE_MQTT_URL`` at mosquitto or an EMQX cluster instead, and
``lastmile run`` then starts no broker of its own. Listens on loopback only by default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading


def broker_config(host: str, port: int) -> dict[str, object]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


async def _serve(host: str, port: int, started: threading.Event | None, stop: asyncio.Event) -> None:
    from amqtt.broker import Broker

    broker = Broker(broker_config(host, port))
    await broker.start()
    if started is not None:
        started.set()
    try:
        await stop.wait()
    finally:
        await broker.shutdown()


def serve_forever(host: str = "127.0.0.1", port: int = 1883) -> None:
    """Run the broker until the process is stopped."""
    logging.getLogger("amqtt").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(host, port, None, asyncio.Event()))


class EmbeddedBroker:
    """The broker in a background thread (tests and the bench, when no broker answers)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 1883) -> None:
        self.host, self.port = host, port
        self._started = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> None:
        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._stop = asyncio.Event()
            self._loop.run_until_complete(_serve(self.host, self.port, self._started, self._stop))

        logging.getLogger("amqtt").setLevel(logging.WARNING)
        self._thread = threading.Thread(target=run, name="mqtt-broker", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise RuntimeError("the embedded MQTT broker did not start")

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
