"""The institutions gateway over HTTP: signed JSON orders, sent in parallel over kept-alive
connections, many orders of one institution in one exchange where the front-end takes batches.

Implements :class:`lastmile.inquiry.ports.InstitutionGateway`. Each institution listens at
``{GATEWAY_URL}/institutions/{code}/orders`` (one order per POST) and, where it can, at
``…/orders/batch`` (``{"batch_id", "orders": [...]}``, signed once, answered with each order's
status); the simulator and a real 点对点/总对总 front-end speak the same protocol
(:mod:`lastmile.inquiry.protocol`). An institution whose front-end answers 404 or 405 to a batch
gets its orders one by one from then on.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
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
        self._unbatched: set[str] = set()  # institutions whose front-end takes no batches
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

    BATCH_MAX = 200  # orders per batch exchange

    def send_many(self, orders: Sequence[OutboundOrder], *, timeout: float) -> list[SendOutcome]:
        if len(orders) == 1:
            return [self.send(orders[0], timeout=timeout)]
        unbatched = self._unbatched
        groups: dict[str, list[int]] = {}
        singles: list[int] = []
        for i, order in enumerate(orders):
            (singles if order.institution in unbatched else groups.setdefault(order.institution, [])).append(
                i
            )
        jobs: list[list[int]] = [
            idx[start : start + self.BATCH_MAX]
            for idx in groups.values()
            for start in range(0, len(idx), self.BATCH_MAX)
        ]
        out: list[SendOutcome | None] = [None] * len(orders)

        def run_batch(idx: list[int]) -> None:
            outcomes = self.send_batch([orders[i] for i in idx], timeout=timeout)
            if outcomes is None:  # no batch endpoint: one by one
                outcomes = [self.send(orders[i], timeout=timeout) for i in idx]
            for i, outcome in zip(idx, outcomes, strict=True):
                out[i] = outcome

        def run_single(i: int) -> None:
            out[i] = self.send(orders[i], timeout=timeout)

        futures = [self._pool.submit(run_batch, idx) for idx in jobs]
        futures += [self._pool.submit(run_single, i) for i in singles]
        for f in futures:
            f.result()
        return [
            o if o is not None else SendOutcome(orders[i].key, "retry", error="未发送")
            for i, o in enumerate(out)
        ]

    def send_batch(self, orders: Sequence[OutboundOrder], *, timeout: float) -> list[SendOutcome] | None:
        """Send the orders of one institution in one exchange; None when its front-end takes no
        batches (remembered: its orders go one by one from then on)."""
        code = orders[0].institution
        secret = institution_key(code)
        if secret is None:
            return [SendOutcome(o.key, "rejected", error="未配置该机构的密钥") for o in orders]
        path = f"{self._prefix}/institutions/{code}/orders/batch"
        batch_id = f"batch-{uuid.uuid4().hex}"
        body = protocol.dumps({"batch_id": batch_id, "orders": [o.payload for o in orders]})
        headers = protocol.signed_headers(
            institution_code=code,
            secret=secret,
            method="POST",
            path=path,
            key=batch_id,
            body=body,
            now=time.time(),
        )
        got = self._exchange(path, body, headers, timeout)
        if isinstance(got, str):
            return [SendOutcome(o.key, "retry", error=got) for o in orders]
        status, raw = got
        if status in (404, 405):
            self._unbatched.add(code)
            return None
        try:
            data = json.loads(raw.decode() or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        results = data.get("results") if isinstance(data, dict) else None
        if status != 200 or not isinstance(results, list):
            return [self._outcome(o.key, status, data if isinstance(data, dict) else {}) for o in orders]
        by_id = {str(r.get("order_id")): r for r in results if isinstance(r, dict)}
        outcomes = []
        for o in orders:
            r = by_id.get(o.key)
            if r is None:
                outcomes.append(SendOutcome(o.key, "retry", error="批量回复缺少该指令"))
            else:
                outcomes.append(self._outcome(o.key, int(r.get("http_status") or 0), r))
        return outcomes

    def _exchange(
        self, path: str, body: bytes, headers: dict[str, str], timeout: float
    ) -> tuple[int, bytes] | str:
        """One POST on this thread's kept-alive connection: (status, body), or the error text."""
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            try:
                conn = self._connection(timeout)
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._drop()
                if attempt == 2:
                    return f"连接中断：{exc.__class__.__name__}"
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                kind = "超时" if isinstance(exc, TimeoutError) else "网络错误"
                return f"{kind}：{exc.__class__.__name__}"
        return "网络错误"  # pragma: no cover (the loop always returns)

    @staticmethod
    def _outcome(key: str, status: int, data: dict) -> SendOutcome:
        if status >= 500 or status == 429 or status == 0:
            return SendOutcome(key, "retry", error=f"机构服务不可用（HTTP {status}）", http_status=status)
        if status >= 400:
            message = str(data.get("message") or data.get("code") or f"HTTP {status}")
            return SendOutcome(key, "rejected", error=f"机构拒绝：{message}", http_status=status)
        message_body = data.get("message")
        if data.get("status") == "done" and isinstance(message_body, dict) and message_body.get("message_id"):
            return SendOutcome(key, "result", message=message_body, http_status=status)
        return SendOutcome(key, "accepted", http_status=status)

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
        got = self._exchange(path, body, headers, timeout)
        if isinstance(got, str):
            return SendOutcome(order.key, "retry", error=got)
        status, raw = got
        try:
            data = json.loads(raw.decode() or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        return self._outcome(order.key, status, data if isinstance(data, dict) else {})
