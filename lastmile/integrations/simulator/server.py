"""``lastmile institutions-sim``: a dozen institutions over the real protocol, with faults.

Each institution accepts signed orders at ``POST /institutions/{code}/orders`` (202 accepted, or
200 with the result when the same order id comes again after it finished), or many at once at
``POST /institutions/{code}/orders/batch``, carries them out after a realistic delay, and posts
signed callbacks (``accepted``, then ``done`` or ``rejected``) to the order's ``callback_url``:
one by one, or (``--callback-batch``, the command's default) gathered for a few milliseconds into
one signed batch per institution.

Faults, switchable on the command line or at run time through ``POST /_control`` (JSON):
``lost`` (share of callbacks dropped), ``duplicate`` (share sent twice), ``reorder`` (callbacks
delayed at random so they overtake each other), ``down`` (institution codes answering 503),
``latency_scale`` (1.0 = realistic delays, 0 = none), ``subjects`` (add seed data). ``GET
/_control`` shows the switches and counters; ``GET /_state`` shows balances and freezes.
Loopback only; never deployed.
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import http.client
import json
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lastmile.inquiry import protocol

from .world import SimError, World

# Typical answer times in seconds by kind of institution (the 总对总 system answers in seconds to
# minutes; scaled down so a demo click shows results within a few seconds).
LATENCY = {
    "bank": 0.4,
    "payment": 0.2,
    "securities": 0.6,
    "vehicle_registry": 0.8,
    "real_estate_registry": 1.2,
    "enterprise_registry": 0.8,
    "fund": 0.6,
}


class Faults:
    def __init__(
        self,
        *,
        lost: float = 0.0,
        duplicate: float = 0.0,
        reorder: bool = False,
        down: set[str] | None = None,
        latency_scale: float = 1.0,
        seed: int | None = None,
    ) -> None:
        self.lost = lost
        self.duplicate = duplicate
        self.reorder = reorder
        self.down = set(down or ())
        self.latency_scale = latency_scale
        self.rng = random.Random(seed)  # noqa: S311 (fault injection, not cryptography)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lost": self.lost,
            "duplicate": self.duplicate,
            "reorder": self.reorder,
            "down": sorted(self.down),
            "latency_scale": self.latency_scale,
        }


class Simulator:
    """The simulated institutions; ``start()`` serves in a background thread (tests, bench),
    ``serve_forever()`` in the foreground (the process started by ``lastmile run``)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8765,
        world: World | None = None,
        faults: Faults | None = None,
        keys: dict[str, str] | None = None,
        max_skew: int = 300,
        callback_workers: int = 16,
        callback_batch: float = 0.0,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.today = today  # the institutions' own business day (passed in by tests and benches)
        self.world = world or World.from_file()
        self.faults = faults or Faults()
        self.keys = keys or {i.code: protocol.demo_key(i.code) for i in protocol.INSTITUTIONS}
        self.max_skew = max_skew
        # > 0: callbacks to one URL from one institution within this many seconds go as one
        # signed batch ({"batch_id", "messages": [...]}), as a 总对总 front-end sends them.
        self.callback_batch = callback_batch
        self._pending: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.stats: dict[str, int] = {}
        self._queue: list[tuple[float, int, Any]] = []
        self._queue_cv = threading.Condition()
        self._seq = 0
        self._stop = threading.Event()
        self._callbacks = ThreadPoolExecutor(max_workers=callback_workers, thread_name_prefix="sim-callback")
        self._local = threading.local()
        handler = type("Handler", (_Handler,), {"sim": self})
        self.httpd = _Server((host, port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self._threads: list[threading.Thread] = []
        self._inflight = 0

    # --- lifecycle ---
    def start(self) -> Simulator:
        for target in (self.httpd.serve_forever, self._scheduler):
            t = threading.Thread(target=target, daemon=True, name="simulator")
            t.start()
            self._threads.append(t)
        return self

    def serve_forever(self) -> None:
        t = threading.Thread(target=self._scheduler, daemon=True, name="sim-scheduler")
        t.start()
        try:
            self.httpd.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        self._stop.set()
        with self._queue_cv:
            self._queue_cv.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._callbacks.shutdown(wait=False, cancel_futures=True)

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.stats[name] = self.stats.get(name, 0) + n

    # --- the timer queue ---
    def later(self, delay: float, fn: Any) -> None:
        with self.lock:
            self._inflight += 1
        with self._queue_cv:
            self._seq += 1
            heapq.heappush(self._queue, (time.monotonic() + max(0.0, delay), self._seq, fn))
            self._queue_cv.notify()

    def _scheduler(self) -> None:
        while not self._stop.is_set():
            with self._queue_cv:
                while not self._queue and not self._stop.is_set():
                    self._queue_cv.wait(0.5)
                if self._stop.is_set():
                    return
                due, _, fn = self._queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._queue_cv.wait(min(wait, 0.5))
                    continue
                heapq.heappop(self._queue)
            try:
                fn()
            except Exception:  # a simulator bug must not stop the clock
                self.count("internal_errors")
            finally:
                with self.lock:
                    self._inflight -= 1

    # --- orders ---
    def receive(self, code: str, order: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        inst = protocol.institution(code)
        order_id = str(order.get("order_id") or "")
        with self.lock:
            known = self.orders.get(order_id)
        if known is not None:
            self.count("orders_repeated")
            if known["message"] is not None:
                return 200, {"status": "done", "message": known["message"]}
            return 202, {"status": "accepted"}
        if code in self.faults.down:
            self.count("refused_down")
            return 503, {"code": "unavailable", "message": f"{inst.name}系统维护中"}
        entry = {"institution": code, "order": order, "message": None}
        with self.lock:
            if order_id in self.orders:
                return 202, {"status": "accepted"}
            self.orders[order_id] = entry
            self.stats[f"orders_{order.get('kind')}"] = self.stats.get(f"orders_{order.get('kind')}", 0) + 1
        delay = LATENCY.get(inst.kind, 0.5) * self.faults.latency_scale * (0.5 + self.faults.rng.random())
        self.callback(
            code, order, {"message_id": f"{order_id}:accepted", "order_id": order_id, "status": "accepted"}
        )
        self.later(delay, lambda: self._finish(inst, entry))
        return 202, {"status": "accepted"}

    def _finish(self, inst: protocol.Institution, entry: dict[str, Any]) -> None:
        order = entry["order"]
        order_id = order["order_id"]
        try:
            result = self.world.execute(inst, order, self.today())
            message = {
                "message_id": f"{order_id}:done",
                "order_id": order_id,
                "status": "done",
                "result": result,
            }
        except SimError as exc:
            message = {
                "message_id": f"{order_id}:rejected",
                "order_id": order_id,
                "status": "rejected",
                "error": {"code": exc.code, "message": exc.message},
            }
        with self.lock:
            entry["message"] = message
        self.callback(inst.code, order, message)

    # --- callbacks ---
    def callback(self, code: str, order: dict[str, Any], message: dict[str, Any]) -> None:
        url = str(order.get("callback_url") or "")
        if not url:
            return
        rng = self.faults.rng
        if rng.random() < self.faults.lost:
            self.count("callbacks_lost")
            return
        copies = 2 if rng.random() < self.faults.duplicate else 1
        if copies == 2:
            self.count("callbacks_duplicated")
        for _ in range(copies):
            delay = rng.random() * 0.5 * max(self.faults.latency_scale, 0.2) if self.faults.reorder else 0.0
            if self.callback_batch > 0:
                self.later(delay, lambda: self._batch_add(code, url, message))
            else:
                self.later(delay, lambda: self._submit(code, url, message))

    def _batch_add(self, code: str, url: str, message: dict[str, Any]) -> None:
        with self.lock:
            pending = self._pending.setdefault((code, url), [])
            pending.append(message)
            first = len(pending) == 1
        if first:
            self.later(self.callback_batch, lambda: self._batch_flush(code, url))

    def _batch_flush(self, code: str, url: str) -> None:
        with self.lock:
            messages = self._pending.pop((code, url), [])
        for start in range(0, len(messages), 500):
            chunk = messages[start : start + 500]
            self.count("callback_batches")
            self._submit(code, url, {"batch_id": f"{code}-b-{uuid.uuid4().hex}", "messages": chunk})

    def _submit(self, code: str, url: str, message: dict[str, Any]) -> None:
        with self.lock:
            self._inflight += 1
        self._callbacks.submit(self._post, code, url, message)

    def idle(self) -> bool:
        """Nothing scheduled and no callback on the wire (tests and the bench wait for this)."""
        with self.lock:
            return self._inflight == 0

    def _post(self, code: str, url: str, message: dict[str, Any]) -> None:
        try:
            self._deliver(code, url, message)
        finally:
            with self.lock:
                self._inflight -= 1

    def _connection(self, url: str) -> http.client.HTTPConnection:
        """This callback thread's kept-alive connection to ``url``'s host."""
        parts = urlsplit(url)
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        where = (parts.hostname or "127.0.0.1", parts.port or 80)
        conn = conns.get(where)
        if conn is None:
            conn = conns[where] = http.client.HTTPConnection(*where, timeout=10)
        return conn

    def _drop(self, url: str) -> None:
        parts = urlsplit(url)
        conn = getattr(self._local, "conns", {}).pop((parts.hostname or "127.0.0.1", parts.port or 80), None)
        if conn is not None:
            conn.close()

    def _deliver(self, code: str, url: str, message: dict[str, Any]) -> None:
        parts = urlsplit(url)
        body = protocol.dumps(message)
        path = parts.path or "/"
        key = message.get("batch_id") or message["message_id"]
        n = len(message["messages"]) if "messages" in message else 1
        for attempt in range(3):
            headers = protocol.signed_headers(
                institution_code=code,
                secret=self.keys[code],
                method="POST",
                path=path,
                key=key,
                body=body,
                now=time.time(),
            )
            try:
                conn = self._connection(url)
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if status < 500:
                    self.count("callbacks_delivered", n)
                    return
            except (OSError, http.client.HTTPException):
                self._drop(url)
                if attempt == 0:
                    continue  # a kept-alive connection the server closed: at once on a fresh one
            time.sleep(0.2 * (attempt + 1))
        self.count("callbacks_undeliverable", n)

    def control(self, body: dict[str, Any]) -> dict[str, Any]:
        f = self.faults
        if "lost" in body:
            f.lost = float(body["lost"])
        if "duplicate" in body:
            f.duplicate = float(body["duplicate"])
        if "reorder" in body:
            f.reorder = bool(body["reorder"])
        if "down" in body:
            f.down = set(body["down"])
        if "latency_scale" in body:
            f.latency_scale = float(body["latency_scale"])
        if "seed" in body:
            f.rng = random.Random(body["seed"])  # noqa: S311
        if "subjects" in body:
            self.world.add_subjects(body["subjects"])
        if body.get("reset_stats"):
            with self.lock:
                self.stats = {}
        return self.describe()

    def describe(self) -> dict[str, Any]:
        with self.lock:
            return {
                "faults": self.faults.as_dict(),
                "stats": dict(self.stats),
                "orders": len(self.orders),
                "institutions": [{"code": i.code, "name": i.name} for i in protocol.INSTITUTIONS],
            }


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many kept-alive clients connecting at once (the dispatcher, benches)


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"
    server_version = "LastmileInstitutionsSimulator/1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every keep-alive round trip.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _reply(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/_control":
            self._reply(200, self.sim.describe())
        elif parts.path == "/_state":
            ids = parse_qs(parts.query).get("id_number")
            idn = ids[0] if ids else None
            self._reply(200, self.sim.world.snapshot(idn))
        elif parts.path == "/_health":
            self._reply(200, {"ok": True})
        else:
            self._reply(404, {"code": "not_found", "message": "无此接口"})

    def do_POST(self) -> None:
        raw = self._body()
        path = urlsplit(self.path).path
        if path == "/_ping":
            self._reply(200, {"ok": True})
            return
        if path == "/_control":
            self._reply(200, self.sim.control(json.loads(raw or b"{}")))
            return
        segments = path.strip("/").split("/")
        batch = len(segments) == 4 and segments[3] == "batch"
        if batch:
            segments = segments[:3]
        if len(segments) != 3 or segments[0] != "institutions" or segments[2] != "orders":
            self._reply(404, {"code": "not_found", "message": "无此接口"})
            return
        code = segments[1]
        try:
            protocol.institution(code)
        except KeyError:
            self._reply(404, {"code": "unknown_institution", "message": "未知机构"})
            return
        try:
            protocol.verify(
                secret=self.sim.keys.get(code),
                method="POST",
                path=path,
                timestamp=self.headers.get("X-Timestamp", ""),
                key=self.headers.get("X-Idempotency-Key", ""),
                body=raw,
                signature=self.headers.get("X-Signature", ""),
                now=time.time(),
                max_skew=self.sim.max_skew,
            )
            order = json.loads(raw)
        except protocol.SignatureError as exc:
            self.sim.count(f"refused_{exc.code}")
            self._reply(401, {"code": exc.code, "message": exc.message})
            return
        except (json.JSONDecodeError, UnicodeDecodeError):
            self._reply(400, {"code": "bad_request", "message": "报文格式错误"})
            return
        if batch:
            self._batch(code, order)
            return
        if (
            order.get("order_id") != self.headers.get("X-Idempotency-Key")
            or self.headers.get("X-Institution") != code
        ):
            self._reply(400, {"code": "bad_request", "message": "报文头与报文体不一致"})
            return
        status, data = self.sim.receive(code, order)
        self._reply(status, data)

    def _batch(self, code: str, body: Any) -> None:
        """``POST /institutions/{code}/orders/batch``: ``{"batch_id", "orders": [...]}`` signed once
        (the batch id is the idempotency key); each order is taken as if posted alone and the
        answer lists each one's status and body."""
        orders = body.get("orders") if isinstance(body, dict) else None
        if (
            not isinstance(orders, list)
            or body.get("batch_id") != self.headers.get("X-Idempotency-Key")
            or self.headers.get("X-Institution") != code
            or not all(isinstance(o, dict) and o.get("order_id") for o in orders)
        ):
            self._reply(400, {"code": "bad_request", "message": "报文头与报文体不一致"})
            return
        self.sim.count("order_batches")
        results = []
        for order in orders:
            status, data = self.sim.receive(code, order)
            results.append({"order_id": order["order_id"], "http_status": status, **data})
        self._reply(200, {"results": results})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lastmile institutions-sim", description="查控协助机构模拟器")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--lost", type=float, default=0.0, help="丢失回执的比例（0–1）")
    parser.add_argument("--duplicate", type=float, default=0.0, help="重复回执的比例（0–1）")
    parser.add_argument("--reorder", action="store_true", help="回执乱序")
    parser.add_argument("--down", default="", help="停机的机构代码，逗号分隔")
    parser.add_argument("--latency-scale", type=float, default=1.0, help="延迟倍数，0为无延迟")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--callback-batch", type=float, default=0.02, help="回执合批发送的时间窗（秒），0为逐条发送"
    )
    args = parser.parse_args(argv)
    faults = Faults(
        lost=args.lost,
        duplicate=args.duplicate,
        reorder=args.reorder,
        down={c for c in args.down.split(",") if c},
        latency_scale=args.latency_scale,
        seed=args.seed,
    )
    sim = Simulator(host=args.host, port=args.port, faults=faults, callback_batch=args.callback_batch)
    print(f"查控协助机构模拟器已启动：{sim.url}（{len(protocol.INSTITUTIONS)}家机构）", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sim.serve_forever()


if __name__ == "__main__":
    main()
