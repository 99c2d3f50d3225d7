"""Real worker processes for the tests that kill one with SIGKILL and check that the work resumes.

A test runs a helper module of its app (``python -m <module> <command> …``) against the test
database: on PostgreSQL the committed test database (``transaction=True``), on SQLite a file
database in ``tmp_path`` migrated by :func:`migrate_if_file_database`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def helper_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for a helper process that sees the same database as the test."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env.pop("DATABASE_URL", None)
        env["LASTMILE_DATA_DIR"] = str(tmp_path / "data")
    return env


def migrate_if_file_database(env: dict[str, str]) -> None:
    """SQLite: the helper's file database needs its tables (PostgreSQL shares the test's)."""
    if connection.vendor != "postgresql":
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=300,
        )


def run_helper(module: str, env: dict[str, str], *args: str) -> str:
    """Run ``python -m module args…`` to its end; fail with its stderr unless it succeeds."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def kill_when(module: str, env: dict[str, str], *args: str, when: Callable[[str], bool]) -> None:
    """Start ``python -m module args…`` and SIGKILL it at the first output line ``when`` accepts."""
    worker = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    for line in worker.stdout:
        if when(line):
            worker.send_signal(signal.SIGKILL)
            break
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL, "the worker ended before it could be killed"
