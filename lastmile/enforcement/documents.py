"""The documents an enforcement step issues, filled from the case's own records.

When the officer records that the 执行通知书 or the 报告财产令 has been sent, the document itself is
issued through :mod:`lastmile.documents` in the same transaction, with the amounts of the case's
statement (:mod:`lastmile.ledger`) and its own account number (一案一账号). 民诉解释 2022 art. 480
(the notice announces delayed-performance interest); 财产调查规定 art. 3 (the report order goes
with the notice).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.documents.models import Document, DocumentTemplate
from lastmile.documents.services import document_issue, templates_ensure
from lastmile.ledger.selectors import case_statement
from lastmile.ledger.services import case_account
from lastmile.service.services import service_dispatch

from .models import EnforcementCase, StepKind

TEMPLATE_BY_STEP = {
    StepKind.EXECUTION_NOTICE: "enforcement_notice",
    StepKind.PROPERTY_REPORT_ORDER: "property_report_order",
}


def notice_context(*, case: Case, ec: EnforcementCase, as_of: date) -> dict[str, Any]:
    """What the 执行通知书 states: the execution basis, what is owed and where to pay."""
    statement = case_statement(case=case, as_of=as_of)
    owed = statement.outstanding if statement is not None else {}
    principal = owed.get("principal", 0)
    interest = owed.get("interest", 0)
    fee = owed.get("costs", 0)
    account = case_account(case=case)
    return {
        "source_document": f"{ec.basis_issuer}{ec.basis_number}{ec.get_basis_kind_display()}",
        "applied_on": ec.applied_on.isoformat(),
        "principal": str(principal),
        "interest": str(interest),
        "fee": str(fee),
        "total": str(principal + interest + fee),
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
        if not DocumentTemplate.objects.filter(code=code).exists():
            templates_ensure(now=now)  # a fresh installation loads the court-format templates once
        ec = EnforcementCase.objects.get(case=case)
        context = notice_context(case=case, ec=ec, as_of=timezone.localtime(now).date())
        document = document_issue(case=case, template_code=code, context=context, actor=actor, now=now)
    # Served on every debtor (民事诉讼法 2023 art. 251); a debtor already served is skipped.
    debtors = [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT)
        .select_related("party")
        .order_by("position", "pk")
    ]
    service_dispatch(document=document, actor=actor, now=now, recipients=debtors)
    return document
