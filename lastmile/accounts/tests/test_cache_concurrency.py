"""The shared counter loses no hit when many connections count at once (PostgreSQL)."""

from __future__ import annotations

import pytest

from lastmile.accounts.throttle import counter_hit
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
