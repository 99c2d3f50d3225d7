"""Benchmark: the public dishonest-list query over 1,000,000 listed debtors, 100 concurrent connections.

    uv run python bench/public_query.py            # 1,000,000 listings, 20 s per endpoint
    uv run python bench/public_query.py --quick    # 20,000 listings, 6 s per endpoint (under a minute)

Runs in a sandbox of its own (``bench/_harness.py``): SQLite in a temporary folder by default, or a
database ``lastmile_bench_publicquery_<pid>_<random>`` on the server of ``DATABASE_URL`` when that
points to PostgreSQL (loaded with COPY); the database, the folder and the server are removed at the
end, also on an error or Ctrl-C. Loads courts, one staff user, cases, parties, measures and
published listings with bulk inserts, checks that the query plan uses the ``listing_public_lookup``
index, then serves the project with gunicorn on 127.0.0.1 (a free port) and drives it with an
asyncio HTTP/1.1 keep-alive client:

- baseline: ``GET /healthz`` (a trivial view doing ``SELECT 1``) on the same server, same run;
- query: ``GET /api/v1/public/dishonest?name=…&id=…`` (80 % name + ID of a listed debtor,
  10 % name only, 10 % unknown names), including the per-IP rate-limit check and the masking scan.

The server: gunicorn ``gthread``, one worker per CPU, 4 threads each, keep-alive 30 s. Each
endpoint's figures include the CPU the server and the load generator spent per request, which the
machine's other load inflates less than the rates; the generator uses a tenth of the server's CPU
per request or less, and ``--client-cpus`` pins it when wanted (the reasons: docs/benchmarks.md,
``public_query``).

Goal: the query at ≥ 80 % of ``/healthz``'s requests per second and its p99 ≤ 1.25× ``/healthz``'s.
Progress goes to stderr; the LAST line of stdout is one JSON object with p50, p99 and requests per
second for both endpoints and their ratio (docs/benchmarks.md). Loopback only; bounded in time and
request count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Running ``bench/x.py`` puts bench/ first on sys.path, where a bench/statistics.py would shadow the
# standard library module that Django's SQLite backend imports.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench._harness import Sandbox, emit, log  # noqa: E402

GOAL_RPS_RATIO = 0.8  # query rps / /healthz rps, at least
GOAL_P99_RATIO = 1.25  # query p99 / /healthz p99, at most

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国文辉力斌宇浩凯健俊"
    "帆帅旭宁婷雪琳晶欣子涵梓轩一诺雨泽梦瑶思远"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def person_name(r: random.Random) -> str:
    return SURNAMES[r.randrange(len(SURNAMES))] + "".join(
        GIVEN[r.randrange(len(GIVEN))] for _ in range(r.choice((1, 2)))
    )


def resident_id(i: int) -> str:
    from lastmile.core.identifiers import resident_id_check_char

    born = date(1950, 1, 1) + timedelta(days=i // 900)
    first17 = f"430104{born:%Y%m%d}{i % 900 + 100:03d}"
    return first17 + resident_id_check_char(first17)


# --- database -----------------------------------------------------------------------------------


class RowMaker:
    """Full rows for ``model`` in column order: given values, else the field default, else NULL.
    Field order, defaults and conversions are worked out once per model, not per row."""

    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        from django.db import connection, models

        self.pg = connection.vendor == "postgresql"
        self.fields = []
        for f in model._meta.concrete_fields:
            if isinstance(f, models.JSONField):
                conv = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
            elif self.pg:
                conv = None
            elif isinstance(f, models.DateTimeField):
                conv = lambda v, f=f: f.get_db_prep_save(v, connection)  # noqa: E731
            elif isinstance(f, models.DateField):
                conv = lambda v: v.isoformat() if v is not None else None  # noqa: E731
            elif isinstance(f, models.DecimalField):
                conv = lambda v: str(v) if v is not None else None  # noqa: E731
            else:
                conv = None
            self.fields.append((f.attname, f.get_default(), conv))

    def __call__(self, values: dict) -> tuple:
        out = []
        for attname, default, conv in self.fields:
            v = values.get(attname, default)
            out.append(conv(v) if conv is not None else v)
        return tuple(out)


def bulk_insert(model, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    table = model._meta.db_table
    cols = [f.column for f in model._meta.concrete_fields]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN'
            with cur.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in cols)
            cur.executemany(f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks})', rows)


def load(n: int, chunk: int = 50_000) -> tuple[list[tuple[str, str]], dict]:
    """Load ``n`` published listings; returns sample (name, id) pairs and the query plan check."""
    from django.db import connection, transaction

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import Case
    from lastmile.measures.models import DishonestListing, Measure
    from lastmile.measures.selectors import name_key
    from lastmile.parties.models import Party

    courts_load()
    court = Court.objects.get(code="湘0104")
    user = User.objects.create(username="bench", court=court, role=Role.ENFORCEMENT_JUDGE)
    now = datetime(2025, 3, 3, 9, 30, tzinfo=__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    per_case = 1000
    n_cases = max(1, (n + per_case - 1) // per_case)
    t0 = time.perf_counter()
    with transaction.atomic():
        Case.objects.bulk_create(
            [
                Case(
                    court=court,
                    year=2025,
                    type_code="执",
                    seq=s,
                    number=f"（2025）湘0104执{s}号",
                    received_at=now,
                    filed_at=now,
                    amount_claimed=Decimal("152000.00"),
                    status="in_progress",
                )
                for s in range(1, n_cases + 1)
            ],
            batch_size=5000,
        )
    case_ids = list(Case.objects.order_by("seq").values_list("pk", flat=True))
    base = {"party": 10_000_000, "measure": 10_000_000, "listing": 10_000_000}
    sample: list[tuple[str, str]] = []
    rng = random.Random(7)
    party_row, measure_row, listing_row = RowMaker(Party), RowMaker(Measure), RowMaker(DishonestListing)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        parties, measures, listings = [], [], []
        for i in range(start, stop):
            name, idn = person_name(rng), resident_id(i)
            case_id = case_ids[i // per_case]
            pid, mid = base["party"] + i, base["measure"] + i
            parties.append(
                party_row(
                    {
                        "id": pid,
                        "kind": "person",
                        "name": name,
                        "id_type": "resident_id",
                        "id_number": idn,
                        "sex": "male",
                        "created_at": now,
                    }
                )
            )
            measures.append(
                measure_row(
                    {
                        "id": mid,
                        "court_id": court.pk,
                        "case_id": case_id,
                        "subject_id": pid,
                        "kind": "dishonest_listing",
                        "status": "in_force",
                        "reason": "bench",
                        "legal_basis": {"law": "失信规定", "version": "2017", "article": "1"},
                        "needs_president": True,
                        "ground": 3,
                        "evaluation": {"verdict": "allowed", "reasons": []},
                        "proposed_by_id": user.pk,
                        "proposed_at": now,
                        "starts_at": now,
                    }
                )
            )
            listings.append(
                listing_row(
                    {
                        "id": base["listing"] + i,
                        "measure_id": mid,
                        "court_id": court.pk,
                        "case_id": case_id,
                        "party_id": pid,
                        "status": "published",
                        "name": name,
                        "name_key": name_key(name),
                        "id_key": idn,
                        "masked_id": idn[:10] + "****" + idn[14:],
                        "is_person": True,
                        "sex": "男",
                        "birth_year": int(idn[6:10]),
                        "court_name": court.name,
                        "case_number": f"（2025）湘0104执{i // per_case + 1}号",
                        "filed_on": now.date(),
                        "basis": "（2024）湘0104民初1号",
                        "obligation": "给付152,000.00元及相应利息",
                        "performance": "全部未履行",
                        "conduct": "以隐匿、转移财产等方法规避执行",
                        "ground": 3,
                        "decided_on": now.date(),
                        "publish_on": now.date(),
                    }
                )
            )
            if rng.random() < 2000 / n:
                sample.append((name, idn))
        with transaction.atomic():
            bulk_insert(Party, parties)
            bulk_insert(Measure, measures)
            bulk_insert(DishonestListing, listings)
        log(f"  loaded {stop:,}/{n:,} listings ({time.perf_counter() - t0:.0f} s)")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    load_seconds = time.perf_counter() - t0
    name, idn = sample[0]
    qs = DishonestListing.objects.filter(
        status="published", name_key=name_key(name), id_key=idn, publish_on__lte=date.today()
    ).order_by("-publish_on", "-id")[:20]
    plan = qs.explain()
    qs_name = DishonestListing.objects.filter(status="published", name_key=name_key(name)).order_by(
        "-publish_on"
    )[:20]
    plan_name = qs_name.explain()
    return sample, {
        "load_seconds": round(load_seconds, 1),
        "index_used": "listing_public_lookup" in plan and "listing_public_lookup" in plan_name,
        "plan": " | ".join(plan.splitlines())[:400],
    }


# --- load generator ----------------------------------------------------------------------------


async def drive(port: int, paths: list[str], concurrency: int, duration: float, max_requests: int) -> dict:
    """Keep ``concurrency`` keep-alive connections busy for ``duration`` seconds."""
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + duration
    budget = [max_requests]
    rng = random.Random(11)

    async def one_connection() -> None:
        nonlocal errors
        reader = writer = None
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            path = paths[rng.randrange(len(paths))]
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                t = time.perf_counter()
                writer.write(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode()
                )
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                length = 0
                close = False
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    if k.lower() == "content-length":
                        length = int(v)
                    elif k.lower() == "connection" and v.strip().lower() == "close":
                        close = True
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - t)
                statuses[status] = statuses.get(status, 0) + 1
                if status != 200:
                    errors += 1
                if close:
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
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
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": round(sum(latencies) / len(latencies) * 1000, 2) if latencies else 0.0,
    }


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and its children (gunicorn's master and
    workers), from /proc; 0.0 where /proc is not available."""
    clock = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == root or ppid == root:
            total += (int(fields[11]) + int(fields[12])) / clock  # utime, stime
    return total


