"""到期债权: a debt a third party owes the debtor (执行工作规定 2020 arts. 45–53; 民诉解释 2022
art. 499). The court serves a 履行到期债务通知书 directly on the third party, who pays the
applicant or objects within 15 days of receipt (art. 45); a timely objection stops enforcement of
what it disputes and is not reviewed, but "cannot pay" or "no relation with the applicant" is not
an objection (arts. 46–47); the admitted part is enforced; silence past the window lets the court
rule to enforce against the third party (art. 49). The third party's own debtors are not reached
(art. 52). The 15 days run through the legal-period calculator (CPL 2023 art. 85)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, InvalidAmount, InvalidTransition
from lastmile.core.money import format_yuan, plain_yuan, to_money
from lastmile.core.periods import period_end
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.parties.models import Party

from ..documents import catalog_document_issue
from ..models import Receivable, ReceivableStatus
from .common import _event
from .takings_common import (
    BASIS_NO_SECOND_DEGREE,
    BASIS_RECEIVABLE_ENFORCE,
    BASIS_RECEIVABLE_NOTICE,
    BASIS_RECEIVABLE_OBJECTION,
    debtor_of,
    serve_on_sides,
    working_case,
)

OBJECTION_DAYS = 15
#: Statements that are not an objection (art. 47): the third party cannot pay, or has nothing to
#: do with the applicant.
NOT_OBJECTIONS = ("cannot_pay", "no_relation")


@transaction.atomic
def receivable_notice_issue(
    *,
    case: Case,
    party: Party,
    third_party: str,
    amount: Decimal,
    actor: User,
    now: datetime,
    third_party_address: str = "",
) -> Receivable:
    """Issue the 履行到期债务通知书 for a debt ``third_party`` owes the debtor ``party``. Refused:
    a creditor who is not the debtor of the case (a debt owed to the third party is not reached:
    no second-degree notice, art. 52), no amount."""
    require(actor, "inquiry.order", court=case.court)
    working_case(case)
    debtor_of(case, party, BASIS_NO_SECOND_DEGREE)
    third_party = third_party.strip()
    if not third_party:
        raise ConditionsNotMet("请填写第三人（次债务人）。", unmet=["third_party"])
    if third_party == party.name:
        raise ConditionsNotMet("第三人不能是被执行人本人。", unmet=["third_party"])
    value = to_money(amount)
    if value <= 0:
        raise InvalidAmount("到期债务金额必须大于零。")
    notice = catalog_document_issue(
        case=case,
        code="third_party_performance_notice",
        context={"third_party": third_party, "debtor": party.name, "amount": plain_yuan(value)},
        actor=actor,
        now=now,
    )
    r = Receivable.objects.create(
        court_id=case.court_id,
        case=case,
        party=party,
        third_party=third_party[:128],
        third_party_address=third_party_address.strip()[:256],
        amount=value,
        notice=notice,
        created_by=actor,
        created_at=now,
    )
    _event(
        case,
        InquiryEvent.RECEIVABLE_NOTICED,
        f"向第三人{third_party}发出履行到期债务通知书：{format_yuan(value)}元",
        now,
        actor,
        data={"receivable": r.pk},
        legal_basis=BASIS_RECEIVABLE_NOTICE,
    )
    return r


@transaction.atomic
def receivable_served(*, receivable: Receivable, served_on: date, actor: User, now: datetime) -> Receivable:
    """Record service on the third party (served directly, by hand or post: the 送达回证's date);
    the 15-day window runs from it (art. 45). The debtor and the applicants are told now."""
    require(actor, "inquiry.order", court=receivable.case.court)
    r = Receivable.objects.select_for_update().select_related("case", "party").get(pk=receivable.pk)
    if r.status != ReceivableStatus.ISSUED:
        raise InvalidTransition("通知书已登记送达。")
    if served_on > court_date(now):
        raise InvalidAmount("送达日期不能晚于今天。")
    r.served_on = served_on
    r.objection_due = period_end(served_on, OBJECTION_DAYS)
    r.status = ReceivableStatus.SERVED
    r.save(update_fields=["served_on", "objection_due", "status"])
    serve_on_sides(r.notice, r.case, r.party, now)
    return r


@transaction.atomic
def receivable_objection_record(
    *,
    receivable: Receivable,
    statement: str,
    admitted: Decimal | None,
    objected_on: date,
    actor: User,
    now: datetime,
    kind: str = "dispute",
) -> Receivable:
    """Record the third party's objection (written, or oral and recorded; art. 46). Within the
    window it stops enforcement of the disputed part without review; the admitted part stays
    enforceable (art. 48). Refused (nothing written): late, or a statement that is not an
    objection — cannot pay, no relation with the applicant (art. 47)."""
    require(actor, "inquiry.order", court=receivable.case.court)
    r = Receivable.objects.select_for_update().get(pk=receivable.pk)
    if r.status != ReceivableStatus.SERVED or r.objection_due is None:
        raise InvalidTransition("通知书尚未送达或异议已登记。")
    if kind in NOT_OBJECTIONS:
        raise ConditionsNotMet(
            f"第三人以无履行能力或与申请执行人无直接法律关系为由提出的，不属于对到期债权的异议（{BASIS_RECEIVABLE_OBJECTION}）。",
            unmet=["objection"],
            details={"basis": BASIS_RECEIVABLE_OBJECTION.as_dict()},
        )
    if objected_on > r.objection_due:
        raise ConditionsNotMet(
            f"第三人应在收到通知后十五日内提出异议，期限已于{r.objection_due}届满（{BASIS_RECEIVABLE_NOTICE}）。",
            unmet=["in_time"],
            details={"basis": BASIS_RECEIVABLE_NOTICE.as_dict()},
        )
    statement = statement.strip()
    if not statement:
        raise ConditionsNotMet("请记录第三人的异议内容。", unmet=["statement"])
    part = to_money(admitted) if admitted is not None else Decimal("0.00")
    if part < 0 or part > r.amount:
        raise InvalidAmount("承认的数额应在0与到期债务金额之间。")
    r.objection, r.admitted, r.objected_on = statement[:512], part, objected_on
    r.status = ReceivableStatus.ENFORCEABLE if part > 0 else ReceivableStatus.OBJECTED
    r.save(update_fields=["objection", "admitted", "objected_on", "status"])
    _event(
        r.case,
        InquiryEvent.RECEIVABLE_OBJECTED,
        f"第三人{r.third_party}提出异议：{statement}" + (f"（承认{format_yuan(part)}元）" if part else ""),
        now,
        actor,
        data={"receivable": r.pk},
        legal_basis=BASIS_RECEIVABLE_OBJECTION,
    )
    return r


@transaction.atomic
def receivable_enforce(*, receivable: Receivable, actor: User, now: datetime) -> Receivable:
    """Rule to enforce against the third party (art. 49), served on the debtor and the applicants
    (the third party gets it with the notice's address): the whole debt after a silent window,
    or the admitted part after a partial objection. Refused while the window runs, after a full
    objection, or twice."""
    require(actor, "enforcement.decide", court=receivable.case.court)
    r = Receivable.objects.select_for_update().select_related("case", "party").get(pk=receivable.pk)
    today = court_date(now)
    if r.status == ReceivableStatus.OBJECTED:
        raise ConditionsNotMet(
            f"第三人在期限内提出异议，不得对其强制执行（{BASIS_RECEIVABLE_OBJECTION}）。",
            unmet=["no_objection"],
            details={"basis": BASIS_RECEIVABLE_OBJECTION.as_dict()},
        )
    if r.status == ReceivableStatus.SERVED:
        assert r.objection_due is not None
        if today <= r.objection_due:
            raise ConditionsNotMet(
                f"第三人的异议期至{r.objection_due}届满，届满前不得裁定对其强制执行（{BASIS_RECEIVABLE_ENFORCE}）。",
                unmet=["window_over"],
                details={"basis": BASIS_RECEIVABLE_ENFORCE.as_dict()},
            )
        value, conduct = r.amount, "既未履行也未提出异议"
    elif r.status == ReceivableStatus.ENFORCEABLE and r.admitted is not None:
        value, conduct = r.admitted, f"对其中人民币{format_yuan(r.admitted)}元未提出异议"
    else:
        raise InvalidTransition("该到期债权当前不能裁定强制执行。")
    assert r.served_on is not None
    ruling = catalog_document_issue(
        case=r.case,
        code="ruling_enforce_third_party",
        context={
            "served_on": r.served_on.isoformat(),
            "third_party": r.third_party,
            "conduct": conduct,
            "amount": plain_yuan(value),
        },
        actor=actor,
        now=now,
    )
    r.ruling, r.enforced_amount, r.status = ruling, value, ReceivableStatus.ENFORCED
    r.save(update_fields=["ruling", "enforced_amount", "status"])
    serve_on_sides(ruling, r.case, r.party, now)
    _event(
        r.case,
        InquiryEvent.RECEIVABLE_ENFORCED,
        f"裁定对第三人{r.third_party}强制执行{format_yuan(value)}元",
        now,
        actor,
        data={"receivable": r.pk},
        legal_basis=BASIS_RECEIVABLE_ENFORCE,
    )
    return r
