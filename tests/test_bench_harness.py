"""The benches' sandbox (bench/_harness.py): names of its own, and nothing left behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench._harness import NAME_PREFIX, Sandbox, emit, unique_db_name


def test_database_names_are_unique_per_run_and_fit_postgres() -> None:
    names = {unique_db_name("public_query") for _ in range(200)}
    assert len(names) == 200
    for name in names:
        assert name.startswith(f"{NAME_PREFIX}publicquery_{os.getpid()}_")
        assert len(name.encode()) <= 63
        assert name != "test_lastmile"


def test_sqlite_sandbox_removes_its_folder_and_restores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////somewhere/else.sqlite3")
    monkeypatch.setenv("LASTMILE_DATA_DIR", "/somewhere/else")
    with Sandbox("ledger") as box:
        assert box.database == "sqlite" and box.database_url is None
        assert box.tmp is not None and box.tmp.is_dir()
        assert os.environ["LASTMILE_DATA_DIR"] == str(box.tmp)
        assert "DATABASE_URL" not in os.environ  # never another SQLite file
        (box.tmp / "documents").mkdir()
        (box.tmp / "documents" / "a.pdf").write_bytes(b"%PDF")
        tmp = box.tmp
    assert not tmp.exists()
    assert os.environ["DATABASE_URL"] == "sqlite:////somewhere/else.sqlite3"
    assert os.environ["LASTMILE_DATA_DIR"] == "/somewhere/else"


def test_sandbox_cleans_up_when_the_bench_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    seen: list[Path] = []
    with pytest.raises(RuntimeError), Sandbox("intake") as box:
        assert box.tmp is not None
        seen.append(box.tmp)
        raise RuntimeError("the bench broke")
    assert not seen[0].exists()


def test_emit_prints_one_json_line_with_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    emit(
        bench="x",
        mode="quick",
        database="sqlite",
        workers=2,
        figures={"per_s": 10.0},
        baseline={"what": "naive", "per_s": 5.0},
        ratio=2.0,
        ratio_means="per_s / baseline per_s",
        goal={"per_s_min": 20},
        goal_met=False,
        started=0.0,
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    for key in ("bench", "mode", "database", "workers", "figures", "baseline", "ratio", "goal", "goal_met"):
        assert key in record
    assert record["goal_met"] is False and record["workers"] == 2


@pytest.mark.postgres
def test_postgres_sandbox_creates_and_drops_only_its_own_database() -> None:
    import psycopg

    from bench._harness import with_db

    server = os.environ["DATABASE_URL"]

    def databases() -> set[str]:
        with psycopg.connect(with_db(server, "postgres"), autocommit=True) as conn:
            return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}

    before = databases()
    with Sandbox("statistics") as box:
        assert box.database == "postgresql" and box.name is not None
        assert box.name not in before and box.name in databases()
        assert os.environ["DATABASE_URL"] == box.database_url
        name = box.name
    assert os.environ["DATABASE_URL"] == server
    assert name not in databases()


BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_no_bench_clobbers_or_drops_a_database_it_did_not_create() -> None:
    """Only the sandbox creates and drops databases (its own, by a unique name): no bench passes
    ``autoclobber`` (it would drop ``test_<db>``, which ``make test`` uses), drops anything itself
    or names a fixed database."""
    for path in sorted(BENCH.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "autoclobber" not in text, path.name
        assert "lm_bench_stats" not in text, path.name
        if path.name != "_harness.py":
            assert "DROP DATABASE" not in text.upper(), path.name
            assert "create_test_db" not in text, path.name


def test_every_bench_runs_in_a_sandbox_and_emits_its_line() -> None:
    for path in sorted(BENCH.glob("*.py")):
        if path.name.startswith("_") or path.name.endswith("_settings.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "with Sandbox(" in text and "emit(" in text, path.name
        assert "--quick" in text, path.name


def test_sigterm_inside_the_sandbox_still_removes_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    monkeypatch.delenv("DATABASE_URL", raising=False)
    seen: list[Path] = []
    with pytest.raises(SystemExit) as stopped, Sandbox("documents") as box:
        assert box.tmp is not None
        seen.append(box.tmp)
        os.kill(os.getpid(), signal.SIGTERM)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert not seen[0].exists()
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back