def own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def drive_measured(
    server_pid: int, port: int, paths: list[str], concurrency: int, duration: float, max_requests: int
) -> dict:
    """:func:`drive`, with the CPU the server and this load generator spent per request (a figure
    that other processes' load does not inflate the way wall-clock rates are)."""
    s0, c0 = process_tree_cpu(server_pid), own_cpu()
    out = asyncio.run(drive(port, paths, concurrency, duration, max_requests))
    s1, c1 = process_tree_cpu(server_pid), own_cpu()
    n = max(out["requests"], 1)
    out["server_cpu_ms_per_request"] = round((s1 - s0) / n * 1000, 3)
    out["client_cpu_ms_per_request"] = round((c1 - c0) / n * 1000, 3)
    out["load_average"] = round(os.getloadavg()[0], 1)
    return out


def pin_load_generator(spec: str) -> None:
    """Pin this process (the load generator) to some CPUs so it cannot take every core from the
    server it measures (docs/benchmarks.md, ``public_query``): ``last``, ``any`` or a list."""
    cpus = sorted(os.sched_getaffinity(0))
    if spec == "any" or (spec == "last" and len(cpus) < 2):
        return
    os.sched_setaffinity(0, {cpus[-1]} if spec == "last" else {int(c) for c in spec.split(",")})


