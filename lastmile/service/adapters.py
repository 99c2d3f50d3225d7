"""Placeholder adapter for electronic service: no message leaves the machine."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from .ports import DeliveryReceipt, OutgoingMessage


class SimulatedServiceAdapter:
    """Deterministic stand-in for the SMS / e-mail / platform gateways.

    Every message is accepted and reaches the recipient at ``now`` (the time passed in), except
    addresses listed in ``fail`` (refused: e.g. a number no longer in service) and addresses
    listed in ``undelivered`` (accepted but no arrival receipt yet). ``read_after`` adds a "read"
    report that long after arrival. The message id is a digest of the message, so a retry is
    recognisable.
    """

    name = "simulated"

    def __init__(
        self,
        *,
        fail: Iterable[str] = (),
        undelivered: Iterable[str] = (),
        read_after: timedelta | None = None,
    ) -> None:
        self.fail = set(fail)
        self.undelivered = set(undelivered)
        self.read_after = read_after
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage, *, now: datetime) -> DeliveryReceipt:
        self.sent.append(message)
        digest = hashlib.sha256(
            f"{message.channel}|{message.address}|{message.document_sha256}".encode()
        ).hexdigest()[:24]
        if message.address in self.fail:
            return DeliveryReceipt(accepted=False, message_id=digest, error="号码或地址无效，无法送达")
        if message.address in self.undelivered:
            return DeliveryReceipt(accepted=True, message_id=digest)
        read_at = now + self.read_after if self.read_after is not None else None
        return DeliveryReceipt(accepted=True, message_id=digest, delivered_at=now, read_at=read_at)
