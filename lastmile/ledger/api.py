"""Case-funds API (/api/v1/funds): statements, bank notices, claims and payouts. Thin."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import NotFound
from lastmile.parties.models import Party

from . import selectors, services

router = Router(tags=["funds"])


class LineOut(Schema):
    kind: str
    label: str
    amount: Decimal
    basis: str
    first_day: date | None
    last_day: date | None
    days: int
    base: Decimal | None
    rate: Decimal | None
    provisional: bool


class StatementOut(Schema):
    case_id: int
    account_number: str | None
    balance: Decimal
    as_of: date
    owed: dict[str, Decimal]
    paid: dict[str, Decimal]
    outstanding: dict[str, Decimal]
    outstanding_total: Decimal
    surplus: Decimal
    lines: list[LineOut]


class FundsReceiptIn(Schema):
    case_id: int | None = None
    amount: Decimal
    source: str = "bank_deduction"
    idempotency_key: str
    received_at: datetime
    effective_on: date | None = None
    payer: str = ""
    note: str = ""


class ReceiptOut(Schema):
    id: int
    case_id: int | None
    amount: Decimal
    idempotency_key: str


class ClaimIn(Schema):
    case_id: int


class PayoutIn(Schema):
    kind: str = "applicant"
    amount: Decimal
    payee_party_id: int | None = None
    payee_account: str = ""
    payee_bank: str = ""
    payee_account_name: str = ""
    payee_account_kind: str = ""  # card | corporate | other; empty: inferred (a person's card-like number)
    idempotency_key: str
    note: str = ""


class InterestPauseIn(Schema):
    kind: str = "other"  # "review" 审查执行依据中止或暂缓 | "retrial" 再审中止 | "other"
    starts_on: date
    ends_on: date | None = None
    reason: str = ""
    requested_by_debtor: bool = False


class InterestPauseEndIn(Schema):
    ends_on: date


class PauseOut(Schema):
    id: int
    case_id: int
    kind: str
    starts_on: date
    ends_on: date | None
    reason: str


class PayoutOut(Schema):
    id: int
    case_id: int
    kind: str
    amount: Decimal
    status: str
    due_on: date
    payee_account: str = ""
    payee_account_checked: bool = False  # True only when a bank card's check digit was verified
    instruction_id: int | None = None  # the 执行款发放审批表 issued on approval


class PayoutAccountIn(Schema):
    payee_account: str
    payee_bank: str
    payee_account_name: str
    payee_account_kind: str = ""


def _actor(request: HttpRequest) -> User:
    """The API is mounted behind django_auth, so the user is a staff account."""
    return request.user  # type: ignore[return-value]


def _payout_out(p) -> PayoutOut:  # type: ignore[no-untyped-def]
    return PayoutOut(
        id=p.pk,
        case_id=p.case_id,
        kind=p.kind,
        amount=p.amount,
        status=p.status,
        due_on=p.due_on,
        payee_account=p.payee_account,
        payee_account_checked=p.payee_account_checked,
        instruction_id=p.instruction_id,
    )


@router.get("/cases/{case_id}/statement", response=StatementOut, summary="计算明细（截至某日）")
def statement(request: HttpRequest, case_id: int, as_of: date | None = None):  # type: ignore[no-untyped-def]
    day = as_of or get_clock().today()
    f = selectors.case_funds_get_for(actor=_actor(request), case_id=case_id, as_of=day)
    s = f.statement
    zero = Decimal("0.00")
    return StatementOut(
        case_id=case_id,
        account_number=f.account.number if f.account else None,
        balance=f.account.balance if f.account else zero,
        as_of=day,
        owed=s.accrued if s else {},
        paid=s.paid if s else {},
        outstanding=s.outstanding if s else {},
        outstanding_total=s.outstanding_total if s else zero,
        surplus=s.surplus if s else zero,
        lines=[
            LineOut(
                kind=ln.kind,
                label=ln.label,
                amount=ln.amount,
                basis=str(ln.basis),
                first_day=ln.first_day,
                last_day=ln.last_day,
                days=ln.days,
                base=ln.base,
                rate=ln.rate,
                provisional=ln.provisional,
            )
            for ln in (s.lines if s else [])
        ],
    )


@router.post("/receipts", response=ReceiptOut, summary="到账通知（幂等：同一幂等键重复推送不重复记账）")
def receipt_post(request: HttpRequest, body: FundsReceiptIn):  # type: ignore[no-untyped-def]
    user = _actor(request)
    require(user, "funds.manage")
    case = case_get_for(actor=user, case_id=body.case_id) if body.case_id else None
    r = services.receipt_record(
        case=case,
        court_id=user.court_id,
        amount=body.amount,
        source=body.source,
        idempotency_key=body.idempotency_key,
        received_at=body.received_at,
        actor=user,
        payer=body.payer,
        note=body.note,
        effective_on=body.effective_on,
    )
    return ReceiptOut(id=r.pk, case_id=r.case_id, amount=r.amount, idempotency_key=r.idempotency_key)


@router.post("/receipts/{receipt_id}/claim", response=ReceiptOut, summary="认领到案件")
def receipt_claim(request: HttpRequest, receipt_id: int, body: ClaimIn):  # type: ignore[no-untyped-def]
    case = case_get_for(actor=_actor(request), case_id=body.case_id)
    r = services.receipt_claim(receipt_id=receipt_id, case=case, actor=_actor(request), now=get_clock().now())
    return ReceiptOut(id=r.pk, case_id=r.case_id, amount=r.amount, idempotency_key=r.idempotency_key)


@router.post("/cases/{case_id}/payouts", response=PayoutOut, summary="申请发放（金额即时冻结）")
def payout_post(request: HttpRequest, case_id: int, body: PayoutIn):  # type: ignore[no-untyped-def]
    case = case_get_for(actor=_actor(request), case_id=case_id)
    party = None
    if body.payee_party_id is not None:
        party = Party.objects.filter(pk=body.payee_party_id).first()
        if party is None:
            raise NotFound("收款当事人不存在。")
    p = services.payout_request(
        case=case,
        kind=body.kind,
        amount=body.amount,
        actor=_actor(request),
        now=get_clock().now(),
        idempotency_key=body.idempotency_key,
        payee_party=party,
        payee_account=body.payee_account,
        payee_bank=body.payee_bank,
        payee_account_name=body.payee_account_name,
        payee_account_kind=body.payee_account_kind,
        note=body.note,
    )
    return _payout_out(p)


@router.post(
    "/payouts/{payout_id}/account",
    response=PayoutOut,
    summary="登记收款账户（待审批的发放；银行卡按校验位核对，单位账户记为未校验）",
)
def payout_account(request: HttpRequest, payout_id: int, body: PayoutAccountIn):  # type: ignore[no-untyped-def]
    return _payout_out(
        services.payout_account_set(
            payout_id=payout_id,
            actor=_actor(request),
            now=get_clock().now(),
            number=body.payee_account,
            bank=body.payee_bank,
            name=body.payee_account_name,
            kind=body.payee_account_kind,
        )
    )


@router.post(
    "/payouts/{payout_id}/approve", response=PayoutOut, summary="审批发放（须院领导，且非申请人本人）"
)
def payout_approve(request: HttpRequest, payout_id: int):  # type: ignore[no-untyped-def]
    return _payout_out(
        services.payout_approve(payout_id=payout_id, actor=_actor(request), now=get_clock().now())
    )


@router.post("/payouts/{payout_id}/settle", response=PayoutOut, summary="确认已划付（仅一次）")
def payout_settle(request: HttpRequest, payout_id: int, bank_reference: str = ""):  # type: ignore[no-untyped-def]
    p = services.payout_settle(
        payout_id=payout_id,
        actor=_actor(request),
        now=get_clock().now(),
        bank_reference=bank_reference,
    )
    return _payout_out(p)


def _pause_out(p) -> PauseOut:  # type: ignore[no-untyped-def]
    return PauseOut(
        id=p.pk, case_id=p.case_id, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on, reason=p.reason
    )


@router.post(
    "/cases/{case_id}/pauses",
    response=PauseOut,
    summary="登记不计加倍部分债务利息的期间（再审中止、审查执行依据；被执行人申请的除外）",
)
def pause_post(request: HttpRequest, case_id: int, body: InterestPauseIn):  # type: ignore[no-untyped-def]
    case = case_get_for(actor=_actor(request), case_id=case_id)
    require(_actor(request), "enforcement.work", court=case.court)
    return _pause_out(
        services.obligation_pause_record(
            case=case,
            kind=body.kind,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            reason=body.reason,
            requested_by_debtor=body.requested_by_debtor,
            actor=_actor(request),
            now=get_clock().now(),
        )
    )


@router.post("/cases/{case_id}/pauses/end", response=PauseOut, summary="登记不计加倍利息期间的终止日")
def pause_end_post(request: HttpRequest, case_id: int, body: InterestPauseEndIn):  # type: ignore[no-untyped-def]
    case = case_get_for(actor=_actor(request), case_id=case_id)
    require(_actor(request), "enforcement.work", court=case.court)
    return _pause_out(
        services.obligation_pause_end(
            case=case, ends_on=body.ends_on, actor=_actor(request), now=get_clock().now()
        )
    )


class StatementRowIn(Schema):
    idempotency_key: str
    amount: Decimal
    received_at: datetime
    source: str = "bank_deduction"
    case_id: int | None = None
    account_number: str = ""  # the case's virtual account, when the statement names it
    payer: str = ""
    effective_on: date | None = None


class StatementIn(Schema):
    rows: list[StatementRowIn]


class ImportError_(Schema):
    idempotency_key: str
    message: str


class ImportOut(Schema):
    created: int
    replayed: int
    unclaimed: int
    errors: list[ImportError_]


@router.post(
    "/receipts/import",
    response=ImportOut,
    summary="对账单批量到账（幂等；按案件或案件虚拟账号入账，坏行逐条报告、好行照记）",
)
def receipts_import_post(request: HttpRequest, body: StatementIn):  # type: ignore[no-untyped-def]
    user = _actor(request)
    require(user, "funds.manage")
    if user.court is None:
        raise NotFound("您没有所属法院。")
    result = services.receipts_import(
        court=user.court,
        rows=[services.ReceiptRow(**row.dict()) for row in body.rows],
        actor=user,
        now=get_clock().now(),
    )
    return ImportOut(
        created=result.created,
        replayed=result.replayed,
        unclaimed=result.unclaimed,
        errors=[ImportError_(idempotency_key=k, message=m) for k, m in result.errors],
    )


class DistributionClaimIn(Schema):
    party_id: int
    amount: Decimal
    rank: int = Field(2, ge=0, le=2)  # 0 执行费用, 1 优先受偿, 2 普通债权
    seized_on: date | None = None
    payee_case_id: int | None = None  # 参与分配: the creditor's own enforcement case


class DistributionIn(Schema):
    amount: Decimal
    claims: list[DistributionClaimIn]
    idempotency_key: str
    debtor_legal_form: str = ""  # person | enterprise_legal_person | other_organisation


@router.post(
    "/cases/{case_id}/distribution",
    response=list[PayoutOut],
    summary="分配方案（参与分配或按查封先后）：各份额为待审批的发放申请",
)
def distribution_post(request: HttpRequest, case_id: int, body: DistributionIn):  # type: ignore[no-untyped-def]
    user = _actor(request)
    case = case_get_for(actor=user, case_id=case_id)
    claims = []
    for c in body.claims:
        payee_case = case_get_for(actor=user, case_id=c.payee_case_id) if c.payee_case_id else None
        party = Party.objects.filter(pk=c.party_id, roles__case=payee_case or case).first()
        if party is None:
            raise NotFound("债权人不是该案件的当事人。")
        claims.append(
            services.DistributionClaim(
                party=party, amount=c.amount, rank=c.rank, seized_on=c.seized_on, payee_case=payee_case
            )
        )
    payouts = services.distribution_propose(
        case=case,
        amount=body.amount,
        claims=claims,
        actor=user,
        now=get_clock().now(),
        idempotency_key=body.idempotency_key,
        debtor_legal_form=body.debtor_legal_form,
    )
    return [_payout_out(p) for p in payouts]
