"""Writes of electronic service (电子送达): send a document to every party's consented electronic
addresses, record the channels' receipts, settle the date of service, and fall back to public
notice (公告送达).

Rules:

- CPL 2023 art. 90: electronic service needs the recipient's consent; it is served on the day the
  message reaches the recipient's system.
- 在线诉讼规则 2021 arts. 29–31: consent may be express, agreed in a contract, shown by supplying
  the address, or shown by conduct. An address the recipient provided or confirmed (here: consent
  ``express``, ``contract`` or ``provided``, or ``confirmed``) is served on arrival; otherwise the
  recipient's reply or act, or a "read" report, serves it. With several channels the earliest
  valid one counts.
- CPL 2023 art. 95: public notice is served when 30 days have passed since publication (period
  counted under art. 85: the publication day is not counted, a last day on a holiday rolls on).
  Not for simplified procedure (民诉解释 art. 140): the trial stage converts first.

Sending goes through :class:`~lastmile.service.ports.ElectronicServicePort`; the messages are sent
before the rows are written, so a crash in between makes a re-dispatch send again (the adapter's
message id is a digest of the message, so the gateway can drop the duplicate).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date as _local_day
from lastmile.core.errors import InvalidTransition, PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.periods import period_end
from lastmile.documents.context import party_context
from lastmile.documents.models import Document
from lastmile.documents.services import document_issue
from lastmile.parties.models import ElectronicAddress, Party, ServiceChannel
from lastmile.service.kinds import ServiceEvent

from .models import AttemptStatus, DeliveryAttempt, OrderStatus, ServiceMethod, ServiceOrder
from .ports import DeliveryReceipt, ElectronicServicePort, OutgoingMessage, service_port

ONLINE_RULES = "人民法院在线诉讼规则"
BASIS_E_SERVICE = cpl(90)
BASIS_E_SERVICE_DATE = LegalBasis(ONLINE_RULES, "2021", "29、30、31")
BASIS_PUBLIC_NOTICE = cpl(95)
PUBLIC_NOTICE_DAYS = 30  # CPL 2023 art. 95 (60 days before the 2021 amendment)
PROVIDED_CONSENT = ("express", "contract", "provided")
SERVING_CAPABILITIES = ("trial.work", "mediation.work", "enforcement.work", "document.issue")


def service_actor_check(actor: User | None, case: Case) -> None:
    """Staff who serve documents: judges, mediators, enforcement staff of the case's court.
    ``actor=None`` is the system (a sweep, a gateway callback)."""
    if actor is None:
        return
    if not any(actor_can(actor, cap) for cap in SERVING_CAPABILITIES):
        raise PermissionDenied("您没有送达文书的权限。", details={"capability": "service"})
    if actor.court_id != case.court_id:
        raise PermissionDenied("不能操作其他法院的案件或数据。", details={"court": case.court.code})


def address_counts_on_arrival(address: ElectronicAddress) -> bool:
    """在线诉讼规则 art. 30: an address the recipient provided or confirmed is served on arrival."""
    return address.confirmed or address.consent_kind in PROVIDED_CONSENT


def served_moment(attempts: Iterable[DeliveryAttempt]) -> datetime | None:
    """The earliest valid moment of service over all channels (在线诉讼规则 art. 31): arrival at an
    address the recipient provided or confirmed, else the "read" report."""
    moments = []
    for a in attempts:
        if a.status != AttemptStatus.DELIVERED:
            continue
        if a.provided and a.delivered_at is not None:
            moments.append(a.delivered_at)
        elif a.read_at is not None:
            moments.append(a.read_at)
    return min(moments) if moments else None


def _settle(order: ServiceOrder, *, now: datetime) -> ServiceOrder:
    """Recompute the order from its attempts (called under the order's row lock)."""
    if order.status in (OrderStatus.SERVED, OrderStatus.NOTICE):
        return order
    attempts = list(order.attempts.all())
    moment = served_moment(attempts)
    if moment is not None:
        order.status = OrderStatus.SERVED
        order.served_at = moment
        order.served_on = _local_day(moment)
        order.reason = ""
        order.legal_basis = BASIS_E_SERVICE_DATE.as_dict()
        order.save(update_fields=["status", "served_at", "served_on", "reason", "legal_basis"])
        _order_event(
            order,
            kind=ServiceEvent.SERVED,
            summary=f"{order.document.title}已电子送达{order.recipient.name}（{order.served_on:%Y-%m-%d}）",
            actor=None,
            now=now,
            legal_basis=BASIS_E_SERVICE_DATE,
            served_at=moment,
        )
    elif attempts and all(a.status == AttemptStatus.FAILED for a in attempts):
        order.status = OrderStatus.FAILED
        order.reason = "；".join(sorted({a.error for a in attempts if a.error}))[:256] or "电子送达未成功"
        order.save(update_fields=["status", "reason"])
        _order_event(
            order,
            kind=ServiceEvent.FAILED,
            summary=f"{order.document.title}向{order.recipient.name}电子送达未成功：{order.reason}",
            actor=None,
            now=now,
            legal_basis=BASIS_E_SERVICE,
        )
    return order


def _recipients_of(case: Case) -> list[Party]:
    seen: dict[int, Party] = {}
    for cp in CaseParty.objects.filter(case=case).select_related("party").order_by("role", "position"):
        seen.setdefault(cp.party_id, cp.party)
    return list(seen.values())


def service_dispatch(
    *,
    document: Document,
    actor: User | None,
    now: datetime,
    recipients: Sequence[Party] | None = None,
    port: ElectronicServicePort | None = None,
) -> list[ServiceOrder]:
    """Serve ``document`` on each recipient (default: every party of its case) at each of the
    recipient's consented electronic addresses. Idempotent per (document, recipient): a recipient
    already served or being served is skipped. A recipient without a consented address gets a
    ``failed`` order at once (CPL 2023 art. 90 needs consent), for the fallback to pick up."""
    case = document.case
    service_actor_check(actor, case)
    port = port or service_port()
    wanted = list(recipients) if recipients is not None else _recipients_of(case)
    existing = set(ServiceOrder.objects.filter(document=document).values_list("recipient_id", flat=True))
    orders: list[ServiceOrder] = []
    for party in wanted:
        if party.pk in existing:
            continue
        addresses = _consented_addresses(party)
        receipts = _send_to_addresses(addresses, case=case, document=document, port=port, now=now)
        orders.append(
            _order_record(
                case=case,
                document=document,
                party=party,
                addresses=addresses,
                receipts=receipts,
                actor=actor,
                now=now,
            )
        )
    return orders


def _consented_addresses(party: Party) -> list[ElectronicAddress]:
    """The party's electronic addresses with some consent (CPL 2023 art. 90), oldest first."""
    return [
        a
        for a in ElectronicAddress.objects.filter(party=party).order_by("pk")
        if a.consent_kind or a.confirmed
    ]


def _send_to_addresses(
    addresses: list[ElectronicAddress],
    *,
    case: Case,
    document: Document,
    port: ElectronicServicePort,
    now: datetime,
) -> list[tuple[ElectronicAddress, DeliveryReceipt]]:
    """Send the document to each address through the port (before any row is written)."""
    receipts: list[tuple[ElectronicAddress, DeliveryReceipt]] = []
    for address in addresses:
        message = OutgoingMessage(
            channel=address.channel,
            address=address.address,
            case_number=case.number,
            title=document.title,
            document_number=document.number,
            document_sha256=document.sha256,
        )
        receipts.append((address, port.send(message, now=now)))
    return receipts


def _order_record(
    *,
    case: Case,
    document: Document,
    party: Party,
    addresses: list[ElectronicAddress],
    receipts: list[tuple[ElectronicAddress, DeliveryReceipt]],
    actor: User | None,
    now: datetime,
) -> ServiceOrder:
    """Write one recipient's order, its attempts and the case event in one transaction, then
    settle the order from the receipts already in hand; no address gives a ``failed`` order."""
    with transaction.atomic():
        order = ServiceOrder.objects.create(
            court=case.court,
            case=case,
            document=document,
            recipient=party,
            method=ServiceMethod.ELECTRONIC,
            status=OrderStatus.SENT if addresses else OrderStatus.FAILED,
            reason="" if addresses else "受送达人未同意电子送达或未提供电子送达地址",
            legal_basis=BASIS_E_SERVICE.as_dict(),
            created_at=now,
            created_by=actor,
        )
        DeliveryAttempt.objects.bulk_create(
            [_attempt_row(order, address, r, now=now) for address, r in receipts]
        )
        case_event_record(
            case=case,
            kind=ServiceEvent.SENT,
            summary=(
                f"向{party.name}电子送达{document.title}（{len(addresses)}个渠道）"
                if addresses
                else f"{party.name}未同意电子送达，{document.title}须另行送达"
            ),
            actor=actor,
            now=now,
            data={
                "order": order.pk,
                "document": document.pk,
                "recipient": party.pk,
                "channels": [a.channel for a in addresses],
            },
            legal_basis=BASIS_E_SERVICE,
        )
        if addresses:
            order = _settle(order, now=now)
    return order


def _attempt_row(
    order: ServiceOrder, address: ElectronicAddress, r: DeliveryReceipt, *, now: datetime
) -> DeliveryAttempt:
    """The (unsaved) attempt row for one channel's receipt at sending."""
    return DeliveryAttempt(
        order=order,
        e_address=address,
        channel=address.channel,
        address=address.address,
        provided=address_counts_on_arrival(address),
        message_id=r.message_id,
        status=(
            AttemptStatus.FAILED
            if not r.accepted
            else AttemptStatus.DELIVERED
            if r.delivered_at
            else AttemptStatus.SENT
        ),
        sent_at=now,
        delivered_at=r.delivered_at if r.accepted else None,
        read_at=r.read_at if r.accepted else None,
        error=r.error[:256],
    )


@transaction.atomic
def service_receipt_record(
    *,
    attempt: DeliveryAttempt,
    now: datetime,
    delivered_at: datetime | None = None,
    read_at: datetime | None = None,
    failed: bool = False,
    error: str = "",
) -> ServiceOrder:
    """A channel's later report (arrival, read, or failure). Idempotent: a time already known is
    kept (the first report wins), a failure after arrival is ignored."""
    order = ServiceOrder.objects.select_for_update().get(pk=attempt.order_id)
    locked = DeliveryAttempt.objects.select_for_update().get(pk=attempt.pk)
    fields: list[str] = []
    if failed and locked.status != AttemptStatus.DELIVERED:
        locked.status, locked.error = AttemptStatus.FAILED, error[:256] or "发送失败"
        fields += ["status", "error"]
    if delivered_at is not None and locked.delivered_at is None and locked.status != AttemptStatus.FAILED:
        locked.delivered_at, locked.status = max(delivered_at, locked.sent_at), AttemptStatus.DELIVERED
        fields += ["delivered_at", "status"]
    if read_at is not None and locked.read_at is None and locked.status == AttemptStatus.DELIVERED:
        locked.read_at = read_at
        fields.append("read_at")
    if fields:
        locked.save(update_fields=sorted(set(fields)))
    return _settle(order, now=now)


@transaction.atomic
def service_public_notice(*, order: ServiceOrder, actor: User | None, now: datetime) -> ServiceOrder:
    """Publish a public notice for an order electronic service could not complete; it is served
    when 30 days have passed (CPL 2023 art. 95). The caller decides whether the procedure allows it
    (民诉解释 art. 140: not in simplified procedure)."""
    locked = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("case", "document", "recipient")
        .get(pk=order.pk)
    )
    service_actor_check(actor, locked.case)
    if locked.status != OrderStatus.FAILED:
        raise InvalidTransition("只有电子送达未成功的文书才能公告送达。", details={"status": locked.status})
    published = _local_day(now)
    ends = period_end(published, PUBLIC_NOTICE_DAYS)
    locked.method = ServiceMethod.PUBLIC_NOTICE
    locked.status = OrderStatus.NOTICE
    locked.notice_published_on = published
    locked.notice_ends_on = ends
    locked.legal_basis = BASIS_PUBLIC_NOTICE.as_dict()
    locked.save(update_fields=["method", "status", "notice_published_on", "notice_ends_on", "legal_basis"])
    _order_event(
        locked,
        kind=ServiceEvent.PUBLIC_NOTICE,
        summary=f"向{locked.recipient.name}公告送达{locked.document.title}，公告期满日{ends:%Y-%m-%d}",
        actor=actor,
        now=now,
        legal_basis=BASIS_PUBLIC_NOTICE,
        published_on=published,
        ends_on=ends,
    )
    return locked


