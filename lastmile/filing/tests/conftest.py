from __future__ import annotations

import pytest

from lastmile.filing.services import api_key_issue, institution_client_upsert
from lastmile.testing.factories import make_uscc


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def institution(yuelu, now):
    return institution_client_upsert(
        name="长沙银行股份有限公司岳麓支行", uscc=make_uscc(), courts=[yuelu], now=now, contact="刘经理"
    )


@pytest.fixture
def api_key(institution, now) -> str:
    return api_key_issue(client=institution, now=now, label="测试")[1]


@pytest.fixture
def today(now):
    from django.utils import timezone

    return timezone.localtime(now).date()


@pytest.fixture
def worker(now):
    """Stands in for ``lastmile db_worker``: process every queued batch (uploads are never
    processed in the request)."""
    from lastmile.filing.models import FINISHED_STATUSES, IntakeBatch
    from lastmile.filing.services import batch_process

    def run() -> None:
        for pk in IntakeBatch.objects.exclude(status__in=FINISHED_STATUSES).values_list("pk", flat=True):
            batch_process(batch_id=pk, now=now)

    return run
