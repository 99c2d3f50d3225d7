"""Public pages (no login): the dishonest-debtor list query (失信被执行人名单查询) and the 终本
case information query (终本案件信息查询).

Only masked fields are ever rendered; every response is scanned for unmasked ID numbers before it
is sent (:func:`lastmile.measures.publication.unmasked_id_numbers`), and queries are rate-limited
per client address, counted in the database every process shares (:mod:`lastmile.accounts.throttle`).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lastmile.accounts.throttle import client_address, rate_limited
from lastmile.core.clock import get_clock
from lastmile.core.errors import InvalidIdentifier
from lastmile.enforcement.selectors import public_zhongben_search
from lastmile.measures.publication import unmasked_id_numbers
from lastmile.measures.rules import measures_setting
from lastmile.measures.selectors import PublicListing, identity_key, public_dishonest_search

logger = logging.getLogger(__name__)

RATE_LIMITED_MESSAGE = "查询过于频繁，请稍后再试。"


def throttle(request: HttpRequest, scope: str = "dishonest") -> bool:
    """Count one query for the client; True when it is over the limit for the current window.

    The client is ``REMOTE_ADDR``, or behind a trusted proxy (``LASTMILE_TRUSTED_PROXIES``) the
    right-most untrusted X-Forwarded-For address; the count is shared by every web process."""
    limit = int(measures_setting("PUBLIC_QUERY_RATE"))  # type: ignore[call-overload]
    window = int(measures_setting("PUBLIC_QUERY_WINDOW_SECONDS"))  # type: ignore[call-overload]
    return rate_limited(scope=f"public-{scope}", address=client_address(request), limit=limit, window=window)


def guarded(response: HttpResponse) -> HttpResponse:
    """Refuse to send a response that carries an unmasked ID number."""
    if response.streaming:
        return response
    leaks = unmasked_id_numbers(response.content.decode("utf-8", "replace"))
    if leaks:
        logger.error("public output blocked: %d unmasked ID number(s)", len(leaks))
        return HttpResponse(_("系统错误，请稍后再试。"), status=500, content_type="text/plain; charset=utf-8")
    return response


def search(request: HttpRequest) -> tuple[list[PublicListing] | None, str, int]:
    """Run the public query from ``request.GET``: (results or None, error message, status)."""
    name = request.GET.get("name", "").strip()
    identity = request.GET.get("id", "").strip()
    if not name and not identity:
        return None, "", 200
    if throttle(request):
        return None, RATE_LIMITED_MESSAGE, 429
    try:
        return public_dishonest_search(name=name, identity=identity, today=get_clock().today()), "", 200
    except InvalidIdentifier as exc:
        return None, exc.message, 400


def _masked_input(identity: str) -> str:
    from lastmile.core.identifiers import mask_resident_id

    try:
        key = identity_key(identity)
    except InvalidIdentifier:
        return ""
    if len(key) == 18 and key[:17].isdigit():
        return mask_resident_id(key)
    return key  # a credit code is public


def dishonest(request: HttpRequest) -> HttpResponse:
    results, error, status = search(request)
    response = render(
        request,
        "portal/public/dishonest.html",
        {
            "results": results,
            "error": error,
            "name": request.GET.get("name", ""),
            # the typed ID is never echoed back in full
            "identity_masked": _masked_input(request.GET.get("id", "")),
        },
        status=status,
    )
    return guarded(response)


def zhongben(request: HttpRequest) -> HttpResponse:
    """终本案件信息查询 (终本规定 2016 art. 10): by name, narrowed by the identifier; rate-limited
    and scanned like the 失信 query."""
    name = request.GET.get("name", "").strip()
    identity = request.GET.get("id", "").strip()
    results, error, status = None, "", 200
    if name or identity:
        if throttle(request, scope="zhongben"):
            error, status = RATE_LIMITED_MESSAGE, 429
        elif not name:
            error, status = _("请输入被执行人姓名或名称。"), 400
        else:
            try:
                results = public_zhongben_search(name=name, identity=identity_key(identity))
            except InvalidIdentifier as exc:
                error, status = exc.message, 400
    response = render(
        request,
        "portal/public/zhongben.html",
        {"results": results, "error": error, "name": name, "identity_masked": _masked_input(identity)},
        status=status,
    )
    return guarded(response)
