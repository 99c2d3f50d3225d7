"""Background work of batch filing, run by ``lastmile db_worker``."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock

from .services import batch_process


@task()
def batch_process_task(batch_id: int) -> str:
    """Validate a batch and create its cases (idempotent: a rerun resumes, never duplicates)."""
    return str(batch_process(batch_id=batch_id, now=get_clock().now()).status)
