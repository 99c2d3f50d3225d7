"""Batch filing API (``/api/v1/filing``): banks file with their key (header ``X-Api-Key``),
court staff with their session. Errors carry a ``code`` (``batch_id_conflict``,
``court_not_allowed``, ``batch_refused``, ``not_found`` …)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.security import APIKeyHeader, django_auth
from pydantic import Field, ValidationError

from lastmile.accounts.models import Court, User
from lastmile.core.clock import get_clock
from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import DomainError, NotFound, PayloadTooLarge
from lastmile.core.inputs import int_or_none

from . import selectors, services
from .conf import filing_setting
from .models import InstitutionClient, IntakeBatch


class InstitutionKey(APIKeyHeader):
    """An institution's API key in the ``X-Api-Key`` header; only its digest is stored."""

    param_name = "X-Api-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> InstitutionClient | None:
        if not key:
            return None
        return services.api_key_authenticate(key=key, now=get_clock().now())


router = Router(tags=["filing"], auth=[InstitutionKey(), django_auth])


class IntakeBatchOut(Schema):
    id: int
    batch_id: str
    court: str
    client: str
    source: str
    status: str
    status_label: str
    message: str
    total_rows: int
    ok_rows: int
    error_rows: int
    created_cases: int
    progress_done: int
    progress_total: int
    percent: int
    finished: bool
    replayed: bool = False


class RowErrorOut(Schema):
    field: str
    column: str
    code: str
    message: str


class ErrorRowOut(Schema):
    row: int
    contract_no: str
    errors: list[RowErrorOut]


class CreatedRowOut(Schema):
    row: int
    contract_no: str
    case_id: int
    case_number: str


class BatchJsonIn(Schema):
    batch_id: str = Field(..., max_length=64, description="机构批次号（幂等键）")
    court: str = Field("", description="法院代字，如 湘0104；机构只获准一个法院时可省略")
    client: int | None = Field(None, description="法院工作人员代机构提交时，机构编号")
    rows: list[dict[str, Any]] = Field(..., description="数据行，键为表头（如 借款人姓名）")


def _out(batch: IntakeBatch, replayed: bool = False) -> IntakeBatchOut:
    return IntakeBatchOut(**selectors.batch_summary(batch).as_dict(), replayed=replayed)


def _batch_for(request: HttpRequest, batch_id: int) -> IntakeBatch:
    principal = request.auth  # type: ignore[attr-defined]
    if isinstance(principal, InstitutionClient):
        return selectors.batch_get_for_client(client=principal, batch_id=batch_id)
    return selectors.batch_get_for(actor=principal, batch_id=batch_id)


def _court_and_client(
    principal: Any, court_code: str, client_id: int | None
) -> tuple[Court, InstitutionClient]:
    if isinstance(principal, InstitutionClient):
        if court_code:
            court = Court.objects.filter(code=court_code.strip()).first()
            if court is None:
                raise NotFound(f"法院代字“{court_code}”不存在。")
        else:
            allowed = list(principal.courts.all()[:2])
            if len(allowed) != 1:
                raise services.BatchRefused("请指定法院代字（court）。")
            court = allowed[0]
        return court, principal
    user: User = principal
    if user.court is None:
        raise NotFound("您不属于任何法院。")
    client = InstitutionClient.objects.filter(pk=client_id).first() if client_id else None
    if client is None:
        raise services.BatchRefused("请选择申请机构（client）。")
    return user.court, client


@router.post(
    "/batches",
    response={200: IntakeBatchOut, 201: IntakeBatchOut},
    summary="提交批量立案批次（上传XLSX/CSV文件或提交JSON数据行）",
    description=(
        "multipart/form-data：file（XLSX，或UTF-8/GBK编码的CSV）、batch_id、court；"
        "或 application/json：{batch_id, court, rows:[{表头: 值}]}。"
        "同一批次号、相同内容重复提交返回原批次（replayed=true，不重复立案）；"
        "同一批次号、不同内容返回 409 batch_id_conflict。文件只作快速检查后保存（XLSX解压后超过上限"
        "或压缩比异常即返回 400 upload_too_large），由后台逐行读取和立案，返回 status=received，"
        "请查询批次进度。"
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", "batch_id"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "batch_id": {"type": "string"},
                            "court": {"type": "string"},
                            "client": {"type": "integer"},
                        },
                    }
                },
                "application/json": {"schema": BatchJsonIn.model_json_schema()},
            }
        }
    },
)
def batch_submit(request: HttpRequest):  # type: ignore[no-untyped-def]
    # A refusal answers with its class's status: 409 batch_id_conflict, 403 court_not_allowed.
    result = _submit(request)
    return Status(200 if result.replayed else 201, _out(result.batch, result.replayed))


