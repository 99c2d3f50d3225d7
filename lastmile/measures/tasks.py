"""Daily jobs: expiry, publication after the grace period, automatic removal (失信规定 art. 10), the
履行情况 kept current after payments (arts. 6, 9)."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock

from . import services


@task()
def measures_daily() -> dict[str, int]:
    now = get_clock().now()
    return {
        "expired": services.measures_expire_due(now=now),
        "published": services.listings_publish_due(now=now),
        "removed": services.listings_auto_remove(now=now),
        "performance_updated": services.listings_performance_refresh(now=now),
    }
