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