def _json_body(request: HttpRequest) -> bytes:
    """The JSON body, up to the batch limit ``MAX_UPLOAD_BYTES`` (50 MiB, as for files), not
    Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, meant for forms). Larger: 413 ``payload_too_large``."""
    limit = int(filing_setting("MAX_UPLOAD_BYTES"))
    declared = int_or_none(request.META.get("CONTENT_LENGTH") or "0")
    body = b""
    if declared is None or declared <= limit:
        body = request.read(limit + 1)
    if len(body) > limit or (declared is not None and declared > limit):
        raise PayloadTooLarge(
            f"批次数据超过{limit // (1024 * 1024)} MiB上限，请拆分后提交。",
            details={"limit_bytes": limit},
        )
    return body


def _submit(request: HttpRequest) -> services.BatchSubmission:
    principal = request.auth  # type: ignore[attr-defined]
    now = get_clock().now()
    actor = None if isinstance(principal, InstitutionClient) else principal
    if (request.content_type or "").startswith("application/json"):
        try:
            body = BatchJsonIn.model_validate(json.loads(_json_body(request) or b"{}"))
        except (ValueError, ValidationError) as exc:
            raise DomainError(
                "请求数据格式有误。", code=CoreErrorCode.INVALID_REQUEST, details={"error": str(exc)[:500]}
            ) from None
        court, client = _court_and_client(principal, body.court, body.client)
        result = services.batch_submit(
            court=court,
            client=client,
            external_id=body.batch_id,
            now=now,
            actor=actor,
            via_api=actor is None,
            rows=body.rows,
        )
    else:
        upload = request.FILES.get("file")
        if upload is None:
            raise services.BatchRefused("请上传文件（file）。")
        client_id = request.POST.get("client")
        court, client = _court_and_client(
            principal,
            request.POST.get("court", ""),
            int_or_none(client_id),
        )
        result = services.batch_submit(
            court=court,
            client=client,
            external_id=request.POST.get("batch_id", ""),
            now=now,
            actor=actor,
            via_api=actor is None,
            filename=upload.name or "",
            content=upload.read(),
        )
    return result


@router.get("/batches", response=list[IntakeBatchOut], summary="批次列表（最近的在前）")
def batch_list(request: HttpRequest, limit: int = Query(50, ge=0)):  # type: ignore[no-untyped-def]
    principal = request.auth  # type: ignore[attr-defined]
    if isinstance(principal, InstitutionClient):
        qs = selectors.batches_of_client(principal)
    else:
        qs = selectors.batches_visible_to(principal)
    return [_out(b) for b in qs[: min(limit, 200)]]


@router.get("/batches/{batch_id}", response=IntakeBatchOut, summary="批次状态、计数与进度")
def batch_get(request: HttpRequest, batch_id: int):  # type: ignore[no-untyped-def]
    return _out(_batch_for(request, batch_id))


@router.get("/batches/{batch_id}/errors", response=list[ErrorRowOut], summary="未受理行及原因")
def batch_errors(request: HttpRequest, batch_id: int):  # type: ignore[no-untyped-def]
    batch = _batch_for(request, batch_id)
    return [
        ErrorRowOut(row=r.row_number, contract_no=r.contract_no, errors=[RowErrorOut(**e) for e in r.errors])
        for r in selectors.batch_error_rows(batch)
    ]


@router.get("/batches/{batch_id}/cases", response=list[CreatedRowOut], summary="已立案的行及案号")
def batch_created(request: HttpRequest, batch_id: int):  # type: ignore[no-untyped-def]
    batch = _batch_for(request, batch_id)
    return [
        CreatedRowOut(
            row=r.row_number, contract_no=r.contract_no, case_id=r.case_id, case_number=r.case.number
        )
        for r in selectors.batch_created_rows(batch)
        if r.case is not None and r.case_id is not None
    ]


@router.get("/batches/{batch_id}/errors.xlsx", summary="下载错误报告（XLSX）")
def batch_error_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_for(request, batch_id)
    response = HttpResponse(
        services.batch_error_report(batch=batch),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.xlsx"'
    return response
