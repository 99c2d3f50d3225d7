"""Electronic service (电子送达): send a document to every party's consented electronic addresses,
record the channels' receipts and settle the date of service.

Rules:

- CPL 2023 art. 90: electronic service needs the recipient's consent; it is served on the day the
  message reaches the recipient's system.
- 在线诉讼规则 2021 arts. 29–31: consent may be express, agreed in a contract, shown by supplying
  the address, or shown by conduct. An address the recipient provided or confirmed (here: consent
  ``express``, ``contract`` or ``provided``, or ``confirmed``) is served on arrival; otherwise the
  recipient's reply or act, or a "read" report, serves it. With several channels the earliest
  valid one counts.

An order electronic service could not complete is ``failed``: it waits for another method
(:mod:`.methods`); public notice is not its next step unless the law's conditions hold.

Sending goes through :class:`~lastmile.service.ports.ElectronicServicePort`; the messages are sent
before the rows are written, so a crash in between makes a re-dispatch send again (the adapter's
message id is a digest of the message, so the gateway can drop the duplicate).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date as _local_day
from lastmile.documents.models import Document
from lastmile.parties.models import ElectronicAddress, Party
from lastmile.service.kinds import ServiceEvent

from ..models import AttemptOutcome, AttemptStatus, DeliveryAttempt, OrderStatus, ServiceMethod, ServiceOrder
from ..ports import DeliveryReceipt, ElectronicServicePort, OutgoingMessage, service_port
from .common import BASIS_E_SERVICE, BASIS_E_SERVICE_DATE, order_event, service_actor_check

PROVIDED_CONSENT = ("express", "contract", "provided")


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
        order_event(
            order,
            kind=ServiceEvent.SERVED,
            summary=f"{order.document.title}已电子送达{order.recipient.name}（{order.served_on:%Y-%m-%d}）",
            actor=None,
            now=now,
            legal_basis=BASIS_E_SERVICE_DATE,
            served_at=moment,
        )
    elif (
        attempts
        and all(a.status == AttemptStatus.FAILED for a in attempts)
        and not order.service_attempts.filter(outcome=AttemptOutcome.PENDING).exists()
    ):
        # a direct or mail attempt still under way keeps the order being served
        order.status = OrderStatus.FAILED
        order.reason = "；".join(sorted({a.error for a in attempts if a.error}))[:256] or "电子送达未成功"
        order.save(update_fields=["status", "reason"])
        order_event(
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
