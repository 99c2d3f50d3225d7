"""Background work of enforcement: the periodic sweep, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock

from .services import enforcement_sweep


@task()
def enforcement_sweep_task() -> dict[str, int]:
    """Installment defaults, post-终本 re-query reminders and time-limit warnings (idempotent)."""
    return enforcement_sweep(now=get_clock().now())
