"""Benchmark: 一键查控 on 10,000 cases × 12 institutions against the institutions simulator.

    uv run python bench/inquiry.py            # 10,000 cases × 12 institutions
    uv run python bench/inquiry.py --quick    # 100 cases, under a minute

Runs in a sandbox of its own (``bench/_harness.py``: SQLite in a temporary folder, or a database
``lastmile_bench_inquiry_<pid>_<random>`` on the server of ``DATABASE_URL`` when that points to
PostgreSQL; removed at the end, also on an error or Ctrl-C) and starts the simulator in this process
on a free loopback port. Every order goes the whole way: signed HTTP to the simulator, signed HTTP
callback back, signature check and inbox in the real callback view, results applied, found
balances frozen up to what is owed (freeze orders sent and confirmed the same way).

Figures: orders per second (all kinds, from the first click to the last final state), p50/p95 time
from an order's creation to its final state, and — measured in the same run — the raw HTTP
round-trip rate to the simulator (``POST /_ping`` over the same keep-alive connections and
concurrency), with the ratio between the two. Goal: at least half the raw round-trip rate, and p50 to final
under 10 s. Progress goes to stderr; the LAST line of stdout is one JSON object (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import time
from pathlib import Path

# bench/ itself must not be on sys.path: bench/statistics.py would shadow the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import Sandbox, emit, log  # noqa: E402

GOAL_RATIO = 0.5  # orders to final per second / raw HTTP round trips per second
GOAL_P50_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 cases")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--institutions", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--baseline", type=int, default=None, help="raw round trips for the baseline")
    parser.add_argument(
        "--max-minutes", type=float, default=None, help="stop waiting after this long (quick 3, full 60)"
    )
    args = parser.parse_args()
    n_cases = args.cases or (100 if args.quick else 10_000)
    n_baseline = args.baseline or (5_000 if args.quick else 20_000)
    max_minutes = args.max_minutes or (3.0 if args.quick else 60.0)

    with Sandbox("inquiry") as box:
        os.environ.setdefault("LASTMILE_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
        import django

        django.setup()
        from django.core.management import call_command

        log(f"migrating the {box.database} database …")
        call_command("migrate", verbosity=0)
        figures, baseline = run(n_cases, args.institutions, args.concurrency, n_baseline, max_minutes)
    ratio = figures.pop("ratio")
    emit(
        bench="inquiry",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=1,
        figures=figures,
        baseline=baseline,
        ratio=ratio,
        ratio_means="orders to final per second / raw HTTP round trips per second (higher is better)",
        goal={"ratio_min": GOAL_RATIO, "time_to_final_p50_s_max": GOAL_P50_S},
        goal_met=(
            ratio is not None
            and ratio >= GOAL_RATIO
            and figures["time_to_final_p50_s"] < GOAL_P50_S
            and figures["orders_final"] == figures["orders"]
        ),
        started=box.started,
    )


from lastmile.integrations.simulator.relay import Relay  # noqa: E402


def raw_round_trips(url: str, n: int, concurrency: int) -> float:
    """Raw HTTP round trips per second to the simulator (POST /_ping, keep-alive, same concurrency)."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    per = max(1, n // concurrency)

    def worker(_: int) -> int:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        for _ in range(per):
            conn.request("POST", "/_ping", body=b"{}", headers={"Content-Type": "application/json"})
            conn.getresponse().read()
        conn.close()
        return per

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        done = sum(pool.map(worker, range(concurrency)))
    return done / (time.perf_counter() - start)


