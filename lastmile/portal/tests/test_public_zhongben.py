"""The public 终本案件信息 query (终本规定 2016 art. 10): what a 终本 closing publishes is found by the
public by name (and identifier), masked; it is taken down when the case is restored."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from lastmile.enforcement.models import ClosingMethod, ZhongbenPublication
from lastmile.enforcement.services import clue_submit, clue_verify, enforcement_close, enforcement_restore
from lastmile.testing.enforcement import at, file_case, zhongben_ready

__all__ = ["file_case"]

pytestmark = pytest.mark.django_db

PAGE = "/portal/public/zhongben/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def closed(file_case, officer, president):
    case = file_case(at(2025, 3, 3))
    zhongben_ready(case, officer=officer, president=president, now=at(2025, 5, 6))
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 6, 16))
    return case


def test_a_zhongben_case_is_found_by_name_and_identity_masked(public_client, closed, debtor):
    r = public_client.get(PAGE, {"name": debtor.name})
    body = r.content.decode()
    assert r.status_code == 200
    assert closed.number in body and "终本日期" in body and "2025年6月16日" in body
    assert debtor.id_number not in body  # masked (the guard would refuse to send it)
    assert debtor.id_number[:10] + "****" in body
    # the identifier narrows; another identifier finds nothing
    assert (
        closed.number
        in public_client.get(PAGE, {"name": debtor.name, "id": debtor.id_number}).content.decode()
    )
    other = "11010519491231002X"
    assert "未查询到" in public_client.get(PAGE, {"name": debtor.name, "id": other}).content.decode()


def test_bad_input_is_a_chinese_error_and_no_500(public_client, closed, debtor):
    r = public_client.get(PAGE, {"name": debtor.name, "id": "12345"})
    assert r.status_code == 400 and "请输入正确的身份证号码" in r.content.decode()
    r = public_client.get(PAGE, {"id": debtor.id_number})
    assert r.status_code == 400 and "请输入被执行人姓名或名称" in r.content.decode()


def test_restoring_the_case_takes_the_entry_down(public_client, closed, debtor, officer, bank):
    clue = clue_submit(
        case=closed, kind="asset", description="新发现车辆", submitted_by=bank.name, now=at(2025, 9, 1)
    )
    clue = clue_verify(clue=clue, actor=officer, now=at(2025, 9, 2), valid=True, note="属实")
    enforcement_restore(case=closed, actor=officer, now=at(2025, 9, 2), clue=clue)
    assert ZhongbenPublication.objects.get(case=closed).withdrawn_on is not None
    assert "未查询到" in public_client.get(PAGE, {"name": debtor.name}).content.decode()


def test_rate_limited(public_client, closed, debtor, settings):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "MEASURES": {"PUBLIC_QUERY_RATE": 2, "PUBLIC_QUERY_WINDOW_SECONDS": 60},
    }
    for _ in range(2):
        assert public_client.get(PAGE, {"name": debtor.name}).status_code == 200
    assert public_client.get(PAGE, {"name": debtor.name}).status_code == 429