def serve(
    url: str, tmp: str, workers: int, threads: int, worker_class: str = "gthread", keep_alive: int = 30
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LASTMILE_DATA_DIR": tmp,
        "DJANGO_SETTINGS_MODULE": "bench.public_query_settings",
        "PYTHONPATH": str(ROOT),
        "LASTMILE_LOG_LEVEL": "ERROR",
    }
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
        worker_class,
        "--threads",
        str(threads),
        "--keep-alive",
        str(keep_alive),
        "--backlog",
        "512",
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
    proc.terminate()
    raise SystemExit("gunicorn did not become ready within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 listings, 6 s per endpoint")
    parser.add_argument("--listings", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--duration", type=float, default=None, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--keep-alive", type=int, default=30, help="gunicorn keep-alive seconds")
    parser.add_argument(
        "--client-cpus",
        default="any",
        help="CPUs the load generator is pinned to: 'any' (default, not pinned), 'last' (the last CPU"
        " when there are two or more) or a list such as 1 or 0,1; the server is never pinned",
    )
    args = parser.parse_args()
    n = args.listings or (20_000 if args.quick else 1_000_000)
    duration = args.duration or (6.0 if args.quick else 20.0)

    with Sandbox("public_query") as box:
        assert box.tmp is not None
        # SQLite: a file of its own with the bench settings' pragmas (bench/public_query_settings.py)
        url = box.database_url or f"sqlite:///{box.tmp}/bench.sqlite3"
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        plan, baseline, query = measure(args, n, duration, url, str(box.tmp))
    ratio = {
        "p50": round(query["p50_ms"] / baseline["p50_ms"], 2) if baseline["p50_ms"] else None,
        "p99": round(query["p99_ms"] / baseline["p99_ms"], 2) if baseline["p99_ms"] else None,
        "rps": round(query["rps"] / baseline["rps"], 3) if baseline["rps"] else None,
    }
    emit(
        bench="public_query",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=args.workers,
        figures={
            "listings": n,
            "concurrency": args.concurrency,
            "duration_s": duration,
            "server": (
                f"gunicorn {args.worker_class} {args.workers}x{args.threads}, keep-alive {args.keep_alive} s"
            ),
            "client_cpus": args.client_cpus,
            "threads": args.threads,
            "cpus": os.cpu_count(),
            **plan,
            "query": query,
        },
        baseline={"what": "GET /healthz on the same server, same run", **baseline},
        ratio=ratio["rps"],
        ratio_means="query rps / /healthz rps (higher is better); ratios of p50 and p99 in ratios",
        ratios=ratio,
        goal={"rps_ratio_min": GOAL_RPS_RATIO, "p99_ratio_max": GOAL_P99_RATIO},
        goal_met=(
            ratio["rps"] is not None
            and ratio["p99"] is not None
            and ratio["rps"] >= GOAL_RPS_RATIO
            and ratio["p99"] <= GOAL_P99_RATIO
            and query["errors"] == 0
        ),
        started=box.started,
    )


