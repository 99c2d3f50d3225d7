"""The port the domain owns for talking to institutions. Adapters live in
``lastmile.integrations.gateway`` and are chosen in ``LASTMILE["INQUIRY"]["GATEWAY"]``; the domain
never imports them (import-linter checks it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from lastmile.core.legal import LegalBasis

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


# --- 善意文明执行: the good-faith facts control consults (issue K item 11) ----------------------


@dataclass(frozen=True)
class Spare:
    """A good-faith rule that keeps a control act off an account or a home: what the rule says
    (Chinese, shown on the case page) and its legal basis (law, version, article)."""

    reason: str
    basis: LegalBasis

    def __str__(self) -> str:
        return f"{self.reason}（{self.basis}）"


class ControlGuard(Protocol):
    """The facts of 善意文明执行 that control consults when it acts, owned above or beside
    inquiry (the enterprise screening, the family-home designation and the 院长's written
    overrides are recorded in the measures app, which inquiry may not import). The adapter is
    chosen in ``LASTMILE["INQUIRY"]["GOOD_FAITH_GUARD"]`` like the gateway (docs/law.md,
    法发〔2019〕35号; 查封规定 2020 arts. 4, 10)."""

    def basic_account_spared(self, *, case: Any, party: Any, now: datetime) -> Spare | None:
        """Why the debtor's basic deposit account (基本存款账户) is not frozen or deducted, or None."""
        ...

    def home_in_use(self, *, case: Any, party: Any, property_ref: str, now: datetime) -> Spare | None:
        """Why the real-estate item ``property_ref`` is the family's necessary home (seized only
        left in use, 活封; never auctioned, sold or taken in payment), or None."""
        ...


class NoGuard:
    """No good-faith facts recorded anywhere (an inquiry-only deployment or test)."""

    def basic_account_spared(self, *, case: Any, party: Any, now: datetime) -> Spare | None:
        return None

    def home_in_use(self, *, case: Any, party: Any, property_ref: str, now: datetime) -> Spare | None:
        return None
