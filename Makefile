# Lastmile: the two commands are `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen
PG_URL ?= postgres://postgres@127.0.0.1:5432/lastmile

.PHONY: run test test-slow check lint types layers migrations-check pytest pytest-sqlite pytest-postgres \
        sync sync-dev format bench-quick clean

$(CURDIR)/.tools/bin/uv:
	@echo "正在安装 uv（使用本机 Python：$(UV_PYTHON)）…"
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

sync: $(UV)
	$(UV) sync --frozen --no-dev --inexact

sync-dev: $(UV)
	$(UV) sync --frozen

## make run: install, migrate, load demo data on first start, serve http://127.0.0.1:8000
run: sync
	$(RUN) --no-dev --inexact lastmile run

## make test: install everything and run the checks and the whole test suite
test: sync-dev check pytest

check: lint types layers migrations-check

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format:
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

types:
	$(RUN) mypy lastmile config

layers:
	$(RUN) lint-imports

migrations-check:
	LASTMILE_DATA_DIR=$$(mktemp -d) $(RUN) python manage.py makemigrations --check --dry-run

# The two databases run side by side (one core each); each pass prints when it ends.
pytest:
	@$(MAKE) --no-print-directory -j2 --output-sync=target pytest-sqlite pytest-postgres

## make test-slow: the slow tests (workers killed and resumed, the simulated year, demo seeds); CI runs them
test-slow: sync-dev
	@$(MAKE) --no-print-directory -j2 --output-sync=target PYTEST_MARK=slow pytest-sqlite pytest-postgres

PYTEST_MARK ?= not slow

pytest-sqlite:
	@echo "== 测试：SQLite ($(PYTEST_MARK)) =="
	LASTMILE_DATA_DIR=$$(mktemp -d) $(RUN) pytest -q -m "$(PYTEST_MARK)"

# PostgreSQL: required in CI (CI=true) or when LASTMILE_REQUIRE_POSTGRES=1; otherwise run when
# the server answers and say so loudly when it does not.
pytest-postgres:
	@echo "== 测试：PostgreSQL ($(PG_URL), $(PYTEST_MARK)) =="
	@if $(RUN) python -m lastmile.devtools.pgcheck "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" LASTMILE_REQUIRE_POSTGRES=1 LASTMILE_DATA_DIR=$$(mktemp -d) \
			$(RUN) pytest -q -m "not browser and ($(PYTEST_MARK))"; \
	elif [ "$${CI:-}" = "true" ] || [ "$${LASTMILE_REQUIRE_POSTGRES:-}" = "1" ]; then \
		echo "错误：CI 需要 PostgreSQL ($(PG_URL))，但它没有应答。" >&2; exit 1; \
	else \
		echo "警告：PostgreSQL ($(PG_URL)) 没有应答，本机跳过 PostgreSQL 测试（CI 中不会跳过）。" >&2; \
	fi

## make bench-quick: every bench in quick mode, under 5 minutes in all; each prints its JSON line
## (docs/benchmarks.md) and its time. Each bench uses its own database and folder and removes them;
## bench/_quick.py migrates once and each bench starts from a copy.
bench-quick: sync-dev
	$(RUN) python bench/_quick.py

clean:
	rm -rf .venv .tools data
