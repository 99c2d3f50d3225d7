"""扣留、提取收入 (民事诉讼法 2023 art. 254): the debtor's wages or other income withheld through the
employer with a ruling and a 协助执行通知书, always leaving the living necessities of the debtor
and the dependants; the employer's monthly payments booked to the case account until the total is
reached; and the release that gives the family its income back (善意文明执行, 法发〔2019〕35号).

The amount kept each month is the local 最低生活保障 standard (the court's LIVING_ALLOWANCE
setting, 查封规定 2020 art. 3) for the debtor and each dependant: the living-expenses guardrail,
on the real path of every withholding. No percentage cap appears in the verified texts; a court
that applies one lowers ``monthly_amount`` by hand (docs/valuation.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidAmount, InvalidTransition
from lastmile.core.money import format_yuan, plain_yuan, to_money
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.ledger.models import ReceiptSource
from lastmile.ledger.services import amount_outstanding, receipt_record
from lastmile.parties.models import Party

from .. import rules
from ..conf import inquiry_setting
from ..documents import catalog_document_issue
from ..models import IncomePayment, IncomeWithholding, WithholdingStatus
from .common import _event
from .takings_common import BASIS_INCOME, debtor_of, serve_on_sides, working_case

MAX_DEPENDANTS = 20


def living_standard_monthly(*, court_code: str) -> Decimal:
    """The local 最低生活保障 standard per person per month (查封规定 2020 art. 3), as the court has
    set it (LIVING_ALLOWANCE ``monthly``; UNVERIFIED until a court sets its own)."""
    table = inquiry_setting("LIVING_ALLOWANCE")
    entry = table.get(court_code) or table["default"]
    return to_money(Decimal(str(entry["monthly"])))


def retained_monthly(*, court_code: str, dependants: int) -> Decimal:
    """What the debtor keeps each month: the standard for the debtor and each dependant
    (民事诉讼法 2023 art. 254: 保留被执行人及其所扶养家属的生活必需费用)."""
    return to_money(living_standard_monthly(court_code=court_code) * (1 + dependants))


@transaction.atomic
def income_withhold_start(
    *,
    case: Case,
    party: Party,
    employer: str,
    monthly_income: Decimal,
    dependants: int,
    actor: User,
    now: datetime,
) -> IncomeWithholding:
    """Rule to withhold the debtor's income at ``employer`` (served on both sides) and issue the
    协助执行通知书 to the employer: each month the income less what the family keeps, until what is
    owed today is reached. Refused, naming art. 254 (nothing written): an income that does not
    exceed the family's living necessities, a debtor who is not a natural person, nothing owed,
    a second active withholding at the same employer."""
    require(actor, "inquiry.order", court=case.court)
    working_case(case)
    debtor_of(case, party, BASIS_INCOME)
    employer = employer.strip()
    if not employer:
        raise ConditionsNotMet("请填写协助执行的单位（发放收入的单位）。", unmet=["employer"])
    if not party.is_person:
        raise ConditionsNotMet(
            f"扣留、提取收入适用于自然人被执行人（{BASIS_INCOME}）。",
            unmet=["person"],
            details={"basis": BASIS_INCOME.as_dict()},
        )
    income = to_money(monthly_income)
    if income <= 0:
        raise InvalidAmount("月收入必须大于零。")
    if not 0 <= int(dependants) <= MAX_DEPENDANTS:
        raise InvalidAmount("所扶养家属人数不正确。")
    retained = retained_monthly(court_code=case.court.code, dependants=int(dependants))
    monthly = to_money(income - retained)
    if monthly <= 0:
        raise ConditionsNotMet(
            f"被执行人月收入{format_yuan(income)}元不超过其本人及所扶养家属的生活必需费用{format_yuan(retained)}元，不得扣留、提取"
            f"（{BASIS_INCOME}；{rules.BASIS_LIVING}）。",
            unmet=["above_living"],
            details={"basis": BASIS_INCOME.as_dict(), "retained": str(retained)},
        )
    today = court_date(now)
    total = to_money(amount_outstanding(case=case, as_of=today))
    if total <= 0:
        raise ConditionsNotMet("本案已无未履行的金额。", unmet=["owed"])
    if IncomeWithholding.objects.filter(
        case=case, party=party, employer=employer, status=WithholdingStatus.ACTIVE
    ).exists():
        raise Conflict("已在该单位扣留、提取被执行人的收入。")
    monthly = min(monthly, total)
    ruling = catalog_document_issue(
        case=case,
        code="ruling_withhold_income",
        context={
            "debtor": party.name,
            "employer": employer,
            "monthly_amount": plain_yuan(monthly),
            "total": plain_yuan(total),
            "retained": plain_yuan(retained),
        },
        actor=actor,
        now=now,
    )
    notice = catalog_document_issue(
        case=case,
        code="income_assistance_notice",
        context={
            "employer": employer,
            "ruling_number": ruling.number,
            "debtor": party.name,
            "monthly_amount": plain_yuan(monthly),
            "total": plain_yuan(total),
            "retained": plain_yuan(retained),
        },
        actor=actor,
        now=now,
    )
    w = IncomeWithholding.objects.create(
        court_id=case.court_id,
        case=case,
        party=party,
        employer=employer[:128],
        monthly_income=income,
        dependants=int(dependants),
        retained=retained,
        monthly_amount=monthly,
        total=total,
        ruling=ruling,
        notice=notice,
        started_on=today,
        created_by=actor,
        created_at=now,
    )
    serve_on_sides(ruling, case, party, now)
    _event(
        case,
        InquiryEvent.INCOME_WITHHELD,
        f"扣留、提取{party.name}在{employer}的收入：每月{format_yuan(monthly)}元，保留生活费{format_yuan(retained)}元，至{format_yuan(total)}元止",
        now,
        actor,
        data={"withholding": w.pk},
        legal_basis=BASIS_INCOME,
    )
    return w


@transaction.atomic
def income_payment_record(
    *, withholding: IncomeWithholding, month: str, amount: Decimal, paid_on: date, actor: User, now: datetime
) -> IncomePayment:
    """Book one month's payment from the employer into the case account. Never more than the
    month's withholding (the family's part is not taken, art. 254) nor than what remains; once
    the total is reached the withholding is complete. One payment per month."""
    require(actor, "inquiry.order", court=withholding.case.court)
    w = IncomeWithholding.objects.select_for_update().select_related("case").get(pk=withholding.pk)
    if w.status != WithholdingStatus.ACTIVE:
        raise InvalidTransition("该收入扣留已结束。")
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise InvalidAmount("月份格式应为 YYYY-MM。")
    value = to_money(amount)
    if value <= 0:
        raise InvalidAmount("金额必须大于零。")
    if value > w.monthly_amount or value > w.remaining:
        raise ConditionsNotMet(
            f"每月扣留不得超过{format_yuan(min(w.monthly_amount, w.remaining))}元，"
            f"须保留被执行人及其所扶养家属的生活必需费用（{BASIS_INCOME}）。",
            unmet=["within_monthly"],
            details={"basis": BASIS_INCOME.as_dict()},
        )
    try:
        with transaction.atomic():
            payment = IncomePayment.objects.create(
                withholding=w, month=month, amount=value, paid_on=paid_on, recorded_at=now, recorded_by=actor
            )
    except IntegrityError:
        raise Conflict(f"{month}的扣留款已登记。") from None
    receipt_record(
        case=w.case,
        amount=value,
        source=ReceiptSource.DEBTOR_TRANSFER,
        idempotency_key=f"income-{w.pk}-{month}",
        received_at=now,
        actor=actor,
        payer=w.employer,
        note=f"扣留收入{month}",
        effective_on=paid_on,
    )
    IncomeWithholding.objects.filter(pk=w.pk).update(withheld=F("withheld") + value)
    w.refresh_from_db()
    if w.withheld >= w.total:
        w.status, w.ended_at, w.end_reason = WithholdingStatus.COMPLETED, now, "已扣足"
        w.save(update_fields=["status", "ended_at", "end_reason"])
    _event(
        w.case,
        InquiryEvent.INCOME_PAID,
        f"{w.employer}汇入{month}扣留收入{format_yuan(value)}元（累计{format_yuan(w.withheld)}元）",
        now,
        actor,
        data={"withholding": w.pk, "payment": payment.pk},
        legal_basis=BASIS_INCOME,
    )
    return payment


@transaction.atomic
def income_withhold_release(
    *, withholding: IncomeWithholding, reason: str, actor: User, now: datetime
) -> IncomeWithholding:
    """Lift the withholding by ruling (served on both sides) — e.g. to keep the family fed
    (善意文明执行, 法发〔2019〕35号) — and tell the employer by a 协助执行通知书. The enforcement
    judge's act, like every release (查封规定 2020 art. 28)."""
    require(actor, "control.release", court=withholding.case.court)
    w = IncomeWithholding.objects.select_for_update().select_related("case", "party").get(pk=withholding.pk)
    if w.status != WithholdingStatus.ACTIVE:
        raise InvalidTransition("该收入扣留已结束。")
    reason = reason.strip()
    if not reason:
        raise ConditionsNotMet("请写明解除的理由。", unmet=["reason"])
    ruling = catalog_document_issue(
        case=w.case,
        code="ruling_income_release",
        context={"debtor": w.party.name, "employer": w.employer, "reason": reason},
        actor=actor,
        now=now,
    )
    catalog_document_issue(
        case=w.case,
        code="assistance_notice",
        context={
            "institution": w.employer,
            "ruling_number": ruling.number,
            "request": (
                f"自收到本通知之日起，停止扣留被执行人{w.party.name}的收入，"
                "此前已扣留的款项仍汇入本院执行款专户。"
            ),
            "target": f"{w.party.name}的工资等收入",
            "amount": plain_yuan(w.monthly_amount),
        },
        actor=actor,
        now=now,
    )
    w.status, w.ended_at, w.end_reason, w.release_ruling = (
        WithholdingStatus.RELEASED,
        now,
        reason[:256],
        ruling,
    )
    w.save(update_fields=["status", "ended_at", "end_reason", "release_ruling"])
    serve_on_sides(ruling, w.case, w.party, now)
    _event(
        w.case,
        InquiryEvent.INCOME_RELEASED,
        f"解除扣留{w.party.name}在{w.employer}的收入：{reason}",
        now,
        actor,
        data={"withholding": w.pk},
        legal_basis=BASIS_INCOME,
    )
    return w
