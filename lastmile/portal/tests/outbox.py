"""A recording service adapter for tests that go through the pages (where the adapter is built
from settings): every message lands in :data:`OUTBOX`, which the test reads (e.g. the sign-up
code)."""

from __future__ import annotations

from datetime import datetime

from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.service.ports import DeliveryReceipt, OutgoingMessage

OUTBOX: list[OutgoingMessage] = []


class OutboxAdapter(SimulatedServiceAdapter):
    name = "outbox"

    def send(self, message: OutgoingMessage, *, now: datetime) -> DeliveryReceipt:
        OUTBOX.append(message)
        return super().send(message, now=now)
