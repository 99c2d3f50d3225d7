"""The public 失信 query's rate limit is shared by every process and keyed on the real client:
REMOTE_ADDR, or behind a configured trusted proxy the right-most untrusted X-Forwarded-For hop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import RequestFactory

from lastmile.accounts import throttle
from lastmile.accounts.cache import DatabaseCache
from lastmile.accounts.models import RateCounter
from lastmile.accounts.throttle import address_bucket, client_address, counter_hit, window_hit

API = "/api/v1/public/dishonest"
ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def low_limit(settings):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "MEASURES": {"PUBLIC_QUERY_RATE": 2, "PUBLIC_QUERY_WINDOW_SECONDS": 60},
    }


def _addr(remote: str, xff: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return client_address(RequestFactory().get("/", **meta))


def test_client_address_ignores_forwarded_for_from_an_untrusted_peer(settings):
    settings.LASTMILE_TRUSTED_PROXIES = []
    assert _addr("203.0.113.7", "1.2.3.4") == "203.0.113.7"
    settings.LASTMILE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _addr("203.0.113.7", "1.2.3.4") == "203.0.113.7"  # peer is not our proxy


def test_client_address_behind_trusted_proxies_is_the_rightmost_untrusted_hop(settings):
    settings.LASTMILE_TRUSTED_PROXIES = ["10.0.0.1", "172.16.0.0/12"]
    # the client claims 1.2.3.4; our proxies saw 198.51.100.9
    assert _addr("10.0.0.1", "1.2.3.4, 198.51.100.9, 172.16.5.5") == "198.51.100.9"
    assert _addr("10.0.0.1", "198.51.100.9") == "198.51.100.9"
    assert _addr("10.0.0.1", "garbage, 198.51.100.9") == "198.51.100.9"
    assert _addr("10.0.0.1", "198.51.100.9, not-an-ip") == "10.0.0.1"  # the proxy wrote nothing usable
    assert _addr("10.0.0.1") == "10.0.0.1"
    assert _addr("10.0.0.1", "[2001:db8::5]:443") == "2001:db8::5"
    assert _addr("bogus") == "unknown"


def test_ipv6_clients_are_counted_per_64():
    assert address_bucket("2001:db8:1:2::5") == address_bucket("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert address_bucket("198.51.100.9") == "198.51.100.9"


def test_spoofed_forwarded_for_does_not_buy_a_new_budget(public_client, db, low_limit, settings):
    settings.LASTMILE_TRUSTED_PROXIES = ["10.0.0.1"]
    codes = [
        public_client.get(
            API, {"name": "王小明"}, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"9.9.9.{i}"
        ).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 429, 429]
    # behind the trusted proxy, the real client is counted, not what it claims
    via_proxy = [
        public_client.get(
            API, {"name": "王小明"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"8.8.8.{i}, 198.51.100.9"
        ).status_code
        for i in range(3)
    ]
    assert via_proxy == [200, 200, 429]
    # and another real client behind the same proxy has its own budget
    other = public_client.get(
        API, {"name": "王小明"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.10"
    )
    assert other.status_code == 200


def test_the_default_cache_is_shared_not_per_process():
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert "locmem" not in backend.lower()


def test_two_cache_instances_share_one_count(db):
    a = DatabaseCache("lastmile_cache", {})
    b = DatabaseCache("lastmile_cache", {})
    assert a.add("k", 1, timeout=60)
    assert a.incr("k") == 2
    assert b.incr("k") == 3
    assert a.get("k") == 3
    assert counter_hit("hits", window=60) == 1
    assert caches["default"].get("hits") == 1
    with pytest.raises(ValueError):
        b.incr("missing")


def test_two_processes_share_the_count(tmp_path):
    """Two separate Python processes on one embedded database count against one budget."""
    script = textwrap.dedent(
        """
        import json, django
        django.setup()
        from django.core.management import call_command
        call_command("migrate", "accounts", verbosity=0)
        from lastmile.accounts.throttle import counter_hit
        from lastmile.accounts.throttle import window_hit
        hits = [counter_hit("rate:test:198.51.100.9", window=600) for _ in range(3)]
        print(json.dumps(hits + [window_hit("rate:test:198.51.100.9", window=600) for _ in range(2)]))
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LASTMILE_CACHE_URL"}}
    env.update(LASTMILE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        for _ in range(2)
    ]
    assert runs == [[1, 2, 3, 1, 2], [4, 5, 6, 3, 4]]


def test_the_rate_counter_is_one_row_per_client_and_restarts_when_its_window_ends(db, monkeypatch):
    t0 = 1_700_000_000.0
    assert [window_hit("rate:x:a", window=60, now=t0 + s) for s in (0, 1, 59.9)] == [1, 2, 3]
    assert window_hit("rate:x:b", window=60, now=t0 + 30) == 1  # another client, its own count
    assert window_hit("rate:x:a", window=60, now=t0 + 60) == 1  # the window opened at t0 has ended
    assert window_hit("rate:x:a", window=60, now=t0 + 119) == 2  # … and the new one at t0 + 60 is open
    assert RateCounter.objects.count() == 2
    # ended windows are purged lazily, by one hit in PURGE_EVERY
    monkeypatch.setattr(throttle, "PURGE_EVERY", 1)
    window_hit("rate:x:a", window=60, now=t0 + 200)
    assert list(RateCounter.objects.values_list("key", "hits")) == [("rate:x:a", 1)]
