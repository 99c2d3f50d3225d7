"""The documents an enforcement step issues, filled from the case's own records.

When the officer records that the 执行通知书 or the 报告财产令 has been sent, the document itself is
issued through :mod:`lastmile.documents` in the same transaction, with the amounts of the case's
statement (:mod:`lastmile.ledger`) and its own account number (一案一账号). 民诉解释 2022 art. 480
(the notice announces delayed-performance interest); 财产调查规定 art. 3 (the report order goes
with the notice).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.documents.models import Document
from lastmile.documents.services import document_issue
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.inquiry.documents import catalog_document_issue
from lastmile.inquiry.models import HOLDING_STATUSES, Freeze
from lastmile.ledger.models import Obligation
from lastmile.ledger.selectors import case_statement
from lastmile.ledger.services import case_account
from lastmile.service.services import service_dispatch

from . import rules
from .models import ClosingMethod, EnforcementCase, SettlementRelease, StepKind

TEMPLATE_BY_STEP = {
    StepKind.EXECUTION_NOTICE: "enforcement_notice",
    StepKind.PROPERTY_REPORT_ORDER: "property_report_order",
}


def notice_context(*, case: Case, ec: EnforcementCase, as_of: date) -> dict[str, Any]:
    """What the 执行通知书 states: the execution basis, what is owed and where to pay. The 申请执行费
    is the debtor's (诉讼费用交纳办法 2006 arts. 14, 38) and printed as such; the other costs the
    basis fixes (案件受理费 …) are printed apart, and interest the judgment fixed is interest."""
    statement = case_statement(case=case, as_of=as_of)
    owed = statement.outstanding if statement is not None else {}
    principal = owed.get("principal", Decimal("0.00"))
    interest = owed.get("interest", Decimal("0.00"))
    costs = owed.get("costs", Decimal("0.00"))
    obligation = Obligation.objects.filter(case=case).first()
    charged = sum(
        (
            Decimal(c["amount"])
            for c in (obligation.costs if obligation else [])
            if c["kind"] == "execution_fee"
        ),
        Decimal("0.00"),
    )
    # Payments reach the costs in their order, the 申请执行费 (added at filing) last.
    fee = min(charged, costs)
    account = case_account(case=case)
    return {
        "source_document": basis_text(ec),
        "applied_on": ec.applied_on.isoformat(),
        "principal": str(principal),
        "interest": str(interest),
        "fee": str(fee),
        "other_costs": str(costs - fee),
        "total": str(principal + interest + costs),
        "account": {"name": account.name, "bank": f"{case.court.name}执行款专户", "number": account.number},
    }


def step_documents_issue(*, case: Case, kind: str, actor: User, now: datetime) -> Document | None:
    """Issue the document that goes with a recorded step, once per case (a correction is made
    through the documents app as a new version), and serve it on the debtors through
    :mod:`lastmile.service` (the 终本 check reads that service: 终本规定 2016 art. 1(1))."""
    code = TEMPLATE_BY_STEP.get(kind)  # type: ignore[call-overload]
    if code is None:
        return None
    document = Document.objects.filter(case=case, template_version__template__code=code).first()
    if document is None:
        ec = EnforcementCase.objects.get(case=case)
        context = notice_context(case=case, ec=ec, as_of=timezone.localtime(now).date())
        document = document_issue(case=case, template_code=code, context=context, actor=actor, now=now)
    # Served on every debtor (民事诉讼法 2023 art. 251); a debtor already served is skipped.
    debtors = [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
    ]
    service_dispatch(document=document, actor=actor, now=now, recipients=debtors)
    return document


def basis_text(ec: EnforcementCase) -> str:
    return f"{ec.basis_issuer}{ec.basis_number}{ec.get_basis_kind_display()}"


def release_documents_issue(
    *, case: Case, release: SettlementRelease, actor: User, now: datetime
) -> Document:
    """The 解除查封、扣押、冻结 ruling on the applicant's application after a settlement (执行和解规定
    2020 art. 3; 查封规定 2020 art. 28), issued through the inquiry app's issuing function and
    served on every party of the case. The 协助执行通知书 to each institution holding a freeze or
    seizure (民事诉讼法 2023 art. 253) goes with the unfreeze order, which
    :func:`lastmile.inquiry.services.controls_release_all` makes when given this ruling. Returns
    the ruling."""
    ec = EnforcementCase.objects.get(case=case)
    holding = list(
        Freeze.objects.filter(case=case, status__in=HOLDING_STATUSES).select_related("asset").order_by("pk")
    )
    targets = "；".join(
        f"{f.asset.institution_name}{f.asset.identifier}"
        + (f"内的存款人民币{f.amount_held}元" if f.is_money else "")
        for f in holding
    )
    settlement = release.settlement
    ruling = catalog_document_issue(
        case=case,
        code="ruling_release",
        context={
            "source_document": basis_text(ec),
            "settlement": (
                f"双方当事人于{settlement.agreed_on.year}年{settlement.agreed_on.month}月"
                f"{settlement.agreed_on.day}日达成执行和解协议，本院已中止执行。"
            ),
            "applied_on": release.applied_on.isoformat(),
            "targets": targets or "本案全部查封、扣押、冻结的财产",
        },
        actor=actor,
        now=now,
    )
    parties = [
        cp.party
        for cp in CaseParty.objects.filter(case=case)
        .select_related("party")
        .order_by("role", "position", "pk")
    ]
    service_dispatch(document=ruling, actor=actor, now=now, recipients=parties)
    return ruling


# --- Closing and restoring (issue K: every act issues its document and serves it) -------------

#: 民事诉讼法 2023 art. 268: the item of each ground of 终结执行 (:data:`.services.closing.
#: TERMINATION_GROUNDS`); 破产 declared after 执转破 is item 6 (民诉解释 2022 arts. 511–514).
TERMINATION_ITEMS = {
    "withdrawn": "一",
    "basis_revoked": "二",
    "debtor_died": "三",
    "beneficiary_died": "四",
    "hardship": "五",
    "bankruptcy": "六",
    "other": "六",
}

_CLOSING_OUTCOMES = {
    ClosingMethod.COMPLETED: "生效法律文书确定的义务已经履行完毕",
    ClosingMethod.NO_PROPERTY: (
        "经穷尽财产调查措施，未发现被执行人有可供执行的财产，本院已裁定终结本次执行程序"
    ),
}


def closing_documents_issue(
    *,
    case: Case,
    ec: EnforcementCase,
    method: str,
    reason: str,
    ground: str,
    actor: User | None,
    now: datetime,
) -> list[Document]:
    """The documents of a closing, served on every party: the 执行裁定书（终结执行） when the case
    ends by 终结执行 on a ground of 民事诉讼法 2023 art. 268 (``ground``), then the 结案通知书 of
    every closing (执行工作规定 2020 art. 64). The 终本裁定 is issued apart
    (:func:`.services.zhongben.zhongben_ruling_issue_and_serve`). Returns them in that order."""
    issued: list[Document] = []
    outcome = reason or _CLOSING_OUTCOMES.get(method, "")  # type: ignore[call-overload]
    if method == ClosingMethod.TERMINATED and ground in TERMINATION_ITEMS:
        ruling = catalog_document_issue(
            case=case,
            code="ruling_terminate",
            context={
                "source_document": basis_text(ec),
                "reason": reason,
                "item": TERMINATION_ITEMS[ground],
            },
            actor=actor,
            now=now,
        )
        case_event_record(
            case=case,
            kind=EnforcementEvent.TERMINATION_RULING_ISSUED,
            summary=f"作出终结执行裁定（{ruling.number}），向当事人送达",
            actor=actor,
            now=now,
            data={"document": ruling.pk, "ground": ground},
            legal_basis=rules.BASIS_TERMINATE,
        )
        service_dispatch(document=ruling, actor=actor, now=now)
        issued.append(ruling)
        outcome = f"{outcome}，本院已作出{ruling.number}执行裁定书裁定终结执行"
    notice = catalog_document_issue(
        case=case,
        code="closing_notice",
        context={
            "source_document": basis_text(ec),
            "outcome": outcome or "本院依法结案",
            "closing_method": ClosingMethod(method).label,
        },
        actor=actor,
        now=now,
    )
    service_dispatch(document=notice, actor=actor, now=now)
    issued.append(notice)
    return issued


def restore_notice_issue(*, case: Case, original: Case, reason: str, actor: User, now: datetime) -> Document:
    """The 恢复执行通知书 of a 执恢 case, served on every party: the original case, why it is
    resumed and what remains owed (终本规定 2016 art. 9: after 终本 the applicant may apply at any
    time; 民诉解释 2022 art. 517). Issued on the new case, whose number it gives."""
    ec = EnforcementCase.objects.get(case=case)
    notice = catalog_document_issue(
        case=case,
        code="restore_notice",
        context={
            "source_document": basis_text(ec),
            "original_number": original.number,
            "reason": reason,
            "basis": "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第九条",
            "remaining": str(ec.principal),
        },
        actor=actor,
        now=now,
    )
    case_event_record(
        case=case,
        kind=EnforcementEvent.RESTORE_NOTICE_ISSUED,
        summary=f"发出恢复执行通知书（{notice.number}），向当事人送达",
        actor=actor,
        now=now,
        data={"document": notice.pk, "original": original.pk},
        legal_basis=rules.BASIS_RESTORE_AFTER_ZHONGBEN,
    )
    service_dispatch(document=notice, actor=actor, now=now)
    return notice
