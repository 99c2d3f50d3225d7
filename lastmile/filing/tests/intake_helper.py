"""Run in a separate process by test_sweep.py: set up a batch, run the real worker, reclaim.

``setup N`` files an N-row CSV for the worker (as the page and the API do) and prints the batch
id; ``worker [--slow S]`` runs ``lastmile db_worker --batch`` printing ``created N`` after each
chunk; ``reclaim`` runs ``lastmile reclaim``; ``verify BATCH`` and ``tasks`` print JSON.
``LEASE_SECONDS`` in the environment shortens every hold.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    lease = int(os.environ.get("LEASE_SECONDS", "300"))
    settings.LASTMILE["FILING"] = {
        **settings.LASTMILE.get("FILING", {}),
        "LEASE_SECONDS": lease,
        "CHUNK_ROWS": 5,
    }
    settings.LASTMILE["DOCUMENTS"] = {**settings.LASTMILE.get("DOCUMENTS", {}), "BATCH_LEASE_SECONDS": lease}
    settings.LASTMILE["TASKS_STALE_SECONDS"] = lease

    from django.core.management import call_command
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from lastmile.accounts.models import Court, Role, User
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import Case
    from lastmile.cases.selectors import audit_verify
    from lastmile.core.clock import get_clock
    from lastmile.filing import services
    from lastmile.filing.models import IntakeBatch, IntakeRow, LoanClaim
    from lastmile.filing.samples import rows_to_csv, sample_rows
    from lastmile.filing.services import creating
    from lastmile.testing.factories import make_uscc

    action = sys.argv[1]
    if action == "setup":
        n = int(sys.argv[2])
        courts_load()
        court = Court.objects.get(code="湘0104")
        clerk = User.objects.create(username="intake_clerk", court=court, role=Role.FILING_CLERK)
        now = get_clock().now()
        bank = services.institution_client_upsert(
            name="长沙银行岳麓支行", uscc=make_uscc(), courts=[court], now=now
        )
        batch = services.batch_submit(
            court=court,
            client=bank,
            external_id="KILL-1",
            now=now,
            actor=clerk,
            filename="借款.csv",
            content=rows_to_csv(sample_rows(n, today=get_clock().today()), encoding="gbk"),
        ).batch
        print(batch.pk, flush=True)
    elif action == "worker":
        slow = float(sys.argv[sys.argv.index("--slow") + 1]) if "--slow" in sys.argv else 0.0
        real = creating._chunk_run

        def chunk_and_report(batch, size):  # type: ignore[no-untyped-def]
            handled = real(batch, size)
            created = LoanClaim.objects.filter(batch=batch).count()
            print(f"created {created}", flush=True)
            time.sleep(slow)
            return handled

        creating._chunk_run = chunk_and_report  # type: ignore[assignment]
        call_command("db_worker", "--queue-name", "*", "--batch", "--interval", "0", "--no-startup-delay")
        print("finished", flush=True)
    elif action == "reclaim":
        call_command("reclaim")
    elif action == "tasks":
        rows = DBTaskResult.objects.order_by("enqueued_at")
        print(json.dumps([{"status": r.status, "error": r.exception_class_path} for r in rows]), flush=True)
    elif action == "verify":
        batch = IntakeBatch.objects.get(pk=int(sys.argv[2]))
        claims = LoanClaim.objects.filter(batch=batch)
        seqs = sorted(claims.values_list("case__seq", flat=True))
        print(
            json.dumps(
                {
                    "status": batch.status,
                    "total_rows": batch.total_rows,
                    "created_cases": batch.created_cases,
                    "claims": claims.count(),
                    "cases": Case.objects.filter(court=batch.court).count(),
                    "rows_with_case": IntakeRow.objects.filter(batch=batch, case__isnull=False).count(),
                    "claims_per_contract": sorted(
                        set(claims.values("contract_no").annotate(n=Count("pk")).values_list("n", flat=True))
                    ),
                    "gapless": seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True,
                    "audit_breaks": len(audit_verify()),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
