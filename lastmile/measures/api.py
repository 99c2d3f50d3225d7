"""Measures API (staff): mounted at /api/v1/measures. Thin: one service or selector call each."""

from __future__ import annotations

from datetime import date, datetime
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
from lastmile.parties.models import Party

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
    # 民事诉讼法 2023 art. 114 ¶2; 民诉解释 2022 art. 482: the organisation debtor whose person
    # ``subject_id`` is reached, the person's capacity, and for a 直接责任人员 the finding.
    organisation_id: int | None = None
    capacity: str = ""
    responsibility: str = ""


class ApprovalIn(Schema):
    document_number: str = ""
    note: str = ""


def _proposal(request: HttpRequest, case_id: int, body: ProposalIn) -> Proposal:
    case = case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    debtor_id = body.organisation_id or body.subject_id
    row = case.case_parties.filter(party_id=debtor_id, role__in=DEBTOR_ROLES).select_related("party").first()
    if row is None:
        raise ConditionsNotMet("只能对本案被执行人采取措施。", unmet=["subject"])
    subject = row.party
    if body.organisation_id is not None:
        person = Party.objects.filter(pk=body.subject_id).first()
        if person is None:
            raise ConditionsNotMet("被采取措施的人员不存在。", unmet=["subject"])
        subject = person
    return Proposal(
        kind=body.kind,
        case=case,
        subject=subject,
        organisation=row.party if body.organisation_id is not None else None,
        capacity=body.capacity,
        responsibility=body.responsibility,
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
        "organisation_id": m.organisation_id,
        "capacity": m.capacity,
        "place": m.place,
        "custody": m.custody,
        "released_at": m.released_at,
        "questioning_record": m.questioning_record,
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


class ExecuteIn(Schema):
    starts_at: datetime | None = None
    place: str = ""
    custody: str = ""


class SummonsReleaseIn(Schema):
    released_at: datetime | None = None
    questioning_record: str = ""


class ReleaseIn(Schema):
    released_at: datetime | None = None


class EarlyReleaseIn(Schema):
    released_at: datetime | None = None
    repentance: str = ""


class FamilyNoticeIn(Schema):
    notified_at: datetime | None = None


class FinePaymentIn(Schema):
    amount: Decimal
    paid_on: date | None = None
    receipt_number: str = ""


@router.post("/{measure_id}/execute", summary="执行拘传、拘留（到案时间、处所或看管场所）")
def execute(request: HttpRequest, measure_id: int, body: ExecuteIn) -> dict[str, Any]:
    now = get_clock().now()
    m = services.measure_execute(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        starts_at=body.starts_at or now,
        now=now,
        place=body.place,
        custody=body.custody,
    )
    return _measure(m)


@router.post("/{measure_id}/summons-release", summary="拘传：调查询问结束并解除拘传")
def summons_release(request: HttpRequest, measure_id: int, body: SummonsReleaseIn) -> dict[str, Any]:
    now = get_clock().now()
    m = services.summons_release(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        released_at=body.released_at or now,
        questioning_record=body.questioning_record,
        now=now,
    )
    return _measure(m)


@router.post("/{measure_id}/detention-release", summary="拘留期满解除拘留")
def detention_release(request: HttpRequest, measure_id: int, body: ReleaseIn) -> dict[str, Any]:
    now = get_clock().now()
    m = services.detention_release(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        released_at=body.released_at or now,
        now=now,
    )
    return _measure(m)


@router.post("/{measure_id}/early-release", summary="院长批准提前解除拘留")
def early_release(request: HttpRequest, measure_id: int, body: EarlyReleaseIn) -> dict[str, Any]:
    now = get_clock().now()
    m = services.detention_early_release(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        released_at=body.released_at or now,
        repentance=body.repentance,
        now=now,
    )
    return _measure(m)


@router.post("/{measure_id}/family-notified", summary="登记已通知被拘留人家属")
def family_notified(request: HttpRequest, measure_id: int, body: FamilyNoticeIn) -> dict[str, Any]:
    now = get_clock().now()
    m = services.detention_family_notified(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        notified_at=body.notified_at or now,
        now=now,
    )
    return _measure(m)


@router.post("/{measure_id}/fine-payments", summary="登记罚款缴纳")
def fine_payment(request: HttpRequest, measure_id: int, body: FinePaymentIn) -> dict[str, Any]:
    now = get_clock().now()
    payment = services.fine_payment_record(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        amount=body.amount,
        paid_on=body.paid_on or get_clock().today(),
        receipt_number=body.receipt_number,
        now=now,
    )
    m = payment.measure
    m.refresh_from_db()
    return {**_measure(m), "payment_id": payment.pk, "paid": str(services.fine_paid_total(m))}


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
