"""The reference price becomes final when its objection window has run with no objection pending
(确定财产处置参考价规定 2018 arts. 22–23); the schedule runs this hourly."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock

from . import services


@task()
def valuation_sweep_task() -> dict[str, int]:
    return {"final": services.valuation_finalize_due(now=get_clock().now())}
