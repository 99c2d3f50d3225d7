"""Background work: batch document generation, run by ``lastmile db_worker``."""

from __future__ import annotations

import os
import socket

from django_tasks import task

from .models import BatchJob
from .services import batch_run


@task(queue_name="documents")
def batch_run_task(job_id: int, worker: int = 0) -> int:
    """Process a batch job until nothing is left to claim (idempotent; safe to run twice)."""
    job = BatchJob.objects.get(pk=job_id)
    return batch_run(job, worker_id=f"{socket.gethostname()}:{os.getpid()}:{worker}")