def measure(args: argparse.Namespace, n: int, duration: float, url: str, tmp: str) -> tuple[dict, dict, dict]:
    """Load, serve, drive; returns (the load and plan figures, /healthz figures, query figures)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    max_requests = 2_000_000
    proc = None
    try:
        log(f"migrating {connection.vendor} database …")
        call_command("migrate", verbosity=0)
        log(f"loading {n:,} listed debtors …")
        sample, plan = load(n)
        connection.close()
        rng = random.Random(5)
        paths = []
        for _ in range(5000):
            name, idn = sample[rng.randrange(len(sample))]
            r = rng.random()
            if r < 0.8:
                q = {"name": name, "id": idn}
            elif r < 0.9:
                q = {"name": name}
            else:
                q = {"name": person_name(rng) + "某"}
            paths.append("/api/v1/public/dishonest?" + urllib.parse.urlencode(q))
        proc, port = serve(url, tmp, args.workers, args.threads, args.worker_class, args.keep_alive)
        pin_load_generator(args.client_cpus)  # after the server started: it must not inherit the pin
        log(
            f"gunicorn {args.worker_class} on 127.0.0.1:{port} ({args.workers} workers"
            f" × {args.threads} threads, keep-alive {args.keep_alive} s;"
            f" load generator on CPUs {sorted(os.sched_getaffinity(0))});"
            " warming up …"
        )
        asyncio.run(drive(port, ["/healthz"], 10, 1.0, 10_000))
        asyncio.run(drive(port, paths, 10, 1.0, 10_000))
        log(f"baseline /healthz, {args.concurrency} connections, {duration:.0f} s …")
        baseline = drive_measured(proc.pid, port, ["/healthz"], args.concurrency, duration, max_requests)
        log(f"  {baseline}")
        log(f"public query, {args.concurrency} connections, {duration:.0f} s …")
        query = drive_measured(proc.pid, port, paths, args.concurrency, duration, max_requests)
        log(f"  {query}")
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        connection.close()
    return plan, baseline, query


if __name__ == "__main__":
    main()
