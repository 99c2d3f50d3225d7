"""Test-suite plumbing: real PostgreSQL and real Chromium, never silently skipped in CI."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: Hypothesis's default (200 ms) fails a property test whenever the
# machine is busy enough to pause the process, and passes it on rerun. The ledger and API fuzz
# tests already set ``deadline=None``; this covers the others (lastmile/core).
hypothesis_settings.register_profile("lastmile", deadline=None)
hypothesis_settings.load_profile("lastmile")


def _db_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    browser = chromium_path()
    require_browser = os.environ.get("LASTMILE_REQUIRE_BROWSER") == "1"
    for item in items:
        if "postgres" in item.keywords and not _db_is_postgres():
            item.add_marker(skip_pg)
        if "browser" in item.keywords and browser is None:
            if require_browser:
                item.add_marker(
                    pytest.mark.xfail(reason="Chromium missing but required", run=False, strict=True)
                )
            else:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed here"))


@pytest.fixture(scope="session", autouse=True)
def _require_postgres_when_asked(django_db_blocker: object) -> None:
    """In the PostgreSQL pass the connection must really be PostgreSQL."""
    if os.environ.get("LASTMILE_REQUIRE_POSTGRES") == "1" and _db_is_postgres():
        from django.db import connection

        assert connection.vendor == "postgresql", "PostgreSQL run expected, got " + connection.vendor


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> object:
    """Tests hash with MD5: the production hasher (PBKDF2, a million rounds) costs ~0.2 s per
    password, and nearly every test creates staff accounts. No test depends on the hasher."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache_after_committed_tests(request: pytest.FixtureRequest, django_db_blocker: object) -> object:
    """The shared cache (rate limits, login throttling) is a database table that the flush after a
    ``transaction=True`` test does not empty (it is no model), so counters a committed test left
    would carry into the tests after it. Other tests write it inside their rolled-back transaction."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and (
        marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])
    )
    if committed or "live_server" in request.fixturenames:
        from django.core.cache import caches

        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            caches["default"].clear()


@pytest.fixture(autouse=True)
def _no_external_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the test suite may reach the internet."""
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise OSError(f"test tried to reach the network: {host}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> object:
    """A real headless Chromium (Debian's), driven by Playwright; for tests marked ``browser``."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


pytest_plugins = ["lastmile.testing.fixtures"]
