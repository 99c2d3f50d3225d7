"""The HTTP API (OpenAPI at /api/v1/docs). Each app contributes a router; errors carry codes.

Domain errors become ``{"code": ..., "message": ..., "details": ...}`` with a matching HTTP
status, so banks and institutions can act on the code and people can read the message.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from lastmile.cases.api import router as cases_router
from lastmile.core.errors import DomainError
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

api = NinjaAPI(
    title="Lastmile API",
    version="1",
    description="最后一公里 — 法院金融案件与执行平台接口。错误以 code 字段标识。",
    auth=django_auth,
    urls_namespace="api",
)

_STATUS_BY_CODE = {
    "permission_denied": 403,
    "not_found": 404,
    "conflict": 409,
    "invalid_transition": 409,
    "conditions_not_met": 409,
}


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": exc.code, "message": exc.message, "details": exc.details or {}},
        status=_STATUS_BY_CODE.get(exc.code, 400),
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid_request", "message": "请求参数有误。", "details": {"errors": exc.errors}},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "unauthenticated", "message": "请先登录。", "details": {}}, status=401
    )


api.add_router("/cases", cases_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/funds", ledger_router)
api.add_router("/documents", documents_router)
api.add_router("/measures", measures_router)
api.add_router("/inquiry", inquiry_router)
api.add_router("/stats", statistics_router)
api.add_router("/public", public_router)
api.add_router("/party", party_router)
api.add_router("/filing", filing_router)
api.add_router("/mediation", mediation_router)
api.add_router("/trial", trial_router)
api.add_router("/service", service_router)
