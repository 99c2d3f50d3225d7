"""What the proceeds of a sale owe before the case's own debt: the 执行费用 the execution incurred
(an inquiry's or an appraisal's fee, keeping a distrained movable, the auction's auxiliary work)
and the claims secured on the asset sold (a mortgagee bank, applicant or not); and 以物抵债, an
asset taken at its price in payment of the debt.

执行费用 are borne by the debtor and taken from the proceeds first (执行工作规定 2020 art. 34;
民诉解释 2022 arts. 508, 514); an appraisal's or online inquiry's fee is advanced by the applicant
and borne by the debtor (参考价规定 2018 art. 33); the costs of auxiliary work such as keeping the
asset are borne by the debtor (网络司法拍卖规定 2016 art. 7). A claim secured on the asset is paid
from its price before the ordinary creditors (拍卖变卖规定 2020 art. 28; 执行工作规定 2020 arts.
31, 55). Money paid out for either never pays the case's own debt: the case statement leaves it out
(:func:`lastmile.ledger.selectors.case_statement`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.cases.services import case_event_record
from lastmile.core.errors import Conflict, InvalidAmount
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan, to_money
from lastmile.ledger.kinds import LedgerEvent
from lastmile.parties.models import Party

from ..models import (
    AccountKind,
    ExecutionCost,
    ExecutionCostKind,
    Payout,
    PayoutKind,
    PayoutStatus,
    ReceiptSource,
    SecuredClaim,
    TransactionKind,
)
from .accounts import system_account
from .deadlines import _complete_covered_deadlines
from .posting import _post
from .receipts import receipt_record

EXECUTION_COSTS_FIRST = LegalBasis("最高人民法院关于人民法院执行工作若干问题的规定（试行）", "2020", "34")
SECURED_FIRST = LegalBasis("最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定", "2020", "28")
SET_OFF_BASIS = LegalBasis("最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定", "2020", "16")


@transaction.atomic
def execution_cost_record(
    *,
    case: Case,
    kind: str,
    label: str,
    amount: Decimal,
    incurred_on: date,
    source_key: str,
    actor: User | None,
    now: datetime,
    basis: LegalBasis,
    advanced_by: Party | None = None,
    payee_name: str = "",
) -> ExecutionCost | None:
    """Record a 执行费用 of ``case`` borne by the debtor, owed to ``advanced_by`` (who advanced it)
    or else to ``payee_name``. Once per ``source_key`` in a case: the same amount again returns the
    row, a changed amount corrects it while nothing has been paid out for it. A nil amount records
    nothing (returns None)."""
    amount = to_money(amount)
    if kind not in ExecutionCostKind.values:
        raise InvalidAmount("执行费用类型无法识别。", details={"kind": kind})
    if amount < 0:
        raise InvalidAmount("执行费用不能为负数。")
    existing = ExecutionCost.objects.select_for_update().filter(case=case, source_key=source_key).first()
    if existing is not None:
        if existing.amount == amount:
            return existing
        if existing.payouts.exclude(status=PayoutStatus.REJECTED).exists():
            raise Conflict("该项执行费用已安排支付，不能更改金额。", details={"cost": existing.pk})
        if amount == 0:
            raise Conflict("该项执行费用已登记，请以更正金额的方式处理。", details={"cost": existing.pk})
        existing.amount = amount
        existing.save(update_fields=["amount"])
        cost, verb = existing, "更正"
    else:
        if amount == 0:
            return None
        payee = (payee_name.strip() or (advanced_by.name if advanced_by else "") or "本院")[:128]
        cost = ExecutionCost.objects.create(
            court_id=case.court_id,
            case=case,
            kind=kind,
            label=label.strip()[:128] or str(ExecutionCostKind(kind).label),
            amount=amount,
            incurred_on=incurred_on,
            advanced_by=advanced_by,
            payee_name=payee,
            source_key=source_key[:96],
            basis=str(basis)[:256],
            recorded_by=actor,
            recorded_at=now,
        )
        verb = "登记"
    case_event_record(
        case=case,
        kind=LedgerEvent.EXECUTION_COST_RECORDED,
        summary=f"{verb}执行费用：{cost.label}{format_yuan(cost.amount)}元，由被执行人负担"
        + (f"（{cost.advanced_by.name}垫付）" if cost.advanced_by else f"（应付{cost.payee_name}）"),
        actor=actor,
        now=now,
        data={"cost": cost.pk, "kind": cost.kind, "amount": cost.amount},
        legal_basis=basis,
    )
    return cost


@transaction.atomic
def secured_claim_record(
    *, case: Case, party: Party, amount: Decimal, right: str, actor: User, now: datetime
) -> SecuredClaim:
    """Record (or correct) the claim ``party`` holds secured on the debtor's asset sold in ``case``
    (e.g. the mortgage a bank registered on the flat): paid from the price after the 执行费用 and
    before the ordinary creditors (拍卖变卖规定 2020 art. 28; 执行工作规定 2020 art. 31). The
    creditor need not be this case's applicant (民诉解释 2022 art. 506)."""
    from lastmile.accounts.permissions import require

    require(actor, "funds.manage", court=case.court)
    amount = to_money(amount)
    if amount <= 0:
        raise InvalidAmount("优先受偿债权额必须大于零。")
    if not right.strip():
        raise InvalidAmount("请写明担保物权及其登记情况。")
    if CaseParty.objects.filter(case=case, party=party, role=PartyRole.RESPONDENT).exists():
        raise InvalidAmount("被执行人不能作为优先受偿债权人。")
    claim = SecuredClaim.objects.select_for_update().filter(case=case, party=party).first()
    if claim is None:
        claim = SecuredClaim.objects.create(
            court_id=case.court_id,
            case=case,
            party=party,
            amount=amount,
            right=right.strip()[:256],
            recorded_by=actor,
            recorded_at=now,
        )
    else:
        claim.amount, claim.right = amount, right.strip()[:256]
        claim.save(update_fields=["amount", "right"])
    case_event_record(
        case=case,
        kind=LedgerEvent.SECURED_CLAIM_RECORDED,
        summary=f"登记{party.name}的优先受偿债权{format_yuan(amount)}元（{claim.right}）",
        actor=actor,
        now=now,
        data={"claim": claim.pk, "party": party.pk, "amount": amount},
        legal_basis=SECURED_FIRST,
    )
    return claim


