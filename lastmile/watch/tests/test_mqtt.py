"""The listener's MQTT reader against a scripted broker on a local socket: the handshake, a
retained message that arrives with the SUBACK, packets split across reads, QoS 1 packet ids and
their acknowledgement in order, a refused subscription."""

from __future__ import annotations

import socket
import struct
import threading

import pytest

from lastmile.watch.mqtt import CONNACK, PUBACK, PUBLISH, SUBACK, MqttError, Subscriber, _packet, _string


def _publish(topic: str, payload: bytes, packet_id: int | None = None) -> bytes:
    if packet_id is None:
        return _packet(PUBLISH << 4, _string(topic) + payload)
    return _packet((PUBLISH << 4) | 0x02, _string(topic) + struct.pack("!H", packet_id) + payload)


class Broker:
    """Accepts one connection, answers CONNACK and SUBACK (plus ``extra`` in the same write), then
    sends what the test hands it and records what the client sends."""

    def __init__(self, *, granted: int = 1, extra: bytes = b"") -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.granted, self.extra = granted, extra
        self.conn: socket.socket | None = None
        self.received = b""
        self.ready = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        self.conn = conn
        conn.recv(1024)  # CONNECT
        conn.sendall(bytes([CONNACK << 4, 2, 0, 0]))
        conn.recv(1024)  # SUBSCRIBE
        conn.sendall(bytes([SUBACK << 4, 3, 0, 1, self.granted]) + self.extra)
        self.ready.set()
        conn.settimeout(2.0)
        try:
            while chunk := conn.recv(4096):
                self.received += chunk
        except OSError:
            pass

    def send(self, data: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(data)


def _read_until(sub: Subscriber, n: int) -> list[bytes]:
    out: list[bytes] = []
    for _ in range(100):
        out += sub.read(0.05)
        if len(out) >= n:
            break
    return out


def test_reads_messages_whole_and_split_and_acknowledges_qos1_in_order():
    retained = _publish("lastmile/plates/a/b", b'{"retained": 1}')
    broker = Broker(extra=retained)
    sub = Subscriber(f"mqtt://127.0.0.1:{broker.port}", "lastmile/plates/#", qos=1, client_id="t")
    sub.connect(timeout=5)
    assert broker.ready.wait(5)
    # the retained message came with the SUBACK: it is read without waiting for more data
    assert sub.read(5.0) == [b'{"retained": 1}']
    big = b"x" * 300  # a two-byte remaining length
    stream = _publish("t/1", b"a", 7) + _publish("t/2", big, 8) + _publish("t/3", b"c")
    broker.send(stream[:5])
    assert sub.read(0.2) == []  # an incomplete packet is kept, not returned
    broker.send(stream[5:])
    assert _read_until(sub, 3) == [b"a", big, b"c"]
    ids = sub.take_acks()
    assert ids == [7, 8]
    sub.ack(ids)
    sub.close()
    expected = bytes([PUBACK << 4, 2, 0, 7, PUBACK << 4, 2, 0, 8])
    for _ in range(50):
        if expected in broker.received:
            break
        threading.Event().wait(0.02)
    assert expected in broker.received


def test_a_refused_subscription_is_an_error():
    broker = Broker(granted=0x80)
    sub = Subscriber(f"mqtt://127.0.0.1:{broker.port}", "$share/lastmile/x/#", qos=1)
    with pytest.raises(MqttError):
        sub.connect(timeout=5)
