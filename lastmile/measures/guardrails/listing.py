"""What must be true before anyone is listed as a dishonest debtor (失信规定 2017 arts. 1, 2, 5):
something is still owed, the 执行通知书 with its risk warning was served, and grounds 4–6 and an
extended period have their record."""

from __future__ import annotations

from datetime import date

from lastmile.cases.models import Case
from lastmile.core.money import to_money
from lastmile.documents.models import Document, DocumentStatus
from lastmile.parties.models import Party

from .. import rules
from ..error_codes import GuardrailReason
from ..models import DishonestListing, Measure, MeasureKind
from .proposal import Proposal, Reason

# Settlement statuses (enforcement.models.SettlementStatus codes) that prove ground 6.
SETTLEMENT_BREACHED = ("defaulted", "resumed")


def _served(case: Case, party: Party, template_code: str, today: date) -> bool:
    """Whether the case's document ``template_code`` has been served on ``party`` by ``today``.
    The service orders are read through the document (the service app sits beside measures)."""
    return Document.objects.filter(
        case=case,
        template__code=template_code,
        status=DocumentStatus.ISSUED,
        service_orders__recipient=party,
        service_orders__served_on__lte=today,
    ).exists()


def _nothing_owed(case: Case, today: date) -> bool:
    """失信规定 2017 art. 1: only a debtor who has not performed. The ledger's statement when an
    obligation is recorded; else the claim (a case without a money claim is not judged here)."""
    from lastmile.ledger.selectors import case_statement

    statement = case_statement(case=case, as_of=today)
    if statement is not None:
        return statement.outstanding_total <= 0
    return case.amount_claimed is not None and to_money(case.amount_claimed) <= 0


def _ground_proven(p: Proposal) -> bool:
    """Grounds 5 and 6 need their record: a 限制消费令 that took effect on this debtor in this
    case (ground 5); a settlement of this case (or of the case it resumes) not performed (ground 6)."""
    if p.ground == 5:
        return Measure.objects.filter(
            case=p.case,
            subject=p.subject,
            kind=MeasureKind.CONSUMPTION_RESTRICTION,
            starts_at__isnull=False,
        ).exists()
    if p.ground == 6:
        cases = [c for c in (p.case, p.case.parent) if c is not None]
        return any(c.settlements.filter(status__in=SETTLEMENT_BREACHED).exists() for c in cases)
    return True


def _extension_proven(p: Proposal) -> bool:
    if p.extension_fact == "violence":
        return p.ground == 2
    if p.extension_fact == "multiple":
        return (
            DishonestListing.objects.filter(party=p.subject).exclude(case=p.case).exists()
            or Measure.objects.filter(
                case=p.case,
                subject=p.subject,
                kind__in=(MeasureKind.FINE, MeasureKind.DETENTION),
                starts_at__isnull=False,
            ).exists()
        )
    return False


def _listing_preconditions(p: Proposal, today: date) -> list[Reason]:
    """What must be true before anyone is listed (失信规定 2017 arts. 1, 2, 5)."""
    out: list[Reason] = []
    if _nothing_owed(p.case, today):
        out.append(
            Reason(
                GuardrailReason.NOTHING_OWED,
                "被执行人已无未履行的义务，不得纳入失信被执行人名单",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if not _served(p.case, p.subject, "enforcement_notice", today):
        out.append(
            Reason(
                GuardrailReason.NOTICE_NOT_SERVED,
                "载有失信风险提示的执行通知书尚未送达被执行人",
                rules.dishonest("5"),
                "refuse",
            )
        )
    if p.ground == 4 and not _served(p.case, p.subject, "property_report_order", today):
        out.append(
            Reason(
                GuardrailReason.REPORT_ORDER_NOT_SERVED,
                "报告财产令尚未送达被执行人，不能认定违反财产报告制度",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if p.ground in (5, 6) and not _ground_proven(p):
        out.append(
            Reason(
                GuardrailReason.GROUND_NOT_PROVEN,
                "本案没有已生效的限制消费令" if p.ground == 5 else "本案没有未按期履行的执行和解协议记录",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if p.extension_years and p.ground != 1 and not _extension_proven(p):
        out.append(
            Reason(
                GuardrailReason.EXTENSION_FACTS,
                "延长纳入期限须有以暴力、威胁方法妨碍、抗拒执行情节严重（第二项情形）"
                "或具有多项失信行为的记录",
                rules.dishonest("2"),
                "refuse",
            )
        )
    return out
