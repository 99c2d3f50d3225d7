"""Reads of network inquiry and control, scoped to the actor's court."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import court_date
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.core.money import to_money
from lastmile.ledger.services import amount_outstanding

from . import protocol
from .conf import institution_order
from .models import (
    HOLDING_STATUSES,
    OPEN_ORDER_STATUSES,
    Asset,
    AssetKind,
    Control,
    Freeze,
    FreezeStatus,
    HeldResult,
    Order,
    OrderKind,
    OrderStatus,
)

ZERO = Decimal("0.00")
QUEUE_CAPABILITIES = ("inquiry.order", "enforcement.dispatch")


@dataclass
class InstitutionRow:
    code: str
    name: str
    channel: str
    status: str  # none / open / done / failed
    status_label: str
    found: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class ControlView:
    case: Case
    control: Control | None
    owed: Decimal
    held: Decimal
    deducted: Decimal
    institutions: list[InstitutionRow]
    assets: list[Asset]
    freezes: list[Freeze]
    open_orders: list[Order]
    failed_orders: list[Order]

    @property
    def budget(self) -> Decimal:
        return max(ZERO, self.owed - self.held)

    @property
    def busy(self) -> bool:
        return bool(self.open_orders) or any(r.status == "open" for r in self.institutions)


def case_control(*, case: Case, as_of: date) -> ControlView:
    """Everything the 查控 panel shows for ``case`` (the caller has checked access)."""
    control = Control.objects.filter(case=case).first()
    round_no = control.round if control else 0
    inquiries = (
        list(Order.objects.filter(case=case, kind=OrderKind.INQUIRE, round=round_no)) if round_no else []
    )
    assets = list(Asset.objects.filter(case=case).select_related("party"))
    found_by_inst: dict[str, int] = {}
    for a in assets:
        found_by_inst[a.institution] = found_by_inst.get(a.institution, 0) + 1
    rows = []
    by_inst: dict[str, list[Order]] = {}
    for o in inquiries:
        by_inst.setdefault(o.institution, []).append(o)
    for code in [i.code for i in protocol.INSTITUTIONS]:
        inst = protocol.institution(code)
        orders = by_inst.get(code, [])
        if not orders:
            status, label = "none", "未查询"
        elif any(o.is_open for o in orders):
            status, label = "open", "查询中"
        elif any(o.status == OrderStatus.FAILED for o in orders):
            status, label = "failed", "失败"
        else:
            status, label = "done", "已反馈"
        rows.append(
            InstitutionRow(
                code,
                inst.name,
                inst.channel,
                status,
                label,
                found_by_inst.get(code, 0),
                [o.last_error for o in orders if o.status == OrderStatus.FAILED],
            )
        )
    order_index = {c: i for i, c in enumerate(institution_order())}
    assets.sort(key=lambda a: (order_index.get(a.institution, 99), a.pk))
    freezes = list(Freeze.objects.filter(case=case).select_related("asset", "asset__party").order_by("-id"))
    held = to_money(
        Freeze.objects.filter(case=case, is_money=True, status__in=HOLDING_STATUSES).aggregate(
            s=Sum("amount_held")
        )["s"]
        or ZERO
    )
    deducted = to_money(Freeze.objects.filter(case=case).aggregate(s=Sum("amount_deducted"))["s"] or ZERO)
    case_orders = Order.objects.filter(case=case).select_related("asset", "party")
    return ControlView(
        case=case,
        control=control,
        owed=to_money(amount_outstanding(case=case, as_of=as_of)),
        held=held,
        deducted=deducted,
        institutions=rows,
        assets=assets,
        freezes=freezes,
        open_orders=list(case_orders.filter(status__in=OPEN_ORDER_STATUSES).exclude(kind=OrderKind.INQUIRE)),
        failed_orders=list(case_orders.filter(status=OrderStatus.FAILED, superseded=False)),
    )


def freeze_orders_in_flight(*, case: Case) -> dict[int, Order]:
    """Per freeze of ``case``, the deduction, release or renewal sent and not yet answered (the
    oldest when several): the case page shows it instead of offering the act again, and the
    services refuse a second one (:mod:`.services.freezes`)."""
    in_flight: dict[int, Order] = {}
    for order in Order.objects.filter(
        case=case,
        freeze__isnull=False,
        kind__in=(OrderKind.DEDUCT, OrderKind.UNFREEZE, OrderKind.RENEW),
        status__in=OPEN_ORDER_STATUSES,
    ).order_by("created_at", "pk"):
        assert order.freeze_id is not None
        in_flight.setdefault(order.freeze_id, order)
    return in_flight


def case_control_get_for(*, actor: User, case_id: int, as_of: date) -> ControlView:
    return case_control(case=case_get_for(actor=actor, case_id=case_id), as_of=as_of)


def _court_id(actor: User) -> int:
    return actor.court_id if actor.court_id is not None else -1


def _require_queue(actor: User) -> None:
    if not any(actor_can(actor, cap) for cap in QUEUE_CAPABILITIES):
        raise PermissionDenied("您没有查看查控指令队列的权限。", details={"capability": "inquiry.order"})


def orders_queue(*, actor: User) -> QuerySet[Order]:
    """The command center's queue: open and failed orders of the actor's court, oldest first."""
    _require_queue(actor)
    return (
        Order.objects.filter(court_id=_court_id(actor))
        .filter(
            Q(status__in=OPEN_ORDER_STATUSES)
            | Q(status=OrderStatus.FAILED, superseded=False)
            | Q(status=OrderStatus.HELD)
        )
        .select_related("case", "party")
        .order_by("status", "created_at", "id")
    )


def queue_counts(*, actor: User) -> dict[str, int]:
    qs = orders_queue(actor=actor)
    counts = dict.fromkeys(OrderStatus.values, 0)
    for status in qs.values_list("status", flat=True):
        counts[status] += 1
    return counts


def held_results_queue(*, actor: User) -> QuerySet[HeldResult]:
    """Institution results held for review (not booked) in the actor's court, unreviewed first."""
    _require_queue(actor)
    return (
        HeldResult.objects.filter(court_id=_court_id(actor))
        .select_related("case", "order", "order__party", "reviewed_by")
        .order_by(F("reviewed_at").asc(nulls_first=True), "-id")
    )