@transaction.atomic
def set_off_book(
    *,
    case: Case,
    creditor: Party,
    amount: Decimal,
    effective_on: date,
    idempotency_key: str,
    actor: User,
    now: datetime,
    note: str = "",
) -> Payout | None:
    """以物抵债: the creditor took an asset at its price; ``amount`` of it pays what the creditor is
    owed (拍卖变卖规定 2020 art. 16). No money moves, yet the debt must show it: a receipt of that
    value (source 以物抵债, stopping interest on ``effective_on``, the day of the ruling) and the
    creditor's payout of the same value, settled at once, so the bank account nets to nil and the
    case's statement, funds page and reconciliation all see it. Idempotent on the key."""
    from .payouts import payout_request

    amount = to_money(amount)
    if amount <= 0:
        return None
    receipt = receipt_record(
        case=case,
        amount=amount,
        source=ReceiptSource.SET_OFF,
        idempotency_key=f"{idempotency_key}:value",
        received_at=now,
        actor=actor,
        payer=creditor.name,
        note=(note or "以物抵债，冲抵债务")[:256],
        effective_on=effective_on,
    )
    payout = payout_request(
        case=case,
        kind=PayoutKind.APPLICANT,
        amount=amount,
        actor=actor,
        now=now,
        idempotency_key=f"{idempotency_key}:offset",
        payee_party=creditor,
        note=f"以物抵债冲抵（收款#{receipt.pk}），不实际划付",
    )
    if payout.status == PayoutStatus.PAID:
        return payout
    payout.status = PayoutStatus.PAID
    payout.settled_by = actor
    payout.settled_at = now
    payout.save(update_fields=["status", "settled_by", "settled_at"])
    _post(
        court_id=case.court_id,
        case=case,
        kind=TransactionKind.PAYOUT_SETTLE,
        key=f"payout-settle:{payout.pk}",
        at=now,
        memo=f"以物抵债冲抵 #{payout.pk} {creditor.name}",
        legs=[
            (system_account(court_id=case.court_id, kind=AccountKind.PAYOUT_PENDING), amount),
            (system_account(court_id=case.court_id, kind=AccountKind.BANK), -amount),
        ],
    )
    _complete_covered_deadlines(case=case, now=now)
    case_event_record(
        case=case,
        kind=LedgerEvent.SET_OFF_BOOKED,
        summary=f"{creditor.name}以物抵债，冲抵债务{format_yuan(amount)}元",
        actor=actor,
        now=now,
        data={"receipt": receipt.pk, "payout": payout.pk, "amount": amount},
        legal_basis=SET_OFF_BASIS,
    )
    return payout
