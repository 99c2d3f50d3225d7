"""The control policy: how much to freeze (never more than is owed, the living allowance left),
what to release when it is no longer owed, and a final failure giving its budget back.

Every function here runs with the case's :class:`Control` row locked (see the package's
docstring for the order of locks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.clock import court_date as _today
from lastmile.core.money import format_yuan, to_money
from lastmile.documents.models import Document
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.ledger.services import amount_outstanding
from lastmile.parties.models import Party, PartyKind

from .. import rules
from ..conf import control_guard, institution_order
from ..documents import orders_documents_issue
from ..models import (
    HOLDING_STATUSES,
    OPEN_ORDER_STATUSES,
    Asset,
    AssetKind,
    Control,
    Freeze,
    FreezeStatus,
    Order,
    OrderKind,
    OrderStatus,
)
from .common import (
    WORKING,
    ZERO,
    _control_lock,
    _defer,
    _event,
    _held_total,
    _new_key,
    _on_commit_dispatch,
)


def _owed(case: Case, now: datetime) -> Decimal:
    return to_money(amount_outstanding(case=case, as_of=_today(now)))


@dataclass(frozen=True)
class _Account:
    asset_id: int  # the latest Asset row that reported it
    balance: Decimal  # as last reported
    held: Decimal  # by every pending or active money freeze of the court's cases


def _account_key(asset: Asset) -> tuple[int, str, str]:
    return (asset.party_id, asset.institution, asset.identifier)


def _debtor_accounts(case: Case, deposits: Sequence[Asset]) -> dict[tuple[int, str, str], _Account]:
    """Every deposit account of the debtors in ``deposits`` known in the case's court, whichever
    case found it, with its last reported balance and what all the court's freezes hold on it.

    Locks the debtors' Party rows first (in id order, after the Control row): two cases of one
    debtor then decide their freezes one after the other, each seeing what the other holds."""
    party_ids = sorted({a.party_id for a in deposits})
    list(
        Party.objects.select_for_update().filter(pk__in=party_ids).order_by("pk").values_list("pk", flat=True)
    )
    rows = (
        Asset.objects.filter(court_id=case.court_id, party_id__in=party_ids, kind=AssetKind.DEPOSIT)
        .order_by("found_at", "pk")
        .values_list("pk", "party_id", "institution", "identifier", "balance")
    )
    latest: dict[tuple[int, str, str], tuple[int, Decimal]] = {}
    key_of: dict[int, tuple[int, str, str]] = {}
    for pk, party_id, institution, identifier, balance in rows:
        key = (party_id, institution, identifier)
        latest[key] = (pk, to_money(balance or ZERO))
        key_of[pk] = key
    held: dict[tuple[int, str, str], Decimal] = {}
    for asset_id, amount in (
        Freeze.objects.filter(asset_id__in=list(key_of), is_money=True, status__in=HOLDING_STATUSES)
        .values("asset_id")
        .annotate(s=Sum("amount_held"))
        .values_list("asset_id", "s")
    ):
        key = key_of[asset_id]
        held[key] = held.get(key, ZERO) + to_money(amount or ZERO)
    return {
        key: _Account(asset_id=pk, balance=balance, held=held.get(key, ZERO))
        for key, (pk, balance) in latest.items()
    }


def _plan(control: Control, now: datetime, *, force: bool = False) -> list[Freeze]:
    """Freeze found balances up to what is owed, in the configured order of institutions.

    Runs with the Control row locked. Waits until every inquiry of the round has answered (so
    the order of institutions is honoured) or ``plan_after`` has passed. Never freezes more than
    ``owed − held`` (查封规定 2020 art. 19) and leaves a natural-person debtor the living allowance
    (art. 3)."""
    if not force and _defer(control.case_id, "plan"):
        return []
    case = control.case
    if not _plan_due(control, now, force=force):
        return []
    if control.planned_round < control.round:
        control.planned_round = control.round
        control.save(update_fields=["planned_round"])
    owed = _owed(case, now)
    budget = owed - _held_total(case.pk)
    deposits = list(
        Asset.objects.filter(case_id=case.pk, kind=AssetKind.DEPOSIT, balance__gt=0).select_related("party")
    )
    if not deposits or budget <= 0:
        return []
    candidates_assets = _good_faith_spare(control, _candidate_assets(control, deposits), now)
    if not candidates_assets:
        return []
    decisions = _freeze_decisions(case, deposits, candidates_assets, budget)
    freezes = _freeze_orders_create(control, candidates_assets, decisions, now)
    if freezes:
        orders_documents_issue(
            orders=list(
                Order.objects.filter(freeze__in=freezes, kind=OrderKind.FREEZE).select_related(
                    "asset", "party", "case", "freeze"
                )
            ),
            actor=None,
            now=now,
        )
        _freezes_ordered(case, freezes, decisions, owed=owed, budget=budget, now=now)
    return freezes


def _plan_due(control: Control, now: datetime, *, force: bool) -> bool:
    """The case is being worked, not released, and the round's inquiries have all answered
    (or ``force``, or ``plan_after`` has passed)."""
    case = control.case
    if case.status not in WORKING or control.released_at is not None:
        return False
    waiting = Order.objects.filter(
        case_id=case.pk, kind=OrderKind.INQUIRE, round=control.round, status__in=OPEN_ORDER_STATUSES
    ).exists()
    return not waiting or force or (control.plan_after is not None and now >= control.plan_after)


def _candidate_assets(control: Control, deposits: Sequence[Asset]) -> list[Asset]:
    """The deposits not yet planned this round and without a pending freeze, in the configured
    order of institutions."""
    case = control.case
    order_index = {code: i for i, code in enumerate(institution_order())}
    pending_assets = set(
        Freeze.objects.filter(case_id=case.pk, status=FreezeStatus.PENDING).values_list("asset_id", flat=True)
    )
    return sorted(
        (a for a in deposits if a.planned_round < control.round and a.pk not in pending_assets),
        key=lambda a: (order_index.get(a.institution, 999), a.pk),
    )


def _good_faith_spare(control: Control, candidates: Sequence[Asset], now: datetime) -> list[Asset]:
    """The candidates an automatic freeze may reach. An enterprise debtor's basic deposit account
    is kept out when the good-faith guard says so (法发〔2019〕35号: an enterprise screened as
    temporarily struggling, not evading, keeps the account it pays wages and taxes from, unless the
    院长 decided otherwise in writing): it is decided for this round, the reason and its basis are
    kept on the asset for the case page, and the case's record says so. The guard is asked when
    the freeze is decided, so a screening recorded after the 一键查控 click still counts."""
    guard = control_guard()
    kept: list[Asset] = []
    for asset in candidates:
        spare = None
        if asset.party.kind != PartyKind.PERSON and rules.is_basic_account(asset.details):
            spare = guard.basic_account_spared(case=control.case, party=asset.party, now=now)
        if spare is None:
            if asset.guard_note:
                asset.guard_note = ""
                asset.save(update_fields=["guard_note"])
            kept.append(asset)
            continue
        asset.planned_round = control.round
        asset.guard_note = str(spare)[:256]
        asset.save(update_fields=["planned_round", "guard_note"])
        _event(
            control.case,
            InquiryEvent.GUARD_SPARED,
            f"未冻结{asset.party.name}的基本存款账户（{asset.institution_name} {asset.identifier}，"
            f"余额{'不详' if asset.balance is None else format_yuan(asset.balance) + '元'}）：{spare}"[:256],
            now,
            None,
            data={"asset": asset.pk, "party": asset.party_id, "reason": spare.reason},
            legal_basis=spare.basis,
        )
    return kept


def _freeze_decisions(
    case: Case, deposits: Sequence[Asset], candidates_assets: Sequence[Asset], budget: Decimal
) -> list[rules.FreezeDecision]:
    """How much to freeze on each candidate (:func:`rules.plan_freezes`), seeing every balance
    the debtors hold in the court."""
    # What each debtor holds in the whole court, whichever case found it: the living allowance
    # is the person's, not the case's (查封规定 2020 art. 3).
    accounts = _debtor_accounts(case, deposits)
    here = {_account_key(a) for a in deposits}

    def candidate(a: Asset) -> rules.Candidate:
        account = accounts[_account_key(a)]
        return rules.Candidate(asset_id=a.pk, party_id=a.party_id, balance=account.balance, held=account.held)

    elsewhere = [
        rules.Candidate(asset_id=acc.asset_id, party_id=k[0], balance=acc.balance, held=acc.held)
        for k, acc in accounts.items()
        if k not in here
    ]
    allowances = {
        a.party_id: rules.living_allowance(court_code=case.court.code)
        for a in deposits
        if a.party.kind == PartyKind.PERSON
    }
    return rules.plan_freezes(
        budget=budget,
        candidates=[candidate(a) for a in candidates_assets],
        all_balances=[candidate(a) for a in deposits] + elsewhere,
        allowance_by_party=allowances,
    )


def _freeze_orders_create(
    control: Control,
    candidates_assets: Sequence[Asset],
    decisions: Sequence[rules.FreezeDecision],
    now: datetime,
) -> list[Freeze]:
    """A pending freeze and its freeze order for each positive decision."""
    case = control.case
    by_pk = {a.pk: a for a in candidates_assets}
    freezes = []
    for d in decisions:
        if d.amount <= 0:
            continue
        asset = by_pk[d.asset_id]
        freeze = Freeze.objects.create(
            court_id=case.court_id,
            case=case,
            asset=asset,
            is_money=True,
            status=FreezeStatus.PENDING,
            amount_requested=d.amount,
            amount_held=d.amount,
            created_at=now,
        )
        Order.objects.create(
            court_id=case.court_id,
            case=case,
            institution=asset.institution,
            kind=OrderKind.FREEZE,
            party_id=asset.party_id,
            asset=asset,
            freeze=freeze,
            amount=d.amount,
            round=control.round,
            key=_new_key("freeze"),
            next_attempt_at=now,
            created_at=now,
        )
        freezes.append(freeze)
    return freezes


def _freezes_ordered(
    case: Case,
    freezes: Sequence[Freeze],
    decisions: Sequence[rules.FreezeDecision],
    *,
    owed: Decimal,
    budget: Decimal,
    now: datetime,
) -> None:
    """Record the automatic freezes on the case and send the orders after commit."""
    total = sum((f.amount_requested for f in freezes), ZERO)
    _event(
        case,
        InquiryEvent.FREEZE_ORDERED,
        f"自动冻结{len(freezes)}个账户共{format_yuan(total)}元"
        f"（尚欠{format_yuan(owed)}元，已冻结或冻结中{format_yuan(owed - budget)}元）",
        now,
        None,
        data={
            "freezes": [f.pk for f in freezes],
            "total": total,
            "owed": owed,
            "budget": budget,
            "reserved": {str(d.asset_id): d.reserved for d in decisions if d.reserved},
        },
        legal_basis=rules.BASIS_NO_OVER_FREEZE,
    )
    _on_commit_dispatch()


def _open_order_on(freeze: Freeze, kind: str) -> Order | None:
    return Order.objects.filter(freeze=freeze, kind=kind, status__in=OPEN_ORDER_STATUSES).first()


def _held_deduction_on(freeze: Freeze) -> bool:
    return Order.objects.filter(freeze=freeze, kind=OrderKind.DEDUCT, status=OrderStatus.HELD).exists()


def _unfreeze_order(freeze: Freeze, amount: Decimal, now: datetime, actor: User | None, reason: str) -> Order:
    return Order.objects.create(
        court_id=freeze.court_id,
        case_id=freeze.case_id,
        institution=freeze.asset.institution,
        kind=OrderKind.UNFREEZE,
        party_id=freeze.asset.party_id,
        asset=freeze.asset,
        freeze=freeze,
        amount=amount,
        key=_new_key("unfreeze"),
        next_attempt_at=now,
        created_at=now,
        created_by=actor,
        note=reason[:128],
    )


def _reconcile(control: Control, now: datetime, actor: User | None) -> int:
    """Release what is no longer owed: everything when the debt is paid or release was ordered
    (settlement), otherwise the part of the freezes above what is owed (查封规定 2020 art. 19).
    Returns the number of unfreeze orders created."""
    if _defer(control.case_id, "reconcile"):
        return 0
    case = control.case
    holding = list(Freeze.objects.filter(case_id=case.pk, status=FreezeStatus.ACTIVE).select_related("asset"))
    if not holding:
        return 0
    owed = _owed(case, now)
    release_all = owed <= 0 or control.released_at is not None
    created = 0
    orders: list[Order] = []
    if release_all:
        reason = "债务已全部履行" if owed <= 0 else "执行和解，中止执行"
        for f in holding:
            existing = _open_order_on(f, OrderKind.UNFREEZE)
            if existing is not None and (existing.amount == 0 or existing.amount >= f.amount_held):
                continue
            orders.append(_unfreeze_order(f, ZERO, now, actor, reason))
            created += 1
        if created:
            orders_documents_issue(orders=orders, actor=actor, now=now, reason=reason)
            _event(
                case,
                InquiryEvent.RELEASE_ALL,
                f"{reason}：解除全部冻结、查封（{created}项）",
                now,
                actor,
                data={"owed": owed, "orders": created},
                legal_basis=rules.BASIS_NO_OVER_FREEZE,
            )
    else:
        held = _held_total(case.pk)
        releasing = sum(
            (
                o.amount if o.amount > 0 else o.freeze.amount_held
                for o in Order.objects.filter(
                    case_id=case.pk, kind=OrderKind.UNFREEZE, status__in=OPEN_ORDER_STATUSES
                ).select_related("freeze")
                if o.freeze is not None and o.freeze.is_money
            ),
            ZERO,
        )
        excess = held - releasing - owed
        if excess <= 0:
            return 0
        order_index = {code: i for i, code in enumerate(institution_order())}
        for f in sorted(
            (f for f in holding if f.is_money),
            key=lambda f: (-order_index.get(f.asset.institution, 999), -f.pk),
        ):
            if excess <= 0:
                break
            if _open_order_on(f, OrderKind.UNFREEZE) or _open_order_on(f, OrderKind.DEDUCT):
                continue
            amount = min(excess, f.amount_held)
            orders.append(
                _unfreeze_order(f, ZERO if amount == f.amount_held else amount, now, actor, "超出尚欠金额")
            )
            excess -= amount
            created += 1
        if created:
            orders_documents_issue(
                orders=orders, actor=actor, now=now, reason="冻结金额超出尚欠金额，超出部分应当解除"
            )
            _event(
                case,
                InquiryEvent.RELEASE_EXCESS,
                f"冻结金额超出尚欠金额{format_yuan(held - owed)}元，解除超出部分",
                now,
                actor,
                data={"owed": owed, "held": held},
                legal_basis=rules.BASIS_NO_OVER_FREEZE,
            )
    if created:
        _on_commit_dispatch()
    return created


def _order_fail(order: Order, control: Control, error: str, now: datetime) -> None:
    """Final failure: visible in the command-center queue; a freeze gives its budget back."""
    order.status = OrderStatus.FAILED
    order.last_error = error[:256]
    order.finished_at = now
    order.next_attempt_at = None
    order.save(update_fields=["status", "last_error", "finished_at", "next_attempt_at"])
    case = control.case
    if order.kind in (OrderKind.FREEZE, OrderKind.SEIZE) and order.freeze_id is not None:
        if order.asset_id is not None:  # not asked again this round (resend decides afresh)
            Asset.objects.filter(pk=order.asset_id).update(planned_round=control.round)
        Freeze.objects.filter(pk=order.freeze_id, status=FreezeStatus.PENDING).update(
            status=FreezeStatus.FAILED, amount_held=ZERO, ended_at=now, end_reason=error[:128]
        )
    _event(
        case,
        InquiryEvent.ORDER_FAILED,
        f"{order.institution_name}{order.get_kind_display()}指令失败：{error}"[:256],
        now,
        None,
        data={"order": order.pk, "key": order.key, "kind": order.kind, "institution": order.institution},
    )
    _plan(control, now)


@transaction.atomic
def controls_reconcile(*, case: Case, now: datetime, actor: User | None = None) -> int:
    """Release freezes that are no longer needed (all of them once nothing is owed). Call after
    money arrives on the case by any route; the worker's sweep also calls it."""
    control = _control_lock(case)
    return _reconcile(control, now, actor)


