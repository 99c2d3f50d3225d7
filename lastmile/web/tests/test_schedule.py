from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lastmile.web.schedule import PERIODIC, due, enqueue_due

pytestmark = pytest.mark.django_db


def test_every_sweep_is_enqueued_once_then_again_when_due(now):
    last_run: dict = {}
    labels = enqueue_due(last_run=last_run, now=now)
    assert labels == [p.label for p in PERIODIC]
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {p.task.module_path for p in PERIODIC} <= paths
    for wait in (timedelta(minutes=1), timedelta(minutes=5)):
        expected = [p.label for p in PERIODIC if p.every <= wait]
        assert [p.label for p in due(last_run=last_run, now=now + wait)] == expected
    assert len(due(last_run=last_run, now=now + timedelta(hours=1))) == len(PERIODIC)


def test_schedule_command_once(clock):
    call_command("schedule", "--once")
    assert DBTaskResult.objects.count() == len(PERIODIC)