def run(
    n_cases: int, n_institutions: int, concurrency: int, n_baseline: int, max_minutes: float
) -> tuple[dict, dict]:
    from datetime import timedelta
    from decimal import Decimal

    from django.conf import settings
    from django.db.models import Min
    from django.test import Client
    from django.utils import timezone

    from lastmile.accounts.models import Role
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import PartyRole
    from lastmile.cases.services import PartyInRole, case_register
    from lastmile.core.identifiers import resident_id_check_char
    from lastmile.inquiry import conf, protocol
    from lastmile.inquiry.models import OPEN_ORDER_STATUSES, Freeze, Order
    from lastmile.inquiry.services import inquiry_start, inquiry_sweep, orders_dispatch
    from lastmile.integrations.gateway.http import HttpGateway
    from lastmile.integrations.simulator.server import Faults, Simulator
    from lastmile.ledger.services import amount_outstanding, obligation_record
    from lastmile.parties.models import IdType, Party, PartyKind
    from lastmile.testing.factories import UserFactory

    sim = Simulator(port=0, faults=Faults(latency_scale=0.0, seed=1), callback_workers=concurrency).start()
    relay = Relay()
    settings.LASTMILE = {
        **settings.LASTMILE,
        "INQUIRY": {
            **settings.LASTMILE.get("INQUIRY", {}),
            "GATEWAY_URL": sim.url,
            "CALLBACK_URL": relay.url + "/inquiry/callback/",
            # The simulator's keys, configured as production would (demo keys need demo mode).
            "KEYS": sim.keys,
            "DISPATCH_BATCH": 500,
            "DISPATCH_CONCURRENCY": concurrency,
            "SEND_TIMEOUT_SECONDS": 10.0,
            "RESULT_TIMEOUT_SECONDS": 30.0,
            "ORDER_WAIT_SECONDS": 600.0,
        },
    }
    conf._gateway.cache_clear()
    gateway = HttpGateway(concurrency=concurrency)
    client = Client()

    log(f"baseline: {n_baseline} raw round trips to the simulator …")
    raw_rate = raw_round_trips(sim.url, n_baseline, concurrency)
    log(f"  {raw_rate:,.0f} round trips/s")

    courts = {c.code: c for c in courts_load()}
    court = courts["湘0104"]
    officer = UserFactory(court=court, role=Role.ENFORCEMENT_JUDGE, username="bench_officer")
    bank = Party.objects.create(
        kind=PartyKind.ORGANISATION,
        name="长沙银行股份有限公司岳麓支行",
        id_type=IdType.USCC,
        id_number="",
        created_at=timezone.now(),
    )
    log(f"filing {n_cases} cases …")
    t0 = time.perf_counter()
    now = timezone.now()
    cases = []
    for i in range(n_cases):
        first17 = f"430104{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        debtor = Party.objects.create(
            kind=PartyKind.PERSON,
            name=f"被执行人{i}",
            id_type=IdType.RESIDENT_ID,
            id_number=first17 + resident_id_check_char(first17),
            created_at=now,
        )
        principal = Decimal(5000 + (i * 7919) % 45000)
        case = case_register(
            court=court,
            type_code="执",
            parties=[PartyInRole(bank, PartyRole.APPLICANT), PartyInRole(debtor, PartyRole.RESPONDENT)],
            actor=officer,
            now=now,
            amount_claimed=principal,
            officer=officer,
        )
        obligation_record(
            case=case,
            actor=officer,
            now=now,
            principal=principal,
            basis_effective_on=now.date(),
            performance_deadline=now.date() + timedelta(days=30),
        )
        cases.append(case)
        if (i + 1) % 1000 == 0:
            log(f"  {i + 1} cases")
    log(f"  filed in {time.perf_counter() - t0:.1f}s")

    codes = [i.code for i in protocol.INSTITUTIONS][:n_institutions]
    log(f"一键查控 on {n_cases} cases × {len(codes)} institutions …")
    start = time.perf_counter()
    for case in cases:
        inquiry_start(case=case, actor=officer, now=timezone.now(), institutions=codes)
    clicked = time.perf_counter() - start
    log(f"  {Order.objects.count()} inquiry orders created in {clicked:.1f}s")

    deadline = time.monotonic() + max_minutes * 60
    delivered = 0
    last_log = time.monotonic()
    quiet = 0
    while time.monotonic() < deadline:
        progressed = False
        for _ in range(2000):
            try:
                path, headers, body = relay.inbox.get_nowait()
            except queue.Empty:
                break
            wanted = {k: v for k, v in headers.items() if k.lower().startswith("x-")}
            client.post(path, data=body, content_type="application/json", headers=wanted)
            delivered += 1
            progressed = True
        if orders_dispatch(now=timezone.now(), gateway=gateway).sent:
            progressed = True
        if time.monotonic() - last_log > 10:
            open_count = Order.objects.filter(status__in=OPEN_ORDER_STATUSES).count()
            log(f"  {delivered} callbacks, {open_count} orders open")
            last_log = time.monotonic()
        if progressed:
            quiet = 0
            continue
        if not (sim.idle() and relay.inbox.empty()):
            time.sleep(0.002)
            continue
        quiet += 1
        if quiet < 5:
            time.sleep(0.002)
            continue
        inquiry_sweep(now=timezone.now())
        nxt = Order.objects.filter(status__in=OPEN_ORDER_STATUSES).aggregate(m=Min("next_attempt_at"))["m"]
        if nxt is None:
            break
        time.sleep(min(1.0, max(0.0, (nxt - timezone.now()).total_seconds())))
        quiet = 0
    elapsed = time.perf_counter() - start
    sim.stop()

    orders = Order.objects.all()
    total = orders.count()
    final = orders.exclude(status__in=OPEN_ORDER_STATUSES).count()
    durations = sorted(
        (o.finished_at - o.created_at).total_seconds()
        for o in orders.exclude(finished_at=None).only("created_at", "finished_at")
    )

    def pct(p: float) -> float:
        return round(durations[min(len(durations) - 1, int(p * len(durations)))], 3) if durations else 0.0

    over = 0
    for case in cases[: min(len(cases), 2000)]:
        held = sum(f.amount_held for f in Freeze.objects.filter(case=case, status__in=["pending", "active"]))
        over += held > amount_outstanding(case=case, as_of=now.date())
    rate = final / elapsed if elapsed else 0.0
    figures = {
        "cases": n_cases,
        "institutions": len(codes),
        "orders": total,
        "orders_final": final,
        "orders_failed": orders.filter(status="failed").count(),
        "freeze_orders": orders.filter(kind="freeze").count(),
        "frozen_total": str(
            sum((f.amount_frozen for f in Freeze.objects.filter(status="active")), Decimal(0))
        ),
        "over_frozen_cases": over,
        "elapsed_s": round(elapsed, 1),
        "orders_per_s": round(rate, 1),
        "time_to_final_p50_s": pct(0.50),
        "time_to_final_p95_s": pct(0.95),
        "callbacks_delivered": delivered,
        "concurrency": concurrency,
        "ratio": round(rate / raw_rate, 4) if raw_rate else None,
    }
    baseline = {
        "what": "raw HTTP round trips to the simulator (POST /_ping, same connections and concurrency)",
        "round_trips": n_baseline,
        "round_trips_per_s": round(raw_rate, 1),
    }
    return figures, baseline


if __name__ == "__main__":
    main()
