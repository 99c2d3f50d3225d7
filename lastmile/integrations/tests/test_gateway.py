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
