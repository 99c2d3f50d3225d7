"""Shared plumbing for the benches in ``bench/``: a sandbox of their own and the JSON line.

Every bench runs inside a :class:`Sandbox`:

- a temporary folder, set as ``LASTMILE_DATA_DIR`` (the SQLite file, issued PDFs, media);
- on PostgreSQL (``DATABASE_URL`` points to a server), a database of its own on that server,
  named ``lastmile_bench_<bench>_<pid>_<random>`` and created empty (the bench migrates it);
- ``DJANGO_SETTINGS_MODULE`` and ``LASTMILE_LOG_LEVEL`` (WARNING) when they are not set.

Both are removed at the end: on success, on an exception, on Ctrl-C (``KeyboardInterrupt``) and on
SIGTERM/SIGHUP (turned into ``SystemExit`` so ``finally`` blocks run); an ``atexit`` hook catches
whatever slips past. Nothing the sandbox did not create is dropped or deleted: no fixed names, no
``test_<db>`` (the database ``make test`` uses), ``DROP … WITH (FORCE)`` only on its own database
(to end connections a crashed worker left behind). Only ``kill -9`` leaves something behind:
``psql -l | grep lastmile_bench_`` and ``ls -d /tmp/lastmile-bench-*`` show it.

**A migrated template** (``make bench-quick``, ``bench/_quick.py``): replaying every migration takes
longer than a quick bench's own work, so the runner migrates once and names the result in
``LASTMILE_BENCH_TEMPLATE_SQLITE`` (a migrated SQLite file) and ``LASTMILE_BENCH_TEMPLATE_PG`` (a
migrated database on the ``DATABASE_URL`` server). A sandbox then starts from a copy
(``CREATE DATABASE … TEMPLATE``) and the bench's own ``migrate`` has nothing left to do. The runner
owns and removes the templates; a sandbox only reads them.

The last line a bench prints on stdout is :func:`emit`'s JSON object (see docs/benchmarks.md).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PG_SCHEMES = ("postgres://", "postgresql://")
# statistics.py needs PostgreSQL; without DATABASE_URL it uses this server (the development one).
DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
NAME_PREFIX = "lastmile_bench_"
TEMPLATE_SQLITE_ENV = "LASTMILE_BENCH_TEMPLATE_SQLITE"
TEMPLATE_PG_ENV = "LASTMILE_BENCH_TEMPLATE_PG"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def unique_db_name(bench: str) -> str:
    """``lastmile_bench_<bench>_<pid>_<8 hex>``: unique per run, within PostgreSQL's 63 bytes."""
    slug = re.sub(r"[^a-z0-9]", "", bench.lower())[:20] or "bench"
    return f"{NAME_PREFIX}{slug}_{os.getpid()}_{secrets.token_hex(4)}"


def create_database_sql(name: str, template: str = "") -> Any:
    """``CREATE DATABASE name`` (``TEMPLATE template`` when a migrated template is named)."""
    from psycopg import sql

    if template:
        return sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    return sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def is_postgres(url: str) -> bool:
    return url.startswith(PG_SCHEMES)


