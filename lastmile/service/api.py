"""Electronic service API (``/api/v1/service``): orders of the court and a channel's delivery
receipt. Public notice is decided by the stage that owns the case (e.g. the trial's fallback,
which first converts a simplified-procedure case, 民诉解释 art. 140)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.accounts.models import User
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound

from . import selectors, services
from .models import DeliveryAttempt, ServiceOrder

router = Router(tags=["service"])


class AttemptOut(Schema):
    id: int
    channel: str
    address: str
    status: str
    delivered_at: datetime | None
    read_at: datetime | None
    error: str


class ServiceOrderOut(Schema):
    id: int
    case: str
    document: str
    recipient: str
    method: str
    status: str
    status_label: str
    served_on: date | None
    notice_ends_on: date | None
    reason: str
    attempts: list[AttemptOut]


def _out(o: ServiceOrder) -> ServiceOrderOut:
    return ServiceOrderOut(
        id=o.pk,
        case=o.case.number,
        document=f"{o.document.title} {o.document.number}",
        recipient=o.recipient.name,
        method=o.method,
        status=o.status,
        status_label=str(o.get_status_display()),
        served_on=o.served_on,
        notice_ends_on=o.notice_ends_on,
        reason=o.reason,
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
    qs = selectors.orders_visible_to(_user(request)).prefetch_related("attempts").order_by("-pk")
    if status:
        qs = qs.filter(status=status)
    return [_out(o) for o in qs[:200]]


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
