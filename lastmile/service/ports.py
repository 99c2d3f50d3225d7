"""The port electronic service goes through. Domain code calls :func:`service_port`; the adapter
is ``LASTMILE["COURT_CASES"]["SERVICE_ADAPTER"]`` (a dotted path). A real adapter (SMS gateway,
mail server, the court's 电子送达平台) belongs in ``lastmile/integrations``; the placeholder here
simulates one deterministically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils.module_loading import import_string

from .conf import court_cases_setting


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str  # "sms" | "email" | "platform" | "wechat"
    address: str
    case_number: str
    title: str
    document_number: str
    document_sha256: str
    link: str = ""


@dataclass(frozen=True)
class DeliveryReceipt:
    """What the channel reported: accepted or not, and (when known) arrival and read times."""

    accepted: bool
    message_id: str = ""
    delivered_at: datetime | None = None
    read_at: datetime | None = None
    error: str = ""


class ElectronicServicePort(Protocol):
    name: str

    def send(self, message: OutgoingMessage, *, now: datetime) -> DeliveryReceipt:
        """Send one message; the receipt may already carry arrival (and read) times, or they come
        later through :func:`lastmile.service.services.service_receipt_record`."""
        ...


def service_port() -> ElectronicServicePort:
    port: ElectronicServicePort = import_string(str(court_cases_setting("SERVICE_ADAPTER")))()
    return port
