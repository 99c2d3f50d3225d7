"""Bench: how fast Lastmile renders and issues legal documents.

    uv run python bench/documents.py            # full: also really renders 72,120 documents (2 workers)
    uv run python bench/documents.py --quick    # under a minute: 200 documents per measurement
    uv run python bench/documents.py --quick --count 1000

Measured in one run, side by side:
  1. raw typst on the SAME page: the typst program of each 执行通知书 (made beforehand, outside the
     clock) compiled by the same warm compiler with the same fonts: the floor, and the baseline;
  2. rendering 执行通知书 (template → checked blocks → typst PDF), single process: the ratio 2/1 is
     what the Python around typst costs;
  3. the same with two worker processes;
  4. issuing through a batch (render + seal + SHA-256 + file + DB row + case event), one worker
     and two worker processes on the same database;
  5. the same issue path in this process, with its queries and CPU milliseconds per document.
Each line prints documents per second and the time 72,120 documents (Yuelu's volume) would take
at that rate; the full run renders all 72,120 and prints the measured time. Goal: the 72,120
documents rendered by two workers within 180 s (the whole Yuelu batch's budget, so necessary, not
sufficient; quick mode extrapolates from the two-worker rate).

Runs in a sandbox of its own (``bench/_harness.py``): a temporary folder for the PDFs and the SQLite
file, or a database ``lastmile_bench_documents_<pid>_<random>`` on the server of ``DATABASE_URL``
when that points to PostgreSQL; both removed at the end, also on an error or Ctrl-C. The last line
is one JSON object (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
# bench/ holds a statistics.py that would shadow the standard library's module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from bench._harness import Sandbox, emit  # noqa: E402

YUELU_DOCUMENTS = 72_120
GOAL_SECONDS = 180  # the whole Yuelu batch's budget on two cores
WORKERS = 2


def _setup_django(data_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LASTMILE_DATA_DIR", data_dir)
    import django

    django.setup()
    from django.conf import settings

    documents = cast("dict[str, Any]", settings.LASTMILE.get("DOCUMENTS") or {})
    settings.LASTMILE["DOCUMENTS"] = {**documents, "ROOT": str(Path(data_dir) / "documents")}


# Debtors' names and streets differ from document to document, as in a real batch: each PDF then
# embeds its own font subsets (identical documents would let typst reuse one subset for all).
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰堃喆玥浩宇轩博文思涵雨欣梓萱子墨俊熙晨阳嘉怡佳琪"
_STREETS = "桃子湖麓山枫林银盆岭望月咸嘉湖西湖观沙岭含浦洋湖坪塘莲花雨敞"


def _name(i: int) -> str:
    return _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)] + _GIVEN[(i * 13 + 5) % len(_GIVEN)]


def _context(i: int) -> dict:
    from lastmile.documents.catalog import TEMPLATES_BY_CODE

    spec = TEMPLATES_BY_CODE["enforcement_notice"]
    name = _name(i)
    street = _STREETS[(i * 3) % len(_STREETS)] + _STREETS[(i * 5 + 1) % len(_STREETS)]
    person = {
        "name": name,
        "desc": f"{name}，男，1985年3月12日出生，住长沙市岳麓区{street}路{i}号。",
        "rep": "",
        "id_number": "430104198503120011",
        "address": "长沙市",
        "service_address": "",
        "sex": "男",
    }
    bank = {**person, "name": "长沙银行股份有限公司岳麓支行", "desc": "长沙银行股份有限公司岳麓支行。"}
    return {
        "court": {"name": "长沙市岳麓区人民法院", "phone": "0731-88888888"},
        "case": {"number": f"（2025）湘0104执{i}号", "cause": "金融借款合同纠纷", "filed_on": "2025-03-01"},
        "applicants": [bank],
        "respondents": [person],
        "officer": {"name": "郑法"},
        "doc": {"number": f"（2025）湘0104执{i}号", "date": "2025-03-03"},
        **spec.sample,
        "principal": f"{80000 + i}.00",
    }


def _render_range(args: tuple[int, int]) -> int:
    start, stop = args
    from datetime import UTC, datetime

    from lastmile.documents.catalog import TEMPLATES_BY_CODE
    from lastmile.documents.rendering import SealMark, render_document

    spec = TEMPLATES_BY_CODE["enforcement_notice"]
    seal = SealMark("长沙市岳麓区人民法院", "电子签章（占位）")
    for i in range(start, stop):
        render_document(
            body=spec.body,
            context=_context(i),
            title=spec.title,
            number=f"（2025）湘0104执{i}号",
            court_name="长沙市岳麓区人民法院",
            timestamp=datetime(2025, 3, 3, tzinfo=UTC),
            seal=seal,
        )
    return stop - start


def _raw_programs(start: int, count: int) -> list[tuple[bytes, str]]:
    """The typst programs (and header inputs) the renderer makes for 执行通知书 ``start``…, made
    here so that the clock sees only typst."""
    import json

    from lastmile.documents.catalog import TEMPLATES_BY_CODE
    from lastmile.documents.markup import parse_blocks, render_markup, typst_source
    from lastmile.documents.rendering import footer_line

    spec = TEMPLATES_BY_CODE["enforcement_notice"]
    programs = []
    for i in range(start, start + count):
        ctx = _context(i)
        source = typst_source(
            parse_blocks(render_markup(spec.body, ctx)), seal=("长沙市岳麓区人民法院", "电子签章（占位）")
        )
        meta = {"court": "长沙市岳麓区人民法院", "title": spec.title, "number": f"（2025）湘0104执{i}号"}
        programs.append(
            (source.encode(), json.dumps({**meta, "footer": footer_line(ctx)}, ensure_ascii=False))
        )
    return programs


def _raw_typst(programs: list[tuple[bytes, str]]) -> None:
    from datetime import UTC, datetime

    from lastmile.documents.rendering import _compiler

    stamp = int(datetime(2025, 3, 3, tzinfo=UTC).timestamp())
    compiler = _compiler()
    for source, meta in programs:
        compiler.compile(input=source, format="pdf", sys_inputs={"meta": meta}, timestamp=stamp)


def _init_worker(data_dir: str) -> None:
    _setup_django(data_dir)
    _render_range((0, 1))  # warm the compiler and font caches, as a long-lived worker would be


RESULTS: dict[str, float] = {}


def _line(label: str, n: int, seconds: float, key: str = "") -> float:
    rate = n / seconds
    eta = YUELU_DOCUMENTS / rate
    print(f"{label:<44} {n:>6} docs {seconds:8.2f} s {rate:9.1f} docs/s   72,120 docs ≈ {eta / 60:7.1f} min")
    if key:
        RESULTS[key] = round(rate, 1)
    return rate


def _pool_render(data_dir: str, start: int, count: int, workers: int) -> float:
    chunk = max(1, count // (workers * 8))
    ranges = [(s, min(s + chunk, start + count)) for s in range(start, start + count, chunk)]
    with mp.get_context("spawn").Pool(workers, initializer=_init_worker, initargs=(data_dir,)) as pool:
        pool.map(_render_range, ranges[:workers])  # warm-up is outside the clock
        t0 = time.perf_counter()
        total = sum(pool.map(_render_range, ranges))
        elapsed = time.perf_counter() - t0
    assert total == count
    return elapsed


def _batch_job(count: int, tag: int):  # type: ignore[no-untyped-def]
    """A batch job of ``count`` 执行通知书 for new cases (``tag`` keeps the debtors distinct)."""
    from django.db import transaction

    from lastmile.accounts.models import Court, Role, User
    from lastmile.cases.models import PartyRole
    from lastmile.cases.services import PartyInRole, case_register
    from lastmile.documents.catalog import TEMPLATES_BY_CODE
    from lastmile.documents.services import batch_create
    from lastmile.parties.models import IdType, PartyKind
    from lastmile.parties.services import party_upsert
    from lastmile.testing.factories import FIXED_NOW, make_resident_id, make_uscc

    court = Court.objects.get(code="湘0104")
    judge, _ = User.objects.get_or_create(
        username="bench_judge", defaults={"court": court, "role": Role.ENFORCEMENT_JUDGE}
    )
    bank = party_upsert(
        kind=PartyKind.ORGANISATION,
        name="长沙银行股份有限公司岳麓支行",
        id_type=IdType.USCC,
        id_number=make_uscc(7),
        now=FIXED_NOW,
    )
    cases = []
    with transaction.atomic():
        for i in range(count):
            debtor = party_upsert(
                kind=PartyKind.PERSON,
                name=_name(tag * 1009 + i),
                id_type=IdType.RESIDENT_ID,
                id_number=make_resident_id(birth=f"19{60 + tag}0101", seq=i),
                now=FIXED_NOW,
                address="长沙市岳麓区",
            )
            cases.append(
                case_register(
                    court=court,
                    type_code="执",
                    actor=None,
                    now=FIXED_NOW,
                    cause="金融借款合同纠纷",
                    parties=[
                        PartyInRole(bank, PartyRole.APPLICANT),
                        PartyInRole(debtor, PartyRole.RESPONDENT),
                    ],
                    officer=judge,
                )
            )
    spec = TEMPLATES_BY_CODE["enforcement_notice"]
    job = batch_create(
        court=court,
        template_code=spec.code,
        cases=cases,
        actor=judge,
        now=FIXED_NOW,
        context=spec.sample,
        enqueue=False,
    )
    return job


def _batch(data_dir: str, count: int, workers: int) -> float:
    """Seconds ``workers`` processes take to issue a batch of ``count``."""
    job = _batch_job(count, workers)
    env = {**os.environ, "LASTMILE_DATA_DIR": data_dir}
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        f"from bench.documents import _setup_django; _setup_django({data_dir!r})\n"
        "from lastmile.documents.models import BatchJob; from lastmile.documents.services import batch_run\n"
        "from lastmile.documents.rendering import typst_one_line; typst_one_line()\n"
        "print('ready', flush=True); sys.stdin.readline()\n"
        f"batch_run(BatchJob.objects.get(pk={job.pk}), worker_id=sys.argv[1])\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, f"bench-{n}"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        t0 = time.perf_counter()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            assert p.wait() == 0
        elapsed = time.perf_counter() - t0
    finally:  # on Ctrl-C or a failed worker, none outlives the bench (and its database)
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
    from lastmile.documents.models import Document

    assert Document.objects.filter(batch_item__job=job).count() == count
    return elapsed


def _issue_profile(count: int) -> None:
    """The batch issue path in this process: queries and CPU milliseconds per document."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lastmile.core.clock import FixedClock
    from lastmile.documents.services import batch_run
    from lastmile.testing.factories import FIXED_NOW

    job = _batch_job(count, 0)
    cpu0, t0 = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        batch_run(job, worker_id="bench-profile", clock=FixedClock(FIXED_NOW))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    RESULTS["issue_queries_per_doc"] = round(len(queries.captured_queries) / count, 2)
    RESULTS["issue_cpu_ms_per_doc"] = round(cpu * 1000 / count, 2)
    print(
        f"{'issue in this process (queries, CPU per doc)':<44} {count:>6} docs {wall:8.2f} s "
        f"{RESULTS['issue_queries_per_doc']:6.2f} queries/doc "
        f"{RESULTS['issue_cpu_ms_per_doc']:6.2f} ms CPU/doc"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=200, help="documents per measurement")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="under a minute: skip rendering all 72,120 documents (their time is then extrapolated)",
    )
    parser.add_argument("--no-batch", action="store_true", help="skip the database batch measurements")
    args = parser.parse_args()

    with Sandbox("documents") as box:
        assert box.tmp is not None
        measured, full_seconds, ratio, baseline = measure(str(box.tmp), args.count, args.quick, args.no_batch)
    emit(
        bench="documents",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=WORKERS,
        figures={
            "documents_per_measurement": args.count,
            **RESULTS,
            "yuelu_documents": YUELU_DOCUMENTS,
            "yuelu_seconds_two_workers": round(full_seconds, 1),
            "yuelu_seconds_measured": measured,
        },
        baseline={
            "what": "raw typst on the same page: the 执行通知书 programs compiled by the same warm compiler",
            "docs_per_s": round(baseline, 1),
        },
        ratio=ratio,
        ratio_means=(
            "执行通知书 renders/s (single process) / raw typst compiles of the same page/s "
            "(1.0 = the Python around typst costs nothing; higher is better)"
        ),
        goal={
            "yuelu_seconds_two_workers_max": GOAL_SECONDS,
            "full": f"{YUELU_DOCUMENTS:,} documents rendered by {WORKERS} workers in {GOAL_SECONDS} s",
        },
        goal_met=full_seconds <= GOAL_SECONDS,
        started=box.started,
    )


