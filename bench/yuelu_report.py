"""Bench: the 岳麓 report (the financial-case platform's figures) over a year of 17,631 batch cases.

    uv run python bench/yuelu_report.py            # 17,631 cases in 湘0104 + 17,631 in 湘0702, 5 timings
    uv run python bench/yuelu_report.py --quick    # 17,631 cases in 湘0104 only, 3 timings (under a minute)

Builds, in a sandbox of its own (``bench/_harness.py``; SQLite, or PostgreSQL with ``DATABASE_URL``),
the rows the report reads with ``bulk_create`` (``lastmile/statistics/tests/platform_rows.py``): 17,631
platform cases filed by six banks in 60 batches over 2024 — mediated and judicially confirmed, given a
调解书, failed and sued and judged, withdrawn, or still open — with their 诉前调确/调书/民初 cases,
mediations, agreements, lawsuits, judgments and documents. In the full run another court gets the
same again, which the report must leave out. Then times
:func:`lastmile.statistics.selectors.financial_report_for` (a 岳麓 leader, the year by month) next
to a plain count of the platform cases, and checks the report against the figures known from
building: 17,631 filed, all by batch, the per-bank and per-month sums, the number closed, and the
median / mean / p90 of the days recomputed in Python from what was built. Goal: the report in under
2 s. The last line printed is one JSON object (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from bench._harness import Sandbox, emit, log  # noqa: E402

CASES = 17_631
BANKS = (
    "长沙银行岳麓支行",
    "中国工商银行长沙岳麓支行",
    "中国建设银行长沙河西支行",
    "华融湘江银行长沙分行",
    "招商银行长沙分行",
    "中国邮政储蓄银行长沙市分行",
)
BATCHES = 60
GOAL_SECONDS = 2.0
AS_OF = date(2025, 3, 31)
# outcome, share, days from filing to closing (mean, spread, floor)
OUTCOMES = [
    ("confirmed", 0.58, (22, 5, 7)),
    ("statement", 0.05, (25, 6, 7)),
    ("judged", 0.22, (62, 15, 30)),
    ("sued", 0.03, (0, 0, 0)),
    ("failed", 0.02, (0, 0, 0)),
    ("mediating", 0.04, (0, 0, 0)),
    ("withdrawn", 0.06, (9, 4, 1)),
]


def plan(n: int, seed: int, court, banks, batches) -> list:
    """The disputes to build: filing day per batch (10:00 Beijing), outcome and days drawn."""
    from lastmile.statistics.tests.platform_rows import Dispute

    rng = random.Random(seed)
    names = [o for o, _, _ in OUTCOMES]
    weights = [w for _, w, _ in OUTCOMES]
    spec = {o: s for o, _, s in OUTCOMES}
    per_batch = math.ceil(n / len(batches))
    out = []
    for i in range(n):
        batch = batches[i // per_batch]
        outcome = rng.choices(names, weights=weights)[0]
        mean, spread, floor = spec[outcome]
        days = max(floor, round(rng.gauss(mean, spread))) if mean else 0
        out.append(
            Dispute(
                filed=batch.created_at,
                outcome=outcome,
                client=banks[batch.client_id],
                batch=batch,
                days=days,
                court=court,
                amount=Decimal(rng.randrange(3_000, 200_000)),
            )
        )
    return out


def build(n: int, seed: int, court_code: str) -> list:
    from lastmile.accounts.models import Court, Role, User
    from lastmile.core.clock import SHANGHAI
    from lastmile.filing.models import InstitutionClient, IntakeBatch
    from lastmile.parties.models import IdType, Party, PartyKind
    from lastmile.statistics.tests.platform_rows import disputes_create

    court = Court.objects.get(code=court_code)
    at = datetime(2023, 12, 1, 9).astimezone()
    mediator = User.objects.create(username=f"m_{court_code}", court=court, role=Role.MEDIATOR)
    banks = {}
    for name in BANKS:
        party = Party.objects.create(
            kind=PartyKind.ORGANISATION, name=f"{name}{court_code}", id_type=IdType.USCC, created_at=at
        )
        client = InstitutionClient.objects.create(party=party, name=party.name, created_at=at)
        client.courts.add(court)
        banks[client.pk] = client
    start = datetime(2024, 1, 2, 10, tzinfo=SHANGHAI)
    batches = [
        IntakeBatch.objects.create(
            court=court,
            client=banks[list(banks)[k % len(banks)]],
            external_id=f"{court_code}-{k:03d}",
            content_hash=f"{k}",
            source="xlsx",
            created_at=start + timedelta(days=round(k * 362 / BATCHES)),
        )
        for k in range(BATCHES)
    ]
    disputes = plan(n, seed, court, banks, batches)
    disputes_create(disputes, court=court, mediator=mediator)
    return disputes


def expected(disputes: list) -> dict:
    """The figures the report must give, from what was built."""
    from lastmile.core.clock import SHANGHAI

    cut = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    days = sorted(
        d.days
        for d in disputes
        if d.outcome in ("confirmed", "statement", "judged", "withdrawn")
        and d.filed + timedelta(days=d.days) < cut
    )
    n = len(days)
    median = Decimal(days[n // 2]) if n % 2 else (Decimal(days[n // 2 - 1]) + Decimal(days[n // 2])) / 2
    return {
        "filed": len(disputes),
        "closed": n,
        "median": median,
        "mean": (Decimal(sum(days)) / n).quantize(Decimal("0.01")),
        "p90": days[math.ceil(n * 9 / 10) - 1],
        "by_bank": dict(Counter(d.client.name for d in disputes)),
    }


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2], result


def measure(n: int, repeat: int, other_court: bool) -> tuple[dict, dict, float | None, float, list[str]]:
    import django

    django.setup()
    from django.core.management import call_command

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import Case
    from lastmile.statistics.financial import platform_type_code
    from lastmile.statistics.selectors import financial_report_for

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, skip_checks=True)
    courts_load()
    t1 = time.perf_counter()
    disputes = build(n, 20240101, "湘0104")
    if other_court:
        build(n, 20240102, "湘0702")
    t2 = time.perf_counter()
    log(f"migrated in {t1 - t0:.1f}s, built {n}{' ×2 courts' if other_court else ''} in {t2 - t1:.1f}s")
    leader = User.objects.create(
        username="yl_leader", court=Court.objects.get(code="湘0104"), role=Role.LEADER
    )
    yl = Court.objects.get(code="湘0104")

    def report():
        return financial_report_for(
            actor=leader, start=date(2024, 1, 1), end=date(2024, 12, 31), as_of=AS_OF, period="month"
        )

    def baseline():
        return Case.objects.filter(court=yl, type_code=platform_type_code()).count()

    report()
    baseline()
    base_s, count = timed(baseline, repeat)
    report_s, rep = timed(report, repeat)
    quarter_s, _ = timed(
        lambda: financial_report_for(
            actor=leader, start=date(2024, 1, 1), end=date(2024, 12, 31), as_of=AS_OF, period="quarter"
        ),
        1,
    )
    fig = rep.figures
    t = fig.total
    want = expected(disputes)
    problems = []

    def check(what: str, got, exp) -> None:
        if got != exp:
            problems.append(f"{what}: report {got}, built {exp}")

    check("filed", t.counts["filed"], want["filed"])
    check("filed by batch", t.counts["batch"], want["filed"])
    check("sum over months", sum(r.counts["filed"] for r in fig.by_period), want["filed"])
    check("by bank", {r.label: r.counts["filed"] for r in fig.by_client}, want["by_bank"])
    check("closed", t.counts["closed"], want["closed"])
    check("median days", t.days_batch.median, want["median"])
    check("mean days", t.days_batch.mean, want["mean"])
    check("p90 days", t.days_batch.p90, want["p90"])
    check("platform cases counted directly", count, want["filed"])
    figures = {
        "cases": t.counts["filed"],
        "cases_other_court": n if other_court else 0,
        "report_seconds": round(report_s, 4),
        "report_by_quarter_seconds": round(quarter_s, 4),
        "build_seconds": round(t2 - t1, 1),
        "checks_failed": problems,
        "report": {
            **t.counts,
            "open": t.open,
            "days_batch_median": str(t.days_batch.median),
            "days_batch_mean": str(t.days_batch.mean),
            "days_batch_p90": t.days_batch.p90,
            "within_27_days_percent": str(t.days_batch.within_claim_rate),
            "documents": fig.documents_total,
            "months": len(fig.by_period),
            "banks": len(fig.by_client),
        },
    }
    ratio = round(report_s / base_s, 1) if base_s else None
    base = {
        "what": "count of the platform cases of the court (one indexed query)",
        "seconds": round(base_s, 4),
    }
    return figures, base, ratio, report_s, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one court, 3 timings")
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.quick else 5)
    with Sandbox("yuelu_report") as box:
        figures, baseline, ratio, report_s, problems = measure(args.cases, repeat, other_court=not args.quick)
    emit(
        bench="yuelu_report",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=1,
        figures=figures,
        baseline=baseline,
        ratio=ratio,
        ratio_means="report seconds / count seconds (lower is better)",
        goal={"report_seconds_max": GOAL_SECONDS, "checks_failed_max": 0},
        goal_met=report_s < GOAL_SECONDS and not problems,
        started=box.started,
    )
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
