"""Background work of batch trial: issue a judgment batch, and the daily sweep of the money-case
stages (mediation periods, installments, public notices, effective dates)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_tasks import task

from lastmile.core.clock import get_clock
from lastmile.mediation.services import mediation_installment_sweep, mediation_period_sweep
from lastmile.service.services import service_sweep

from .models import HearingBatch, JudgmentBatch
from .services import hearing_batch_summon, judgment_batch_run, lawsuits_mediation_settle, trial_sweep


@task(queue_name="documents")
def judgment_batch_run_task(batch_id: int) -> int:
    """Issue the judgments of a batch (idempotent: judged cases are skipped)."""
    return judgment_batch_run(batch=JudgmentBatch.objects.get(pk=batch_id), now=get_clock().now)


def court_cases_sweep() -> dict[str, int]:
    """Run every sweep of mediation, service and trial once, in dependency order."""
    now = get_clock().now()
    return {
        "mediation_period": mediation_period_sweep(now=now),
        "public_notice": service_sweep(now=now),
        "judgments_effective": trial_sweep(now=now),
        "lawsuits_mediated": lawsuits_mediation_settle(now=now),
        "installments_missed": mediation_installment_sweep(now=now),
    }


@task()
def court_cases_sweep_task() -> dict[str, int]:
    return court_cases_sweep()


INLINE_JUDGMENTS = 20


def judgment_batch_start(batch: JudgmentBatch) -> None:
    """Small batches run now (in the request); larger ones go to the worker after commit."""
    if batch.total <= INLINE_JUDGMENTS or str(settings.TASKS["default"]["BACKEND"]).endswith(
        "ImmediateBackend"
    ):
        judgment_batch_run(batch=batch, now=get_clock().now)
        return
    transaction.on_commit(lambda: judgment_batch_run_task.enqueue(batch.pk))


@task(queue_name="documents")
def hearing_batch_summon_task(batch_id: int) -> int:
    """Issue and serve the 传票 of a hearing batch (idempotent: summoned parties are skipped)."""
    return hearing_batch_summon(batch=HearingBatch.objects.get(pk=batch_id), now=get_clock().now)


INLINE_SUMMONS = 20


def summons_inline(count: int) -> bool:
    """Summonses of a small batch are issued in the request; a larger batch's go to the worker."""
    return count <= INLINE_SUMMONS or str(settings.TASKS["default"]["BACKEND"]).endswith("ImmediateBackend")


def hearing_batch_summon_start(batch: HearingBatch) -> None:
    """After commit, the worker issues the summonses of a batch scheduled with ``summon=False``."""
    transaction.on_commit(lambda: hearing_batch_summon_task.enqueue(batch.pk))
