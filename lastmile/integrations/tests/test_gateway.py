"""The HTTP gateway against the simulator on 127.0.0.1: each send ends as exactly one of
accepted, result, rejected or retry, and a key is never guessed outside demo mode."""

from __future__ import annotations

import socket

import pytest

from lastmile.inquiry.ports import OutboundOrder
from lastmile.integrations.gateway.http import HttpGateway

from .conftest import drain, settle

ID = "430682199007180429"  # 李玥 in the shipped seed file: a WeChat balance of 5,860.00


def _order(key: str, institution: str = "wechatpay", **extra: object) -> OutboundOrder:
    payload = {
        "order_id": key,
        "kind": "inquire",
        "subject": {"name": "李玥", "id_type": "resident_id", "id_number": ID},
        **extra,
    }
    return OutboundOrder(institution=institution, key=key, payload=payload)


@pytest.fixture
def lastmile_settings(settings):
    def apply(*, demo: bool, keys: dict[str, str] | None = None) -> None:
        inquiry = {**settings.LASTMILE.get("INQUIRY", {}), "KEYS": keys or {}}
        settings.LASTMILE = {**settings.LASTMILE, "DEMO": demo, "INQUIRY": inquiry}

    return apply


def test_orders_are_accepted_and_a_resend_brings_the_result(sim, relay, lastmile_settings):
    lastmile_settings(demo=True)
    gateway = HttpGateway(base_url=sim.url + "/", concurrency=4)
    orders = [_order(f"G-{n}", callback_url=relay.url + "/cb") for n in range(3)]
    outcomes = gateway.send_many(orders, timeout=5)
    assert [(o.key, o.kind, o.http_status) for o in outcomes] == [
        (f"G-{n}", "accepted", 202) for n in range(3)
    ]
    settle(sim)
    assert len(drain(relay)) == 6  # accepted and done for each
    again = gateway.send(orders[0], timeout=5)
    assert again.kind == "result" and again.http_status == 200
    assert again.message["message_id"] == "G-0:done"
    assert again.message["result"]["assets"][0]["balance"] == "5860.00"


def test_without_a_configured_key_nothing_is_sent_outside_demo_mode(sim, lastmile_settings):
    lastmile_settings(demo=False)
    outcome = HttpGateway(base_url=sim.url, concurrency=1).send(_order("G-10"), timeout=5)
    assert (outcome.kind, outcome.error, outcome.http_status) == ("rejected", "未配置该机构的密钥", None)
    assert sim.describe()["orders"] == 0


def test_a_wrong_key_is_refused_for_good(sim, lastmile_settings):
    lastmile_settings(demo=False, keys={"wechatpay": "a-key-the-institution-does-not-share"})
    outcome = HttpGateway(base_url=sim.url, concurrency=1).send(_order("G-11"), timeout=5)
    assert outcome.kind == "rejected" and outcome.http_status == 401
    assert "签名校验失败" in outcome.error
    assert sim.describe()["orders"] == 0


def test_an_institution_that_is_down_is_retried_later(sim, lastmile_settings):
    lastmile_settings(demo=True)
    sim.control({"down": ["wechatpay"]})
    outcome = HttpGateway(base_url=sim.url, concurrency=1).send(_order("G-12"), timeout=5)
    assert (outcome.kind, outcome.http_status) == ("retry", 503)
    assert "HTTP 503" in outcome.error


def test_an_unknown_institution_is_refused_for_good(sim, lastmile_settings):
    lastmile_settings(demo=True, keys={"nosuchbank": "k"})
    outcome = HttpGateway(base_url=sim.url, concurrency=1).send(_order("G-13", "nosuchbank"), timeout=5)
    assert (outcome.kind, outcome.http_status) == ("rejected", 404)
    assert outcome.error == "机构拒绝：未知机构"


def test_a_gateway_that_does_not_answer_is_retried_later(lastmile_settings):
    lastmile_settings(demo=True)
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    outcome = HttpGateway(base_url=f"http://127.0.0.1:{port}", concurrency=1).send(_order("G-14"), timeout=5)
    assert outcome.kind == "retry" and outcome.error.startswith("网络错误") and outcome.http_status is None


def test_orders_of_one_institution_go_in_one_exchange(sim, relay, lastmile_settings):
    lastmile_settings(demo=True)
    sim.control({"down": ["icbc"]})
    gateway = HttpGateway(base_url=sim.url, concurrency=4)
    orders = [_order(f"B-{n}", callback_url=relay.url + "/cb") for n in range(3)]
    orders += [_order(f"B-icbc-{n}", "icbc", callback_url=relay.url + "/cb") for n in range(2)]
    outcomes = gateway.send_many(orders, timeout=5)
    assert [(o.key, o.kind, o.http_status) for o in outcomes] == [
        *((f"B-{n}", "accepted", 202) for n in range(3)),
        *((f"B-icbc-{n}", "retry", 503) for n in range(2)),  # each order's own answer
    ]
    assert sim.describe()["stats"]["order_batches"] == 2  # one exchange per institution


def test_a_front_end_without_batches_gets_one_order_per_post(lastmile_settings):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    lastmile_settings(demo=True)
    seen: list[str] = []

    class FrontEnd(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(self.path)
            status, body = (404, b"{}") if self.path.endswith("/batch") else (202, b'{"status":"accepted"}')
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), FrontEnd)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        gateway = HttpGateway(base_url=f"http://127.0.0.1:{server.server_address[1]}", concurrency=2)
        first = gateway.send_many([_order(f"F-{n}") for n in range(3)], timeout=5)
        assert [o.kind for o in first] == ["accepted"] * 3
        assert seen.count("/institutions/wechatpay/orders/batch") == 1
        assert seen.count("/institutions/wechatpay/orders") == 3
        second = gateway.send_many([_order(f"F-{n}") for n in range(3, 5)], timeout=5)
        assert [o.kind for o in second] == ["accepted"] * 2
        assert seen.count("/institutions/wechatpay/orders/batch") == 1  # remembered: not asked again
    finally:
        server.shutdown()
        server.server_close()
