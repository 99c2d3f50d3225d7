"""What the 扣押, income, 到期债权 and 轮候查封 services share: the legal bases, the parties a
ruling is served on, and the checks of the debtor and the case."""

from __future__ import annotations

from datetime import datetime

from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.legal import LegalBasis, cpl
from lastmile.documents.models import Document
from lastmile.parties.models import Party
from lastmile.service.services import service_dispatch

from .. import rules
from .common import WORKING

WORK_RULES = "最高人民法院关于人民法院执行工作若干问题的规定（试行）"

BASIS_DISTRAIN = cpl(255)  # 查封、扣押 the debtor's property
BASIS_INCOME = cpl(254)  # 扣留、提取 income, leaving living necessities
BASIS_CUSTODY = LegalBasis(rules.SEIZURE_RULES, "2020", "10")  # who keeps seized property
BASIS_WAITING = LegalBasis(rules.SEIZURE_RULES, "2020", "26")  # 轮候查封
BASIS_RECEIVABLE_NOTICE = LegalBasis(WORK_RULES, "2020", "45")
BASIS_RECEIVABLE_OBJECTION = LegalBasis(WORK_RULES, "2020", "47")
BASIS_RECEIVABLE_ENFORCE = LegalBasis(WORK_RULES, "2020", "49")
BASIS_NO_SECOND_DEGREE = LegalBasis(WORK_RULES, "2020", "52")


def working_case(case: Case) -> None:
    if case.status not in WORKING:
        raise InvalidTransition("案件当前状态不能采取该执行措施。")


def debtor_of(case: Case, party: Party, basis: LegalBasis) -> None:
    """Only the debtor's property, income and claims are reached."""
    if not CaseParty.objects.filter(case=case, party=party, role=PartyRole.RESPONDENT).exists():
        raise ConditionsNotMet(
            f"只能对本案被执行人的财产、收入或债权采取措施（{basis}）。",
            unmet=["debtor"],
            details={"basis": basis.as_dict()},
        )


def serve_on_sides(document: Document, case: Case, debtor: Party, now: datetime) -> None:
    """Serve on the debtor reached and on the applicants (查封规定 2020 art. 1)."""
    applicants = [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT).select_related("party")
    ]
    service_dispatch(document=document, actor=None, now=now, recipients=[debtor, *applicants])
