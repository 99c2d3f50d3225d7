"""Payouts: a finance clerk asks, a court leader approves (never the clerk who asked), the bank
settles; a request not yet paid may be withdrawn or refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date as _local_date
from lastmile.core.errors import (
    ConditionsNotMet,
    Conflict,
    InvalidAmount,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end_provisional
from lastmile.ledger.error_codes import LedgerErrorCode
from lastmile.ledger.kinds import LedgerEvent
from lastmile.parties.models import Party, PartyKind

from ..models import (
    AccountKind,
    ExecutionCost,
    Payout,
    PayoutKind,
    PayoutStatus,
    SecuredClaim,
    TransactionKind,
)
from ..ports import payout_instruction_issuer
from ..rules import FUNDS_RULES
from .accounts import case_account, system_account
from .bank_accounts import payee_account_check
from .deadlines import _complete_covered_deadlines, _disbursement_due
from .posting import _post


@transaction.atomic
def payout_request(
    *,
    case: Case,
    kind: str,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    payee_party: Party | None = None,
    payee_name: str = "",
    payee_account: str = "",
    payee_case: Case | None = None,
    note: str = "",
    payee_bank: str = "",
    payee_account_name: str = "",
    payee_account_kind: str = "",
    execution_cost: ExecutionCost | None = None,
) -> Payout:
    """A finance clerk asks to pay money out of the case account. The amount is held at once
    (借 案件账户 / 贷 待划付款项), so parallel requests can never overdraw the account.

    The payee's account (number, bank, account name) is checked when given
    (:func:`.bank_accounts.payee_account_check`); a payout to a party cannot be approved without
    it (:func:`payout_approve`), so a request made without it (a distribution's shares) has it
    recorded by :func:`payout_account_set` first.

    Two kinds pay what comes before the case's own debt (:mod:`.charges`): ``execution_cost``
    pays one recorded 执行费用 (``execution_cost``) to whoever advanced it or is owed it, at most
    what is left of it; ``secured`` pays a creditor with a claim secured on the asset sold, who
    need not be a party of the case, at most what is left of its recorded claim."""
    require(actor, "funds.manage", court=case.court)
    existing = Payout.objects.filter(court_id=case.court_id, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _payout_replayed(existing, case=case, amount=amount)
    amount = to_money(amount)
    if amount <= 0:
        raise InvalidAmount("发放金额必须大于零。")
    if kind not in PayoutKind.values:
        raise InvalidAmount("发放类型无法识别。", details={"kind": kind})
    if kind in (PayoutKind.APPLICANT, PayoutKind.DEBTOR_REFUND, PayoutKind.SECURED) and payee_party is None:
        raise InvalidAmount("发放给当事人须指明收款当事人。")
    if kind == PayoutKind.EXECUTION_COST:
        if execution_cost is None or execution_cost.case_id != case.pk:
            raise InvalidAmount("支付执行费用须指明本案登记的执行费用。")
        payee_party = execution_cost.advanced_by
        payee_name = payee_name or execution_cost.payee_name
    elif execution_cost is not None:
        raise InvalidAmount("只有支付执行费用的发放才能指明执行费用。")
    if kind == PayoutKind.SECURED:
        assert payee_party is not None
        if not SecuredClaim.objects.filter(case=case, party=payee_party).exists():
            raise InvalidAmount("收款人未登记为本案的优先受偿债权人。", details={"party": payee_party.pk})
    elif payee_party is not None and payee_case is None and kind != PayoutKind.EXECUTION_COST:
        roles = set(CaseParty.objects.filter(case=case, party=payee_party).values_list("role", flat=True))
        wanted = PartyRole.RESPONDENT if kind == PayoutKind.DEBTOR_REFUND else PartyRole.APPLICANT
        if wanted not in roles:
            raise InvalidAmount("收款人不是本案相应的当事人。", details={"party": payee_party.pk})
    account = _account_fields(
        number=payee_account,
        bank=payee_bank,
        name=payee_account_name,
        kind=payee_account_kind,
        payee_is_person=payee_party is not None and payee_party.kind == PartyKind.PERSON,
    )
    # One payout decision per case at a time. FOR NO KEY UPDATE: rows that merely reference the
    # case (events, receipts) take FOR KEY SHARE and must not wait on it, or they deadlock.
    Case.objects.select_for_update(no_key=True).filter(pk=case.pk).first()
    _refuse_beyond_owed(
        case=case,
        kind=kind,
        payee_case=payee_case,
        amount=amount,
        today=_local_date(now),
        payee_party=payee_party,
        execution_cost=execution_cost,
    )
    due = _disbursement_due(case) or period_end_provisional(_local_date(now), 0).day
    payee = payee_name or (payee_party.name if payee_party else "") or "本院诉讼费专户"
    try:
        with transaction.atomic():
            payout = Payout.objects.create(
                court_id=case.court_id,
                case=case,
                kind=kind,
                payee_party=payee_party,
                payee_case=payee_case,
                execution_cost=execution_cost,
                payee_name=payee[:128],
                **account,
                amount=amount,
                idempotency_key=idempotency_key,
                due_on=due,
                note=note[:256],
                requested_by=actor,
                requested_at=now,
            )
    except IntegrityError:
        # The same request is being made in parallel (a double click, a retried call): it won.
        winner = Payout.objects.get(court_id=case.court_id, idempotency_key=idempotency_key)
        return _payout_replayed(winner, case=case, amount=amount)
    _post(
        court_id=case.court_id,
        case=case,
        kind=TransactionKind.PAYOUT_HOLD,
        key=f"payout-hold:{payout.pk}",
        at=now,
        memo=f"发放申请 #{payout.pk} {payout.payee_name}",
        legs=[
            (case_account(case=case), amount),
            (system_account(court_id=case.court_id, kind=AccountKind.PAYOUT_PENDING), -amount),
        ],
    )
    case_event_record(
        case=case,
        kind=LedgerEvent.PAYOUT_REQUESTED,
        summary=f"申请{payout.get_kind_display()}{format_yuan(amount)}元（收款人：{payout.payee_name}）",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "amount": amount, "kind": kind},
        legal_basis=FUNDS_RULES,
    )
    return payout


def _refuse_beyond_owed(
    *,
    case: Case,
    kind: str,
    payee_case: Case | None,
    amount: Decimal,
    today: date,
    payee_party: Party | None = None,
    execution_cost: ExecutionCost | None = None,
) -> None:
    """A payout never exceeds what is owed to its payee (:func:`..selectors.payee_owed`): the
    applicant and the court's fees get at most what the receipts paid of the debt, a creditor of
    another case (参与分配) at most what that case's debtor owes, the debtor at most the surplus
    (民诉解释 2022 arts. 506–510; 法释〔2014〕8号 art. 4; docs/law.md "Case funds and distribution").
    Where no money debt is recorded, nothing measures the payee's due and only the account
    balance limits the payout."""
    from ..selectors import payee_owed

    owed = payee_owed(
        case=case,
        kind=kind,
        payee_case=payee_case,
        as_of=today,
        payee_party=payee_party,
        execution_cost=execution_cost,
    )
    if owed.known and amount > owed.owed:
        whom = "被执行人（超出债务的余款）" if kind == PayoutKind.DEBTOR_REFUND else "该收款人"
        raise ConditionsNotMet(
            f"发放{format_yuan(amount)}元超过应付{whom}的{format_yuan(owed.owed)}元（{owed.explanation}），不能发放"
            "（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第五百零六条至第五百一十条；"
            "《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释》第四条）。",
            unmet=["within_owed"],
            details={"owed": str(owed.owed), "amount": str(amount), "known": owed.known},
            code=LedgerErrorCode.PAYOUT_EXCEEDS_OWED,
        )


def _payout_replayed(existing: Payout, *, case: Case, amount: Decimal) -> Payout:
    if existing.case_id != case.pk or existing.amount != to_money(amount):
        raise Conflict("该发放申请的幂等键已使用，但内容不同。")
    return existing


def _locked_payout(payout_id: int, actor: User) -> Payout:
    payout = (
        Payout.objects.select_for_update(of=("self",))
        .select_related("case", "case__court")
        .filter(pk=payout_id)
        .first()
    )
    if payout is None or actor.court_id != payout.court_id:
        raise NotFound("发放申请不存在或您无权操作。")
    return payout


@transaction.atomic
def payout_approve(*, payout_id: int, actor: User, now: datetime) -> Payout:
    """A court leader (approve.president) approves; never the clerk who asked (four eyes)."""
    payout = _locked_payout(payout_id, actor)
    require(actor, "approve.president", court=payout.case.court, now=now)
    if payout.requested_by_id == actor.pk:
        raise PermissionDenied("发放申请不能由申请人本人审批。")
    if payout.status == PayoutStatus.APPROVED and payout.approved_by_id == actor.pk:
        return payout
    if payout.status != PayoutStatus.REQUESTED:
        raise InvalidTransition(f"该发放申请当前为“{payout.get_status_display()}”，不能审批。")
    if payout.kind in PARTY_KINDS and not (
        payout.payee_account and payout.payee_bank and payout.payee_account_name
    ):
        raise ConditionsNotMet(
            "发放给当事人须写明收款账号、开户银行和账户名称，以转账方式划付"
            "（《最高人民法院关于执行款物管理工作的规定》），请财务人员先补录收款账户。",
            unmet=["payee_account"],
            code=LedgerErrorCode.PAYEE_ACCOUNT_MISSING,
        )
    payout.status = PayoutStatus.APPROVED
    payout.approved_by = actor
    payout.approved_at = now
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    # the 执行款发放审批表, which finance sends to the bank as the payment instruction
    document_id = payout_instruction_issuer()(payout=payout, actor=actor, now=now)
    if document_id is not None:
        payout.instruction_id = document_id
        payout.save(update_fields=["instruction"])
    case_event_record(
        case=payout.case,
        kind=LedgerEvent.PAYOUT_APPROVED,
        summary=f"审批同意{payout.get_kind_display()}{format_yuan(payout.amount)}元",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "instruction": payout.instruction_id},
        legal_basis=FUNDS_RULES,
    )
    return payout


#: Payouts to a party: paid by transfer to the payee's own account.
PARTY_KINDS = (PayoutKind.APPLICANT, PayoutKind.DEBTOR_REFUND, PayoutKind.SECURED)


def _account_fields(
    *, number: str, bank: str, name: str, kind: str, payee_is_person: bool, required: bool = False
) -> dict[str, Any]:
    """The payee-account columns of a payout: all three of number, bank and account name, the
    number checked, or (not ``required``) none at all."""
    number, bank, name = number.strip(), bank.strip(), name.strip()
    if not (number or bank or name) and not required:
        return {}
    missing = [label for label, v in (("收款账号", number), ("开户银行", bank), ("账户名称", name)) if not v]
    if missing:
        raise InvalidAmount(f"请填写{'、'.join(missing)}。", details={"missing": missing})
    checked = payee_account_check(number=number, kind=kind, payee_is_person=payee_is_person)
    return {
        "payee_account": checked.number,
        "payee_bank": bank[:64],
        "payee_account_name": name[:128],
        "payee_account_kind": checked.kind,
        "payee_account_checked": checked.checked,
    }


@transaction.atomic
def payout_account_set(
    *, payout_id: int, actor: User, now: datetime, number: str, bank: str, name: str, kind: str = ""
) -> Payout:
    """Finance records (or corrects) the payee's account on a payout still waiting for approval,
    e.g. a share of a distribution; the number is checked as on a request."""
    payout = _locked_payout(payout_id, actor)
    require(actor, "funds.manage", court=payout.case.court)
    if payout.status != PayoutStatus.REQUESTED:
        raise InvalidTransition(f"该发放申请当前为“{payout.get_status_display()}”，不能修改收款账户。")
    party = payout.payee_party
    fields = _account_fields(
        number=number,
        bank=bank,
        name=name,
        kind=kind,
        payee_is_person=party is not None and party.kind == PartyKind.PERSON,
        required=True,
    )
    for key, value in fields.items():
        setattr(payout, key, value)
    payout.save(update_fields=list(fields))
    case_event_record(
        case=payout.case,
        kind=LedgerEvent.PAYOUT_ACCOUNT_SET,
        summary=f"登记发放申请#{payout.pk}的收款账户（{payout.payee_bank}，"
        f"{'已校验' if payout.payee_account_checked else '未校验'}）",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "checked": payout.payee_account_checked},
    )
    return payout


@transaction.atomic
def payout_reject(*, payout_id: int, actor: User, now: datetime, reason: str = "") -> Payout:
    """Withdraw or refuse a payout not yet paid; the held amount returns to the case account."""
    payout = _locked_payout(payout_id, actor)
    if not (
        _can(actor, "approve.president", now=now)
        or (_can(actor, "funds.manage") and payout.status == PayoutStatus.REQUESTED)
    ):
        raise PermissionDenied("您没有退回该发放申请的权限。")
    if payout.status == PayoutStatus.REJECTED:
        return payout
    if payout.status not in (PayoutStatus.REQUESTED, PayoutStatus.APPROVED):
        raise InvalidTransition("已划付的款项不能退回。")
    payout.status = PayoutStatus.REJECTED
    payout.save(update_fields=["status"])
    _post(
        court_id=payout.court_id,
        case=payout.case,
        kind=TransactionKind.PAYOUT_VOID,
        key=f"payout-void:{payout.pk}",
        at=now,
        memo=f"发放申请 #{payout.pk} 退回",
        legs=[
            (system_account(court_id=payout.court_id, kind=AccountKind.PAYOUT_PENDING), payout.amount),
            (case_account(case=payout.case), -payout.amount),
        ],
    )
    case_event_record(
        case=payout.case,
        kind=LedgerEvent.PAYOUT_REJECTED,
        summary=f"发放申请{format_yuan(payout.amount)}元已退回{('：' + reason) if reason else ''}",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "reason": reason},
    )
    return payout


def _can(actor: User, capability: str, *, now: datetime | None = None) -> bool:
    from lastmile.accounts.permissions import actor_can

    return actor_can(actor, capability, now=now)


@transaction.atomic
def payout_settle(*, payout_id: int, actor: User, now: datetime, bank_reference: str = "") -> Payout:
    """The bank has executed an approved payout: 借 待划付款项 / 贷 执行款专户. Once only."""
    payout = _locked_payout(payout_id, actor)
    require(actor, "funds.manage", court=payout.case.court)
    if payout.status == PayoutStatus.PAID:
        return payout
    if payout.status != PayoutStatus.APPROVED:
        raise InvalidTransition(f"该发放申请当前为“{payout.get_status_display()}”，须先经审批。")
    payout.status = PayoutStatus.PAID
    payout.settled_by = actor
    payout.settled_at = now
    payout.save(update_fields=["status", "settled_by", "settled_at"])
    _post(
        court_id=payout.court_id,
        case=payout.case,
        kind=TransactionKind.PAYOUT_SETTLE,
        key=f"payout-settle:{payout.pk}",
        at=now,
        memo=f"划付 #{payout.pk} {payout.payee_name} {bank_reference}".strip(),
        legs=[
            (system_account(court_id=payout.court_id, kind=AccountKind.PAYOUT_PENDING), payout.amount),
            (system_account(court_id=payout.court_id, kind=AccountKind.BANK), -payout.amount),
        ],
    )
    case_event_record(
        case=payout.case,
        kind=LedgerEvent.PAYOUT_PAID,
        summary=f"已{payout.get_kind_display()}{format_yuan(payout.amount)}元（收款人：{payout.payee_name}）",
        actor=actor,
        now=now,
        data={"payout": payout.pk, "bank_reference": bank_reference},
        legal_basis=FUNDS_RULES,
    )
    _complete_covered_deadlines(case=payout.case, now=now)
    return payout
