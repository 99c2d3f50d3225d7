"""A simulator on a loopback port with no latency, a relay catching its callbacks, and a way to
wait for the simulator to go quiet (by its own in-flight count, never by a fixed sleep)."""

from __future__ import annotations

import time

import pytest

from lastmile.integrations.simulator.relay import Relay
from lastmile.integrations.simulator.server import Faults, Simulator
from lastmile.testing.wire import stop_in_background


@pytest.fixture
def sim():
    simulator = Simulator(port=0, faults=Faults(latency_scale=0.0, seed=3)).start()
    yield simulator
    stop_in_background(simulator.stop)


@pytest.fixture
def relay():
    r = Relay()
    yield r
    stop_in_background(r.stop)


def settle(sim: Simulator, *, limit: float = 30.0) -> None:
    """Wait until nothing is scheduled or on the wire; the limit only guards against a hang."""
    deadline = time.monotonic() + limit
    while not sim.idle():
        if time.monotonic() > deadline:
            raise AssertionError("the simulator did not go quiet")
        time.sleep(0.005)


def drain(relay: Relay) -> list[tuple[str, dict[str, str], bytes]]:
    out = []
    while not relay.inbox.empty():
        out.append(relay.inbox.get_nowait())
    return out
