"""Measures API (staff): mounted at /api/v1/measures. Thin: one service or selector call each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import ConditionsNotMet, PermissionDenied

from . import selectors, services
from .guardrails import Proposal, measure_evaluate

router = Router()


class ProposalIn(Schema):
    kind: str
    subject_id: int
    reason: str = ""
    ground: int | None = None
    amount: Decimal | None = None
    days: int | None = None
    hours: int | None = None
    summons_count: int | None = None
    detention_may_follow: bool = False
    extension_years: int = 0
    security_amount: Decimal = Decimal("0")
    controlled_value: Decimal = Decimal("0")
    acknowledge_warnings: bool = False
    plate: str = ""


class ApprovalIn(Schema):
    document_number: str = ""
    note: str = ""


def _proposal(request: HttpRequest, case_id: int, body: ProposalIn) -> Proposal:
    case = case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    row = (
        case.case_parties.filter(party_id=body.subject_id, role__in=DEBTOR_ROLES)
        .select_related("party")
        .first()
    )
    if row is None:
        raise ConditionsNotMet("只能对本案被执行人采取措施。", unmet=["subject"])
    return Proposal(
        kind=body.kind,
        case=case,
        subject=row.party,
        ground=body.ground,
        amount=body.amount,
        days=body.days,
        hours=body.hours,
        summons_count=body.summons_count,
        detention_may_follow=body.detention_may_follow,
        extension_years=body.extension_years,
        security_amount=body.security_amount,
        controlled_value=body.controlled_value,
    )


def _measure(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "status": m.status,
        "subject_id": m.subject_id,
        "legal_basis": m.legal_basis,
        "needs_president": m.needs_president,
        "document_number": m.document_number,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "evaluation": m.evaluation,
    }


@router.post("/cases/{case_id}/evaluate", summary="善意文明执行审查（不写入）")
def evaluate(request: HttpRequest, case_id: int, body: ProposalIn) -> dict[str, Any]:
    return measure_evaluate(_proposal(request, case_id, body), now=get_clock().now()).as_dict()


@router.post("/cases/{case_id}/measures", summary="提请措施")
def propose(request: HttpRequest, case_id: int, body: ProposalIn) -> dict[str, Any]:
    m = services.measure_propose(
        actor=request.user,  # type: ignore[arg-type]
        proposal=_proposal(request, case_id, body),
        reason=body.reason,
        now=get_clock().now(),
        acknowledge_warnings=body.acknowledge_warnings,
        plate=body.plate,
    )
    return _measure(m)


@router.post("/{measure_id}/approve", summary="院长批准")
def approve(request: HttpRequest, measure_id: int, body: ApprovalIn) -> dict[str, Any]:
    m = services.measure_approve(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        now=get_clock().now(),
        document_number=body.document_number,
        note=body.note,
    )
    return _measure(m)


@router.get("/cases/{case_id}", summary="本案措施")
def case_measures(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    summary = selectors.measures_summary(case)
    return {
        "consumption_restriction_issued": summary.consumption_restriction_issued,
        "dishonest": summary.dishonest.state,
        "measures": [_measure(m) for m in selectors.measures_for_case(actor=request.user, case=case)],  # type: ignore[arg-type]
    }


@router.get("/counts", summary="措施统计")
def counts(request: HttpRequest, start: date, end: date) -> dict[str, int]:
    user: User = request.user  # type: ignore[assignment]
    require(user, "stats.view")
    if user.court is None:
        raise PermissionDenied("您没有所属法院。")
    return selectors.measure_counts(court=user.court, start=start, end=end)
