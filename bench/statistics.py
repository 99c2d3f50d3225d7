"""Bench: the command-center dashboard over 1,000,000 enforcement cases on PostgreSQL.

    uv run python bench/statistics.py            # 1,000,000 cases
    uv run python bench/statistics.py --quick    # 30,000 cases (under a minute)

Creates a database of its own (``lastmile_bench_statistics_<pid>_<random>`` on the server of
``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/``; see ``bench/_harness.py``),
migrates it, bulk-loads cases, enforcement rows, receipts and excluded periods with COPY (the bench
measures the dashboard query, not filing), then times
:func:`lastmile.statistics.selectors.dashboard_for` for a high-court leader over all courts (this
year beside last year, trend, paths, breakdowns, overdue cases, alerts) next to a plain
``SELECT count(*)`` of the same table measured in the same run. That database (and only that one)
is dropped at the end, also on an error or Ctrl-C. Goal: the dashboard in under 1 s and within 5×
the ``count(*)``. The last line printed is one JSON object (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ itself must not be on sys.path: bench/statistics.py would shadow the standard library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from bench._harness import Sandbox, emit, log, tables_from_models  # noqa: E402

GOAL_SECONDS = 1.0
GOAL_RATIO = 5.0
METHODS = [
    ("执行完毕", "completed", 0.50),
    ("终结本次执行程序", "no_property", 0.27),
    ("终结执行", "terminated", 0.17),
    ("销案", "cancelled", 0.03),
    ("不予执行", "not_enforced", 0.015),
    ("驳回申请", "rejected", 0.015),
]


def columns(cur, table: str) -> list[tuple[str, str, bool]]:
    cur.execute(
        "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return list(cur.fetchall())


_FILLER = {
    "character varying": "",
    "text": "",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "numeric": "0",
    "boolean": "f",
    "jsonb": "[]",
    "date": "2023-01-01",
    "timestamp with time zone": "2023-01-01 00:00:00+08",
}


def copy_rows(cur, table: str, given: list[str], rows) -> int:
    """COPY ``rows`` (tuples for the ``given`` columns) into ``table``; every other NOT NULL column
    gets a neutral value of its type, nullable ones are left NULL."""
    cols = [(n, t, nullable) for n, t, nullable in columns(cur, table) if n != "id"]
    extra = [(n, _FILLER[t]) for n, t, nullable in cols if n not in given and not nullable]
    names = given + [n for n, _ in extra]
    tail = [v for _, v in extra]
    n = 0
    with cur.copy(f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in names)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([*row, *tail])
            n += 1
    return n


def load(n_cases: int, seed: int) -> dict[str, int]:
    from django.db import connection

    from lastmile.accounts.models import Court, Role, Team, TeamKind, User
    from lastmile.accounts.services import courts_load
    from lastmile.core.periods import add_months

    rng = random.Random(seed)
    courts_load()
    basic = list(Court.objects.filter(level="basic").order_by("code"))
    officers: list[tuple[int, int, int]] = []  # (court, team, user)
    for court in basic:
        for k, kind in enumerate((TeamKind.FAST_TRACK, TeamKind.COMPLEX)):
            team = Team.objects.create(court=court, name=f"执行{k + 1}队", kind=kind)
            for i in range(12):
                u = User.objects.create(
                    username=f"b{court.pk}_{k}_{i}",
                    display_name=f"{court.short_name}干警{k}{i:02d}",
                    court=court,
                    team=team,
                    role=Role.ENFORCEMENT_OFFICER,
                )
                officers.append((court.pk, team.pk, u.pk))
    User.objects.create(
        username="bench_leader", court=Court.objects.get(code="湘"), role=Role.LEADER, display_name="高院领导"
    )
    start = datetime(2022, 1, 1, 8, 30).astimezone()
    span = (datetime(2024, 1, 1).astimezone() - start).total_seconds()
    now = datetime(2024, 1, 1).astimezone()
    methods = list(METHODS)
    weights = [w for *_, w in METHODS]
    case_rows, enf_rows, receipts, pauses = [], [], [], []
    for i in range(1, n_cases + 1):
        court_id, team_id, officer = officers[rng.randrange(len(officers))]
        filed = start + timedelta(seconds=rng.random() * span)
        type_code = "执" if rng.random() < 0.9 else rng.choice(("执恢", "执保"))
        amount = round(max(500.0, math.exp(rng.gauss(math.log(4000), 1.1))), 2)
        closed = None
        method_code = ""
        if rng.random() < 0.93:
            _label, method_code, _ = rng.choices(methods, weights=weights)[0]
            days = 95 + rng.expovariate(1 / 20) if method_code == "no_property" else rng.expovariate(1 / 25)
            closed = filed + timedelta(days=days)
            if closed >= now:
                closed = None
                method_code = ""
        status = "closed" if closed else "in_progress"
        case_rows.append(
            (
                i,
                court_id,
                filed.year,
                type_code,
                i,
                f"（{filed.year}）B{court_id}{type_code}{i}号",
                status,
                filed,
                filed,
                closed,
                method_code,  # Case.closing_method holds the code (enforcement.models.ClosingMethod)
                amount,
                officer,
                team_id,
                # Case.time_limit_ends_on, as the enforcement app keeps it: its row's start + 6 months
                add_months(filed.date(), 6),
                "fast",  # Case.enforcement_track, the enforcement app's copy of its row's track
            )
        )
        enf_rows.append(
            (
                i,
                "counter",
                "judgment",
                "某人民法院",
                f"（2021）民初{i}号",
                filed.date(),
                filed.date(),
                filed.date(),
                filed.date() + timedelta(days=730),
                amount,
                filed.date(),
                filed.date() + timedelta(days=183),
                method_code,
                "fast",
            )
        )
        if (closed is not None and method_code in ("completed", "terminated")) or rng.random() < 0.1:
            got = amount if method_code == "completed" else round(amount * rng.uniform(0.1, 0.8), 2)
            at = (closed or filed + timedelta(days=30)) - timedelta(hours=1)
            receipts.append((court_id, i, got, "debtor_transfer", f"r{i}", at, at.date()))
        if rng.random() < 0.08:
            p_start = filed.date() + timedelta(days=rng.randint(5, 30))
            pauses.append((i, "auction", p_start, p_start + timedelta(days=rng.randint(20, 90)), ""))
    # Case.time_limit_first_pause_on, the enforcement app's copy of the case's earliest excluded
    # period's first day (one period per case here).
    first_pause = {case_id: started_on for case_id, _, started_on, _, _ in pauses}
    case_rows = [(*row, first_pause.get(row[0])) for row in case_rows]
    with connection.cursor() as c:
        cur = c.cursor
        copy_rows(
            cur,
            "cases_case",
            [
                "id",
                "court_id",
                "year",
                "type_code",
                "seq",
                "number",
                "status",
                "received_at",
                "filed_at",
                "closed_at",
                "closing_method",
                "amount_claimed",
                "officer_id",
                "team_id",
                "time_limit_ends_on",
                "enforcement_track",
                "time_limit_first_pause_on",
            ],
            case_rows,
        )
        copy_rows(
            cur,
            "enforcement_enforcementcase",
            [
                "case_id",
                "channel",
                "basis_kind",
                "basis_issuer",
                "basis_number",
                "basis_effective_on",
                "applied_on",
                "application_period_starts_on",
                "application_deadline",
                "principal",
                "time_limit_starts_on",
                "time_limit_due_on",
                "closing_method",
                "track",
            ],
            enf_rows,
        )
        copy_rows(
            cur,
            "ledger_receipt",
            ["court_id", "case_id", "amount", "source", "idempotency_key", "received_at", "effective_on"],
            receipts,
        )
        copy_rows(
            cur, "enforcement_timelimitpause", ["case_id", "kind", "started_on", "ended_on", "reason"], pauses
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [n_cases])
        # What autovacuum does after a bulk insert (autovacuum_vacuum_insert_threshold): statistics,
        # and the visibility map that lets the open cases be read from their index alone.
        cur.execute("VACUUM ANALYZE")
    return {"cases": len(case_rows), "receipts": len(receipts), "pauses": len(pauses)}


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2], result  # median (this file shadows `statistics`)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30,000 cases instead of 1,000,000")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.cases or (30_000 if args.quick else 1_000_000)
    with Sandbox("statistics", require_postgres=True) as box:
        figures, baseline, ratio, dash_s = measure(n, args.repeat)
    emit(
        bench="statistics",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=1,
        figures=figures,
        baseline=baseline,
        ratio=ratio,
        ratio_means="dashboard seconds / count(*) seconds (lower is better)",
        goal={"dashboard_seconds_max": GOAL_SECONDS, "ratio_max": GOAL_RATIO},
        goal_met=dash_s < GOAL_SECONDS and ratio is not None and ratio <= GOAL_RATIO,
        started=box.started,
    )


def measure(n: int, repeat: int) -> tuple[dict, dict, float | None, float]:
    import django

    django.setup()
    from django.db import connection

    from lastmile.accounts.models import User
    from lastmile.statistics.selectors import ALL_COURTS, dashboard_for

    t0 = time.perf_counter()
    # The tables straight from the models (what the dashboard reads, indexes included) instead of
    # replaying every migration: the migrations' data and triggers play no part in this read.
    tables_from_models()
    t1 = time.perf_counter()
    loaded = load(n, seed=20231231)
    t2 = time.perf_counter()
    log(f"migrated in {t1 - t0:.1f}s, loaded {loaded} in {t2 - t1:.1f}s")
    from django.db import reset_queries

    from lastmile.statistics.summary import summary_rebuild

    # The summary as lastmile schedule keeps it (hourly): built once, on 2024-01-01 at 02:00.
    state = summary_rebuild(now=datetime(2024, 1, 1, 2).astimezone())
    t3 = time.perf_counter()
    log(f"summary: {state.cells} cells for {state.cases} cases in {t3 - t2:.1f}s")
    leader = User.objects.get(username="bench_leader")

    def dashboard():
        return dashboard_for(
            actor=leader,
            start=date(2023, 1, 1),
            end=date(2023, 12, 31),
            today=date(2024, 1, 1),
            court_code=ALL_COURTS,
        )

    def baseline():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM cases_case")
            return cur.fetchone()[0]

    dashboard()  # warm the cache the same way for both
    baseline()
    queries: list[tuple[float, str]] = []

    def record(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - t, sql))

    with connection.execute_wrapper(record):
        dashboard()
    reset_queries()
    for seconds, sql in sorted(queries, reverse=True)[:8]:  # where the time goes
        log(f"{seconds * 1000:8.1f} ms  {sql[:220]}")
    base_s, count = timed(baseline, repeat)
    dash_s, dash = timed(dashboard, repeat)
    cur = dash.current  # type: ignore[attr-defined]
    # The same dashboard from the cases alone (no summary), once: what the summary saves, and a
    # check that both give the same figures.
    from lastmile.statistics.summary import summary_clear

    summary_clear()
    plain_s, plain = timed(dashboard, 1)
    same = all(
        getattr(plain, k) == getattr(dash, k)
        for k in ("current", "previous", "trend", "trend_previous", "paths", "by_team", "by_officer")
    ) and sorted(plain.by_court, key=lambda r: r.key) == sorted(dash.by_court, key=lambda r: r.key)  # type: ignore[attr-defined]
    same = same and [c.pk for c in plain.overdue] == [c.pk for c in dash.overdue]  # type: ignore[attr-defined]
    for k in ("current", "previous", "trend", "trend_previous", "paths", "by_team", "by_officer", "by_court"):
        if getattr(plain, k) != getattr(dash, k):
            log(
                f"DIFFERS {k}:\n  without: {str(getattr(plain, k))[:1500]}"
                f"\n  with:    {str(getattr(dash, k))[:1500]}"
            )
    log(f"dashboard {dash_s:.3f}s with the summary, {plain_s:.3f}s without; same figures: {same}")
    figures = {
        "cases": count,
        "courts": len(dash.scope.courts),  # type: ignore[attr-defined]
        "dashboard_seconds": round(dash_s, 4),
        "load_seconds": round(t2 - t1, 1),
        "summary_rebuild_seconds": round(t3 - t2, 1),
        "dashboard_without_summary_seconds": round(plain_s, 4),
        "same_figures_without_summary": same,
        "summary_cells": state.cells,
        "summary_cases": state.cases,
        "queries": len(queries),
        "queries_seconds": round(sum(t for t, _ in queries), 4),
        # The machine is shared: the 1-minute load average when the timings ended, to read them by.
        "load_average": round(os.getloadavg()[0], 2),
        "dashboard": {
            "accepted": cur.accepted,
            "closed": cur.closed,
            "closing_rate": str(cur.closing_rate),
            "recovery_rate": str(cur.recovery_rate),
            "avg_days": str(cur.avg_days),
            "in_time_rate": str(cur.in_time_rate),
            "overdue_open": cur.overdue_open,
        },
    }
    ratio = round(dash_s / base_s, 1) if base_s else None
    if not same:
        dash_s = float("inf")  # a summary that changes the figures fails the goal
    return figures, {"what": "SELECT count(*) FROM cases_case", "seconds": round(base_s, 4)}, ratio, dash_s


if __name__ == "__main__":
    main()
