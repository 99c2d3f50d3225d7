"""Periodic work: which idempotent sweep runs how often. ``lastmile schedule`` enqueues each one
when it is due; the worker runs it. Sweeps are idempotent, so a late or doubled run is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lastmile.auction.tasks import auction_sweep_task
from lastmile.cases.tasks import audit_anchor_sweep_task
from lastmile.enforcement.tasks import enforcement_sweep_task
from lastmile.inquiry.tasks import inquiry_sweep_task
from lastmile.measures.tasks import measures_daily
from lastmile.statistics.tasks import statistics_summary_task
from lastmile.trial.tasks import court_cases_sweep_task
from lastmile.valuation.tasks import valuation_sweep_task
from lastmile.web.tasks import planner_statistics_task, reclaim_sweep_task


@dataclass(frozen=True)
class Periodic:
    label: str
    task: Any  # a django_tasks Task
    every: timedelta


PERIODIC: list[Periodic] = [
    # 查控: picks up overdue results and restarts its own self-scheduling chain if it stopped.
    Periodic("网络查控巡检", inquiry_sweep_task, timedelta(minutes=5)),
    # 执行: settlement defaults, 终本 re-queries, time-limit warnings.
    Periodic("执行案件巡检", enforcement_sweep_task, timedelta(hours=1)),
    # 强制措施: expiry, publication after the grace period, removal within 3 working days.
    Periodic("强制措施与失信名单巡检", measures_daily, timedelta(hours=1)),
    # 调解与审判: mediation periods, installments, service and effective dates.
    Periodic("调解审判送达巡检", court_cases_sweep_task, timedelta(hours=1)),
    # 审计链: a signed checkpoint of each court's chain head, outside the database (docs/audit.md);
    # hourly, and at least once a day per court even when nothing moved.
    Periodic("审计链锚定", audit_anchor_sweep_task, timedelta(hours=1)),
    # 回收: re-queue document and filing batches and task rows whose worker died (web/reclaim.py).
    Periodic("中断任务回收", reclaim_sweep_task, timedelta(minutes=10)),
    # 统计汇总: past months' closed cases summed for the command center (statistics/summary.py).
    Periodic("指挥中心统计汇总", statistics_summary_task, timedelta(hours=1)),
    # 网络司法拍卖: rounds end at their (extended) end; losers' deposits back within 24 hours.
    Periodic("网络司法拍卖结束与保证金退还", auction_sweep_task, timedelta(minutes=1)),
    # 查询统计: SQLite's planner statistics follow the tables' growth (core/db.py): tens of
    # milliseconds, so often enough that a batch filed this morning is planned for by noon.
    Periodic("数据库查询统计更新", planner_statistics_task, timedelta(minutes=10)),
    # 参考价: the objection window run out with no objection pending makes the price final.
    Periodic("参考价异议期届满", valuation_sweep_task, timedelta(hours=1)),
]


def due(*, last_run: dict[str, datetime], now: datetime) -> list[Periodic]:
    """The periodic jobs due at ``now`` given when each last ran."""
    return [p for p in PERIODIC if (t := last_run.get(p.label)) is None or now - t >= p.every]


def enqueue_due(*, last_run: dict[str, datetime], now: datetime) -> list[str]:
    """Enqueue every due job, record the run, and return the labels enqueued."""
    labels = []
    for p in due(last_run=last_run, now=now):
        p.task.enqueue()
        last_run[p.label] = now
        labels.append(p.label)
    return labels