class Sandbox:
    """A data folder and (on PostgreSQL) a database of the bench's own, removed at the end.

    ``with Sandbox("ledger") as box:`` sets ``LASTMILE_DATA_DIR`` (and ``DATABASE_URL`` on
    PostgreSQL) for this process and the workers it starts; call ``django.setup()`` after entering.
    ``box.database`` is ``"sqlite"`` or ``"postgresql"``; ``box.database_url`` is the URL of the
    bench's own PostgreSQL database (``None`` on SQLite); ``box.tmp`` the folder. On SQLite the
    project's embedded default is used (``lastmile.sqlite3`` in ``box.tmp``); a ``DATABASE_URL``
    that is not PostgreSQL is ignored, so a bench never writes into an existing SQLite file.
    """

    def __init__(self, bench: str, *, require_postgres: bool = False) -> None:
        self.bench = bench
        self.require_postgres = require_postgres
        self.tmp: Path | None = None
        self.name: str | None = None  # the PostgreSQL database this sandbox created
        self.database_url: str | None = None
        self.database = "sqlite"
        self.started = time.perf_counter()
        self._admin: str | None = None
        self._env: dict[str, str | None] = {}
        self._signals: dict[int, Any] = {}
        self._cleaned = False

    # --- set up ---------------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        self.started = time.perf_counter()
        atexit.register(self.cleanup)
        self._install_signals()
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=f"lastmile-bench-{self.bench}-"))
            self._set_env("LASTMILE_DATA_DIR", str(self.tmp))
            defaults = {"DJANGO_SETTINGS_MODULE": "config.settings", "LASTMILE_LOG_LEVEL": "WARNING"}
            for key, default in defaults.items():
                if not os.environ.get(key):
                    self._set_env(key, default)
            url = os.environ.get("DATABASE_URL", "").strip()
            if self.require_postgres and not url:
                url = DEFAULT_PG_SERVER
            if is_postgres(url):
                self._create_database(url)
            elif self.require_postgres:
                raise SystemExit(f"bench/{self.bench}.py needs PostgreSQL: set DATABASE_URL=postgres://…")
            else:
                if url:
                    log(f"ignoring DATABASE_URL={url!r}: the bench uses its own SQLite file")
                self._set_env("DATABASE_URL", None)
                template = os.environ.get(TEMPLATE_SQLITE_ENV, "")
                if template and Path(template).is_file():
                    shutil.copyfile(template, self.tmp / "lastmile.sqlite3")
                    log(f"sandbox: SQLite in {self.tmp}, copied from the migrated template")
                else:
                    log(f"sandbox: SQLite in {self.tmp}")
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def _create_database(self, url: str) -> None:
        import psycopg

        name = unique_db_name(self.bench)
        # The maintenance database first; the URL's own database when that one is not allowed.
        candidates = [with_db(url, "postgres")]
        if urlsplit(url).path.strip("/") not in ("", "postgres"):
            candidates.append(url)
        error: Exception | None = None
        for admin in candidates:
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(create_database_sql(name, os.environ.get(TEMPLATE_PG_ENV, "")))
            except psycopg.Error as exc:
                error = exc
                continue
            self.name, self._admin = name, admin
            break
        if self.name is None:
            raise SystemExit(f"could not create the bench database on {url}: {error}")
        self.database = "postgresql"
        self.database_url = with_db(url, name)
        self._set_env("DATABASE_URL", self.database_url)
        log(f"sandbox: PostgreSQL database {name}, files in {self.tmp}")

    # --- clean up -------------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Drop this sandbox's database and folder (and nothing else); safe to call twice."""
        if self._cleaned:
            return
        self._cleaned = True
        self._close_django()
        if self.name and self._admin:
            try:
                import psycopg
                from psycopg import sql

                with psycopg.connect(self._admin, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
                    )
                log(f"sandbox: dropped database {self.name}")
            except Exception as exc:  # report it and go on removing the folder
                log(f"sandbox: could NOT drop database {self.name}: {exc} (drop it by hand)")
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            if self.tmp.exists():
                log(f"sandbox: could NOT remove {self.tmp}")
        for key, old in self._env.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
        self._restore_signals()
        atexit.unregister(self.cleanup)

    def _close_django(self) -> None:
        """Close this thread's Django connections to the sandbox's database (only those)."""
        if "django.db" not in sys.modules:
            return
        try:
            from django.db import connections

            for alias in connections:
                conn = connections[alias]
                db = str(conn.settings_dict.get("NAME") or "")
                if (self.name and db == self.name) or (self.tmp is not None and db.startswith(str(self.tmp))):
                    conn.close()
        except Exception as exc:  # Django may be half set up when a bench fails early
            log(f"sandbox: closing Django connections: {exc}")

    # --- environment and signals ------------------------------------------------------------------

    def _set_env(self, key: str, value: str | None) -> None:
        self._env.setdefault(key, os.environ.get(key))
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum: int, _frame: object) -> None:
            raise SystemExit(128 + signum)

        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._signals[sig] = signal.signal(sig, stop)

    def _restore_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig, old in self._signals.items():
            signal.signal(sig, old)
        self._signals.clear()


def tables_from_models() -> float:
    """Create every table straight from the models (indexes and constraints included) instead of
    replaying the migrations, which take longer than a quick bench's own work; then the database
    cache table. Call after ``django.setup()``. A database that already has its tables (a copy of
    a migrated template) is left as it is. The migrations' triggers and data play no part in what
    the benches measure. Returns the seconds it took."""
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    if "django_migrations" in connection.introspection.table_names():
        return 0.0
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", verbosity=0, skip_checks=True, run_syncdb=True)
    call_command("createcachetable", verbosity=0)
    return round(time.perf_counter() - started, 1)


def goal_scaled(seconds: float, size: int, full_size: int) -> float:
    """A time goal for ``full_size`` items, scaled linearly to the ``size`` actually run."""
    return seconds * size / full_size


def emit(
    *,
    bench: str,
    mode: str,
    database: str,
    workers: int,
    figures: dict[str, Any],
    baseline: dict[str, Any],
    ratio: float | None,
    ratio_means: str,
    goal: dict[str, Any],
    goal_met: bool,
    started: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Print the bench's last line: one JSON object in the shape docs/benchmarks.md describes."""
    record: dict[str, Any] = {
        "bench": bench,
        "mode": mode,
        "database": database,
        "workers": workers,
        "goal_met": bool(goal_met),
        "goal": goal,
        "ratio": ratio,
        "ratio_means": ratio_means,
        "figures": figures,
        "baseline": baseline,
        **extra,
    }
    if started is not None:
        record["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(record, ensure_ascii=False, default=str), flush=True)
    return record