def service_sweep(*, now: datetime) -> int:
    """Public notices whose 30 days have passed are served (on the last day of the period)."""
    today = _local_day(now)
    done = 0
    for pk in ServiceOrder.objects.filter(status=OrderStatus.NOTICE, notice_ends_on__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            order = (
                ServiceOrder.objects.select_for_update(of=("self",))
                .select_related("case", "document", "recipient")
                .get(pk=pk)
            )
            if order.status != OrderStatus.NOTICE or order.notice_ends_on is None:
                continue
            order.status = OrderStatus.SERVED
            order.served_on = order.notice_ends_on
            order.save(update_fields=["status", "served_on"])
            _order_event(
                order,
                kind=ServiceEvent.SERVED,
                summary=f"{order.document.title}公告期满，视为已向{order.recipient.name}送达",
                actor=None,
                now=now,
                legal_basis=BASIS_PUBLIC_NOTICE,
                served_on=order.served_on,
            )
            done += 1
    return done


def _order_event(
    order: ServiceOrder,
    *,
    kind: ServiceEvent,
    summary: str,
    actor: User | None,
    now: datetime,
    legal_basis: LegalBasis,
    **data: Any,
) -> None:
    """Record what happened to one service order on its case's timeline."""
    case_event_record(
        case=order.case,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        data={"order": order.pk, "document": order.document_id, "recipient": order.recipient_id, **data},
        legal_basis=legal_basis,
    )


def service_receipt_issue(*, order: ServiceOrder, actor: User | None, now: datetime) -> Document:
    """The 送达回证 of a served order (template ``service_receipt``), issued through documents."""
    method = order.get_method_display()
    if order.method == ServiceMethod.ELECTRONIC:
        labels = dict(ServiceChannel.choices)
        channels = sorted(
            {str(labels.get(a.channel, a.channel)) for a in order.attempts.all() if a.status == "delivered"}
        )
        if channels:
            method += "（" + "、".join(channels) + "）"
    return document_issue(
        case=order.case,
        template_code="service_receipt",
        context={
            "served_documents": f"{order.document.title}（{order.document.number}）",
            "method": str(method),
            "recipient": party_context(order.recipient),
        },
        actor=actor,
        now=now,
    )