@transaction.atomic
def controls_release_all(
    *, case: Case, reason: str, actor: User | None, now: datetime, ruling: Document | None = None
) -> int:
    """Lift every freeze and seizure of the case at once (execution suspended by settlement,
    执行和解规定 2020 art. 3; or any other ground in ``reason``). Idempotent: a second call
    creates no further orders. Freezes still in flight are released when their result arrives;
    new freezing stops until the next 一键查控. Returns the number of unfreeze orders created.

    Each unfreeze order carries a 协助执行通知书 citing the 解除 ruling: ``ruling`` when the court
    decided it elsewhere (a settlement, 执行和解规定 2020 art. 3), else one issued here on
    ``reason`` (查封规定 2020 art. 28)."""
    if actor is not None:
        # Lifting freezes is the enforcement judge's act (a 解除裁定, 查封规定 2020 art. 28).
        require(actor, "control.release", court=case.court)
    control = _control_lock(case)
    first = control.released_at is None
    if first:
        control.released_at = now
        control.save(update_fields=["released_at"])
    # Orders not yet on the wire are withdrawn; the others are released when they land.
    for order in Order.objects.select_for_update().filter(
        case_id=case.pk, kind__in=[OrderKind.FREEZE, OrderKind.SEIZE], status=OrderStatus.PENDING
    ):
        _order_fail(order, control, "已撤回（解除全部控制措施）", now)
    created = 0
    orders: list[Order] = []
    for f in Freeze.objects.filter(case_id=case.pk, status=FreezeStatus.ACTIVE).select_related("asset"):
        existing = _open_order_on(f, OrderKind.UNFREEZE)
        if existing is not None and existing.amount == 0:
            continue
        orders.append(_unfreeze_order(f, ZERO, now, actor, reason))
        created += 1
    orders_documents_issue(orders=orders, actor=actor, now=now, reason=reason, ruling=ruling)
    if first or created:
        _event(
            case,
            InquiryEvent.RELEASE_ALL,
            f"解除全部冻结、查封：{reason}"[:256],
            now,
            actor,
            data={"orders": created, "reason": reason},
            legal_basis=rules.BASIS_SETTLEMENT,
        )
    if created:
        _on_commit_dispatch()
    return created
