"""Service API (``/api/v1/service``): orders of the court with their proof; a channel's delivery
receipt; starting another method of the law (direct, mail, 委托, 转交) and recording what came back;
public notice when the law allows it (CPL 2023 art. 95); batches of them, all or nothing, with
every wrong row named by its code. A first-instance civil case's public notice goes through the
trial stage (民诉解释 2022 art. 140)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock
from lastmile.core.errors import ConditionsNotMet, NotFound

from . import selectors, services
from .error_codes import ServiceErrorCode
from .models import DeliveryAttempt, ServiceAttempt, ServiceOrder

router = Router(tags=["service"])


class AttemptOut(Schema):
    id: int
    channel: str
    address: str
    status: str
    delivered_at: datetime | None
    read_at: datetime | None
    error: str


class ProofOut(Schema):
    """One attempt by a method other than electronic, with its proof and legal date."""

    id: int
    method: str
    method_label: str
    outcome: str
    started_at: datetime
    address: str
    tracking_number: str
    agency: str
    transfer_via: str
    signer: str
    signer_relation: str
    signed_on: date | None
    refusal: str
    witnesses: str
    record_ref: str
    failure: str
    medium: str
    grounds: str
    published_on: date | None
    served_on: date | None
    receipt_document: int | None
    letter_document: int | None
    legal_basis: dict[str, str]


class ServiceOrderOut(Schema):
    id: int
    case: str
    document: str
    recipient: str
    method: str
    method_label: str
    status: str
    status_label: str
    served_on: date | None
    notice_ends_on: date | None
    reason: str
    legal_basis: dict[str, str]
    attempts: list[AttemptOut]
    proofs: list[ProofOut]


def _proof(a: ServiceAttempt) -> ProofOut:
    return ProofOut(
        id=a.pk,
        method=a.method,
        method_label=str(a.get_method_display()),
        outcome=a.outcome,
        started_at=a.started_at,
        address=a.address,
        tracking_number=a.tracking_number,
        agency=a.agency,
        transfer_via=a.transfer_via,
        signer=a.signer,
        signer_relation=a.signer_relation,
        signed_on=a.signed_on,
        refusal=a.refusal,
        witnesses=a.witnesses,
        record_ref=a.record_ref,
        failure=a.failure,
        medium=a.medium,
        grounds=a.grounds,
        published_on=a.published_on,
        served_on=a.served_on,
        receipt_document=a.receipt_document_id,
        letter_document=a.letter_document_id,
        legal_basis=a.legal_basis or {},
    )


def _out(o: ServiceOrder) -> ServiceOrderOut:
    return ServiceOrderOut(
        id=o.pk,
        case=o.case.number,
        document=f"{o.document.title} {o.document.number}",
        recipient=o.recipient.name,
        method=o.method,
        method_label=str(o.get_method_display()),
        status=o.status,
        status_label=str(o.get_status_display()),
        served_on=o.served_on,
        notice_ends_on=o.notice_ends_on,
        reason=o.reason,
        legal_basis=o.legal_basis or {},
        proofs=[_proof(a) for a in o.service_attempts.all()],
        attempts=[
            AttemptOut(
                id=a.pk,
                channel=a.channel,
                address=a.address,
                status=a.status,
                delivered_at=a.delivered_at,
                read_at=a.read_at,
                error=a.error,
            )
            for a in o.attempts.all()
        ],
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class ServiceReceiptIn(Schema):
    delivered_at: datetime | None = None
    read_at: datetime | None = None
    failed: bool = False
    error: str = ""


@router.get("/orders", response=list[ServiceOrderOut], summary="送达记录")
def orders(request: HttpRequest, status: str = "") -> list[ServiceOrderOut]:
    qs = (
        selectors.orders_visible_to(_user(request))
        .prefetch_related("attempts", "service_attempts")
        .order_by("-pk")
    )
    if status:
        qs = qs.filter(status=status)
    return [_out(o) for o in qs[:200]]


@router.get("/orders/{order_id}", response=ServiceOrderOut, summary="一条送达记录及其送达凭证")
def order_detail(request: HttpRequest, order_id: int) -> ServiceOrderOut:
    return _out(selectors.order_get_for(actor=_user(request), order_id=order_id))


class AttemptStartIn(Schema):
    method: str = Field(
        description="direct 直接送达 | mail 邮寄送达 | commissioned 委托送达 | transferred 转交送达"
    )
    tracking_number: str = Field("", description="EMS 邮件单号（邮寄送达必填）")
    agency: str = Field("", description="受委托法院（委托）或代为转交的机关（转交）")
    transfer_via: str = Field("", description="army | prison | education（转交送达）")
    address: str = Field("", description="送达地址；空则用登记的送达地址或住所地")


@router.post("/orders/{order_id}/attempts", response=ProofOut, summary="以直接、邮寄、委托或转交方式送达")
def attempt_start(request: HttpRequest, order_id: int, body: AttemptStartIn) -> ProofOut:
    order = selectors.order_get_for(actor=_user(request), order_id=order_id)
    attempt = services.service_attempt_start(
        order=order,
        start=services.AttemptStart(**body.dict()),
        actor=_user(request),
        now=get_clock().now(),
    )
    return _proof(attempt)


class AttemptResultIn(Schema):
    outcome: str = Field(description="signed 签收 | left 留置 | failed 未能送达")
    on: date | None = Field(None, description="签收日期、留置日期或回执上的收件日期")
    signer: str = ""
    relation: str = Field("", description="self | family | legal_rep | receiver | agent | designee")
    refusal: str = ""
    witnesses: str = ""
    record_ref: str = ""
    failure: str = ""


@router.post("/service-attempts/{attempt_id}/result", response=ProofOut, summary="登记送达结果")
def attempt_result(request: HttpRequest, attempt_id: int, body: AttemptResultIn) -> ProofOut:
    attempt = (
        ServiceAttempt.objects.filter(pk=attempt_id, order__in=selectors.orders_visible_to(_user(request)))
        .select_related("order")
        .first()
    )
    if attempt is None:
        raise NotFound("送达记录不存在。")
    done = services.service_attempt_result_record(
        attempt=attempt,
        result=services.AttemptResult(**body.dict()),
        actor=_user(request),
        now=get_clock().now(),
    )
    return _proof(done)


class PublicNoticeIn(Schema):
    medium: str = Field("", description="公告媒体；默认人民法院公告网")
    whereabouts: str = Field("", description="下落不明时的查找经过")
    published_on: date | None = Field(None, description="最后张贴或刊登之日；默认今天")


@router.post(
    "/orders/{order_id}/public-notice", response=ServiceOrderOut, summary="公告送达（民事诉讼法第九十五条）"
)
def public_notice(request: HttpRequest, order_id: int, body: PublicNoticeIn) -> ServiceOrderOut:
    order = selectors.order_get_for(actor=_user(request), order_id=order_id)
    done = services.service_public_notice_request(
        order=order,
        actor=_user(request),
        now=get_clock().now(),
        medium=body.medium,
        whereabouts=body.whereabouts,
        published_on=body.published_on,
    )
    return _out(selectors.order_get_for(actor=_user(request), order_id=done.pk))


class BatchRowIn(Schema):
    order_id: int
    tracking_number: str = ""
    agency: str = ""
    transfer_via: str = ""


class BatchStartIn(Schema):
    method: str
    rows: list[BatchRowIn]


class BatchOut(Schema):
    done: list[dict[str, Any]]


def _report(report: services.BatchReport) -> BatchOut:
    if not report.ok:
        raise ConditionsNotMet(
            f"{len(report.errors)}处错误，未作任何登记。",
            code=ServiceErrorCode.BATCH_INVALID,
            unmet=sorted({str(e["code"]) for e in report.errors}),
            details={"errors": report.errors},
        )
    return BatchOut(done=report.done)


@router.post("/batch/start", response=BatchOut, summary="批量送达（全部成功或全部不登记）")
def batch_start(request: HttpRequest, body: BatchStartIn) -> BatchOut:
    rows = [services.BatchRow(**r.dict()) for r in body.rows]
    return _report(
        services.service_batch_start(
            method=body.method, rows=rows, actor=_user(request), now=get_clock().now()
        )
    )


class BatchDispatchIn(Schema):
    document_ids: list[int]


@router.post("/batch/dispatch", response=BatchOut, summary="批量电子送达文书")
def batch_dispatch(request: HttpRequest, body: BatchDispatchIn) -> BatchOut:
    return _report(
        services.service_batch_dispatch(
            document_ids=body.document_ids, actor=_user(request), now=get_clock().now()
        )
    )


class ResultRowIn(Schema):
    tracking_number: str = ""
    attempt_id: int | None = None
    outcome: str
    on: date | None = None
    signer: str = ""
    relation: str = ""
    refusal: str = ""
    witnesses: str = ""
    record_ref: str = ""
    failure: str = ""


class BatchResultsIn(Schema):
    rows: list[ResultRowIn]


@router.post("/batch/results", response=BatchOut, summary="批量登记送达结果（如邮寄回执）")
def batch_results(request: HttpRequest, body: BatchResultsIn) -> BatchOut:
    rows = [services.ResultRow(line=n, **r.dict()) for n, r in enumerate(body.rows, 1)]
    return _report(
        services.service_batch_results_record(rows=rows, actor=_user(request), now=get_clock().now())
    )


@router.post(
    "/attempts/{attempt_id}/receipt", response=ServiceOrderOut, summary="登记送达回执（到达、已读或失败）"
)
def receipt(request: HttpRequest, attempt_id: int, body: ServiceReceiptIn) -> ServiceOrderOut:
    attempt = DeliveryAttempt.objects.filter(
        pk=attempt_id, order__in=selectors.orders_visible_to(_user(request))
    ).first()
    if attempt is None:
        raise NotFound("送达记录不存在。")
    services.service_actor_check(_user(request), attempt.order.case)
    order = services.service_receipt_record(
        attempt=attempt,
        now=get_clock().now(),
        delivered_at=body.delivered_at,
        read_at=body.read_at,
        failed=body.failed,
        error=body.error,
    )
    return _out(order)
