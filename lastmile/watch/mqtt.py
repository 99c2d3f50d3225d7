"""A minimal MQTT 3.1.1 subscriber for the plate listener: one socket, read in large chunks, every
complete PUBLISH in a chunk returned at once.

Why not paho-mqtt here: paho reads each packet with several ``recv`` calls and builds a message
object and a callback per read; profiled on this machine it costs about 20 µs of CPU per message
against under 1 µs for this reader (docs/watch.md, "Performance"), and its network thread
competes with the matching for the GIL. Publishing (the simulator, the tests) still uses paho.

What it does: CONNECT (clean session, keep-alive, optional user name and password from the URL,
TLS for ``mqtts://``), one SUBSCRIBE (a shared subscription ``$share/<group>/<filter>`` works on
mosquitto and EMQX), PUBLISH at QoS 0 and 1 (the PUBACKs are sent by :meth:`ack`, after the
reads were processed and committed, so a crash redelivers them), PINGREQ when idle. Anything
else the broker sends is ignored; a malformed stream closes the connection (the listener
reconnects).
"""

from __future__ import annotations

import select
import socket
import ssl
import struct
import time
from urllib.parse import unquote, urlsplit

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP, DISCONNECT = (
    1,
    2,
    3,
    4,
    8,
    9,
    12,
    13,
    14,
)
RECV_BYTES = 1 << 20
RCVBUF = 4 << 20


class MqttError(ConnectionError):
    pass


def _string(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("!H", len(b)) + b


def _packet(first: int, body: bytes) -> bytes:
    n, out = len(body), bytearray([first])
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            break
    return bytes(out) + body


def address(url: str) -> tuple[str, int, bool, str | None, str | None]:
    """(host, port, tls, user, password) of ``mqtt://`` / ``mqtts://`` / ``host:port``."""
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    tls = parts.scheme in ("mqtts", "ssl", "tls")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883), tls, user, password


class Subscriber:
    """``connect()``, then ``read(timeout)`` → payloads, ``ack()`` after processing, ``close()``."""

    def __init__(
        self, url: str, topic: str, *, qos: int = 1, client_id: str = "", keepalive: int = 30
    ) -> None:
        self.host, self.port, self.tls, self.user, self.password = address(url)
        self.topic, self.qos, self.client_id, self.keepalive = topic, qos, client_id, keepalive
        self.sock: socket.socket | None = None
        self._buf = b""
        self._acks: list[int] = []
        self._sent_at = 0.0
        self._leftover = False  # the handshake's last read held more than the SUBACK

    # -- connection -----------------------------------------------------------------------------
    def connect(self, timeout: float = 10.0) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock, self._buf, self._acks = sock, b"", []
        flags = 0x02  # clean session
        payload = _string(self.client_id)
        if self.user is not None:
            flags |= 0x80
            payload += _string(self.user)
            if self.password is not None:
                flags |= 0x40
                payload += _string(self.password)
        variable = _string("MQTT") + bytes([4, flags]) + struct.pack("!H", self.keepalive)
        self._send(_packet(CONNECT << 4, variable + payload))
        kind, body = self._expect(timeout)
        if kind != CONNACK or len(body) < 2 or body[1] != 0:
            self.close()
            raise MqttError(f"MQTT broker refused the connection (CONNACK {body[1:2].hex() or kind})")
        self._send(
            _packet((SUBSCRIBE << 4) | 0x02, struct.pack("!H", 1) + _string(self.topic) + bytes([self.qos]))
        )
        kind, body = self._expect(timeout)
        if kind != SUBACK or len(body) < 3 or body[2] == 0x80:
            self.close()
            raise MqttError(f"MQTT broker refused the subscription to {self.topic}")
        sock.settimeout(None)
        self._leftover = bool(self._buf)

    def _expect(self, timeout: float) -> tuple[int, bytes]:
        """The next control packet during the handshake (blocking)."""
        assert self.sock is not None
        deadline = time.monotonic() + timeout
        while True:
            packet = self._next_packet()
            if packet is not None:
                return packet
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise MqttError("MQTT broker did not answer")
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(RECV_BYTES)
            if not chunk:
                raise MqttError("MQTT broker closed the connection")
            self._buf += chunk

    def _next_packet(self) -> tuple[int, bytes] | None:
        buf = self._buf
        if len(buf) < 2:
            return None
        mult, length, i = 1, 0, 1
        while True:
            if i >= len(buf):
                return None
            b = buf[i]
            length += (b & 0x7F) * mult
            mult *= 128
            i += 1
            if b < 0x80:
                break
        if i + length > len(buf):
            return None
        self._buf = buf[i + length :]
        return buf[0] >> 4, buf[i : i + length]

    def _send(self, data: bytes) -> None:
        assert self.sock is not None
        self.sock.sendall(data)
        self._sent_at = time.monotonic()

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.ack()
                self.sock.sendall(bytes([DISCONNECT << 4, 0]))
            except OSError:
                pass
            self.sock.close()
            self.sock = None

    # -- reading --------------------------------------------------------------------------------
    def read(self, timeout: float = 0.05) -> list[bytes]:
        """Wait up to ``timeout`` for data and return the payloads of every complete PUBLISH read
        (possibly none). Raises :class:`MqttError` when the connection is gone."""
        sock = self.sock
        if sock is None:
            raise MqttError("not connected")
        if time.monotonic() - self._sent_at > self.keepalive / 2:
            self._send(bytes([PINGREQ << 4, 0]))
        chunk, buffered = b"", self._leftover
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            ready = True
        else:  # what the handshake left in the buffer (a retained message) is not waited on
            ready = bool(select.select([sock], [], [], 0 if self._leftover else timeout)[0])
        self._leftover = False
        if ready:
            try:
                chunk = sock.recv(RECV_BYTES)
            except (BlockingIOError, ssl.SSLWantReadError):
                pass
            except OSError as exc:
                raise MqttError(str(exc)) from exc
            else:
                if not chunk:
                    raise MqttError("MQTT broker closed the connection")
        if not chunk and not buffered:
            return []
        buf = self._buf + chunk if self._buf else chunk
        out: list[bytes] = []
        pos, end = 0, len(buf)
        acks = self._acks
        while pos + 2 <= end:
            first = buf[pos]
            mult, length, i = 1, 0, pos + 1
            while i < end:
                b = buf[i]
                length += (b & 0x7F) * mult
                mult *= 128
                i += 1
                if b < 0x80:
                    break
            else:
                break  # the length itself is incomplete
            if i + length > end:
                break
            if first >> 4 == PUBLISH:
                topic_len = (buf[i] << 8) | buf[i + 1]
                start = i + 2 + topic_len
                if first & 0x06:  # QoS 1 or 2: a packet id follows the topic
                    acks.append((buf[start] << 8) | buf[start + 1])
                    start += 2
                out.append(buf[start : i + length])
            pos = i + length
        self._buf = buf[pos:] if pos < end else b""
        return out

    def take_acks(self) -> list[int]:
        """The packet ids of the QoS 1 reads returned since the last call (to acknowledge once
        they are processed, with :meth:`ack`)."""
        acks, self._acks = self._acks, []
        return acks

    def ack(self, packet_ids: list[int] | None = None) -> None:
        """Acknowledge ``packet_ids`` (default: every QoS 1 read returned so far), in order."""
        ids = packet_ids if packet_ids is not None else self.take_acks()
        if ids and self.sock is not None:
            self._send(b"".join(bytes([PUBACK << 4, 2]) + struct.pack("!H", pid) for pid in ids))
