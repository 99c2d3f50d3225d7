"""Reads of service (送达), scoped to the actor's court."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.documents.models import Document

from .models import AttemptOutcome, OrderStatus, ServiceAttempt, ServiceMethod, ServiceOrder
from .services import SERVING_CAPABILITIES


def _require_staff(actor: User) -> None:
    if not any(actor_can(actor, cap) for cap in (*SERVING_CAPABILITIES, "case.view")):
        raise PermissionDenied("您没有查看送达情况的权限。")


def orders_visible_to(actor: User) -> QuerySet[ServiceOrder]:
    _require_staff(actor)
    if actor.court_id is None:
        return ServiceOrder.objects.none()
    return ServiceOrder.objects.filter(court_id=actor.court_id or 0).select_related(
        "case", "document", "recipient"
    )


def orders_filter(
    qs: QuerySet[ServiceOrder],
    *,
    query: str = "",
    created_from: date | None = None,
    created_to: date | None = None,
) -> QuerySet[ServiceOrder]:
    """Service orders narrowed by a case number, a recipient's name or ID number, and the day the
    order was started."""
    if query := query.strip()[:64]:
        partial = query.replace("(", "（").replace(")", "）")
        qs = qs.filter(
            Q(case__number__contains=partial)
            | Q(recipient__name__contains=query)
            | Q(recipient__id_number=query.upper())
        )
    if created_from:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to:
        qs = qs.filter(created_at__date__lte=created_to)
    return qs


def order_get_for(*, actor: User, order_id: int) -> ServiceOrder:
    order = orders_visible_to(actor).filter(pk=order_id).first()
    if order is None:
        raise NotFound("送达记录不存在或您无权查看。")
    return order


def orders_of_case(case: Case) -> QuerySet[ServiceOrder]:
    return (
        ServiceOrder.objects.filter(case=case)
        .select_related("document", "recipient")
        .prefetch_related("attempts", "service_attempts")
        .order_by("pk")
    )


def attempts_of_order(order: ServiceOrder) -> QuerySet[ServiceAttempt]:
    return order.service_attempts.select_related("receipt_document", "letter_document").order_by("pk")


def orders_awaiting_method(actor: User) -> QuerySet[ServiceOrder]:
    """Orders of the actor's court not served and with nothing in progress: they wait for another
    method (direct, mail, 委托, 转交) or, when the law allows, public notice."""
    return (
        orders_visible_to(actor)
        .filter(status=OrderStatus.FAILED)
        .exclude(service_attempts__outcome=AttemptOutcome.PENDING)
        .order_by("case__number", "pk")
    )


def mail_pending(actor: User) -> QuerySet[ServiceAttempt]:
    """Mail attempts of the actor's court still waiting for their return receipt."""
    _require_staff(actor)
    return (
        ServiceAttempt.objects.filter(
            order__court_id=actor.court_id or 0, method=ServiceMethod.MAIL, outcome=AttemptOutcome.PENDING
        )
        .select_related("order__case", "order__recipient", "order__document")
        .order_by("started_at", "pk")
    )


def documents_unserved(actor: User) -> QuerySet[Document]:
    """Issued documents of the actor's court with parties and no service order yet (for batch
    electronic service); documents that only go to institutions are not listed."""
    _require_staff(actor)
    if actor.court_id is None:
        return Document.objects.none()
    return (
        Document.objects.filter(court_id=actor.court_id or 0, status="issued", service_orders__isnull=True)
        .exclude(template__code__in=UNSERVED_TEMPLATES)
        .select_related("case")
        .order_by("-issued_at", "-pk")
    )


# The service's own papers and papers addressed to institutions are not served on the parties.
UNSERVED_TEMPLATES = (
    "service_receipt",
    "service_commission_letter",
    "service_transfer_letter",
    "service_public_notice",
    "calculation_statement",
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
