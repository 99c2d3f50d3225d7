"""Demo documents: a few issued documents and one finished batch for the demo cases.

Idempotent: documents are only issued for demo cases that have none yet.
"""

from __future__ import annotations

from datetime import datetime

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case
from lastmile.core.errors import DomainError

from .catalog import TEMPLATES_BY_CODE
from .models import Document
from .services import batch_create, batch_run, document_issue, templates_ensure

DEMO_COURT = "湘0104"
DEMO_TEMPLATES = ("acceptance_notice", "enforcement_notice", "property_report_order")


def demo_seed_documents(*, now: datetime) -> int:
    """Load the templates, issue 受理/执行通知/报告财产令 for the demo court's enforcement cases
    (by a batch for the 执行通知书). Returns how many documents were issued."""
    templates_ensure(now=now)
    court = Court.objects.filter(code=DEMO_COURT).first()
    if court is None:
        return 0
    actor = User.objects.filter(court=court, role="enforcement_judge").order_by("pk").first()
    if actor is None:
        return 0
    cases = [
        c
        for c in Case.objects.filter(court=court, type_code="执").order_by("pk")[:10]
        if not Document.objects.filter(case=c).exists() and c.case_parties.exists()
    ]
    if not cases:
        return 0
    issued = 0
    for case in cases:
        for code in ("acceptance_notice", "property_report_order"):
            try:
                document_issue(
                    case=case,
                    template_code=code,
                    context=TEMPLATES_BY_CODE[code].sample,
                    actor=actor,
                    now=now,
                )
                issued += 1
            except DomainError:
                continue
    spec = TEMPLATES_BY_CODE["enforcement_notice"]
    job = batch_create(
        court=court,
        template_code=spec.code,
        cases=cases,
        actor=actor,
        now=now,
        context=spec.sample,
        enqueue=False,
    )
    from lastmile.core.clock import FixedClock

    issued += batch_run(job, worker_id="demo", clock=FixedClock(now))
    return issued
