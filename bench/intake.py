"""Benchmark: a bank's batch of 17,631 loan cases filed with their 72,120 documents (the Yuelu
court's figures), next to a naive row-by-row intake measured in the same run.

    uv run python bench/intake.py            # 17,631 cases, 72,120 documents
    uv run python bench/intake.py --quick    # 300 cases, 1,227 documents (the same mix, scaled)
    uv run python bench/intake.py --cases 2000 --workers 2 --baseline 40

Runs in a sandbox of its own (``bench/_harness.py``): SQLite in a temporary folder by default, or a
database ``lastmile_bench_intake_<pid>_<random>`` on the server of ``DATABASE_URL`` when that points
to PostgreSQL. The database and the folder (with every PDF) are removed at the end, also on an error
or Ctrl-C. Progress goes to stderr; the LAST line of stdout is one JSON object (docs/benchmarks.md).

What is measured (wall time, from the upload to the last document):

1. **Filing**: the bank's XLSX (``lastmile.filing.samples``) is submitted and processed by
   ``lastmile.filing.services.batch_process``: read, validated, and created in bulk chunks
   (parties, 民诉前调 cases with their numbers and events, loan claims, e-service addresses).
2. **Documents**: for every case the documents of its batch path, issued through
   ``lastmile.documents`` batch jobs (rendered to PDF with typst, sealed, stored, one case event
   each): the 司法确认裁定书 of the settled agreement and one 送达回证 per party (bank, borrower,
   each guarantor); with 0–2 guarantors per row that is 4 per case (70,524). The cases whose
   electronic service to the borrower failed are served again by post, one more 送达回证 each, for
   as many cases as bring the total to Yuelu's 72,120 documents (1,596; scaled for other sizes).
   ``--workers`` processes (default: one per core) claim items of the same jobs with row locks
   (SKIP LOCKED on PostgreSQL).

Goal: 180 s for the full batch on two cores (scaled linearly for other sizes).

Baseline, on a sample in the same run (extrapolated to the full count): per row ``party_upsert``
for each party, ``case_register``, the loan claim, then ``document_issue`` for each of the row's
documents, one after another in one process: what an integration calling the one-by-one services
would do.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

# bench/ holds statistics.py, which would shadow the standard library module of that name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench._harness import Sandbox, emit, goal_scaled, log  # noqa: E402

YUELU_CASES = 17_631
YUELU_DOCUMENTS = 72_120
GOAL_SECONDS = 180  # the whole Yuelu batch on two cores


def _setup_django(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LASTMILE_DATA_DIR"] = tmp  # SQLite file (when no DATABASE_URL) and the PDFs
    os.environ.setdefault("LASTMILE_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 cases, baseline on 10")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="document worker processes (default: one per core)",
    )
    parser.add_argument("--baseline", type=int, default=None, help="rows in the naive baseline sample")
    parser.add_argument("--worker", nargs=2, metavar=("TMP", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], [int(j) for j in args.worker[1].split(",")])
        return
    n_cases = args.cases or (300 if args.quick else YUELU_CASES)
    n_baseline = args.baseline or (10 if args.quick else 40)

    with Sandbox("intake") as box:
        assert box.tmp is not None
        _setup_django(str(box.tmp))
        from django.core.management import call_command

        log(f"migrating the {box.database} database …")
        call_command("migrate", verbosity=0)
        figures, baseline = run(str(box.tmp), n_cases, n_baseline, args.workers, dict(os.environ))
    goal_s = goal_scaled(GOAL_SECONDS, n_cases, YUELU_CASES)
    emit(
        bench="intake",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=args.workers,
        figures=figures,
        baseline=baseline,
        ratio=round(baseline["extrapolated_s"] / figures["wall_s"], 2),
        ratio_means="naive row-by-row seconds (extrapolated) / batch seconds (higher is better)",
        goal={
            "wall_s_max": round(goal_s, 1),
            "full": f"{YUELU_CASES:,} cases + {YUELU_DOCUMENTS:,} documents in {GOAL_SECONDS} s on 2 cores",
        },
        goal_met=figures["wall_s"] <= goal_s,
        started=box.started,
    )


def _now() -> datetime:
    from django.utils import timezone

    return datetime(2025, 3, 3, 9, 0, tzinfo=timezone.get_fixed_timezone(480))


def run(
    tmp: str, n_cases: int, n_baseline: int, n_workers: int, worker_env: dict[str, str]
) -> tuple[dict, dict]:
    from django.utils import timezone

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import Case
    from lastmile.documents.models import Document
    from lastmile.documents.services import templates_ensure
    from lastmile.filing.samples import rows_to_xlsx, sample_rows
    from lastmile.filing.services import batch_process, batch_submit

    now = _now()
    today = timezone.localtime(now).date()
    courts_load()
    court = Court.objects.get(code="湘0104")
    templates_ensure(now=now)
    clerk = User.objects.create(
        username="bench_clerk", court=court, role=Role.FILING_CLERK, display_name="立案员"
    )
    judge = User.objects.create(username="bench_judge", court=court, role=Role.JUDGE, display_name="陈审判")
    client = _bench_client(court, now)

    log(f"generating the bank's spreadsheet with {n_cases} rows …")
    content = rows_to_xlsx(sample_rows(n_cases, today=today))
    log(f"  {len(content) / 1e6:.1f} MB")

    # --- fast path -----------------------------------------------------------------------------
    t0 = time.perf_counter()
    submission = batch_submit(
        court=court,
        client=client,
        external_id="BENCH-1",
        now=now,
        actor=clerk,
        filename="借款明细.xlsx",
        content=content,
        process="none",
    )

    def progress(done: int, total: int) -> None:
        if done % 2000 < 100 or done == total:
            log(f"  filed {done}/{total}  {time.perf_counter() - t0:.1f}s")

    batch = batch_process(batch_id=submission.batch.pk, now=now, progress=progress)
    t_filed = time.perf_counter()
    assert batch.created_cases == n_cases, (batch.status, batch.message)
    log(f"filing: {n_cases} cases in {t_filed - t0:.1f}s")

    jobs = documents_jobs(batch, judge, now, target=round(YUELU_DOCUMENTS * n_cases / YUELU_CASES))
    total_docs = sum(j.total for j in jobs)
    t_jobs = time.perf_counter()
    log(
        f"documents: {total_docs} in {len(jobs)} jobs "
        f"(set up in {t_jobs - t_filed:.1f}s), {n_workers} workers …"
    )
    from django.db import connection

    connection.close()  # the workers write; this process only watches
    job_arg = ",".join(str(j.pk) for j in jobs)
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", tmp, job_arg], env={**worker_env, "BENCH_WORKER": str(k)}
        )
        for k in range(n_workers)
    ]
    try:
        last = 0.0
        while any(p.poll() is None for p in procs):
            time.sleep(1.0)
            if time.perf_counter() - last > 15:
                last = time.perf_counter()
                done = Document.objects.count()
                connection.close()
                log(f"  documents {done}/{total_docs}  {last - t0:.1f}s")
    finally:  # on Ctrl-C or an error here, no worker outlives the bench (and its database)
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    if any(p.returncode for p in procs):
        raise SystemExit(f"a document worker failed: {[p.returncode for p in procs]}")
    t_end = time.perf_counter()
    reports = [json.loads(f.read_text()) for f in sorted(Path(tmp).glob("worker-*.json"))]
    issued = Document.objects.filter(batch_item__job__in=jobs).count()
    assert issued == total_docs, (issued, total_docs)
    wall = t_end - t0
    log(f"fast path: {n_cases} cases + {issued} documents in {wall:.1f}s")

    # --- naive baseline ------------------------------------------------------------------------
    log(f"baseline: {n_baseline} rows one by one …")
    b0 = time.perf_counter()
    naive_docs = naive_intake(court, client, judge, n_baseline, now)
    b_wall = time.perf_counter() - b0
    per_case = b_wall / n_baseline
    docs_per_case = issued / n_cases
    extrapolated = per_case * n_cases
    log(f"  {b_wall:.1f}s for {n_baseline} rows ({naive_docs} documents), {per_case * 1000:.0f} ms per row")
    assert Case.objects.filter(type_code="民诉前调").count() == n_cases + n_baseline

    figures = {
        "cases": n_cases,
        "documents": issued,
        "documents_per_case": round(docs_per_case, 2),
        "wall_s": round(wall, 1),
        "filing_s": round(t_filed - t0, 1),
        "documents_s": round(t_end - t_jobs, 1),
        "cases_per_s": round(n_cases / wall, 1),
        "documents_per_s": round(issued / (t_end - t_jobs), 1),
        "ms_per_document_per_worker": round((t_end - t_jobs) * n_workers * 1000 / issued, 1),
        "worker_cpu_ms_per_document": round(sum(r["cpu_s"] for r in reports) * 1000 / issued, 2),
        "worker_queries_per_document": round(sum(r["queries"] for r in reports) / issued, 2),
        # ru_maxrss is in KiB on Linux: the bench's own process, and the largest of its workers
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_worker": round(max(r["peak_rss_kb"] for r in reports) / 1024, 1),
    }
    figures["peak_rss_under_1gib"] = max(figures["peak_rss_mb_main"], figures["peak_rss_mb_worker"]) < 1024
    baseline = {
        "what": "party_upsert, case_register, loan claim and document_issue row by row, one process",
        "sample_cases": n_baseline,
        "sample_documents": naive_docs,
        "sample_s": round(b_wall, 2),
        "ms_per_case": round(per_case * 1000, 1),
        "extrapolated_s": round(extrapolated, 1),
    }
    return figures, baseline


def _bench_client(court, now):  # type: ignore[no-untyped-def]
    from lastmile.filing.samples import org_uscc
    from lastmile.filing.services import institution_client_upsert

    return institution_client_upsert(
        name="长沙基准银行股份有限公司岳麓支行", uscc=org_uscc(4242), courts=[court], now=now
    )


RULING = "judicial_confirmation_ruling"
RECEIPT = "service_receipt"


def _ruling_context(claim, today) -> dict:  # type: ignore[no-untyped-def]
    """The agreement a bank's settled loan case is confirmed on: the claimed total in three monthly
    instalments (the last takes the remainder to the fen)."""
    from datetime import timedelta
    from decimal import Decimal

    total = claim.claimed_total
    part = (total / 3).quantize(Decimal("0.01"))
    amounts = [part, part, total - 2 * part]
    return {
        "effective_on": today,
        "terms": ["申请人同意免除被申请人部分罚息；"],
        "installments": [
            {"seq": k + 1, "due_on": today + timedelta(days=30 * (k + 1)), "amount": amount}
            for k, amount in enumerate(amounts)
        ],
        "total": total,
    }


def documents_jobs(batch, judge, now, *, target: int) -> list:  # type: ignore[no-untyped-def]
    """One batch job for the rulings, one per party position for the 送达回证, and one for the
    borrowers served again by post: as many (first cases first) as bring the total to ``target``."""
    from django.utils import timezone

    from lastmile.cases.models import CaseParty
    from lastmile.documents.context import party_context
    from lastmile.documents.services import batch_create
    from lastmile.filing.models import LoanClaim

    today = timezone.localtime(now).date()
    claims = {c.case_id: c for c in LoanClaim.objects.filter(batch=batch)}
    cases = list(batch.court.cases.filter(pk__in=list(claims)).order_by("seq"))
    parties: dict[int, list] = {}
    for cp in (
        CaseParty.objects.filter(case_id__in=list(claims))
        .select_related("party")
        .order_by("case_id", "role", "position")
    ):
        parties.setdefault(cp.case_id, []).append(cp.party)
    jobs = [
        batch_create(
            court=batch.court,
            template_code=RULING,
            cases=cases,
            actor=judge,
            now=now,
            enqueue=False,
            context={"agreed_on": today, "mediator": "岳麓区诉前调解中心调解员", "applied_on": today},
            per_case={c.pk: _ruling_context(claims[c.pk], today) for c in cases},
        )
    ]
    most = max(len(p) for p in parties.values())
    for k in range(most):
        with_k = [c for c in cases if len(parties[c.pk]) > k]
        jobs.append(
            batch_create(
                court=batch.court,
                template_code=RECEIPT,
                cases=with_k,
                actor=judge,
                now=now,
                enqueue=False,
                context={"served_documents": "民事裁定书（司法确认）", "method": "电子送达"},
                per_case={c.pk: {"recipient": party_context(parties[c.pk][k])} for c in with_k},
            )
        )
    extra = min(len(cases), target - sum(j.total for j in jobs))
    if extra > 0:
        again = cases[:extra]
        jobs.append(
            batch_create(
                court=batch.court,
                template_code=RECEIPT,
                cases=again,
                actor=judge,
                now=now,
                enqueue=False,
                context={"served_documents": "民事裁定书（司法确认）", "method": "邮寄送达"},
                # parties are ordered applicant first: [1] is the borrower
                per_case={c.pk: {"recipient": party_context(parties[c.pk][1])} for c in again},
            )
        )
    return jobs


def worker(tmp: str, job_ids: list[int]) -> None:
    """Work through the jobs like a ``documents`` worker; write what it cost to ``worker-<pid>.json``
    (CPU seconds, queries, peak RSS) for the main process."""
    _setup_django(tmp)
    from django.db import connection

    from lastmile.core.clock import FixedClock
    from lastmile.documents.models import BatchJob
    from lastmile.documents.services import batch_run

    queries = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    clock = FixedClock(_now())
    name = f"bench-{os.getpid()}"
    cpu0 = time.process_time()
    with connection.execute_wrapper(count):
        for job_id in job_ids:
            batch_run(BatchJob.objects.get(pk=job_id), worker_id=name, clock=clock)
    report = {
        "cpu_s": time.process_time() - cpu0,
        "queries": queries,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    (Path(tmp) / f"worker-{os.getpid()}.json").write_text(json.dumps(report))


def naive_intake(court, client, judge, n: int, now) -> int:  # type: ignore[no-untyped-def]
    """Row by row through the one-by-one services: parties, case, claim, then each document."""
    from django.utils import timezone

    from lastmile.cases.models import PartyRole
    from lastmile.cases.services import PartyInRole, case_register
    from lastmile.documents.context import party_context
    from lastmile.documents.services import document_issue
    from lastmile.filing.models import IntakeBatch, LoanClaim
    from lastmile.filing.samples import sample_row
    from lastmile.ledger.fees import acceptance_fee
    from lastmile.parties.models import IdType, PartyKind
    from lastmile.parties.services import party_upsert

    today = timezone.localtime(now).date()
    batch = IntakeBatch.objects.get(external_id="BENCH-1")
    docs = 0
    for i in range(900_001, 900_001 + n):
        row = sample_row(i, today=today, prefix="NAIVE")
        people = [(row["借款人姓名"], row["借款人证件号码"], row["借款人手机"], row["借款人地址"])]
        for g in (1, 2):
            if row[f"担保人{g}姓名"]:
                people.append((row[f"担保人{g}姓名"], row[f"担保人{g}证件号码"], "", ""))
        debtors = [
            party_upsert(
                kind=PartyKind.PERSON,
                name=name,
                id_type=IdType.RESIDENT_ID,
                id_number=number,
                phone=phone,
                address=address,
                now=now,
            )
            for name, number, phone, address in people
        ]
        case = case_register(
            court=court,
            type_code="民诉前调",
            parties=[PartyInRole(client.party, PartyRole.APPLICANT_MEDIATION)]
            + [PartyInRole(d, PartyRole.RESPONDENT_MEDIATION) for d in debtors],
            actor=None,
            now=now,
            cause="金融借款合同纠纷",
            amount_claimed=row["诉讼请求金额"],
        )
        claim = LoanClaim.objects.create(
            case=case,
            client=client,
            batch=batch,
            contract_no=row["合同编号"],
            loan_amount=row["借款金额"],
            disbursed_on=row["放款日期"],
            due_on=row["到期日期"],
            principal=row["欠款本金"],
            interest=row["欠付利息"],
            penalty=row["罚息"],
            claimed_total=row["诉讼请求金额"],
            fee_estimate=acceptance_fee(row["诉讼请求金额"]),
            created_at=now,
        )
        document_issue(
            case=case,
            template_code=RULING,
            actor=judge,
            now=now,
            context={
                "agreed_on": today,
                "mediator": "岳麓区诉前调解中心调解员",
                "applied_on": today,
                **_ruling_context(claim, today),
            },
        )
        docs += 1
        for party in [client.party, *debtors]:
            document_issue(
                case=case,
                template_code=RECEIPT,
                actor=judge,
                now=now,
                context={
                    "served_documents": "民事裁定书（司法确认）",
                    "method": "电子送达",
                    "recipient": party_context(party),
                },
            )
            docs += 1
    return docs


if __name__ == "__main__":
    main()
