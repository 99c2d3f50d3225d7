"""Background work of the platform as a whole, run by ``lastmile db_worker``."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock
from lastmile.core.db import planner_statistics_refresh

from .reclaim import reclaim_all


@task()
def reclaim_sweep_task() -> dict[str, int]:
    """Resume what dead workers left: lapsed document and filing batches, lost task rows."""
    return reclaim_all(now=get_clock().now()).as_dict()


@task()
def planner_statistics_task() -> dict[str, bool]:
    """The query planner's statistics as the tables grow (SQLite; PostgreSQL's autovacuum)."""
    return {"refreshed": planner_statistics_refresh()}
