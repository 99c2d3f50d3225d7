"""Batches: every case gets its document exactly once, also when a worker is killed mid-batch."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest

from lastmile.accounts.models import Role
from lastmile.core.clock import FixedClock
from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.models import BatchItem, BatchJob, BatchStatus, Document, ItemStatus
from lastmile.documents.rendering import SealMark, render_document, render_threads_use
from lastmile.documents.services import batch_claim, batch_counts, batch_create, batch_run, document_pdf
from lastmile.testing.factories import UserFactory
from lastmile.testing.processes import helper_env, kill_when, migrate_if_file_database, run_helper

from .conftest import make_case

ROOT = Path(__file__).resolve().parents[3]
SPEC = TEMPLATES_BY_CODE["enforcement_notice"]


@pytest.fixture
def cases(yuelu, judge, now, templates):
    return [make_case(yuelu, judge, now, debtor_name=f"债务人{i}", seq=i + 1) for i in range(6)]


@pytest.mark.django_db
def test_batch_issues_each_case_once_and_a_rerun_adds_nothing(yuelu, judge, now, cases, docs_root):
    job = batch_create(
        court=yuelu,
        template_code=SPEC.code,
        cases=cases + cases[:2],
        actor=judge,
        now=now,
        context=SPEC.sample,
        enqueue=False,
    )
    assert job.total == 6 and BatchItem.objects.filter(job=job).count() == 6
    seen: list[tuple[int, int]] = []
    assert (
        batch_run(job, worker_id="w1", clock=FixedClock(now), progress=lambda d, t: seen.append((d, t))) == 6
    )
    assert seen[-1] == (6, 6)
    job.refresh_from_db()
    assert job.status == BatchStatus.DONE and job.finished_at == now
    assert Document.objects.filter(batch_item__job=job).count() == 6
    assert batch_run(job, worker_id="w2", clock=FixedClock(now), lease=timedelta(0)) == 0
    assert Document.objects.count() == 6


@pytest.mark.django_db
def test_a_reclaimed_item_that_was_already_issued_is_not_issued_again(yuelu, judge, now, cases, docs_root):
    job = batch_create(
        court=yuelu,
        template_code=SPEC.code,
        cases=cases[:2],
        actor=judge,
        now=now,
        context=SPEC.sample,
        enqueue=False,
    )
    batch_run(job, worker_id="w1", clock=FixedClock(now))
    # Simulate a crash after commit but before the worker noticed: the item looks claimed again.
    BatchItem.objects.filter(job=job).update(status=ItemStatus.CLAIMED, claimed_by="dead")
    assert len(batch_claim(job, worker_id="w2", now=now, size=10, lease=timedelta(0))) == 2
    batch_run(job, worker_id="w2", clock=FixedClock(now), lease=timedelta(0))
    assert Document.objects.filter(batch_item__job=job).count() == 2
    assert set(BatchItem.objects.filter(job=job).values_list("status", flat=True)) == {ItemStatus.DONE}


@pytest.mark.django_db
def test_batch_is_refused_whole_for_missing_elements_or_foreign_cases(
    yuelu, wuling, judge, now, cases, docs_root
):
    with pytest.raises(ConditionsNotMet) as err:
        batch_create(
            court=yuelu, template_code=SPEC.code, cases=cases, actor=judge, now=now, context={}, enqueue=False
        )
    assert "principal" in err.value.unmet
    other = make_case(wuling, UserFactory(court=wuling), now, debtor_name="外院", seq=99)
    with pytest.raises(PermissionDenied):
        batch_create(
            court=yuelu,
            template_code=SPEC.code,
            cases=[*cases, other],
            actor=judge,
            now=now,
            context=SPEC.sample,
            enqueue=False,
        )
    clerk = UserFactory(court=yuelu, role=Role.FILING_CLERK)
    with pytest.raises(PermissionDenied):
        batch_create(
            court=yuelu,
            template_code=SPEC.code,
            cases=cases,
            actor=clerk,
            now=now,
            context=SPEC.sample,
            enqueue=False,
        )
    assert BatchJob.objects.count() == 0 and BatchItem.objects.count() == 0


@pytest.fixture(params=[1, 2], ids=["one_thread", "render_threads"])
def render_threads(request):
    """Issue with one typesetting thread, or with a pool of two (as the simulation does)."""
    render_threads_use(request.param)
    yield request.param
    render_threads_use(1)


@pytest.mark.django_db
def test_an_item_that_cannot_be_rendered_fails_alone(yuelu, judge, now, cases, docs_root, render_threads):
    bad = make_case(yuelu, judge, now, debtor_name="赵𠀀", seq=50)
    job = batch_create(
        court=yuelu,
        template_code=SPEC.code,
        cases=[*cases[:2], bad],
        actor=judge,
        now=now,
        context=SPEC.sample,
        enqueue=False,
    )
    batch_run(job, worker_id="w1", clock=FixedClock(now))
    job.refresh_from_db()
    assert job.status == BatchStatus.FAILED
    failed = BatchItem.objects.get(job=job, case=bad)
    assert failed.status == ItemStatus.FAILED and "U+20000" in failed.error
    assert batch_counts(job) == (3, 3)
    assert Document.objects.filter(batch_item__job=job).count() == 2
    # what the render threads wrote is what one thread makes of the recorded elements, byte for byte
    for document in Document.objects.filter(batch_item__job=job):
        again = render_document(
            body=document.template_version.body,
            context=document.context,
            title=document.title,
            number=document.number,
            court_name=yuelu.name,
            timestamp=document.issued_at,
            seal=SealMark(yuelu.name, document.seal["mark"]),
        )
        assert (
            hashlib.sha256(again.pdf).hexdigest()
            == document.sha256
            == hashlib.sha256(document_pdf(document)).hexdigest()
        )


HELPER = "lastmile.documents.tests.batch_helper"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = helper_env(tmp_path, DOCS_ROOT=str(tmp_path / "docs"), **extra)
    migrate_if_file_database(env)
    return env


def _helper(env: dict[str, str], *args: str) -> str:
    return run_helper(HELPER, env, *args)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_batch_restarted_completes_with_each_document_exactly_once(tmp_path):
    env = _env(tmp_path)
    total = 30
    job_id = _helper(env, "setup", str(total)).strip().splitlines()[-1]
    kill_when(
        HELPER,
        env,
        "run",
        job_id,
        "--slow",
        "0.05",
        # killed while a chunk is claimed and being issued, after at least 7 documents
        when=lambda line: line.startswith("issuing ") and int(line.split()[1].split("+")[0]) >= 7,
    )

    midway = json.loads(_helper(env, "verify", job_id))
    assert 7 <= midway["documents"] < total
    assert midway["items_by_status"].get("claimed", 0) > 0  # the dead worker held claims

    out = _helper(env, "run", job_id, "--reclaim")
    assert "finished" in out
    final = json.loads(_helper(env, "verify", job_id))
    assert final["status"] == "done"
    assert final["documents"] == total == final["all_documents_of_cases"]
    assert final["per_case_template"] == [1]
    assert final["items_by_status"] == {"done": total}
    assert final["issued_events"] == total
    assert final["files"] == total
    assert final["audit_breaks"] == 0
    assert final["counts"] == [total, total]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_is_resumed_by_the_sweep_with_each_document_exactly_once(tmp_path):
    """The real worker (``db_worker``) is killed with SIGKILL mid-batch; nothing but the periodic
    sweep (``lastmile reclaim``) and a worker bring the batch to its end, each document once."""
    lease = 3
    env = _env(tmp_path, LEASE_SECONDS=str(lease))
    total = 24
    job_id = _helper(env, "setup", str(total)).strip().splitlines()[-1]
    _helper(env, "enqueue", job_id)
    kill_when(
        HELPER,
        env,
        "worker",
        "--slow",
        "0.05",
        when=lambda line: line.startswith("issued ") and int(line.split()[1]) >= 6,
    )

    midway = json.loads(_helper(env, "verify", job_id))
    assert 6 <= midway["documents"] < total and midway["status"] == "running"
    assert [t["status"] for t in json.loads(_helper(env, "tasks"))] == ["RUNNING"]  # the dead worker's
    # A worker alone does nothing: the job's task is RUNNING forever, nothing is queued.
    assert "finished" in _helper(env, "worker")
    assert json.loads(_helper(env, "verify", job_id))["documents"] == midway["documents"]

    time.sleep(lease + 1)  # the dead worker's hold and claims lapse
    assert "文书批量任务 1 个" in _helper(env, "reclaim")
    assert "finished" in _helper(env, "worker")

    final = json.loads(_helper(env, "verify", job_id))
    assert final["status"] == "done"
    assert final["documents"] == total == final["all_documents_of_cases"]
    assert final["per_case_template"] == [1]
    assert final["items_by_status"] == {"done": total}
    assert final["issued_events"] == total
    assert final["files"] == total
    assert final["audit_breaks"] == 0
    tasks = json.loads(_helper(env, "tasks"))
    assert "RUNNING" not in {t["status"] for t in tasks}
    assert tasks[0]["status"] == "FAILED" and tasks[0]["error"].endswith("WorkerLost")


@pytest.mark.django_db
def test_the_sweep_requeues_a_lapsed_job_once_and_leaves_held_and_finished_jobs(
    yuelu, judge, now, cases, docs_root, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from lastmile.documents.services import batch_jobs_reclaim

    def job(**fields):  # type: ignore[no-untyped-def]
        j = batch_create(
            court=yuelu,
            template_code=SPEC.code,
            cases=cases[:2],
            actor=judge,
            now=now,
            context=SPEC.sample,
            enqueue=False,
        )
        BatchJob.objects.filter(pk=j.pk).update(**fields)
        return j

    lapsed = job(status=BatchStatus.RUNNING, lease_until=now - timedelta(seconds=1))
    job(status=BatchStatus.RUNNING, lease_until=now + timedelta(seconds=60))  # a live worker holds it
    job(status=BatchStatus.DONE, finished_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        assert batch_jobs_reclaim(now=now) == [lapsed.pk]
        assert batch_jobs_reclaim(now=now) == []  # the sweep took the hold
    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [[lapsed.pk, 0]]
    lapsed.refresh_from_db()
    assert lapsed.reclaims == 1 and lapsed.lease_until > now


@pytest.mark.django_db
def test_an_item_that_keeps_killing_its_worker_fails_instead_of_looping(yuelu, judge, now, cases, docs_root):
    job = batch_create(
        court=yuelu,
        template_code=SPEC.code,
        cases=cases[:2],
        actor=judge,
        now=now,
        context=SPEC.sample,
        enqueue=False,
    )
    poison, _fine = BatchItem.objects.filter(job=job).order_by("pk")
    BatchItem.objects.filter(pk=poison.pk).update(
        status=ItemStatus.CLAIMED, claimed_by="dead", claimed_at=now - timedelta(hours=1), attempts=5
    )
    batch_run(job, worker_id="w2", clock=FixedClock(now))
    poison.refresh_from_db()
    assert poison.status == ItemStatus.FAILED and "多次" in poison.error
    assert Document.objects.filter(batch_item__job=job).count() == 1
    job.refresh_from_db()
    assert job.status == BatchStatus.FAILED
