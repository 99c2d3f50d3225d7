"""The institutions gateway over HTTP: signed JSON orders, one POST per order, sent in parallel.

Implements :class:`lastmile.inquiry.ports.InstitutionGateway`. Each institution listens at
``{GATEWAY_URL}/institutions/{code}/orders``; the simulator and a real 点对点/总对总 front-end
speak the same protocol (:mod:`lastmile.inquiry.protocol`).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from lastmile.inquiry import protocol
from lastmile.inquiry.conf import inquiry_setting, institution_key
from lastmile.inquiry.ports import OutboundOrder, SendOutcome


class HttpGateway:
    """Keeps one HTTP/1.1 connection per worker thread (keep-alive) to the gateway URL."""

    def __init__(self, base_url: str | None = None, concurrency: int | None = None) -> None:
        self.base_url = (base_url or inquiry_setting("GATEWAY_URL")).rstrip("/")
        parts = urlsplit(self.base_url)
        self._scheme = parts.scheme
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._prefix = parts.path.rstrip("/")
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(
            max_workers=concurrency or int(inquiry_setting("DISPATCH_CONCURRENCY")),
            thread_name_prefix="gateway",
        )

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=timeout)
            self._local.conn = conn
        conn.timeout = timeout
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def send_many(self, orders: Sequence[OutboundOrder], *, timeout: float) -> list[SendOutcome]:
        if len(orders) == 1:
            return [self.send(orders[0], timeout=timeout)]
        return list(self._pool.map(lambda o: self.send(o, timeout=timeout), orders))

    def send(self, order: OutboundOrder, *, timeout: float) -> SendOutcome:
        secret = institution_key(order.institution)
        if secret is None:
            return SendOutcome(order.key, "rejected", error="未配置该机构的密钥")
        path = f"{self._prefix}/institutions/{order.institution}/orders"
        body = protocol.dumps(order.payload)
        headers = protocol.signed_headers(
            institution_code=order.institution,
            secret=secret,
            method="POST",
            path=path,
            key=order.key,
            body=body,
            now=time.time(),
        )
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            try:
                conn = self._connection(timeout)
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                raw = response.read()
                status = response.status
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._drop()
                if attempt == 2:
                    return SendOutcome(order.key, "retry", error=f"连接中断：{exc.__class__.__name__}")
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                kind = "超时" if isinstance(exc, TimeoutError) else "网络错误"
                return SendOutcome(order.key, "retry", error=f"{kind}：{exc.__class__.__name__}")
        try:
            data = json.loads(raw.decode() or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        if status >= 500 or status == 429:
            return SendOutcome(
                order.key, "retry", error=f"机构服务不可用（HTTP {status}）", http_status=status
            )
        if status >= 400:
            message = str(data.get("message") or data.get("code") or f"HTTP {status}")
            return SendOutcome(order.key, "rejected", error=f"机构拒绝：{message}", http_status=status)
        message_body = data.get("message")
        if data.get("status") == "done" and isinstance(message_body, dict) and message_body.get("message_id"):
            return SendOutcome(order.key, "result", message=message_body, http_status=status)
        return SendOutcome(order.key, "accepted", http_status=status)
