"""Benchmark: bids accepted per second on one online auction, next to a trivial endpoint.

    uv run python bench/auction.py            # 64 bidders, 20 s per endpoint
    uv run python bench/auction.py --quick    # 32 bidders, 5 s per endpoint (under a minute)

Runs in a sandbox of its own (``bench/_harness.py``): the embedded SQLite default in a temporary
folder, or a database ``lastmile_bench_auction_<pid>_<random>`` on the server of ``DATABASE_URL``
when that points to PostgreSQL. Builds one case through the real services (filing, 一键查控 finding
a flat, its 查封 landing), lists the flat for auction, announces the first auction by collegial
decision (dated 40 days back so the 30-day notice has run) with its end 3 minutes ahead, and
registers the bidders with their deposits. Then it serves the project with gunicorn on
127.0.0.1 and drives it with an asyncio HTTP/1.1 keep-alive client, one connection per bidder,
each logged in by its own session:

- baseline: ``GET /healthz`` (a trivial view doing ``SELECT 1``) on the same server, same run;
- bids: ``POST /api/v1/auction/rounds/{id}/bids``, a fast market: each bid offers one increment
  more than the bid the client sent before it (all bidders share the counter), so bids arrive
  nearly in ascending order and the figure is the lock's throughput. A bid that the server sees
  after a higher one is refused ``auction_bid_too_low`` (409); that is counted, not an error.
  Every bid is in the last five minutes, so each accepted bid also moves the end.

Figures: accepted bids per second, refused per second, p50/p99 of all bid requests, the same for
``/healthz``; after the run the round is checked: its bids strictly ascending, its price the last
bid, its end 5 minutes after the last bid. Goal: bid requests at ≥ 30 % of ``/healthz``'s requests
per second with p99 ≤ 3× its p99 (each bid is a locked write transaction; ``/healthz`` a read),
at least half the bids accepted, no error, and the checks holding. Progress goes to stderr; the
LAST line of stdout is one JSON object (docs/benchmarks.md). ``migrate_s`` (the tables built
from the models, :func:`bench._harness.tables_from_models`, not the migrations replayed) and
``setup_s`` say where the rest of the wall time went (``--quick`` takes under a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench._harness import Sandbox, emit, log, tables_from_models  # noqa: E402

GOAL_RPS_RATIO = 0.3
GOAL_P99_RATIO = 3.0
GOAL_ACCEPTED_SHARE = 0.5
INCREMENT = Decimal("1000")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(bidders: int) -> dict:
    """One case, one seized flat, one announced auction ending in 3 minutes, ``bidders`` logins."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.auction.services import bidder_register, lot_create, round_schedule
    from lastmile.enforcement.services import enforcement_file
    from lastmile.inquiry.models import Asset, Freeze
    from lastmile.inquiry.services import asset_seize, inbox_receive, inquiry_start
    from lastmile.parties.models import Party
    from lastmile.testing.enforcement import basis
    from lastmile.testing.factories import make_resident_id

    courts_load()
    court = Court.objects.get(code="湘0104")
    clerk = User.objects.create(username="b-clerk", court=court, role=Role.FILING_CLERK)
    officer = User.objects.create(username="b-officer", court=court, role=Role.ENFORCEMENT_JUDGE)
    bank = Party.objects.create(
        kind="organisation",
        name="长沙银行股份有限公司",
        id_type="uscc",
        id_number="91430100183807862F",
        created_at=timezone.now(),
    )
    debtor = Party.objects.create(
        kind="person",
        name="张某",
        id_type="resident_id",
        id_number=make_resident_id(seq=7),
        sex="male",
        created_at=timezone.now(),
    )
    real_now = timezone.now()
    then = real_now - timedelta(days=40)
    case = enforcement_file(
        court=court,
        basis=basis("600000"),
        applicants=[bank],
        respondents=[debtor],
        actor=clerk,
        now=then,
        cause="金融借款合同纠纷",
    )

    def land(order, result):
        inbox_receive(
            institution=order.institution,
            now=then,
            message={
                "message_id": f"{order.key}:done",
                "order_id": order.key,
                "status": "done",
                "result": result,
            },
        )

    ref = "湘（2020）长沙市不动产权第0012345号"
    for order in inquiry_start(case=case, actor=officer, now=then):
        found = [{"kind": "real_estate", "identifier": ref, "label": "岳麓区枫林三路88号"}]
        land(order, {"assets": found if order.institution == "realestate" else []})
    asset = Asset.objects.get(case=case, identifier=ref)
    land(asset_seize(asset=asset, actor=officer, now=then), {"freeze_ref": "R-1"})
    seizure = Freeze.objects.get(case=case, asset=asset)
    lot = lot_create(
        actor=officer,
        seizure_id=seizure.pk,
        title="岳麓区枫林三路88号2栋1201室",
        reference_price=Decimal("1000000"),
        reference_source="定向询价",
        reference_on=date.today() - timedelta(days=50),
        now=then,
    )
    rnd = round_schedule(
        actor=officer,
        lot_id=lot.pk,
        starting_price=Decimal("700000"),
        deposit=Decimal("70000"),
        increment=INCREMENT,
        starts_at=real_now - timedelta(days=2),
        ends_at=real_now + timedelta(minutes=3),
        panel="合议庭",
        now=then,
    )
    cookies = []
    backend = (
        settings.AUTHENTICATION_BACKENDS[0]
        if hasattr(settings, "AUTHENTICATION_BACKENDS")
        else ("django.contrib.auth.backends.ModelBackend")
    )
    for i in range(bidders):
        user = User.objects.create(username=f"b-bidder{i}")
        bidder_register(
            user=user,
            round_id=rnd.pk,
            real_name=f"竞买人{i}",
            id_number=make_resident_id(seq=100 + i),
            now=real_now - timedelta(hours=1),
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
        cookies.append((session.session_key, token))
    return {"round": rnd.pk, "cookies": cookies}


async def drive(port: int, requests: list, concurrency: int, duration: float) -> dict:
    """``requests``: one callable per connection returning (method, path, headers, body) and a
    callback for the answer; keep each connection busy for ``duration`` seconds."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    deadline = time.perf_counter() + duration

    async def one(make) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                method, path, headers, body, answered = make()
                head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n{headers}"
                head += f"Content-Length: {len(body)}\r\n\r\n"
                t = time.perf_counter()
                writer.write(head.encode() + body)
                await writer.drain()
                raw = await reader.readuntil(b"\r\n\r\n")
                lines = raw.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                length = next(
                    (
                        int(v)
                        for k, _, v in (x.partition(":") for x in lines[1:])
                        if k.lower() == "content-length"
                    ),
                    0,
                )
                payload = await reader.readexactly(length) if length else b""
                latencies.append(time.perf_counter() - t)
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500:
                    errors += 1
                answered(status, payload)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one(requests[i % len(requests)]) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) if latencies else 0.0
        )

    return {
        "requests": len(latencies),
        "errors": errors,
        "statuses": statuses,
        "elapsed_s": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.5),
        "p99_ms": pct(0.99),
    }


def healthz():
    return lambda: ("GET", "/healthz", "", b"", lambda s, p: None)


def bidder(round_id: int, cookie: tuple[str, str], seen: dict, seed: int):
    session, token = cookie
    headers = (
        f"Cookie: sessionid={session}; csrftoken={token}\r\nX-CSRFToken: {token}\r\n"
        "Content-Type: application/json\r\n"
    )
    path = f"/api/v1/auction/rounds/{round_id}/bids"

    def answered(status: int, payload: bytes) -> None:
        try:
            data = json.loads(payload or b"{}")
        except ValueError:
            return
        if status == 200:
            seen["accepted"] += 1
            seen["top"] = max(seen["top"], Decimal(data["amount"]))
        elif status == 409 and data.get("code") == "auction_bid_too_low":
            seen["refused"] += 1
            seen["top"] = max(seen["top"], Decimal(data["details"]["minimum"]) - INCREMENT)
        else:
            seen["other"][data.get("code", str(status))] = (
                seen["other"].get(data.get("code", str(status)), 0) + 1
            )

    def make():
        seen["sent"] += 1
        amount = Decimal("700000") + INCREMENT * seen["sent"]
        return "POST", path, headers, json.dumps({"amount": str(amount)}).encode(), answered

    return make


def serve(env: dict, workers: int, threads: int):
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if b" 200 " in s.recv(200):
                    return proc, port
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not become ready within 60 s")


def check(round_id: int) -> dict:
    """The round after the run: strictly ascending bids, price = last bid, end = last bid + 5 min."""
    from lastmile.auction.models import Bid, Round

    rnd = Round.objects.get(pk=round_id)
    amounts = list(Bid.objects.filter(round=rnd).order_by("pk").values_list("amount", flat=True))
    last = Bid.objects.filter(round=rnd).order_by("-pk").first()
    ascending = all(b >= a + rnd.increment for a, b in itertools.pairwise(amounts))
    end_ok = last is not None and rnd.ends_at == last.placed_at + timedelta(minutes=5)
    return {
        "bids_stored": len(amounts),
        "ascending": ascending,
        "price_is_last_bid": bool(last and rnd.current_price == last.amount),
        "end_is_last_bid_plus_5_min": end_ok,
        "extensions": rnd.extensions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="32 bidders, 5 s per endpoint")
    parser.add_argument("--bidders", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    n = args.bidders or (32 if args.quick else 64)
    duration = args.duration or (5.0 if args.quick else 20.0)
    with Sandbox("auction") as box:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        import django

        django.setup()
        from django.db import connection

        proc = None
        try:
            log(f"tables of the {connection.vendor} database from the models …")
            migrate_s = tables_from_models()
            log(f"one case, one seized flat, one auction, {n} registered bidders …")
            t0 = time.perf_counter()
            made = setup(n)
            setup_s = round(time.perf_counter() - t0, 1)
            connection.close()
            env = {**os.environ, "PYTHONPATH": str(ROOT), "LASTMILE_LOG_LEVEL": "ERROR"}
            proc, port = serve(env, args.workers, args.threads)
            log(f"gunicorn on 127.0.0.1:{port} ({args.workers}×{args.threads}); baseline /healthz …")
            asyncio.run(drive(port, [healthz()], 4, 0.5))
            baseline = asyncio.run(drive(port, [healthz()], n, duration))
            log(f"  {baseline}")
            seen = {"top": Decimal("699000"), "sent": 0, "accepted": 0, "refused": 0, "other": {}}
            makers = [bidder(made["round"], c, seen, i) for i, c in enumerate(made["cookies"])]
            log(f"bids, {n} bidders, {duration:.0f} s …")
            bids = asyncio.run(drive(port, makers, n, duration))
            bids["accepted"] = seen["accepted"]
            bids["refused_too_low"] = seen["refused"]
            bids["other"] = seen["other"]
            bids["accepted_per_s"] = round(seen["accepted"] / bids["elapsed_s"], 1)
            log(f"  {bids}")
        finally:
            if proc is not None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        checked = check(made["round"])
        connection.close()
    ratio = round(bids["rps"] / baseline["rps"], 3) if baseline["rps"] else None
    emit(
        bench="auction",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=args.workers,
        figures={
            "bidders": n,
            "duration_s": duration,
            "migrate_s": migrate_s,
            "setup_s": setup_s,
            "server": f"gunicorn gthread {args.workers}x{args.threads}",
            "cpus": os.cpu_count(),
            "bids": bids,
            "round": checked,
        },
        baseline={"what": "GET /healthz on the same server, same run", **baseline},
        ratio=ratio,
        ratio_means="bid requests per second / /healthz requests per second (higher is better)",
        ratios={"p99": round(bids["p99_ms"] / baseline["p99_ms"], 2) if baseline["p99_ms"] else None},
        goal={
            "rps_ratio_min": GOAL_RPS_RATIO,
            "p99_ratio_max": GOAL_P99_RATIO,
            "accepted_share_min": GOAL_ACCEPTED_SHARE,
        },
        goal_met=(
            ratio is not None
            and ratio >= GOAL_RPS_RATIO
            and baseline["p99_ms"] > 0
            and bids["p99_ms"] <= GOAL_P99_RATIO * baseline["p99_ms"]
            and bids["accepted"] >= GOAL_ACCEPTED_SHARE * bids["requests"]
            and bids["errors"] == 0
            and checked["ascending"]
            and checked["price_is_last_bid"]
            and checked["end_is_last_bid_plus_5_min"]
            and not bids["other"]
        ),
        started=box.started,
    )


if __name__ == "__main__":
    main()
