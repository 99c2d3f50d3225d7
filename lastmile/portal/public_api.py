"""Public API (no login): mounted at /api/v1/public. Masked output only, rate-limited per IP."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router

from lastmile.core.error_codes import CoreErrorCode

from .public_views import guarded, search

router = Router(auth=None)


@router.get("/dishonest", url_name="public_dishonest_api", summary="失信被执行人名单查询")
def dishonest(request: HttpRequest, name: str = "", id: str = "") -> HttpResponse:
    """Query by name (required) and, to narrow it, ID number or unified social credit code.
    Returns ``{"count", "results"}``; 429 ``rate_limited`` when over the per-IP limit."""
    results, error, status = search(request)
    if status == 429:
        body: dict[str, object] = {"code": CoreErrorCode.RATE_LIMITED, "message": error, "details": {}}
    elif status != 200:
        body = {"code": CoreErrorCode.INVALID_IDENTIFIER, "message": error, "details": {}}
    elif results is None:
        body = {"code": CoreErrorCode.INVALID_REQUEST, "message": "请输入被执行人姓名或名称。", "details": {}}
        status = 400
    else:
        body = {"count": len(results), "results": [r.as_dict() for r in results]}
    return guarded(
        HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    )
