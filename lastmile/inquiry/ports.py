"""The port the domain owns for talking to institutions. Adapters live in
``lastmile.integrations.gateway`` and are chosen in ``LASTMILE["INQUIRY"]["GATEWAY"]``; the domain
never imports them (import-linter checks it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

OutcomeKind = Literal["accepted", "result", "rejected", "retry"]


@dataclass(frozen=True)
class OutboundOrder:
    """One order as it goes on the wire: the institution, its idempotency key and its body."""

    institution: str
    key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class SendOutcome:
    """What came back from one send.

    - ``accepted``: the institution took the order; the result will come as a callback.
    - ``result``: the institution already has the result (a resend of a finished order);
      ``message`` has the same shape as a callback body and goes through the inbox.
    - ``rejected``: the institution refused the order for good (4xx with a code).
    - ``retry``: a network error, a timeout or a 5xx; try again later.
    """

    key: str
    kind: OutcomeKind
    message: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    http_status: int | None = None


class InstitutionGateway(Protocol):
    def send_many(self, orders: Sequence[OutboundOrder], *, timeout: float) -> list[SendOutcome]:
        """Send each order (in parallel where the adapter can); one outcome per order, same order."""
        ...
