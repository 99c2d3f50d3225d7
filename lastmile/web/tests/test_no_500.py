"""No input gives a 500 (issue I.10): each input that answered 500 on main, and the error shape.

Every API error is JSON ``{"code", "message", "details"}``; a page with a bad id answers a
Chinese 404 page. The property-based run of the whole schema is in ``test_api_fuzz.py``.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**64


@pytest.fixture
def staff(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="h7_judge")


@pytest.fixture
def api(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    return client


def _error_json(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert body["code"] == code, body
    assert set(body) >= {"code", "message", "details"}
    return body


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/cases", Role.ENFORCEMENT_JUDGE),
        ("/api/v1/enforcement/cases", Role.ENFORCEMENT_JUDGE),
        ("/api/v1/filing/batches", Role.FILING_CLERK),
    ],
)
def test_negative_limit_is_a_validation_error(yuelu, path, role):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(court=yuelu, role=role, username="h7_limit"))
    _error_json(client.get(path, {"limit": -1}), 422, "invalid_request")
    assert client.get(path, {"limit": 0}).status_code == 200


def test_an_id_beyond_64_bits_is_an_error_code_not_a_500(api):
    # SQLite cannot bind it (OverflowError); PostgreSQL answers "out of range" (DataError)
    response = api.get("/api/v1/enforcement/cases", {"officer_id": BEYOND_64_BITS})
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    response = api.post(
        "/api/v1/mediation/assign",
        {"case_ids": [BEYOND_64_BITS], "mediator_id": BEYOND_64_BITS},
        content_type="application/json",
    )
    assert response.status_code < 500, response.content[:300]
    assert "code" in json.loads(response.content)
    _error_json(api.get(f"/api/v1/cases/{BEYOND_64_BITS}"), 404, "not_found")


def test_a_non_numeric_case_id_on_the_payout_action_is_a_404_page(yuelu):
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="h7_finance")
    client = Client(raise_request_exception=False)
    client.force_login(finance)
    url = reverse("ledger:payout_action", args=[1, "approve"])
    response = client.post(url, {"case_id": "abc"})
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_enforcement_of_a_mediation_without_agreement_is_refused_with_a_code(
    cc_file_rows, cc_mediator, clerk, now
):
    from lastmile.cases.models import Case
    from lastmile.mediation import services

    (case,) = cc_file_rows([3])
    (mediation,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    before = Case.objects.count()
    response = client.post(f"/api/v1/mediation/{mediation.pk}/enforcement")
    body = _error_json(response, 409, "conditions_not_met")
    assert body["details"]["unmet"]
    assert Case.objects.count() == before


def _batch_json(size: int) -> bytes:
    row = {"借款人姓名": "张三", "备注": "x" * 1000}
    n = size // 1100 + 1
    return json.dumps(
        {"batch_id": "BIG-1", "court": "湘0104", "rows": [row] * n}, ensure_ascii=False
    ).encode()


def test_a_json_batch_over_2_5_mb_is_accepted_for_processing_up_to_the_documented_50_mib(
    yuelu, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    body = _batch_json(3 * 1024 * 1024)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post("/api/v1/filing/batches", body, content_type="application/json")
    # read past Django's 2.5 MiB form limit: the answer is about the content (no client chosen)
    body_json = _error_json(response, 400, "batch_refused")
    assert "client" in body_json["message"]


def test_a_json_batch_over_the_limit_is_413_json(yuelu, clerk, settings):
    settings.LASTMILE = {**settings.LASTMILE, "FILING": {**settings.LASTMILE.get("FILING", {})}}
    settings.LASTMILE["FILING"]["MAX_UPLOAD_BYTES"] = 1024 * 1024
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.post(
        "/api/v1/filing/batches", _batch_json(2 * 1024 * 1024), content_type="application/json"
    )
    body = _error_json(response, 413, "payload_too_large")
    assert body["details"]["limit_bytes"] == 1024 * 1024


def test_every_api_error_is_json_with_a_code(api):
    _error_json(Client().get("/api/v1/cases"), 401, "unauthenticated")
    _error_json(api.get("/api/v1/no-such-thing"), 404, "not_found")
    _error_json(api.post("/api/v1/no-such-thing"), 404, "not_found")
    _error_json(api.delete("/api/v1/cases"), 405, "method_not_allowed")
    _error_json(api.get("/api/v1/cases/abc"), 422, "invalid_request")
    _error_json(
        api.post("/api/v1/mediation/assign", "{not json", content_type="application/json"),
        400,
        "invalid_request",
    )
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(UserFactory(role=Role.FILING_CLERK, username="h7_csrf"))
    _error_json(
        csrf.post("/api/v1/mediation/assign", {}, content_type="application/json"), 403, "csrf_failed"
    )


def test_an_unexpected_error_is_logged_and_answered_internal_error(api, monkeypatch, caplog):
    from lastmile.cases import selectors

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "case_search", boom)
    with caplog.at_level(logging.ERROR, logger="lastmile.api"):
        response = api.get("/api/v1/cases")
    body = _error_json(response, 500, "internal_error")
    assert "boom" not in json.dumps(body)
    assert any("boom" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_a_busy_database_is_answered_503_service_busy_not_500(api, monkeypatch):
    """SQLite's write lock not had within the busy timeout: the request changed nothing and may be
    sent again; the API says so in JSON, a page in Chinese, both with Retry-After."""
    from django.db import OperationalError

    from lastmile.cases import selectors
    from lastmile.web import case_lists

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(selectors, "case_search", locked)
    monkeypatch.setattr(case_lists, "case_list", locked)
    response = api.get("/api/v1/cases")
    body = _error_json(response, 503, "service_busy")
    assert body["message"] == "系统繁忙，请稍后重试。" and response["Retry-After"] == "5"
    page = api.get("/cases/")
    assert page.status_code == 503 and "系统繁忙" in page.content.decode()
    assert page["Retry-After"] == "5"
