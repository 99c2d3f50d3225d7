"""Benchmark: post and allocate 100,000 receipts over 2,000 cases, next to receipt_record row by row.

    uv run python bench/ledger.py            # 100,000 receipts over 2,000 cases
    uv run python bench/ledger.py --quick    # 20,000 receipts over 400 cases, under a minute or two
    uv run python bench/ledger.py --profile /tmp/ledger.prof   # cProfile of the fast path

Runs in a sandbox of its own (``bench/_harness.py``): SQLite in a temporary folder by default, or a
database ``lastmile_bench_ledger_<pid>_<random>`` on the server of ``DATABASE_URL`` when that points
to PostgreSQL; both removed at the end, also on an error or Ctrl-C. One process; on PostgreSQL one
importer thread per core (``--workers``), each with its own connection and taking every n-th
batch, as a bank statement API served by several threads would; SQLite (one writer) one
importer. Goal: at least 5,000 receipts per second on PostgreSQL (pgledger: 7.6–10.6k
transfers/s). Progress goes to stderr; the LAST line of stdout is one JSON object
(docs/benchmarks.md).

Fast path: ``receipts_import`` in batches (the door of ``POST /api/ledger/receipts/import``):
one statement for a batch's receipts, one for its transactions, one for their legs (checked
zero-sum by the database once per statement), one for the balances; the transactions and a case
event per case appended to the audit chain under one lock of its head; the payout deadlines in
bulk. Then every case's statement is computed once (``case_statements``), allocating every
receipt in the legal order (costs → interest → principal → doubled interest). Baseline, in the
same run on a sample: ``receipt_record`` for each receipt (its own transaction, locks, event,
deadline), then the same statement per case.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import sys
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

# bench/ itself must not be on sys.path: bench/statistics.py would shadow the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import Sandbox, emit, log  # noqa: E402

GOAL_RECEIPTS_PER_S = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="20,000 receipts over 400 cases, baseline on 200"
    )
    parser.add_argument("--receipts", type=int, default=None)
    parser.add_argument("--baseline", type=int, default=None, help="rows for the row-by-row baseline sample")
    parser.add_argument("--cases", type=int, default=None, help="cases the receipts go to (2,000)")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--profile", default="", help="write a cProfile of the fast path to this file")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="importers, each on its own connection, taking every n-th batch (default: one per core on "
        "PostgreSQL, 1 on SQLite, whose single writer runs one import at a time)",
    )
    args = parser.parse_args()
    n_receipts = args.receipts or (20_000 if args.quick else 100_000)
    n_baseline = args.baseline or (200 if args.quick else 500)
    n_cases = args.cases or (400 if args.quick else 2_000)

    with Sandbox("ledger") as box:
        import django

        django.setup()
        from django.core.management import call_command

        log(f"migrating the {box.database} database …")
        call_command("migrate", verbosity=0)
        from django.db import connection

        workers = args.workers or (os.cpu_count() or 1 if connection.vendor == "postgresql" else 1)
        figures, baseline = run(n_receipts, n_baseline, n_cases, args.batch, args.profile, workers)
    rate = figures["receipts_per_s"]
    emit(
        bench="ledger",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=figures["importers"],
        figures=figures,
        baseline=baseline,
        ratio=round(rate / baseline["receipts_per_s"], 1),
        ratio_means="receipts/s of the fast path / receipts/s row by row (higher is better)",
        goal={"receipts_per_s_min": GOAL_RECEIPTS_PER_S, "database": "postgresql"},
        goal_met=rate >= GOAL_RECEIPTS_PER_S,
        started=box.started,
        load_average=[round(x, 2) for x in os.getloadavg()],
    )


class _Counter:
    """Counts the SQL statements of the connections it is installed on (queries per receipt)."""

    def __init__(self) -> None:
        self.n = 0
        self._lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        with self._lock:
            self.n += 1
        return execute(sql, params, many, context)


def _server_cpu():  # type: ignore[no-untyped-def]
    """A function giving the CPU seconds the PostgreSQL backend of this connection has used so far
    (user + system, from ``/proc/<pid>/stat``), or NaN: SQLite, or a server on another host."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: float("nan")
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    path = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float:
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / tick

    return read


