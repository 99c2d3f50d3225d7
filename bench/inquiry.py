"""Benchmark: 一键查控 on 10,000 cases × 12 institutions, in the shape that is deployed.

    uv run python bench/inquiry.py                  # 10,000 cases × 12 institutions
    uv run python bench/inquiry.py --quick          # 100 cases
    DATABASE_URL=postgres://… uv run python bench/inquiry.py --cases 2000 --workers 1,2,4

Runs in a sandbox of its own (``bench/_harness.py``: SQLite in a temporary folder, or a database
``lastmile_bench_inquiry_<pid>_<random>`` on the server of ``DATABASE_URL`` when that points to
PostgreSQL; removed at the end, also on an error or Ctrl-C). The processes are those of ``lastmile
run``: the institutions simulator in its own process (``lastmile institutions-sim``, no added
latency), the web server (gunicorn, 2 workers × 4 threads, as ``lastmile/web/processes.py``
starts it) taking the signed callbacks, and N ``lastmile inquiry-worker`` processes applying them
in batches per case and sending due orders. This process only files the cases, clicks 一键查控 on
each (``inquiry_start``, as the page does) and watches the database.

Figures per worker count: orders to final per second (all kinds, from the first click to the last
final state), p50/p99 time from an order's creation to its final state, the workers' queries and
CPU per order, the callback exchanges per order, and — measured in the same run — the raw HTTP
round-trip rate to the simulator process (``POST /_ping`` over kept-alive connections, same
concurrency as the dispatcher) with the ratio between the two. Goal: at least half the raw rate,
p50 to final under 10 s. On SQLite one worker (the database takes one writer); on PostgreSQL by
default 1, 2 and 4 workers, each on fresh cases. Progress goes to stderr; the LAST line of stdout
is one JSON object (docs/benchmarks.md) whose headline is the largest worker count run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# bench/ itself must not be on sys.path: bench/statistics.py would shadow the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._harness import Sandbox, emit, log  # noqa: E402

GOAL_RATIO = 0.5  # orders to final per second / raw HTTP round trips per second
GOAL_P50_S = 10.0
CONCURRENCY = 16  # the dispatcher's (DISPATCH_CONCURRENCY default)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 cases, one worker count")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--institutions", type=int, default=12)
    parser.add_argument("--workers", default=None, help="worker counts, e.g. 1,2,4 (PostgreSQL)")
    parser.add_argument("--baseline", type=int, default=None, help="raw round trips for the baseline")
    parser.add_argument("--max-minutes", type=float, default=None, help="stop waiting after this long")
    parser.add_argument("--profile", action="store_true", help="profile the first worker (cProfile, stderr)")
    args = parser.parse_args()
    n_cases = args.cases or (100 if args.quick else 10_000)
    n_baseline = args.baseline or (3_000 if args.quick else 20_000)
    max_minutes = args.max_minutes or (5.0 if args.quick else 60.0)

    with Sandbox("inquiry") as box:
        os.environ["LASTMILE_DEMO"] = "1"  # the simulator signs with the demo keys
        os.environ["LASTMILE_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
        if args.workers:
            counts = [int(w) for w in args.workers.split(",") if w.strip()]
        else:
            counts = [1] if (args.quick or box.database == "sqlite") else [1, 2, 4]
        if box.database == "sqlite" and max(counts) > 1:
            raise SystemExit("SQLite takes one writer: run more workers on PostgreSQL")
        import django

        django.setup()
        from django.core.management import call_command

        log(f"migrating the {box.database} database …")
        call_command("migrate", verbosity=0)
        runs, baseline = run(
            counts, n_cases, args.institutions, n_baseline, max_minutes, box.tmp, profile=args.profile
        )
    head = runs[-1]
    ratio = head["ratio"]
    emit(
        bench="inquiry",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=head["workers"],
        figures={**{k: v for k, v in head.items() if k != "ratio"}, "scale_out": runs},
        baseline=baseline,
        ratio=ratio,
        ratio_means="orders to final per second / raw HTTP round trips per second (higher is better)",
        goal={"ratio_min": GOAL_RATIO, "time_to_final_p50_s_max": GOAL_P50_S},
        goal_met=(
            ratio is not None
            and ratio >= GOAL_RATIO
            and head["time_to_final_p50_s"] < GOAL_P50_S
            and head["orders_final"] == head["orders"]
        ),
        started=box.started,
    )


# --- processes ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, env=env, cwd=ROOT, start_new_session=True)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def _wait_http(url: str, *, limit: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up")
        time.sleep(0.2)


def _cpu_seconds(pid: int) -> float:
    """CPU of a process and its children (gunicorn's workers), from psutil."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for p in [root, *root.children(recursive=True)]:
            t = p.cpu_times()
            total += t.user + t.system
        return total
    except psutil.Error:
        return 0.0


def raw_round_trips(url: str, n: int, concurrency: int) -> float:
    """Raw HTTP round trips per second to the simulator (POST /_ping, keep-alive)."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    per = max(1, n // concurrency)

    def worker(_: int) -> int:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        for _ in range(per):
            for attempt in range(5):  # a connection refused or reset while many open at once: again
                try:
                    conn.request("POST", "/_ping", body=b"{}", headers={"Content-Type": "application/json"})
                    conn.getresponse().read()
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                    if attempt == 4:
                        raise
                    time.sleep(0.05)
        conn.close()
        return per

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        done = sum(pool.map(worker, range(concurrency)))
    return done / (time.perf_counter() - start)


def _sim_stats(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url + "/_control", timeout=10) as r:
        return dict(json.loads(r.read())["stats"])


# --- the run --------------------------------------------------------------------------------------


def run(
    counts: list[int],
    n_cases: int,
    n_institutions: int,
    n_baseline: int,
    max_minutes: float,
    tmp: Path,
    *,
    profile: bool = False,
) -> tuple[list[dict], dict]:
    py = sys.executable
    sim_port, web_port = _free_port(), _free_port()
    env = dict(os.environ)
    env["LASTMILE_GATEWAY_URL"] = f"http://127.0.0.1:{sim_port}"
    env["LASTMILE_INQUIRY_CALLBACK_URL"] = f"http://127.0.0.1:{web_port}/inquiry/callback/"
    os.environ.update({k: env[k] for k in ("LASTMILE_GATEWAY_URL", "LASTMILE_INQUIRY_CALLBACK_URL")})
    from django.conf import settings

    settings.LASTMILE = {
        **settings.LASTMILE,
        "INQUIRY": {
            **settings.LASTMILE.get("INQUIRY", {}),
            "GATEWAY_URL": env["LASTMILE_GATEWAY_URL"],
            "CALLBACK_URL": env["LASTMILE_INQUIRY_CALLBACK_URL"],
        },
    }
    sim_url = env["LASTMILE_GATEWAY_URL"]
    sim_argv = ["institutions-sim", "--port", str(sim_port), "--latency-scale", "0", "--seed", "1"]
    sim = _start([py, "-m", "lastmile.cli", *sim_argv], env)
    web_argv = [
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{web_port}",
        "--workers",
        "2",
        "--threads",
        "4",
    ]
    web = _start([py, "-m", "gunicorn", *web_argv, "--log-level", "warning"], env)
    try:
        _wait_http(sim_url + "/_health")
        _wait_http(f"http://127.0.0.1:{web_port}/healthz")
        log(f"baseline: {n_baseline} raw round trips to the simulator process …")
        raw_rate = raw_round_trips(sim_url, n_baseline, CONCURRENCY)
        log(f"  {raw_rate:,.0f} round trips/s")
        runs = []
        for i, k in enumerate(counts):
            runs.append(
                _one_run(i, k, n_cases, n_institutions, max_minutes, env, tmp, web.pid, sim_url, profile)
            )
            runs[-1]["ratio"] = round(runs[-1]["orders_per_s"] / raw_rate, 4) if raw_rate else None
            log(f"  → {json.dumps(runs[-1], ensure_ascii=False)}")
    finally:
        _stop([web, sim])
    baseline = {
        "what": "raw HTTP round trips to the simulator process (POST /_ping, kept-alive, "
        f"{CONCURRENCY} connections)",
        "round_trips": n_baseline,
        "round_trips_per_s": round(raw_rate, 1),
    }
    return runs, baseline


def _file_cases(tag: int, n_cases: int) -> tuple:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import PartyRole
    from lastmile.cases.services import PartyInRole, case_register
    from lastmile.core.identifiers import resident_id_check_char
    from lastmile.ledger.services import obligation_record
    from lastmile.parties.models import IdType, Party, PartyKind
    from lastmile.testing.factories import UserFactory

    if not Court.objects.exists():
        courts_load()
    court = Court.objects.get(code="湘0104")
    officer = User.objects.filter(username="bench_officer").first() or UserFactory(
        court=court, role=Role.ENFORCEMENT_JUDGE, username="bench_officer"
    )
    now = timezone.now()
    bank = Party.objects.create(
        kind=PartyKind.ORGANISATION,
        name="长沙银行股份有限公司岳麓支行",
        id_type=IdType.USCC,
        id_number="",
        created_at=now,
    )
    cases = []
    for i in range(n_cases):
        j = tag * 100_000 + i
        first17 = f"430104{1960 + j % 40}{1 + j % 12:02d}{1 + j % 28:02d}{j % 1000:03d}"
        debtor = Party.objects.create(
            kind=PartyKind.PERSON,
            name=f"被执行人{tag}-{i}",
            id_type=IdType.RESIDENT_ID,
            id_number=first17 + resident_id_check_char(first17),
            created_at=now,
        )
        principal = Decimal(5000 + (j * 7919) % 45000)
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
    return officer, cases


def _one_run(
    tag: int,
    n_workers: int,
    n_cases: int,
    n_institutions: int,
    max_minutes: float,
    env: dict[str, str],
    tmp: Path,
    web_pid: int,
    sim_url: str,
    profile: bool,
) -> dict:
    from decimal import Decimal

    from django.db import connection
    from django.db.models import Min
    from django.utils import timezone

    from lastmile.inquiry import protocol
    from lastmile.inquiry.models import OPEN_ORDER_STATUSES, Freeze, InboxMessage, Order
    from lastmile.inquiry.services import inquiry_start
    from lastmile.ledger.services import amount_outstanding

    log(f"[{n_workers} worker(s)] filing {n_cases} cases …")
    t0 = time.perf_counter()
    officer, cases = _file_cases(tag, n_cases)
    log(f"  filed in {time.perf_counter() - t0:.1f}s")
    case_ids = [c.pk for c in cases]
    first_case = min(case_ids)
    py = sys.executable
    stats_files = [tmp / f"worker-{tag}-{w}.json" for w in range(n_workers)]
    prof = tmp / f"worker-{tag}.prof"
    profiled = ["-m", "cProfile", "-o", str(prof)] if profile else []
    worker_argv = ["-m", "lastmile.cli", "inquiry-worker"]
    workers = [
        _start(
            [py, *(profiled if w == 0 else []), *worker_argv, "--stats", str(stats_files[w])],
            env,
        )
        for w in range(n_workers)
    ]
    sim_before = _sim_stats(sim_url)
    web_cpu_before = _cpu_seconds(web_pid)
    codes = [i.code for i in protocol.INSTITUTIONS][:n_institutions]
    try:
        log(f"  一键查控 on {n_cases} cases × {len(codes)} institutions, {n_workers} worker(s) …")
        click_queries = [0]

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            click_queries[0] += 1
            return execute(sql, params, many, context)

        start = time.perf_counter()
        with connection.execute_wrapper(count):
            for case in cases:
                inquiry_start(case=case, actor=officer, now=timezone.now(), institutions=codes)
        clicked = time.perf_counter() - start
        log(f"  clicked in {clicked:.1f}s")
        ours = Order.objects.filter(case_id__gte=first_case)
        deadline = time.monotonic() + max_minutes * 60
        last_log = 0.0
        while time.monotonic() < deadline:
            open_count = ours.filter(status__in=OPEN_ORDER_STATUSES).count()
            pending = InboxMessage.objects.filter(processed_at__isnull=True).count()
            if open_count == 0 and pending == 0:
                break
            if time.monotonic() - last_log > 10:
                log(f"  {open_count} orders open, {pending} messages waiting")
                last_log = time.monotonic()
            time.sleep(0.2)
        last_final = (
            ours.exclude(finished_at=None)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        first_click = ours.aggregate(m=Min("created_at"))["m"]
        elapsed = (last_final - first_click).total_seconds() if last_final and first_click else 0.0
        web_cpu = _cpu_seconds(web_pid) - web_cpu_before
    finally:
        _stop(workers)
    sim_after = _sim_stats(sim_url)
    if profile and prof.exists():
        import io
        import pstats

        out = io.StringIO()
        pstats.Stats(str(prof), stream=out).sort_stats("cumulative").print_stats(45)
        log(out.getvalue())
        out = io.StringIO()
        pstats.Stats(str(prof), stream=out).sort_stats("tottime").print_stats(25)
        log(out.getvalue())
    worker_stats = [json.loads(f.read_text()) for f in stats_files if f.exists()]
    total = ours.count()
    final = ours.exclude(status__in=OPEN_ORDER_STATUSES).count()
    durations = sorted(
        (o.finished_at - o.created_at).total_seconds()
        for o in ours.exclude(finished_at=None).only("created_at", "finished_at")
    )

    def pct(p: float) -> float:
        return round(durations[min(len(durations) - 1, int(p * len(durations)))], 3) if durations else 0.0

    def delta(name: str) -> int:
        return int(sim_after.get(name, 0)) - int(sim_before.get(name, 0))

    over = 0
    today = timezone.now().date()
    for case in cases[:500]:
        held = sum(f.amount_held for f in Freeze.objects.filter(case=case, status__in=["pending", "active"]))
        over += held > amount_outstanding(case=case, as_of=today)
    rate = final / elapsed if elapsed else 0.0
    worker_queries = sum(s["queries"] for s in worker_stats)
    worker_cpu = sum(s.get("cpu_s", 0.0) for s in worker_stats)
    exchanges_in = delta("callback_batches") or delta("callbacks_delivered")
    exchanges_out = delta("order_batches")
    return {
        "workers": n_workers,
        "cases": n_cases,
        "institutions": len(codes),
        "orders": total,
        "orders_final": final,
        "orders_failed": ours.filter(status="failed").count(),
        "freeze_orders": ours.filter(kind="freeze").count(),
        "frozen_total": str(
            sum(
                (f.amount_frozen for f in Freeze.objects.filter(case_id__gte=first_case, status="active")),
                Decimal(0),
            )
        ),
        "over_frozen_cases": over,
        "click_s": round(clicked, 1),
        "elapsed_s": round(elapsed, 1),
        "orders_per_s": round(rate, 1),
        "time_to_final_p50_s": pct(0.50),
        "time_to_final_p99_s": pct(0.99),
        "worker_queries_per_order": round(worker_queries / total, 2) if total else None,
        "click_queries_per_order": round(click_queries[0] / total, 2) if total else None,
        "callback_messages_per_order": round(delta("callbacks_delivered") / total, 2) if total else None,
        "callback_exchanges_per_order": round(exchanges_in / total, 4) if total else None,
        "callback_queries_per_exchange": 1,  # one INSERT (lastmile/inquiry/tests/test_inbox_worker.py)
        "order_exchanges_per_order": round(exchanges_out / total, 4) if total else None,
        "worker_cpu_ms_per_order": round(1000 * worker_cpu / total, 2) if total else None,
        "web_cpu_ms_per_order": round(1000 * web_cpu / total, 2) if total else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    main()
