"""Public API (no login): mounted at /api/v1/public. Masked output only, rate-limited per IP.

``GET /api/v1/public/dishonest`` is the busiest anonymous read of the platform, so it has a lean
path (:class:`PublicQueryMiddleware`): the same answer as the documented operation, without the
URL resolution, django-ninja's per-request parameter model and the middleware an anonymous GET
never uses (sessions, CSRF, authentication, messages, htmx). The security headers are kept:
Django's ``SecurityMiddleware`` runs before it, and the locale, common (allowed hosts,
Content-Length) and X-Frame-Options middleware run inside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja import Router

from lastmile.core.db import busy_answer_for
from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import error_body

from .public_views import guarded, search

logger = logging.getLogger("lastmile.api")

router = Router(auth=None)

DISHONEST_PATH = "/api/v1/public/dishonest"
_JSON = "application/json; charset=utf-8"


def _json(body: dict[str, object], status: int) -> HttpResponse:
    # orjson writes UTF-8 as it is (json.dumps(ensure_ascii=False)), several times faster
    return HttpResponse(orjson.dumps(body), status=status, content_type=_JSON)


def dishonest_response(request: HttpRequest) -> HttpResponse:
    """The answer to ``GET /api/v1/public/dishonest`` (the operation below and the lean path):
    ``{"count", "results"}``, or ``{"code", "message", "details"}`` with 400 or 429; scanned for
    unmasked ID numbers before it is sent."""
    results, error, status = search(request)
    if status == 429:
        return guarded(_json(error_body(CoreErrorCode.RATE_LIMITED, error), status))
    if status != 200:
        return guarded(_json(error_body(CoreErrorCode.INVALID_IDENTIFIER, error), status))
    if results is None:
        return guarded(_json(error_body(CoreErrorCode.INVALID_REQUEST, "请输入被执行人姓名或名称。"), 400))
    return guarded(_json({"count": len(results), "results": [r.as_dict() for r in results]}, 200))


@router.get("/dishonest", url_name="public_dishonest_api", summary="失信被执行人名单查询")
def dishonest(request: HttpRequest, name: str = "", id: str = "") -> HttpResponse:
    """Query by name (required) and, to narrow it, ID number or unified social credit code.
    Returns ``{"count", "results"}``; 429 ``rate_limited`` when over the per-IP limit."""
    return dishonest_response(request)


def _dishonest_lean(request: HttpRequest) -> HttpResponse:
    try:
        return dishonest_response(request)
    except Exception as exc:  # the API's last resort (lastmile.web.api.internal_error), in JSON
        busy = busy_answer_for(request, exc)
        if busy is not None:
            return busy
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return _json(
            error_body(CoreErrorCode.INTERNAL_ERROR, "服务器内部错误，请稍后重试或联系管理员。"), 500
        )


# What LocaleMiddleware decides, by (Cookie, Accept-Language) header: a pure function of the two
# where no i18n_patterns are used, and the same few pairs come again and again.
_LANGUAGE_BY_HEADERS: dict[tuple[str, str], str] = {}
_LANGUAGE_CACHE_MAX = 1024


class LeanLocaleMiddleware:
    """LocaleMiddleware for the lean path, with its decision remembered: the same language
    activated, ``request.LANGUAGE_CODE``, ``Vary: Accept-Language`` and ``Content-Language`` as
    Django's (the lean path's test compares the headers with the whole stack's), without parsing
    the cookies and Accept-Language of every request (about 60 µs of the path's 330 µs of CPU).
    Only used where the URLconf has no ``i18n_patterns`` (then the path plays no part)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = (request.META.get("HTTP_COOKIE", ""), request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        language = _LANGUAGE_BY_HEADERS.get(key)
        if language is None:
            language = translation.get_language_from_request(request, check_path=False)
            if len(_LANGUAGE_BY_HEADERS) < _LANGUAGE_CACHE_MAX:
                _LANGUAGE_BY_HEADERS[key] = language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PublicQueryMiddleware:
    """Serve ``GET /api/v1/public/dishonest`` on the lean path; pass everything else on.

    Sits right after ``SecurityMiddleware`` and WhiteNoise in ``MIDDLEWARE``. Other methods and
    paths (a trailing slash, ``HEAD``, ``POST``) go the usual way, to the operation or its JSON
    404/405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        lean: Any = convert_exception_to_response(_dishonest_lean)
        i18n_patterns_used, _ = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
        locale = LocaleMiddleware if i18n_patterns_used else LeanLocaleMiddleware
        for middleware in (XFrameOptionsMiddleware, CommonMiddleware, locale):  # inner first
            lean = middleware(lean)
        self.lean: Callable[[HttpRequest], HttpResponse] = lean

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == DISHONEST_PATH and request.method == "GET":
            return self.lean(request)
        return self.get_response(request)
