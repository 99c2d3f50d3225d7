"""``make bench-quick``: every bench in quick mode, one after the other, in under five minutes.

Replaying the migrations takes longer than a quick bench's own work, so this runner migrates once,
both databases side by side (a SQLite file in a temporary folder; on PostgreSQL, when
``DATABASE_URL`` names a server, a database ``lastmile_bench_template_<pid>_<random>`` on it) and
hands the result to each bench's sandbox (``bench/_harness.py``: ``LASTMILE_BENCH_TEMPLATE_SQLITE``
/ ``LASTMILE_BENCH_TEMPLATE_PG``), which starts from a copy. The templates are removed at the end,
on error, Ctrl-C and SIGTERM.

Prints each bench's JSON line and its time, then the total; a failing bench's stderr (last 20 lines)
goes to stderr and makes the exit status 1. ``--only intake,ledger`` runs some of them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    TEMPLATE_PG_ENV,
    TEMPLATE_SQLITE_ENV,
    Sandbox,
    is_postgres,
    log,
)

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def benches() -> list[Path]:
    return sorted(
        p
        for p in BENCH_DIR.glob("*.py")
        if not p.name.startswith("_") and not p.name.endswith("_settings.py")
    )


def migrate(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start replaying the migrations into the database ``env`` names (wait with :func:`finish`):
    the SQLite and the PostgreSQL templates migrate side by side, one core each."""
    return subprocess.Popen([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env)


def finish(process: subprocess.Popen[bytes]) -> None:
    if process.wait() != 0:
        raise subprocess.CalledProcessError(process.returncode, process.args)


def run_one(bench: Path, env: dict[str, str]) -> bool:
    """Run one bench in quick mode; print its JSON line (or its stderr's tail) and its time."""
    print(f"== bench/{bench.name}", flush=True)
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        run = subprocess.run(
            [sys.executable, str(bench), "--quick"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        lines = run.stdout.strip().splitlines()
        ok = run.returncode == 0 and bool(lines)
        if ok:
            print(lines[-1], flush=True)
        else:
            err.seek(0)
            tail = err.read().decode(errors="replace").splitlines()[-20:]
            print(f"失败：bench/{bench.name}（stderr 最后 20 行）", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr, flush=True)
    print(f"   用时 {time.perf_counter() - t:.0f} 秒", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated bench names")
    args = parser.parse_args()
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    chosen = [p for p in benches() if not only or p.stem in only]
    started = time.perf_counter()
    failed = False
    url = os.environ.get("DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory(prefix="lastmile-bench-template-") as tmp:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", LASTMILE_LOG_LEVEL="WARNING")
        t0 = time.perf_counter()
        sqlite_env = {k: v for k, v in env.items() if k != "DATABASE_URL"} | {"LASTMILE_DATA_DIR": tmp}
        sqlite_migration = migrate(sqlite_env)
        env[TEMPLATE_SQLITE_ENV] = str(Path(tmp) / "lastmile.sqlite3")
        # The PostgreSQL template, on the DATABASE_URL server (or the development one, which the
        # statistics bench needs anyway); without a server the benches migrate their own.
        with contextlib.ExitStack() as stack:
            stack.callback(sqlite_migration.kill)  # (a no-op once it has finished)
            try:
                pg = stack.enter_context(Sandbox("template", require_postgres=True))
                finish(migrate(dict(env, DATABASE_URL=pg.database_url or "", LASTMILE_DATA_DIR=tmp)))
                env[TEMPLATE_PG_ENV] = pg.name or ""
            except (SystemExit, subprocess.CalledProcessError) as exc:
                log(f"no PostgreSQL template ({exc}): the PostgreSQL benches migrate their own database")
            finish(sqlite_migration)
            if not is_postgres(url):
                env.pop("DATABASE_URL", None)
            print(f"== 迁移模板数据库 用时 {time.perf_counter() - t0:.0f} 秒", flush=True)
            for bench in chosen:
                failed = not run_one(bench, env) or failed
    print(f"== 合计 {time.perf_counter() - started:.0f} 秒", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
