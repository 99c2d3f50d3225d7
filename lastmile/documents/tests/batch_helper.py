"""Run in a separate process by test_batch.py: set up a batch, work on it, or report on it.

``python -m lastmile.documents.tests.batch_helper setup N`` prints the job id;
``run JOB [--reclaim] [--slow S]`` prints ``issuing F+N`` before each chunk (then waits S seconds)
and ``done F/T`` after it;
``verify JOB`` prints a JSON summary.

For the sweep (``LEASE_SECONDS`` in the environment shortens every hold):
``enqueue JOB`` queues the job's task as ``batch_create`` does; ``worker [--slow S]`` runs
``lastmile db_worker --batch`` (the real worker) printing ``issued N`` after each chunk (chunks of 4);
``reclaim`` runs ``lastmile reclaim``; ``tasks`` prints the task rows' statuses as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.LASTMILE["DOCUMENTS"] = {
        **settings.LASTMILE.get("DOCUMENTS", {}),
        "ROOT": os.environ["DOCS_ROOT"],
        "BATCH_CHUNK": 4,
    }
    if "LEASE_SECONDS" in os.environ:
        lease = int(os.environ["LEASE_SECONDS"])
        settings.LASTMILE["DOCUMENTS"]["BATCH_LEASE_SECONDS"] = lease
        settings.LASTMILE["FILING"] = {**settings.LASTMILE.get("FILING", {}), "LEASE_SECONDS": lease}
        settings.LASTMILE["TASKS_STALE_SECONDS"] = lease

    from django.db.models import Count

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import CaseEvent
    from lastmile.cases.selectors import audit_verify
    from lastmile.documents.catalog import TEMPLATES_BY_CODE
    from lastmile.documents.models import BatchItem, BatchJob, Document
    from lastmile.documents.services import batch_counts, batch_create, batch_run, templates_ensure
    from lastmile.documents.tests.conftest import make_case
    from lastmile.testing.factories import FIXED_NOW

    action = sys.argv[1]
    if action == "setup":
        n = int(sys.argv[2])
        courts_load()
        court = Court.objects.get(code="湘0104")
        judge = User.objects.create(username="batch_judge", court=court, role=Role.ENFORCEMENT_JUDGE)
        templates_ensure(now=FIXED_NOW)
        cases = [make_case(court, judge, FIXED_NOW, debtor_name=f"被执行人{i}", seq=i + 1) for i in range(n)]
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
        print(job.pk, flush=True)
    elif action == "run":
        job = BatchJob.objects.get(pk=int(sys.argv[2]))
        slow = float(sys.argv[sys.argv.index("--slow") + 1]) if "--slow" in sys.argv else 0.0
        from lastmile.documents.services import batches as batch_services

        real_issue = batch_services.documents_issue_many

        def announce_then_issue(**kwargs):  # type: ignore[no-untyped-def]
            # A chunk is claimed and not yet issued: a kill now leaves its items claimed.
            print(f"issuing {batch_counts(job)[0]}+{len(kwargs['requests'])}", flush=True)
            time.sleep(slow)
            return real_issue(**kwargs)

        batch_services.documents_issue_many = announce_then_issue  # type: ignore[assignment]

        def progress(done: int, total: int) -> None:
            print(f"done {done}/{total}", flush=True)

        batch_run(
            job,
            worker_id=f"helper:{os.getpid()}",
            chunk=4,
            lease=timedelta(0) if "--reclaim" in sys.argv else None,
            progress=progress,
        )
        print("finished", flush=True)
    elif action == "enqueue":
        from django.utils import timezone

        from lastmile.documents.services import _lease
        from lastmile.documents.tasks import batch_run_task

        job = BatchJob.objects.get(pk=int(sys.argv[2]))
        BatchJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() + _lease())
        batch_run_task.enqueue(job.pk, 0)
    elif action == "worker":
        from django.core.management import call_command

        from lastmile.documents.services import batches as services

        slow = float(sys.argv[sys.argv.index("--slow") + 1]) if "--slow" in sys.argv else 0.0
        real = services.documents_issue_many
        issued = {"n": 0}

        def issue_and_report(**kwargs):  # type: ignore[no-untyped-def]
            outcomes = real(**kwargs)
            issued["n"] += len(outcomes)
            print(f"issued {issued['n']}", flush=True)
            time.sleep(slow)
            return outcomes

        services.documents_issue_many = issue_and_report  # type: ignore[assignment]
        call_command("db_worker", "--queue-name", "*", "--batch", "--interval", "0", "--no-startup-delay")
        print("finished", flush=True)
    elif action == "reclaim":
        from django.core.management import call_command

        call_command("reclaim")
    elif action == "tasks":
        from django_tasks_db.models import DBTaskResult

        print(
            json.dumps(
                [
                    {
                        "status": r.status,
                        "task": r.task_path,
                        "args": r.args_kwargs["args"],
                        "error": r.exception_class_path,
                    }
                    for r in DBTaskResult.objects.order_by("enqueued_at")
                ]
            ),
            flush=True,
        )
    elif action == "verify":
        job = BatchJob.objects.get(pk=int(sys.argv[2]))
        docs = Document.objects.filter(batch_item__job=job)
        per_case = list(docs.values("case", "template").annotate(n=Count("pk")).values_list("n", flat=True))
        case_ids = list(BatchItem.objects.filter(job=job).values_list("case", flat=True))
        events = CaseEvent.objects.filter(case__in=case_ids, kind="document.issued").count()
        job.refresh_from_db()
        print(
            json.dumps(
                {
                    "total": job.total,
                    "status": job.status,
                    "counts": batch_counts(job),
                    "documents": docs.count(),
                    "all_documents_of_cases": Document.objects.filter(case__in=case_ids).count(),
                    "per_case_template": sorted(set(per_case)),
                    "items_by_status": dict(
                        BatchItem.objects.filter(job=job).values_list("status").annotate(n=Count("pk"))
                    ),
                    "issued_events": events,
                    "audit_breaks": len(audit_verify()),
                    "files": sum(
                        1 for _ in __import__("pathlib").Path(os.environ["DOCS_ROOT"]).rglob("*.pdf")
                    ),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
