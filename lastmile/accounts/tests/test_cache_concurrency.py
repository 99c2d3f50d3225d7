"""The shared counters lose no hit when many connections count at once (PostgreSQL)."""

from __future__ import annotations

import pytest

from lastmile.accounts.throttle import counter_hit, window_hit
from lastmile.testing.concurrency import run_parallel


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_hits_are_all_counted():
    workers, hits = 12, 10

    def count() -> None:
        for _ in range(hits):
            counter_hit("rate:test:203.0.113.1", window=600)

    run_parallel([count] * workers)
    assert counter_hit("rate:test:203.0.113.1", window=600) == workers * hits + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_rate_counter_hits_are_all_counted():
    """The rate limit's counter table: one upsert per hit, none lost, one row per client."""
    workers, hits = 12, 10

    def count() -> None:
        for _ in range(hits):
            window_hit("rate:test:203.0.113.2", window=600)

    run_parallel([count] * workers)
    assert window_hit("rate:test:203.0.113.2", window=600) == workers * hits + 1