def run(
    n_receipts: int, n_baseline: int, n_cases: int, batch: int, profile: str, workers: int
) -> tuple[dict, dict]:
    from django.db import connection, transaction
    from django.utils import timezone

    from lastmile.accounts.services import courts_load
    from lastmile.cases.services import CaseSpec, PartyInRole, case_register_many
    from lastmile.ledger import services as s
    from lastmile.ledger.fees import acceptance_fee, execution_fee
    from lastmile.ledger.models import Account
    from lastmile.ledger.selectors import case_statements, reconcile
    from lastmile.parties.models import IdType, PartyKind
    from lastmile.parties.services import party_upsert
    from lastmile.web.demo import demo_person_id, demo_uscc

    rnd = random.Random(20240101)
    tz = timezone.get_fixed_timezone(480)
    now = datetime(2024, 1, 2, 9, 0, tzinfo=tz)
    court = next(c for c in courts_load() if c.code == "湘0104")
    bank = party_upsert(
        kind=PartyKind.ORGANISATION,
        name="基准测试银行",
        id_type=IdType.USCC,
        id_number=demo_uscc("91430104MA4L00091"),
        now=now,
    )

    @transaction.atomic
    def make_cases(n: int, offset: int) -> list:
        debtors = [
            party_upsert(
                kind=PartyKind.PERSON,
                name=f"被执行人{offset + i}",
                id_type=IdType.RESIDENT_ID,
                id_number=demo_person_id(
                    "430104", f"{date(1960, 1, 1) + timedelta(days=offset + i):%Y%m%d}", 7
                ),
                now=now,
            )
            for i in range(n)
        ]
        cases = case_register_many(
            court=court,
            type_code="执",
            specs=[
                CaseSpec(
                    parties=[PartyInRole(bank, "applicant"), PartyInRole(d, "respondent")],
                    amount_claimed=Decimal("200000"),
                )
                for d in debtors
            ],
            actor=None,
            now=now,
        )
        for case in cases:
            principal = Decimal(rnd.randrange(50_000, 2_000_000))
            s.obligation_record(
                case=case,
                actor=None,
                now=now,
                principal=principal,
                basis_effective_on=date(2023, 12, 1),
                performance_deadline=date(2023, 12, 31),
                interest=s.InterestTerms(kind="fixed", annual_rate=Decimal("0.0435"), start=date(2023, 6, 1)),
                costs=[
                    s.CostItem("acceptance_fee", "案件受理费", acceptance_fee(principal, halved=True)),
                    s.CostItem("execution_fee", "申请执行费", execution_fee(principal)),
                ],
            )
        return cases

    log(f"setting up {n_cases:,} cases with obligations …")
    cases = make_cases(n_cases, 0)

    def rows(n: int, prefix: str, pool: list) -> list:
        out = []
        for i in range(n):
            unclaimed = rnd.random() < 0.05
            out.append(
                s.ReceiptRow(
                    idempotency_key=f"{prefix}-{i}",
                    amount=Decimal(rnd.randrange(100, 500_000)) / 100,
                    received_at=datetime(2024, 1, 5, 9, tzinfo=tz)
                    + timedelta(days=rnd.randrange(30), seconds=i),
                    case_id=None if unclaimed else pool[rnd.randrange(len(pool))].pk,
                )
            )
        return out

    def allocate(pool: list) -> int:
        statements = case_statements(cases=pool, as_of=as_of)
        assert all(st is not None for st in statements.values())
        return sum(len(st.allocations) for st in statements.values() if st is not None)

    data = rows(n_receipts, "bulk", cases)
    as_of = date(2024, 3, 1)
    log(f"fast path: importing {n_receipts:,} receipts over {n_cases:,} cases in batches of {batch:,} …")
    counter = _Counter()
    prof = cProfile.Profile() if profile else None
    server_cpu = _server_cpu()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    batches = [data[i : i + batch] for i in range(0, len(data), batch)]
    imported = [0]
    lock = threading.Lock()
    failures: list[BaseException] = []

    def importer(first: int) -> None:
        """Import every ``workers``-th batch from ``first`` on this thread's own connection."""
        own = server_cpu if first == 0 else _server_cpu()
        start = own()
        try:
            with connection.execute_wrapper(counter):
                for rows_ in batches[first::workers]:
                    res = s.receipts_import(court=court, rows=rows_, actor=None, now=now)
                    assert not res.errors, res.errors[:3]
                    with lock:
                        imported[0] += len(rows_)
                        log(f"  {imported[0]:,}/{len(data):,}")
        except BaseException as exc:
            failures.append(exc)
        finally:
            with lock:
                server_seconds[0] += own() - start
            if first:
                connection.close()

    server_seconds = [0.0]
    if prof is not None:
        prof.enable()
    threads = [threading.Thread(target=importer, args=(k,)) for k in range(1, workers)]
    for t in threads:
        t.start()
    importer(0)
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    t_post = time.perf_counter() - t0
    queries_post = counter.n
    pg1 = server_cpu()
    with connection.execute_wrapper(counter):
        allocated = allocate(cases)
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    t_total = time.perf_counter() - t0
    cpu_total = time.process_time() - cpu0
    pg_cpu = server_seconds[0] + server_cpu() - pg1
    unclaimed = sum(1 for r in data if r.case_id is None)
    assert allocated == n_receipts - unclaimed, (allocated, n_receipts, unclaimed)
    log(f"  posted in {t_post:.1f}s, allocated in {t_total - t_post:.1f}s ({counter.n:,} statements)")

    replay_t = time.perf_counter()
    again = s.receipts_import(court=court, rows=data[:batch], actor=None, now=now)
    replay_s = time.perf_counter() - replay_t
    assert again.created == 0 and again.replayed == min(batch, len(data))

    log(f"baseline: {n_baseline:,} receipts row by row (receipt_record), then the statement per case …")
    base_cases = make_cases(max(10, n_cases // 20), 10_000)
    base_rows = rows(n_baseline, "row", base_cases)
    by_pk = {c.pk: c for c in base_cases}
    base_counter = _Counter()
    t1 = time.perf_counter()
    with connection.execute_wrapper(base_counter):
        for n, r in enumerate(base_rows):
            s.receipt_record(
                case=by_pk.get(r.case_id) if r.case_id is not None else None,
                court_id=court.pk,
                amount=r.amount,
                source=r.source,
                idempotency_key=r.idempotency_key,
                received_at=r.received_at,
                actor=None,
            )
            if n and n % 500 == 0:
                log(f"  {n:,}/{n_baseline:,}")
        allocate(base_cases)
    t_base = time.perf_counter() - t1

    log("reconciling …")
    t2 = time.perf_counter()
    rec = reconcile(court=court)
    t_rec = time.perf_counter() - t2
    assert rec.ok, rec
    fast_rate = n_receipts / t_total
    base_rate = n_baseline / t_base
    figures = {
        "receipts": n_receipts,
        "cases": n_cases,
        "batch": batch,
        "importers": workers,
        "seconds": round(t_total, 2),
        "post_seconds": round(t_post, 2),
        "allocate_seconds": round(t_total - t_post, 2),
        "receipts_per_s": round(fast_rate, 1),
        "post_receipts_per_s": round(n_receipts / t_post, 1),
        "cpu_us_per_receipt": round(cpu_total / n_receipts * 1e6, 1),
        # the PostgreSQL backend's own CPU (its /proc entry; None when the server is not on this host)
        "server_cpu_us_per_receipt": round(pg_cpu / n_receipts * 1e6, 1) if pg_cpu == pg_cpu else None,
        "queries_per_batch": round(queries_post / -(-n_receipts // batch), 1),
        "queries_per_receipt": round(counter.n / n_receipts, 4),
        "replay_batch_seconds": round(replay_s, 2),
        "reconcile_seconds": round(t_rec, 2),
        "reconcile_ok": rec.ok,
        "accounts": Account.objects.count(),
    }
    baseline = {
        "what": "receipt_record per receipt (row by row), then the statement of each case once",
        "receipts": n_baseline,
        "cases": len(base_cases),
        "seconds": round(t_base, 2),
        "receipts_per_s": round(base_rate, 1),
        "queries_per_receipt": round(base_counter.n / n_baseline, 1),
    }
    return figures, baseline


if __name__ == "__main__":
    main()
