"""Periodic work of the case core: anchor every court's audit chain outside the database."""

from __future__ import annotations

import logging

from django_tasks import task

from lastmile.core.clock import get_clock

from . import services

logger = logging.getLogger(__name__)


@task()
def audit_anchor_sweep_task() -> dict[str, int]:
    """Write a signed checkpoint of each court's chain head whose head moved or whose last anchor
    is from an earlier day (docs/audit.md). A damaged chain is reported, never anchored."""
    outcomes = services.audit_anchor_write(now=get_clock().now())
    for o in outcomes:
        if o.error:
            logger.error("审计链锚定失败：法院 %s：%s", o.court.code, o.error)
    return {
        "anchored": sum(1 for o in outcomes if o.anchor is not None),
        "skipped": sum(1 for o in outcomes if o.skipped),
        "damaged": sum(1 for o in outcomes if o.error),
    }
