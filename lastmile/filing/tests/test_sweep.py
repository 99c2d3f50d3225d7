"""Nothing stays stuck: a worker killed mid-intake, then the sweep and a worker, files every row
exactly once; the sweep re-queues a lapsed batch once and leaves held and finished ones."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from lastmile.filing.models import BatchStatus, IntakeBatch
from lastmile.filing.samples import rows_to_csv, sample_rows
from lastmile.filing.services import batch_submit, batches_reclaim
from lastmile.testing.processes import helper_env, kill_when, migrate_if_file_database, run_helper

HELPER = "lastmile.filing.tests.intake_helper"


def _helper(env: dict[str, str], *args: str) -> str:
    return run_helper(HELPER, env, *args)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_intake_is_resumed_by_the_sweep_with_each_row_filed_once(tmp_path):
    env = helper_env(tmp_path, LEASE_SECONDS="3")
    migrate_if_file_database(env)
    total = 60
    batch_id = _helper(env, "setup", str(total)).strip().splitlines()[-1]
    kill_when(
        HELPER,
        env,
        "worker",
        "--slow",
        "0.3",
        when=lambda line: line.startswith("created ") and int(line.split()[1]) >= 10,
    )

    midway = json.loads(_helper(env, "verify", batch_id))
    assert midway["status"] == "creating" and 10 <= midway["claims"] < total
    assert [t["status"] for t in json.loads(_helper(env, "tasks"))] == ["RUNNING"]  # the dead worker's
    assert "finished" in _helper(env, "worker")  # a worker alone finds nothing to do
    assert json.loads(_helper(env, "verify", batch_id))["claims"] == midway["claims"]

    time.sleep(4)  # the dead worker's hold lapses
    assert "批量立案批次 1 个" in _helper(env, "reclaim")
    assert "finished" in _helper(env, "worker")

    final = json.loads(_helper(env, "verify", batch_id))
    assert final["status"] == "accepted" and final["total_rows"] == total
    assert final["created_cases"] == final["claims"] == final["cases"] == final["rows_with_case"] == total
    assert final["claims_per_contract"] == [1]
    assert final["gapless"] and final["audit_breaks"] == 0
    tasks = json.loads(_helper(env, "tasks"))
    assert "RUNNING" not in {t["status"] for t in tasks}
    assert tasks[0]["status"] == "FAILED" and tasks[0]["error"].endswith("WorkerLost")


@pytest.mark.django_db
def test_the_sweep_requeues_a_lapsed_batch_once_and_leaves_held_and_finished_ones(
    yuelu, clerk, institution, now, today, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    def batch(external_id: str, **fields):  # type: ignore[no-untyped-def]
        b = batch_submit(
            court=yuelu,
            client=institution,
            external_id=external_id,
            now=now,
            actor=clerk,
            filename="a.csv",
            content=rows_to_csv(sample_rows(1, today=today, prefix=external_id)),
            process="none",
        ).batch
        IntakeBatch.objects.filter(pk=b.pk).update(**fields)
        return b

    lapsed = batch("S-1", status=BatchStatus.CREATING, lease_until=now - timedelta(seconds=1))
    batch("S-2", status=BatchStatus.VALIDATING, lease_until=now + timedelta(seconds=60))  # held
    batch("S-3", status=BatchStatus.ACCEPTED, lease_until=now - timedelta(days=1), finished_at=now)
    batch("S-4", status=BatchStatus.CREATING, lease_until=now - timedelta(seconds=1), reclaims=20)  # gave up
    with django_capture_on_commit_callbacks(execute=True):
        assert batches_reclaim(now=now) == [lapsed.pk]
        assert batches_reclaim(now=now) == []  # the sweep took the hold
    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [[lapsed.pk]]
    lapsed.refresh_from_db()
    assert lapsed.reclaims == 1 and lapsed.lease_until == now + timedelta(seconds=300)
