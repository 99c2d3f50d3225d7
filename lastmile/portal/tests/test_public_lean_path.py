"""``GET /api/v1/public/dishonest`` on its lean path (``public_api.PublicQueryMiddleware``) answers
exactly what the documented operation answers through the whole stack, headers included, and
skips only what an anonymous read never uses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from lastmile.measures.tests.helpers import enforcement_case, list_debtor, person
from lastmile.portal import public_api

pytestmark = pytest.mark.django_db

API = "/api/v1/public/dishonest"
LEAN = "lastmile.portal.public_api.PublicQueryMiddleware"
HEADERS = (
    "Content-Type",
    "Content-Length",
    "Content-Language",
    "Vary",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def debtor(yuelu, officer, president, clock, now):
    debtor = person(name="王小明", seq=31)
    case = enforcement_case(court=yuelu, officer=officer, debtor=debtor, now=now)
    list_debtor(officer=officer, president=president, case=case, subject=debtor, now=now, ground=3)
    return debtor


def _answer(client: Client, query: dict[str, str], **extra: Any) -> tuple[int, dict, dict[str, str | None]]:
    r = client.get(API, query, **extra)
    return r.status_code, json.loads(r.content), {h: r.headers.get(h) for h in HEADERS}


def test_the_lean_path_answers_as_the_documented_operation(debtor, settings):
    assert settings.MIDDLEWARE[2] == LEAN  # right after SecurityMiddleware and WhiteNoise
    settings.LASTMILE = {**settings.LASTMILE, "MEASURES": {"PUBLIC_QUERY_RATE": 5}}
    queries = [
        {"name": "王小明", "id": debtor.id_number},  # found, masked
        {"name": "王小明", "id": person(name="王小明", seq=77).id_number},  # a namesake: none
        {"name": "王小明", "id": "12345"},  # 400 invalid_identifier
        {"name": "王"},  # 400: at least two characters
        {"name": "王小明"},  # the fifth: still within the limit
        {"name": "王小明"},  # 429 rate_limited
    ]
    lean = [_answer(Client(), q) for q in queries]
    cache.clear()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != LEAN]
    full = [_answer(Client(), q, REMOTE_ADDR="10.0.0.2") for q in queries]
    assert lean == full
    assert [status for status, _, _ in lean] == [200, 200, 400, 400, 200, 429]
    assert lean[0][1]["count"] == 1 and lean[1][1] == {"count": 0, "results": []}
    assert lean[2][1]["code"] == "invalid_identifier" and "身份证号码" in lean[2][1]["message"]
    assert lean[5][1] == {"code": "rate_limited", "message": "查询过于频繁，请稍后再试。", "details": {}}
    headers = lean[0][2]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Language"] == "zh-hans" and headers["Content-Length"]


def test_the_lean_path_skips_sessions_and_authentication(debtor):
    r = Client().get(API, {"name": "王小明"})
    assert r.status_code == 200
    assert not hasattr(r.wsgi_request, "session") and not hasattr(r.wsgi_request, "user")
    assert "sessionid" not in r.cookies and "csrftoken" not in r.cookies
    # any other method or path takes the whole stack: ninja's JSON 405 and the API's JSON 404
    post = Client().post(API, {"name": "王小明"})
    assert post.status_code == 405 and json.loads(post.content)["code"] == "method_not_allowed"
    assert hasattr(post.wsgi_request, "session")
    slash = Client().get(API + "/", {"name": "王小明"})
    assert slash.status_code == 404 and json.loads(slash.content)["code"] == "not_found"


def test_the_lean_path_checks_the_host_and_answers_a_crash_in_json(debtor, monkeypatch):
    assert Client().get(API, {"name": "王小明"}, HTTP_HOST="evil.example").status_code == 400

    def crash(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(public_api, "search", crash)
    r = Client(raise_request_exception=False).get(API, {"name": "王小明"})
    assert r.status_code == 500
    assert json.loads(r.content)["code"] == "internal_error" and "boom" not in r.content.decode()
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_lean_path_answers_a_busy_database_503(debtor, monkeypatch):
    from django.db import OperationalError

    def locked(request):
        raise OperationalError("database is locked")

    monkeypatch.setattr(public_api, "search", locked)
    r = Client(raise_request_exception=False).get(API, {"name": "王小明"})
    assert r.status_code == 503 and r["Retry-After"] == "5"
    assert json.loads(r.content)["code"] == "service_busy"


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"},
        {"HTTP_ACCEPT_LANGUAGE": "fr"},
        {"HTTP_COOKIE": "django_language=en"},
        {"HTTP_COOKIE": "django_language=xx", "HTTP_ACCEPT_LANGUAGE": "zh-CN"},
    ],
)
def test_the_lean_locale_decides_as_django_does(debtor, settings, extra):
    """The lean path remembers the language decided for a Cookie and Accept-Language pair
    (public_api.LeanLocaleMiddleware): asked twice, it answers as LocaleMiddleware through the
    whole stack, Content-Language and Vary included."""
    public_api._LANGUAGE_BY_HEADERS.clear()
    lean = [_answer(Client(), {"name": "王小明"}, **extra) for _ in range(2)]
    cache.clear()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != LEAN]
    full = _answer(Client(), {"name": "王小明"}, REMOTE_ADDR="10.0.0.3", **extra)
    assert lean[0] == lean[1] == full
    assert full[2]["Vary"] and "Accept-Language" in full[2]["Vary"]
