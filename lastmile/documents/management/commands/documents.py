"""``lastmile documents <subcommand>``: templates and batch jobs from the command line.

- ``templates-sync``: load the built-in templates that are missing, and give each built-in template
  whose text changed in the code a new version (never over an admin's edit).
- ``batch-status <job>``: progress of a batch job.
- ``batch-run <job> [--worker ID] [--reclaim]``: work on a batch in this process, with a
  progress bar; ``--reclaim`` takes over items a dead worker had claimed without waiting for
  the lease to expire.
"""

from __future__ import annotations

import os
import socket
import sys
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lastmile.core.clock import get_clock
from lastmile.documents.models import BatchJob
from lastmile.documents.services import batch_counts, batch_run, templates_ensure, templates_update


def progress_bar(done: int, total: int, width: int = 30) -> str:
    filled = width if total == 0 else int(width * done / total)
    percent = 100 if total == 0 else int(100 * done / total)
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {percent}%"


class Command(BaseCommand):
    help = "法律文书：模板载入、批量生成任务的进度查询与执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("templates-sync", help="载入缺少的内置模板，并更新内置模板的新版本")
        status = sub.add_parser("batch-status", help="查看批量任务进度")
        status.add_argument("job", type=int)
        run = sub.add_parser("batch-run", help="在本进程执行批量任务")
        run.add_argument("job", type=int)
        run.add_argument("--worker", default="")
        run.add_argument("--reclaim", action="store_true", help="立即接管已中断进程领取的明细")
        run.add_argument("--limit", type=int, default=None)

    def _job(self, pk: int) -> BatchJob:
        job = BatchJob.objects.select_related("template").filter(pk=pk).first()
        if job is None:
            raise CommandError(f"批量任务 #{pk} 不存在。")
        return job

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "templates-sync":
            now = get_clock().now()
            added = templates_ensure(now=now)
            updated = templates_update(now=now)
            self.stdout.write(f"已载入 {added} 个内置模板，更新 {updated} 个内置模板（新版本）。")
            return
        job = self._job(options["job"])
        if action == "batch-status":
            done, total = batch_counts(job)
            self.stdout.write(
                f"#{job.pk} {job.template.name} {job.get_status_display()} {progress_bar(done, total)}"
            )
            return
        worker = options["worker"] or f"cli:{socket.gethostname()}:{os.getpid()}"
        tty = sys.stdout.isatty()

        def show(done: int, total: int) -> None:
            if tty or done == total or done % 50 == 0:
                self.stdout.write(f"\r{progress_bar(done, total)}", ending="" if tty else "\n")
                self.stdout.flush()

        processed = batch_run(
            job,
            worker_id=worker,
            lease=timedelta(0) if options["reclaim"] else None,
            limit=options["limit"],
            progress=show,
        )
        job.refresh_from_db()
        done, total = batch_counts(job)
        self.stdout.write(
            f"\n本进程处理 {processed} 件；任务 #{job.pk} {job.get_status_display()} {done}/{total}。"
        )
