"""The institutions simulator over HTTP on 127.0.0.1: it checks every order's signature, answers
202 and then posts signed callbacks, repeats a finished result on a resend, and injects the faults
it is told to (lost, duplicated callbacks; an institution down)."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from lastmile.inquiry import protocol
from lastmile.integrations.simulator.server import Faults, Simulator
from lastmile.testing.wire import stop_in_background

from .conftest import drain, settle

ID = "43010419850312031X"  # the demo debtor of the shipped seed file


def _post(sim, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    parts = urlsplit(sim.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _get(sim, path: str) -> tuple[int, dict]:
    parts = urlsplit(sim.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def send(
    sim,
    relay,
    order_id: str,
    *,
    code: str = "icbc",
    secret: str | None = None,
    skew: float = 0,
    header_key: str | None = None,
):
    payload = {
        "order_id": order_id,
        "kind": "inquire",
        "subject": {"name": "王小明", "id_type": "resident_id", "id_number": ID},
        "callback_url": relay.url + "/inquiry/callback/",
    }
    body = protocol.dumps(payload)
    path = f"/institutions/{code}/orders"
    headers = protocol.signed_headers(
        institution_code=code,
        secret=secret if secret is not None else protocol.demo_key(code),
        method="POST",
        path=path,
        key=header_key or order_id,
        body=body,
        now=time.time() + skew,
    )
    return _post(sim, path, body, headers)


def _verified(code: str, path: str, headers: dict[str, str], body: bytes) -> dict:
    protocol.verify(
        secret=protocol.demo_key(code),
        method="POST",
        path=path,
        timestamp=headers["X-Timestamp"],
        key=headers["X-Idempotency-Key"],
        body=body,
        signature=headers["X-Signature"],
        now=time.time(),
    )
    assert headers["X-Institution"] == code
    return json.loads(body)


def test_an_order_is_accepted_then_answered_by_signed_callbacks(sim, relay):
    assert send(sim, relay, "ORD-1") == (202, {"status": "accepted"})
    settle(sim)
    delivered = drain(relay)
    assert {path for path, _, _ in delivered} == {"/inquiry/callback/"}
    messages = [_verified("icbc", path, headers, body) for path, headers, body in delivered]
    assert sorted(m["status"] for m in messages) == ["accepted", "done"]
    assert {m["order_id"] for m in messages} == {"ORD-1"}
    done = next(m for m in messages if m["status"] == "done")
    assert done["message_id"] == "ORD-1:done"
    assert [(a["identifier"], a["balance"]) for a in done["result"]["assets"]] == [
        ("6222021901004567891", "23650.40")
    ]
    # The same order again: the finished result comes back at once, and nothing is done twice.
    status, again = send(sim, relay, "ORD-1")
    assert status == 200 and again == {"status": "done", "message": done}
    settle(sim)
    assert drain(relay) == []
    stats = sim.describe()["stats"]
    assert stats["orders_inquire"] == 1 and stats["orders_repeated"] == 1
    assert stats["callbacks_delivered"] == 2


@pytest.mark.parametrize(
    ("kw", "status", "code"),
    [
        ({"secret": "not-the-key"}, 401, "bad_signature"),
        ({"skew": -3600}, 401, "stale_timestamp"),
        # Correctly signed, but the headers name another order than the body carries.
        ({"header_key": "ORD-OTHER"}, 400, "bad_request"),
    ],
)
def test_orders_that_fail_verification_are_refused_and_never_carried_out(sim, relay, kw, status, code):
    answer = send(sim, relay, "ORD-2", **kw)
    assert answer[0] == status and answer[1]["code"] == code
    settle(sim)
    assert drain(relay) == []
    assert sim.describe()["orders"] == 0


def test_unknown_institutions_and_paths_are_not_found(sim, relay):
    assert send(sim, relay, "ORD-3", code="nosuchbank")[0] == 404
    assert _post(sim, "/elsewhere", b"{}", {"Content-Type": "application/json"})[0] == 404
    assert _get(sim, "/nowhere")[0] == 404
    assert _get(sim, "/_health") == (200, {"ok": True})


def test_an_institution_switched_down_answers_503_until_switched_up(sim, relay):
    status, state = _post(sim, "/_control", json.dumps({"down": ["icbc"]}).encode(), {})
    assert status == 200 and state["faults"]["down"] == ["icbc"]
    status, body = send(sim, relay, "ORD-4")
    assert status == 503 and body["code"] == "unavailable"
    assert sim.describe()["stats"]["refused_down"] == 1
    _post(sim, "/_control", json.dumps({"down": []}).encode(), {})
    assert send(sim, relay, "ORD-4")[0] == 202


def test_lost_callbacks_never_arrive_and_duplicated_ones_arrive_twice(sim, relay):
    sim.control({"lost": 1.0})
    assert send(sim, relay, "ORD-5")[0] == 202
    settle(sim)
    assert drain(relay) == []
    assert sim.describe()["stats"]["callbacks_lost"] == 2  # accepted and done

    sim.control({"lost": 0.0, "duplicate": 1.0, "reset_stats": True})
    assert send(sim, relay, "ORD-6")[0] == 202
    settle(sim)
    ids = sorted(json.loads(body)["message_id"] for _, _, body in drain(relay))
    assert ids == ["ORD-6:accepted", "ORD-6:accepted", "ORD-6:done", "ORD-6:done"]
    assert sim.describe()["stats"]["callbacks_duplicated"] == 2


def test_the_state_page_shows_what_is_frozen(sim, relay):
    assert _get(sim, "/_state?id_number=" + ID) == (200, {})  # nothing looked up yet
    send(sim, relay, "ORD-7")
    settle(sim)
    status, state = _get(sim, "/_state?id_number=" + ID)
    assert status == 200
    assert {r["identifier"]: r["frozen"] for r in state[ID]}["6222021901004567891"] == "0.00"


def test_callbacks_of_one_institution_can_go_as_one_signed_batch(relay):
    batching = Simulator(port=0, faults=Faults(latency_scale=0.0, seed=5), callback_batch=0.05).start()
    try:
        for n in range(3):
            assert send(batching, relay, f"ORD-B{n}")[0] == 202
        settle(batching)
        delivered = drain(relay)
        bodies = [_verified("icbc", path, headers, body) for path, headers, body in delivered]
        assert all(b["batch_id"] and b["messages"] for b in bodies)  # signed with the batch id as key
        messages = [m for b in bodies for m in b["messages"]]
        assert sorted(m["message_id"] for m in messages) == sorted(
            f"ORD-B{n}:{s}" for n in range(3) for s in ("accepted", "done")
        )
        assert len(bodies) < len(messages)
        assert batching.describe()["stats"]["callbacks_delivered"] == 6
    finally:
        stop_in_background(batching.stop)
