"""Officer actions on one freeze or found asset: 扣划, 解除, 续行, 查封登记. Each issues its ruling and
the institution's 协助执行通知书 with the order (:mod:`lastmile.inquiry.documents`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, DomainError, InvalidTransition
from lastmile.core.money import format_yuan
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.parties.models import PartyKind

from .. import protocol, rules
from ..conf import control_guard
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
from .common import SEIZABLE, WORKING, ZERO, _control_lock, _event, _new_key, _on_commit_dispatch
from .policy import _debtor_accounts, _held_deduction_on, _open_order_on, _owed, _unfreeze_order


def _locked_freeze(freeze: Freeze, actor: User, capability: str = "inquiry.order") -> tuple[Control, Freeze]:
    require(actor, capability, court=freeze.case.court)
    control = _control_lock(freeze.case)
    locked = Freeze.objects.select_for_update().select_related("asset", "case").get(pk=freeze.pk)
    return control, locked


def _order_for(freeze: Freeze, kind: str, amount: Decimal, now: datetime, actor: User) -> Order:
    return Order.objects.create(
        court_id=freeze.court_id,
        case_id=freeze.case_id,
        institution=freeze.asset.institution,
        kind=kind,
        party_id=freeze.asset.party_id,
        asset=freeze.asset,
        freeze=freeze,
        amount=amount,
        key=_new_key(kind),
        next_attempt_at=now,
        created_at=now,
        created_by=actor,
    )


@transaction.atomic
def freeze_deduct(*, freeze: Freeze, actor: User, now: datetime) -> Order:
    """一键扣划: transfer the frozen money into the case account, never more than is owed
    (民诉解释 2022 art. 484). The ledger books the receipt when the institution confirms.
    A 划拨 is made by ruling (民事诉讼法 2023 art. 253), so only the enforcement judge
    (``control.deduct``) orders it; an 执行员 or the command center may not."""
    _control, locked = _locked_freeze(freeze, actor, "control.deduct")
    if locked.case.status not in (*WORKING, CaseStatus.SUSPENDED):
        raise InvalidTransition("案件当前状态不能扣划。")
    if not locked.is_money or locked.status != FreezeStatus.ACTIVE or locked.amount_held <= 0:
        raise InvalidTransition("只有已冻结且尚有余额的资金可以扣划。")
    if _open_order_on(locked, OrderKind.DEDUCT) or _open_order_on(locked, OrderKind.UNFREEZE):
        raise Conflict("该账户已有正在办理的扣划或解除指令。")
    if _held_deduction_on(locked):
        raise Conflict("该账户有待人工核对的扣划回报，请先核对。")
    # Deductions already ordered and not yet answered count against what is owed, so orders on
    # several accounts together never exceed it (民诉解释 2022 art. 484).
    in_flight = _deducting(locked.case_id)
    amount = min(locked.amount_held, _owed(locked.case, now) - in_flight)
    if amount <= 0:
        if in_flight > 0:
            raise Conflict(f"尚欠金额已由正在办理的扣划指令（{format_yuan(in_flight)}元）覆盖，无需再扣划。")
        raise Conflict("本案已无尚欠金额，无需扣划。")
    _deduct_guard(locked, now)
    wanted = amount
    amount, kept = _deduct_keeping_allowance(locked, amount)
    if amount <= 0:
        raise ConditionsNotMet(
            f"不得扣划：须为被执行人{locked.asset.party.name}保留生活必需费用{format_yuan(kept)}元，"
            f"其名下其他账户未冻结的余额不足（{rules.BASIS_LIVING}）",
            unmet=["living_allowance"],
            details={"freeze": locked.pk, "kept": str(kept)},
        )
    order = _order_for(locked, OrderKind.DEDUCT, amount, now, actor)
    if kept > 0:
        order.note = f"保留生活必需费用{format_yuan(kept)}元（查封规定2020第3条）"
        order.save(update_fields=["note"])
    orders_documents_issue(orders=[order], actor=actor, now=now)
    _event(
        locked.case,
        InquiryEvent.DEDUCT_ORDERED,
        f"扣划{locked.asset.institution_name}账户{format_yuan(amount)}元（{locked.asset.party.name}）"
        + (f"，保留生活必需费用{format_yuan(kept)}元（{rules.BASIS_LIVING}）" if kept > 0 else ""),
        now,
        actor,
        data={"freeze": locked.pk, "amount": amount, "order": order.pk, "wanted": wanted, "kept": kept},
        legal_basis=rules.BASIS_LIVING if kept > 0 else rules.BASIS_DEDUCT,
    )
    _on_commit_dispatch()
    return order


def _deducting(case_id: int) -> Decimal:
    """What the case's deduction orders sent and not yet answered (or held for review) will move."""
    total = Order.objects.filter(
        case_id=case_id, kind=OrderKind.DEDUCT, status__in=(*OPEN_ORDER_STATUSES, OrderStatus.HELD)
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


@dataclass(frozen=True)
class DeductRefusal:
    freeze: Freeze
    reason: str


def case_deduct_all(*, case: Case, actor: User, now: datetime) -> tuple[list[Order], list[DeductRefusal]]:
    """扣划 every frozen account of the case in one act: a deduction order for each active money
    freeze with money held, oldest first, each through :func:`freeze_deduct` with all its guards
    (the judge's ruling power, no second order in flight, the living allowance, the basic account
    of a struggling enterprise, and never more than is owed counting the orders already sent).
    Each freeze stands alone: a refused one changes nothing and is returned with its reason; once
    the orders cover what is owed the rest are left frozen."""
    require(actor, "control.deduct", court=case.court)
    freezes = list(
        Freeze.objects.filter(case=case, status=FreezeStatus.ACTIVE, is_money=True, amount_held__gt=0)
        .select_related("asset", "asset__party", "case")
        .order_by("pk")
    )
    if not freezes:
        raise ConditionsNotMet("本案没有可以扣划的已冻结资金。", unmet=["frozen_money"])
    orders: list[Order] = []
    refused: list[DeductRefusal] = []
    for freeze in freezes:
        if orders and _owed(case, now) - _deducting(case.pk) <= 0:
            refused.append(DeductRefusal(freeze, "扣划指令已覆盖尚欠金额，本账户保持冻结。"))
            continue
        try:
            orders.append(freeze_deduct(freeze=freeze, actor=actor, now=now))
        except DomainError as exc:
            refused.append(DeductRefusal(freeze, exc.message))
    return orders, refused


def _deduct_guard(freeze: Freeze, now: datetime) -> None:
    """A struggling enterprise's basic deposit account is not deducted either (法发〔2019〕35号),
    whoever froze it and whenever: the guard is asked at the moment of the deduction."""
    asset = freeze.asset
    if asset.party.kind == PartyKind.PERSON or not rules.is_basic_account(asset.details):
        return
    spare = control_guard().basic_account_spared(case=freeze.case, party=asset.party, now=now)
    if spare is not None:
        raise ConditionsNotMet(
            f"不得扣划{asset.party.name}的基本存款账户：{spare}",
            unmet=["good_faith"],
            details={"freeze": freeze.pk, "basis": spare.basis.as_dict()},
        )


def _deduct_keeping_allowance(freeze: Freeze, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(what may be deducted, what is kept) for a natural-person debtor: the living allowance stays
    with them across every deposit account the court knows (查封规定 2020 art. 3; 民事诉讼法 2023
    art. 254), counting what no freeze holds as already left to them. An organisation keeps none."""
    asset = freeze.asset
    if asset.party.kind != PartyKind.PERSON:
        return amount, ZERO
    accounts = _debtor_accounts(freeze.case, [asset])
    free = sum((max(ZERO, acc.balance - acc.held) for acc in accounts.values()), ZERO)
    allowance = rules.living_allowance(court_code=freeze.case.court.code)
    may = rules.deduction_keeping_allowance(amount=amount, free_elsewhere=free, allowance=allowance)
    return may, amount - may


@transaction.atomic
def freeze_release(*, freeze: Freeze, actor: User, now: datetime, reason: str = "") -> Order:
    """Lift one freeze or seizure (解除冻结/查封). Made by a 解除裁定 (查封规定 2020 art. 28), so only
    the enforcement judge (``control.release``) may order it."""
    _control, locked = _locked_freeze(freeze, actor, "control.release")
    if locked.status != FreezeStatus.ACTIVE:
        raise InvalidTransition("只有生效中的冻结或查封可以解除。")
    if _open_order_on(locked, OrderKind.UNFREEZE) or _open_order_on(locked, OrderKind.DEDUCT):
        raise Conflict("该账户已有正在办理的扣划或解除指令。")
    if _held_deduction_on(locked):
        raise Conflict("该账户有待人工核对的扣划回报，请先核对。")
    order = _unfreeze_order(locked, ZERO, now, actor, reason.strip() or "承办人解除")
    orders_documents_issue(orders=[order], actor=actor, now=now, reason=reason.strip() or "本院认为应当解除")
    _event(
        locked.case,
        InquiryEvent.RELEASE_ORDERED,
        f"解除{locked.asset.institution_name} {locked.asset.identifier}"
        + (f"：{reason.strip()}" if reason.strip() else ""),
        now,
        actor,
        data={"freeze": locked.pk},
    )
    _on_commit_dispatch()
    return order


@transaction.atomic
def freeze_renew(*, freeze: Freeze, actor: User, now: datetime) -> Order:
    """续行冻结/查封 before expiry, for up to the same maximum period (民诉解释 2022 art. 485)."""
    _control, locked = _locked_freeze(freeze, actor)
    if locked.status != FreezeStatus.ACTIVE or locked.expires_on is None:
        raise InvalidTransition("只有生效中的冻结或查封可以续行。")
    if _today(now) > locked.expires_on:
        raise InvalidTransition("冻结期限已届满，不能续行，请重新冻结。")
    if _open_order_on(locked, OrderKind.RENEW):
        raise Conflict("续行指令正在办理中。")
    order = _order_for(locked, OrderKind.RENEW, ZERO, now, actor)
    orders_documents_issue(orders=[order], actor=actor, now=now)
    _event(
        locked.case,
        InquiryEvent.RENEW_ORDERED,
        f"续行{locked.asset.institution_name} {locked.asset.identifier}",
        now,
        actor,
        data={"freeze": locked.pk},
        legal_basis=rules.BASIS_PERIOD,
    )
    _on_commit_dispatch()
    return order


@transaction.atomic
def asset_seize(*, asset: Asset, actor: User, now: datetime, live_seal: bool | None = None) -> Order:
    """查封登记 of a found vehicle, real estate, equity or securities holding (decided by the
    officer: such assets are not divisible by amount, 查封规定 2020 art. 19 exception).

    ``live_seal`` (活封): the item stays in the debtor's use (查封规定 2020 art. 10; 法发〔2019〕35号
    asks for the seizure that harms life and production least). The family's necessary home,
    as designated (查封规定 2020 art. 4), may be seized but only so: it is 活封 by default and a
    死封 (``live_seal=False``) is refused, naming the rule; nothing is written then."""
    require(actor, "inquiry.order", court=asset.case.court)
    _control_lock(asset.case)
    home = None
    if asset.kind == AssetKind.REAL_ESTATE:
        home = control_guard().home_in_use(
            case=asset.case, party=asset.party, property_ref=asset.identifier, now=now
        )
    if home is not None and live_seal is False:
        raise ConditionsNotMet(
            f"生活必需住房只能活封，不得死封：{home}",
            unmet=["live_seal"],
            details={"asset": asset.pk, "basis": home.basis.as_dict()},
        )
    sealed_live = bool(live_seal) or home is not None
    if asset.case.status not in WORKING:
        raise InvalidTransition("案件当前状态不能查封。")
    if asset.kind not in SEIZABLE:
        raise InvalidTransition("该类财产不能通过网络查封登记。")
    if (
        protocol.SEIZE not in protocol.institution(asset.institution).ops
        and asset.kind != AssetKind.SECURITIES
    ):
        raise InvalidTransition("该机构不办理网络查封登记。")
    if Freeze.objects.filter(asset=asset, status__in=HOLDING_STATUSES).exists():
        raise Conflict("该财产已查封或正在查封。")
    freeze = Freeze.objects.create(
        court_id=asset.court_id,
        case=asset.case,
        asset=asset,
        is_money=False,
        status=FreezeStatus.PENDING,
        live_seal=sealed_live,
        created_at=now,
    )
    if home is not None:
        asset.guard_note = str(home)[:256]
        asset.save(update_fields=["guard_note"])
    kind = (
        OrderKind.SEIZE if protocol.SEIZE in protocol.institution(asset.institution).ops else OrderKind.FREEZE
    )
    order = _order_for(freeze, kind, ZERO, now, actor)
    if sealed_live:
        order.note = "活封：准许被执行人继续使用（查封规定2020第10条）"
        order.save(update_fields=["note"])
    orders_documents_issue(orders=[order], actor=actor, now=now)
    _event(
        asset.case,
        InquiryEvent.SEIZE_ORDERED,
        (
            f"查封{asset.get_kind_display()} {asset.label or asset.identifier}"
            + ("（活封）" if sealed_live else "")
            + (f"：{home}" if home is not None else "")
        )[:256],
        now,
        actor,
        data={"asset": asset.pk, "order": order.pk, "live_seal": sealed_live},
        legal_basis=home.basis
        if home is not None
        else rules.BASIS_LIVE_SEAL
        if sealed_live
        else rules.BASIS_PERIOD,
    )
    _on_commit_dispatch()
    return order