def held_result_get_for(*, actor: User, held_id: int) -> HeldResult:
    held = (
        HeldResult.objects.select_related("case", "case__court", "order")
        .filter(pk=held_id, court_id=_court_id(actor))
        .first()
    )
    if held is None or not actor_can(actor, "case.view"):
        raise NotFound("待核对的回报不存在或您无权查看。")
    return held


def freeze_get_for(*, actor: User, freeze_id: int) -> Freeze:
    freeze = (
        Freeze.objects.select_related("case", "case__court", "asset")
        .filter(pk=freeze_id, court_id=_court_id(actor))
        .first()
    )
    if freeze is None or not actor_can(actor, "case.view"):
        raise NotFound("冻结记录不存在或您无权查看。")
    return freeze


def asset_get_for(*, actor: User, asset_id: int) -> Asset:
    asset = (
        Asset.objects.select_related("case", "case__court")
        .filter(pk=asset_id, court_id=_court_id(actor))
        .first()
    )
    if asset is None or not actor_can(actor, "case.view"):
        raise NotFound("财产记录不存在或您无权查看。")
    return asset


def order_get_for(*, actor: User, order_id: int) -> Order:
    order = (
        Order.objects.select_related("case", "case__court")
        .filter(pk=order_id, court_id=_court_id(actor))
        .first()
    )
    if order is None or not actor_can(actor, "case.view"):
        raise NotFound("指令不存在或您无权查看。")
    return order


def money_frozen_total(*, case: Case) -> Decimal:
    """What the case's money freezes hold now (pending and active)."""
    return to_money(
        Freeze.objects.filter(case=case, is_money=True, status__in=HOLDING_STATUSES).aggregate(
            s=Sum("amount_held")
        )["s"]
        or ZERO
    )


def control_in_flight(*, case: Case) -> bool:
    """Whether an inquiry, freeze or seizure order of the case is still open: what 查控 found is
    not told to a party before the control it leads to has landed (see lastmile.cases.disclosure)."""
    return Order.objects.filter(
        case=case,
        kind__in=(OrderKind.INQUIRE, OrderKind.FREEZE, OrderKind.SEIZE),
        status__in=OPEN_ORDER_STATUSES,
    ).exists()


@dataclass(frozen=True)
class InquiryCoverage:
    """Where 网络查控 of a case stands for the 终本 check (终本规定 2016 art. 1(3), art. 3): the
    (debtor, institution) pairs with no answered inquiry since ``since``, the last answer's day,
    and the controls still holding something (money frozen, property seized awaiting disposal)."""

    missing: list[tuple[str, str]]
    last_answered_on: date | None
    money_frozen: int
    seized: int
    # Necessary homes seized 活封: they stay seized but are never auctioned, sold or taken in
    # payment (查封规定 2020 art. 4), so they do not wait for disposal.
    homes_kept: int = 0


def inquiry_coverage(*, case: Case, since: date) -> InquiryCoverage:
    """Read the case's inquiry orders and freezes: every debtor (被执行人) must have been queried at
    every institution of the catalogue that answers inquiries, the answer received on or after
    ``since``."""
    debtors = list(
        CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
    )
    codes = [i.code for i in protocol.INSTITUTIONS if protocol.INQUIRE in i.ops]
    answered: dict[tuple[int, str], date] = {}
    for party_id, code, finished_at in Order.objects.filter(
        case=case, kind=OrderKind.INQUIRE, status=OrderStatus.DONE, finished_at__isnull=False
    ).values_list("party_id", "institution", "finished_at"):
        if finished_at is None:
            continue
        day = court_date(finished_at)
        key = (party_id, code)
        if key not in answered or answered[key] < day:
            answered[key] = day
    missing = [
        (cp.party.name, protocol.institution(code).name)
        for cp in debtors
        for code in codes
        if answered.get((cp.party_id, code), date.min) < since
    ]
    holding = Freeze.objects.filter(case=case, status__in=HOLDING_STATUSES)
    homes = holding.filter(
        is_money=False, live_seal=True, asset__kind=AssetKind.REAL_ESTATE, asset__guard_note__gt=""
    )
    return InquiryCoverage(
        missing=missing,
        last_answered_on=max(answered.values(), default=None),
        money_frozen=holding.filter(is_money=True).count(),
        seized=holding.filter(is_money=False).exclude(pk__in=homes.values("pk")).count(),
        homes_kept=homes.count(),
    )


__all__ = [
    "AssetKind",
    "ControlView",
    "FreezeStatus",
    "InquiryCoverage",
    "asset_get_for",
    "case_control",
    "case_control_get_for",
    "control_in_flight",
    "freeze_get_for",
    "held_result_get_for",
    "held_results_queue",
    "inquiry_coverage",
    "money_frozen_total",
    "order_get_for",
    "orders_queue",
    "queue_counts",
]
