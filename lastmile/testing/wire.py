"""The inquiry test wire: a real simulator over HTTP, and a relay that hands its callbacks to the
real callback view, in the test's thread (so the test database sees them) and on a virtual clock.
Shared by the inquiry app's tests and the cross-app journeys in ``tests/flows``."""

from __future__ import annotations

import importlib
import queue
import threading
import time

import pytest
from django.db.models import Min

from lastmile.core.clock import FixedClock, use_clock
from lastmile.inquiry import conf
from lastmile.inquiry.models import OPEN_ORDER_STATUSES, Order
from lastmile.inquiry.services import inbox_apply, inquiry_sweep, orders_dispatch

# The simulator is an adapter: the domain loads it by name, the way settings choose adapters.
_sim = importlib.import_module("lastmile.integrations.simulator.server")
Faults, Simulator = _sim.Faults, _sim.Simulator
Relay = importlib.import_module("lastmile.integrations.simulator.relay").Relay


def stop_in_background(stop) -> None:
    """Stop a test server without waiting: ``serve_forever`` notices a shutdown only at its next
    0.5 s poll, which would be added to every test's teardown. The servers are daemon threads
    on ports of their own, and nothing of them touches the database."""
    threading.Thread(target=stop, daemon=True, name="stop-test-server").start()


class Wire:
    """Drives the whole loop: dispatch due orders, deliver callbacks through the view (which
    stores them), apply them as the inquiry worker does, and jump
    the virtual clock to the next due order when the institutions have gone quiet."""

    def __init__(self, sim, relay, client, clock: FixedClock) -> None:
        self.sim = sim
        self.relay = relay
        self.client = client
        self.clock = clock
        self.delivered = 0
        self.responses: list[int] = []

    def deliver_one(self) -> bool:
        try:
            path, headers, body = self.relay.inbox.get_nowait()
        except queue.Empty:
            return False
        wanted = {k: v for k, v in headers.items() if k.lower().startswith("x-")}
        response = self.client.post(path, data=body, content_type="application/json", headers=wanted)
        self.responses.append(response.status_code)
        self.delivered += 1
        return True

    def pump(self, *, max_seconds: float = 300.0) -> None:
        """Run the loop until no order is open. ``max_seconds`` (wall clock) only stops a hang:
        on a busy machine the faulty-network test alone can take a minute or more."""
        deadline = time.monotonic() + max_seconds
        quiet_since = None
        while time.monotonic() < deadline:
            progressed = False
            while self.deliver_one():
                progressed = True
            if inbox_apply(now=self.clock.now()).applied:  # the inquiry worker's step
                progressed = True
            if orders_dispatch(now=self.clock.now()).sent:
                progressed = True
            if progressed:
                quiet_since = None
                continue
            if not (self.sim.idle() and self.relay.inbox.empty()):
                time.sleep(0.003)
                continue
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since < 0.02:
                time.sleep(0.003)
                continue
            inquiry_sweep(now=self.clock.now())
            nxt = Order.objects.filter(status__in=OPEN_ORDER_STATUSES).aggregate(m=Min("next_attempt_at"))[
                "m"
            ]
            if nxt is None:
                return
            if nxt > self.clock.now():
                self.clock.set(nxt)
            quiet_since = None
        raise AssertionError("the inquiry loop did not settle in time")

    def state(self, id_number: str | None = None) -> dict:
        return self.sim.world.snapshot(id_number)


@pytest.fixture
def sim():
    simulator = Simulator(port=0, faults=Faults(latency_scale=0.0, seed=7)).start()
    yield simulator
    stop_in_background(simulator.stop)


@pytest.fixture
def relay():
    r = Relay()
    yield r
    stop_in_background(r.stop)


def _inquiry_settings(settings, **extra):
    base = dict(settings.LASTMILE)
    inquiry = dict(base.get("INQUIRY", {}))
    inquiry.update(extra)
    base["INQUIRY"] = inquiry
    settings.LASTMILE = base
    conf._gateway.cache_clear()


@pytest.fixture
def demo_mode(settings):
    """The simulator signs with the demo keys, which the platform accepts in demo mode only;
    tests of production behaviour switch it off again (``settings.LASTMILE["DEMO"] = False``)."""
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": True}


@pytest.fixture
def inquiry_settings(settings):
    def apply(**extra):
        _inquiry_settings(settings, **extra)

    yield apply
    conf._gateway.cache_clear()


@pytest.fixture
def wire(sim, relay, client, inquiry_settings, now):
    inquiry_settings(
        GATEWAY_URL=sim.url,
        CALLBACK_URL=relay.url + "/inquiry/callback/",
        # Only a hang may time out: a send that times out is retried later, so a short timeout on
        # a busy machine would leave orders pending (or failed) that the tests expect sent.
        SEND_TIMEOUT_SECONDS=60.0,
        DISPATCH_CONCURRENCY=8,
        BACKOFF_BASE_SECONDS=1.0,
    )
    clock = FixedClock(now)
    with use_clock(clock):
        yield Wire(sim, relay, client, clock)
