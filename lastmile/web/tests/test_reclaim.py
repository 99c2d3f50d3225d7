"""The reclaim sweep: registered in the scheduler, and lost task rows are failed and re-queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lastmile.filing.tasks import batch_process_task
from lastmile.web.reclaim import task_rows_reclaim
from lastmile.web.schedule import PERIODIC
from lastmile.web.tasks import reclaim_sweep_task

pytestmark = pytest.mark.django_db


def test_the_sweep_is_scheduled():
    assert reclaim_sweep_task in [p.task for p in PERIODIC]


def test_a_task_row_left_running_by_a_dead_worker_is_failed_and_queued_again(
    now, django_capture_on_commit_callbacks
):
    lost = batch_process_task.enqueue(41)
    alive = batch_process_task.enqueue(42)
    DBTaskResult.objects.filter(pk=lost.id).update(status="RUNNING", started_at=now - timedelta(hours=1))
    DBTaskResult.objects.filter(pk=alive.id).update(status="RUNNING", started_at=now - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert task_rows_reclaim(now=now) == [str(lost.id)]
        assert task_rows_reclaim(now=now) == []
    lost_row = DBTaskResult.objects.get(pk=lost.id)
    assert lost_row.status == "FAILED" and lost_row.exception_class_path.endswith("WorkerLost")
    assert DBTaskResult.objects.get(pk=alive.id).status == "RUNNING"
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["args"] == [41] and again.task_path == lost_row.task_path


def test_the_command_reports_what_it_requeued(clock, capsys):
    call_command("reclaim")
    assert "文书批量任务 0 个、批量立案批次 0 个、后台任务 0 个已重新排队" in capsys.readouterr().out
