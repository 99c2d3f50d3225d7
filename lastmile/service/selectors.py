"""Reads of electronic service, scoped to the actor's court."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.documents.models import Document

from .models import OrderStatus, ServiceOrder
from .services import SERVING_CAPABILITIES


def _require_staff(actor: User) -> None:
    if not any(actor_can(actor, cap) for cap in (*SERVING_CAPABILITIES, "case.view")):
        raise PermissionDenied("您没有查看送达情况的权限。")


def orders_visible_to(actor: User) -> QuerySet[ServiceOrder]:
    _require_staff(actor)
    if actor.court_id is None:
        return ServiceOrder.objects.none()
    return ServiceOrder.objects.filter(court_id=actor.court_id).select_related(
        "case", "document", "recipient"
    )


def order_get_for(*, actor: User, order_id: int) -> ServiceOrder:
    order = orders_visible_to(actor).filter(pk=order_id).first()
    if order is None:
        raise NotFound("送达记录不存在或您无权查看。")
    return order


def orders_of_case(case: Case) -> QuerySet[ServiceOrder]:
    return (
        ServiceOrder.objects.filter(case=case)
        .select_related("document", "recipient")
        .prefetch_related("attempts")
        .order_by("pk")
    )


def orders_of_document(document: Document) -> QuerySet[ServiceOrder]:
    return ServiceOrder.objects.filter(document=document).select_related("recipient").order_by("pk")


@dataclass(frozen=True)
class DocumentService:
    """Where service of one document stands: the date each recipient was served (None: not yet)."""

    served_on: dict[int, date | None]
    failed: list[int]

    @property
    def complete(self) -> bool:
        return bool(self.served_on) and all(d is not None for d in self.served_on.values())

    @property
    def last_served_on(self) -> date | None:
        return max(d for d in self.served_on.values() if d is not None) if self.complete else None  # type: ignore[type-var]


def document_service_state(document: Document) -> DocumentService:
    served: dict[int, date | None] = {}
    failed: list[int] = []
    for order in orders_of_document(document):
        served[order.recipient_id] = order.served_on if order.status == OrderStatus.SERVED else None
        if order.status == OrderStatus.FAILED:
            failed.append(order.pk)
    return DocumentService(served_on=served, failed=failed)


def status_counts(actor: User) -> dict[str, int]:
    rows = orders_visible_to(actor).values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}
