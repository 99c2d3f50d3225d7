"""The institutions of the simulated year (banks, payment platforms, registries) answering the
inquiry app's orders in-process.

Each answer is a message stored in the inquiry inbox (:func:`lastmile.inquiry.services.inbox_store`),
as an institution's signed callback stores it, and applied by the inbox worker's own step
(:func:`lastmile.inquiry.services.inbox_apply`: the case's answers in one batch), so the inquiry
app records the orders, the assets found, the freezes, the deductions (booked by the ledger) and
the releases exactly as it does for real answers. The answers are given in the same event as
the orders, so no order of the simulated year is left for the dispatcher to send.

What a debtor holds is the case's plan: nothing when the case is to end in 终本, a deposit when a
bank deduction pays the debt, a house or a car when an auction does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from lastmile.cases.models import Case
from lastmile.inquiry.models import OPEN_ORDER_STATUSES, Order, OrderKind
from lastmile.inquiry.services import inbox_apply, inbox_store


@dataclass(frozen=True)
class Holding:
    """One asset of one debtor at one institution, as the institution reports it."""

    party_id: int
    institution: str  # an institution code of :data:`lastmile.inquiry.protocol.INSTITUTIONS`
    kind: str  # an :class:`~lastmile.inquiry.models.AssetKind` value
    identifier: str
    label: str = ""
    balance: Decimal | None = None

    def as_result(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "identifier": self.identifier, "label": self.label}
        if self.balance is not None:
            out["balance"] = str(self.balance)
        return out


def _result(order: Order, holdings: Sequence[Holding]) -> dict[str, Any]:
    """What the institution answers to ``order``: the debtor's holdings there for an inquiry;
    the amount asked for a freeze, deduction or release (the account holds it: the plan says so)."""
    ref = f"F{order.key[-20:]}"
    if order.kind == OrderKind.INQUIRE:
        return {
            "assets": [
                h.as_result()
                for h in holdings
                if h.party_id == order.party_id and h.institution == order.institution
            ]
        }
    if order.kind == OrderKind.FREEZE:
        return {"freeze_ref": ref, "frozen_amount": str(order.amount)}
    if order.kind == OrderKind.SEIZE:
        return {"freeze_ref": ref, "frozen_amount": "0"}
    if order.kind == OrderKind.DEDUCT:
        return {"deducted_amount": str(order.amount)}
    if order.kind == OrderKind.UNFREEZE:
        return {"released_amount": str(order.amount)}
    return {"renewed": True}


def orders_answer(*, case: Case, holdings: Sequence[Holding], now: datetime) -> int:
    """Answer every open order of ``case`` through the inquiry inbox (one INSERT per institution,
    then the worker's step applies the case's answers together), again while the answers give
    rise to new orders (a deposit found is frozen by the inquiry app's own plan). Returns how
    many orders are still open afterwards: 0 unless the inbox failed to apply an answer."""
    for _ in range(4):
        orders = list(Order.objects.filter(case=case, status__in=OPEN_ORDER_STATUSES).order_by("pk"))
        if not orders:
            return 0
        by_institution: dict[str, list[dict[str, Any]]] = {}
        for order in orders:
            by_institution.setdefault(order.institution, []).append(
                {
                    "message_id": f"sim-{order.key}",
                    "order_id": order.key,
                    "status": "done",
                    "result": _result(order, holdings),
                }
            )
        for institution, messages in by_institution.items():
            inbox_store(institution=institution, messages=messages, now=now)
        inbox_apply(now=now)
    return Order.objects.filter(case=case, status__in=OPEN_ORDER_STATUSES).count()