def measure(data_dir: str, n: int, quick: bool, no_batch: bool) -> tuple[bool, float, float, float]:
    """Print one line per measurement; returns (full run measured, its seconds, ratio, baseline)."""
    _setup_django(data_dir)
    from django.core.management import call_command

    from lastmile.documents.rendering import typst_one_line

    print(
        f"Lastmile documents bench — {n} documents per measurement, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, data in {data_dir}"
    )
    typst_one_line()
    _render_range((0, 1))
    programs = _raw_programs(1, n)
    t0 = time.perf_counter()
    _raw_typst(programs)
    baseline = _line(
        "raw typst, the same page (baseline)", n, time.perf_counter() - t0, "raw_typst_docs_per_s"
    )
    del programs

    t0 = time.perf_counter()
    _render_range((1, n + 1))
    single = _line("render 执行通知书, single process", n, time.perf_counter() - t0, "render_docs_per_s")
    _line(
        "render 执行通知书, two workers",
        n,
        _pool_render(data_dir, 10_000, n, WORKERS),
        "render_2_workers_docs_per_s",
    )

    if not no_batch:
        call_command("migrate", verbosity=0, interactive=False)
        from lastmile.accounts.services import courts_load
        from lastmile.documents.services import templates_ensure
        from lastmile.testing.factories import FIXED_NOW

        courts_load()
        templates_ensure(now=FIXED_NOW)
        _line("issue via batch (DB, file, event), 1 worker", n, _batch(data_dir, n, 1), "issue_docs_per_s")
        _line(
            "issue via batch (DB, file, event), 2 workers",
            n,
            _batch(data_dir, n, 2),
            "issue_2_workers_docs_per_s",
        )
        _issue_profile(n)

    ratio = round(single / baseline, 3)
    if quick:
        return False, YUELU_DOCUMENTS / RESULTS["render_2_workers_docs_per_s"], ratio, baseline
    full_seconds = _pool_render(data_dir, 100_000, YUELU_DOCUMENTS, WORKERS)
    print(
        f"FULL RUN: rendered {YUELU_DOCUMENTS:,} 执行通知书 with two workers "
        f"in {full_seconds / 60:.1f} min "
        f"({YUELU_DOCUMENTS / full_seconds:.1f} docs/s)"
    )
    return True, full_seconds, ratio, baseline


if __name__ == "__main__":
    main()
