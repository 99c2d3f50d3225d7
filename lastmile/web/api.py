"""The HTTP API (OpenAPI at /api/v1/docs). Each app contributes a router; errors carry codes.

Domain errors become ``{"code": ..., "message": ..., "details": ...}`` with the HTTP status
their class names (``http_status`` on each :class:`~lastmile.core.errors.DomainError` subclass),
so banks and institutions can act on the code and people can read the message. Every code is a
member of an app's ``error_codes`` enum.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from lastmile.auction.api import router as auction_router
from lastmile.cases.api import router as cases_router
from lastmile.core.db import busy_answer_for
from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import DomainError, error_body
from lastmile.documents.api import router as documents_router
from lastmile.enforcement.api import router as enforcement_router
from lastmile.filing.api import router as filing_router
from lastmile.inquiry.api import router as inquiry_router
from lastmile.ledger.api import router as ledger_router
from lastmile.measures.api import router as measures_router
from lastmile.mediation.api import router as mediation_router
from lastmile.portal.party_api import router as party_router
from lastmile.portal.public_api import router as public_router
from lastmile.service.api import router as service_router
from lastmile.statistics.api import router as statistics_router
from lastmile.trial.api import router as trial_router
from lastmile.valuation.api import router as valuation_router
from lastmile.watch.api import router as watch_router

logger = logging.getLogger("lastmile.api")

api = NinjaAPI(
    title="Lastmile API",
    version="1",
    description="最后一公里 — 法院金融案件与执行平台接口。错误以 code 字段标识。",
    auth=django_auth,
    urls_namespace="api",
)

# The code of an HTTP error raised by django-ninja itself (CSRF, throttling, HttpError(...)).
_CODE_BY_STATUS = {
    400: CoreErrorCode.INVALID_REQUEST,
    401: CoreErrorCode.UNAUTHENTICATED,
    403: CoreErrorCode.PERMISSION_DENIED,
    404: CoreErrorCode.NOT_FOUND,
    405: CoreErrorCode.METHOD_NOT_ALLOWED,
    409: CoreErrorCode.CONFLICT,
    413: CoreErrorCode.PAYLOAD_TOO_LARGE,
    422: CoreErrorCode.INVALID_REQUEST,
    429: CoreErrorCode.RATE_LIMITED,
}


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


# Every exception an operation can raise becomes ``{"code", "message", "details"}``: the most
# specific handler wins (django-ninja looks handlers up along the exception's MRO), and the
# catch-all on ``Exception`` answers 500 ``internal_error`` only for what nothing else names.


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.http_status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, CoreErrorCode.INVALID_REQUEST, "请求参数有误。", {"errors": exc.errors})


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, CoreErrorCode.UNAUTHENTICATED, "请先登录。")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 403 and "CSRF" in str(exc):
        return _error(request, 403, CoreErrorCode.CSRF_FAILED, "请求缺少有效的CSRF令牌，请刷新页面后重试。")
    return _error(request, status, _CODE_BY_STATUS.get(status, CoreErrorCode.HTTP_ERROR), str(exc))


@api.exception_handler(DjangoValidationError)
def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(
        request,
        400,
        CoreErrorCode.INVALID_REQUEST,
        "请求参数有误。",
        {"errors": [str(m) for m in exc.messages]},
    )


# Exceptions answered with a fixed status, code and message, whatever they carry.
_FIXED_ANSWERS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (Http404, 404, CoreErrorCode.NOT_FOUND, "对象不存在或无权查看。"),
    (ObjectDoesNotExist, 404, CoreErrorCode.NOT_FOUND, "对象不存在或无权查看。"),
    (DjangoPermissionDenied, 403, CoreErrorCode.PERMISSION_DENIED, "您没有执行此操作的权限。"),
    (RequestDataTooBig, 413, CoreErrorCode.PAYLOAD_TOO_LARGE, "请求数据过大。"),
    (SuspiciousOperation, 400, CoreErrorCode.INVALID_REQUEST, "请求无法处理。"),
    # SQLite cannot bind an integer beyond 64 bits; PostgreSQL refuses a value outside its
    # column's range: such an id or number names nothing.
    (OverflowError, 400, CoreErrorCode.INVALID_REQUEST, "请求中的数值超出范围。"),
    (DataError, 400, CoreErrorCode.INVALID_REQUEST, "请求中的数值超出范围。"),
)


def _fixed_answer(
    status: int, code: str, message: str
) -> Callable[[HttpRequest, Exception | type[Exception]], HttpResponse]:
    def handler(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        return _error(request, status, code, message)

    return handler


for _exc, _status, _code, _message in _FIXED_ANSWERS:
    api.add_exception_handler(_exc, _fixed_answer(_status, _code, _message))


@api.exception_handler(Exception)
def internal_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Last resort: log the traceback, answer 500 with a code and no internals (503
    ``service_busy`` when the database was only too busy: :func:`lastmile.core.db.busy_answer_for`)."""
    busy = busy_answer_for(request, exc)
    if busy is not None:
        return busy
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return _error(request, 500, CoreErrorCode.INTERNAL_ERROR, "服务器内部错误，请稍后重试或联系管理员。")


@csrf_exempt
def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under /api/ that no operation serves: JSON 404, never an HTML page."""
    return JsonResponse(
        error_body(CoreErrorCode.NOT_FOUND, "接口不存在。"),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def _json_method_not_allowed(methods: set[str]) -> HttpResponse:
    response = JsonResponse(
        error_body(CoreErrorCode.METHOD_NOT_ALLOWED, "接口不支持该请求方法。", {"allowed": sorted(methods)}),
        status=405,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Allow"] = ", ".join(sorted(methods))
    return response


# The public lists first: the anonymous, high-volume reads try the fewest URL patterns.
api.add_router("/public", public_router)
api.add_router("/cases", cases_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/funds", ledger_router)
api.add_router("/documents", documents_router)
api.add_router("/measures", measures_router)
api.add_router("/inquiry", inquiry_router)
api.add_router("/stats", statistics_router)
api.add_router("/party", party_router)
api.add_router("/filing", filing_router)
api.add_router("/mediation", mediation_router)
api.add_router("/trial", trial_router)
api.add_router("/service", service_router)
api.add_router("/auction", auction_router)
api.add_router("/valuation", valuation_router)
api.add_router("/watch", watch_router)


# A method no operation of a path serves answers JSON 405 (django-ninja's own answer is plain text).
# The bound routers are the ones whose views api.urls mounts.
def _not_allowed_for(methods: set[str]) -> Callable[[], HttpResponse]:
    return lambda: _json_method_not_allowed(methods)


for _bound in api._get_bound_routers():
    for _path_view in _bound.path_operations.values():
        _path_view._not_allowed = _not_allowed_for(  # type: ignore[method-assign]
            {m for op in _path_view.operations for m in op.methods}
        )
