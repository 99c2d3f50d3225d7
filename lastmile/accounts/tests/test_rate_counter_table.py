"""On PostgreSQL the rate counters live in an UNLOGGED table: a hit's commit does not wait for the
disk (migration 0006)."""

from __future__ import annotations

import pytest
from django.db import connection

from lastmile.accounts.models import RateCounter
from lastmile.accounts.throttle import window_hit


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_rate_counter_table_is_unlogged_and_counts():
    with connection.cursor() as cur:
        cur.execute("SELECT relpersistence FROM pg_class WHERE relname = %s", [RateCounter._meta.db_table])
        assert cur.fetchone() == ("u",)
    assert [window_hit("rate:t:198.51.100.1", window=60, now=1_700_000_000.0 + s) for s in (0, 1)] == [1, 2]
