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


# --- after a measure is taken (issue M item 1) -----------------------------------------------------


class LiftIn(Schema):
    reason: str


class ReviewApplyIn(Schema):
    applied_on: date | None = None
    grounds: str


class ReviewDecideIn(Schema):
    outcome: str  # upheld | revoked | modified
    decided_on: date | None = None


class TemporaryLiftIn(Schema):
    reason_kind: str  # illness | funeral | duty | foreign | exam
    starts_on: date
    ends_on: date
    note: str = ""


class DecisionIn(Schema):
    approve: bool


class ListingRemoveIn(Schema):
    ground: str
    note: str = ""
    query_count: int = 0


class CorrectionIn(Schema):
    content: str
    received_on: date | None = None


class CorrectionDecideIn(Schema):
    outcome: str  # corrected | revoked | rejected
    note: str = ""
    obligation: str = ""
    performance: str = ""


class ReferralIn(Schema):
    party_id: int
    conduct: str
    evidence: list[str]
    measure_ids: list[int] = []


class ReferralStepIn(Schema):
    status: str
    on: date | None = None
    note: str = ""


class ScreeningIn(Schema):
    party_id: int
    operating: bool
    employees_kept: bool
    taxes_paid: bool
    paying_in_part: bool
    note: str = ""


class GraceIn(Schema):
    party_id: int
    months: int
    reason: str


class HomeIn(Schema):
    party_id: int
    property_ref: str
    address: str = ""
    necessary_home: bool
    notice_served_on: date | None = None


class ProfileIn(Schema):
    party_id: int
    full_time_student: bool
    campus_loan: bool


class OverrideIn(Schema):
    party_id: int
    rule: str
    proposal_kind: str
    reason: str


class NotListedIn(Schema):
    party_id: int
    reason: str


class OperationIn(Schema):
    name: str
    starts_on: date
    ends_on: date
    min_amount: Decimal = Decimal("0")
    person_only: bool = False
    listed_only: bool = False
    limit: int = 200


class TargetAssignIn(Schema):
    team_id: int | None = None
    scheduled_on: date | None = None


class TargetOutcomeIn(Schema):
    outcome: str
    amount_recovered: Decimal = Decimal("0")
    note: str = ""
    measure_ids: list[int] = []


def _debtor_of(request: HttpRequest, case_id: int, party_id: int) -> tuple[Any, Party]:
    case = case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    row = case.case_parties.filter(party_id=party_id, role__in=DEBTOR_ROLES).select_related("party").first()
    if row is None:
        raise ConditionsNotMet("只能对本案被执行人办理。", unmet=["party_id"])
    return case, row.party


def _row(obj: Any, **fields: Any) -> dict[str, Any]:
    return {"id": obj.pk, **fields}


@router.post("/{measure_id}/lift", summary="解除措施（如全部履行后解除限制消费令）")
def lift(request: HttpRequest, measure_id: int, body: LiftIn) -> dict[str, Any]:
    m = services.measure_lift(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        reason=body.reason,
        now=get_clock().now(),
    )
    return _measure(m)


@router.post("/{measure_id}/reviews", summary="登记对拘传、罚款、拘留决定的复议申请")
def review_apply(request: HttpRequest, measure_id: int, body: ReviewApplyIn) -> dict[str, Any]:
    r = services.measure_review_apply(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        applied_on=body.applied_on or get_clock().today(),
        grounds=body.grounds,
        now=get_clock().now(),
    )
    return _row(r, measure_id=r.measure_id, decide_by=r.decide_by, outcome=r.outcome)


@router.post("/reviews/{review_id}/decide", summary="登记复议决定")
def review_decide(request: HttpRequest, review_id: int, body: ReviewDecideIn) -> dict[str, Any]:
    r = services.measure_review_decide(
        actor=request.user,  # type: ignore[arg-type]
        review_id=review_id,
        outcome=body.outcome,
        decided_on=body.decided_on or get_clock().today(),
        now=get_clock().now(),
    )
    return _row(r, measure_id=r.measure_id, outcome=r.outcome, decided_on=r.decided_on)


@router.post("/{measure_id}/temporary-lifts", summary="提请临时解除限制消费令（报院长审批）")
def temporary_lift_propose(request: HttpRequest, measure_id: int, body: TemporaryLiftIn) -> dict[str, Any]:
    t = services.temporary_lift_propose(
        actor=request.user,  # type: ignore[arg-type]
        measure_id=measure_id,
        reason_kind=body.reason_kind,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        note=body.note,
        now=get_clock().now(),
    )
    return _row(t, measure_id=t.measure_id, status=t.status)


@router.post("/temporary-lifts/{lift_id}/decide", summary="院长审批临时解除限制消费令")
def temporary_lift_decide(request: HttpRequest, lift_id: int, body: DecisionIn) -> dict[str, Any]:
    t = services.temporary_lift_decide(
        actor=request.user,  # type: ignore[arg-type]
        lift_id=lift_id,
        approve=body.approve,
        now=get_clock().now(),
    )
    return _row(t, measure_id=t.measure_id, status=t.status)


@router.post("/listings/{listing_id}/remove", summary="删除或撤销失信信息")
def listing_remove(request: HttpRequest, listing_id: int, body: ListingRemoveIn) -> dict[str, Any]:
    row = services.listing_remove(
        actor=request.user,  # type: ignore[arg-type]
        listing_id=listing_id,
        ground=body.ground,
        now=get_clock().now(),
        note=body.note,
        query_count=body.query_count,
    )
    return _row(row, status=row.status, removal_ground=row.removal_ground, removed_on=row.removed_on)


@router.post("/listings/{listing_id}/corrections", summary="登记失信信息纠正申请（15日内审查）")
def correction_receive(request: HttpRequest, listing_id: int, body: CorrectionIn) -> dict[str, Any]:
    c = services.correction_request_receive(
        actor=request.user,  # type: ignore[arg-type]
        listing_id=listing_id,
        content=body.content,
        received_on=body.received_on or get_clock().today(),
        now=get_clock().now(),
    )
    return _row(c, listing_id=c.listing_id, status=c.status, review_due_on=c.review_due_on)


@router.post("/corrections/{request_id}/decide", summary="纠正申请审查决定（更正、撤销或驳回）")
def correction_decide(request: HttpRequest, request_id: int, body: CorrectionDecideIn) -> dict[str, Any]:
    c = services.correction_request_decide(
        actor=request.user,  # type: ignore[arg-type]
        request_id=request_id,
        outcome=body.outcome,
        note=body.note,
        now=get_clock().now(),
        obligation=body.obligation,
        performance=body.performance,
    )
    return _row(c, listing_id=c.listing_id, status=c.status)


@router.post("/cases/{case_id}/referrals", summary="制作拒执移送材料")
def referral_prepare(request: HttpRequest, case_id: int, body: ReferralIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    ref = services.refusal_referral_prepare(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        conduct=body.conduct,
        evidence=body.evidence,
        measure_ids=body.measure_ids,
        now=get_clock().now(),
    )
    return _row(ref, case_id=ref.case_id, status=ref.status)


@router.post("/referrals/{referral_id}/steps", summary="登记拒执移送进展（移送、立案、起诉、判决）")
def referral_advance(request: HttpRequest, referral_id: int, body: ReferralStepIn) -> dict[str, Any]:
    ref = services.refusal_referral_advance(
        actor=request.user,  # type: ignore[arg-type]
        referral_id=referral_id,
        status=body.status,
        on=body.on or get_clock().today(),
        note=body.note,
        now=get_clock().now(),
    )
    return _row(ref, case_id=ref.case_id, status=ref.status)


@router.post("/cases/{case_id}/screenings", summary="企业经营状况甄别")
def screening(request: HttpRequest, case_id: int, body: ScreeningIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    s = services.enterprise_screening_record(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        operating=body.operating,
        employees_kept=body.employees_kept,
        taxes_paid=body.taxes_paid,
        paying_in_part=body.paying_in_part,
        note=body.note,
        now=get_clock().now(),
    )
    return _row(s, party_id=s.party_id, struggling=s.struggling)


@router.post("/cases/{case_id}/grace-periods", summary="给予宽限期（一至三个月）")
def grace(request: HttpRequest, case_id: int, body: GraceIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    g = services.grace_period_grant(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        months=body.months,
        reason=body.reason,
        now=get_clock().now(),
    )
    return _row(g, party_id=g.party_id, starts_on=g.starts_on, ends_on=g.ends_on)


@router.post("/cases/{case_id}/homes", summary="登记不动产是否为生活必需住房")
def home(request: HttpRequest, case_id: int, body: HomeIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    h = services.home_designation_record(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        property_ref=body.property_ref,
        address=body.address,
        necessary_home=body.necessary_home,
        notice_served_on=body.notice_served_on,
        now=get_clock().now(),
    )
    return _row(h, party_id=h.party_id, property_ref=h.property_ref, necessary_home=h.necessary_home)


@router.post("/cases/{case_id}/profiles", summary="登记被执行人是否为全日制在校生（校园贷）")
def profile(request: HttpRequest, case_id: int, body: ProfileIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    p = services.debtor_profile_record(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        full_time_student=body.full_time_student,
        campus_loan=body.campus_loan,
        now=get_clock().now(),
    )
    return _row(p, party_id=p.party_id, full_time_student=p.full_time_student, campus_loan=p.campus_loan)


@router.post("/cases/{case_id}/overrides", summary="院长书面批准（可突破的善意执行规则）")
def override(request: HttpRequest, case_id: int, body: OverrideIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    o = services.guardrail_override_grant(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        rule=body.rule,
        proposal_kind=body.proposal_kind,
        reason=body.reason,
        now=get_clock().now(),
    )
    return _row(o, party_id=o.party_id, rule=o.rule)


@router.post("/cases/{case_id}/not-listed", summary="登记不纳入失信名单的理由")
def not_listed(request: HttpRequest, case_id: int, body: NotListedIn) -> dict[str, Any]:
    case, party = _debtor_of(request, case_id, body.party_id)
    n = services.dishonest_not_applicable_record(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        party=party,
        reason=body.reason,
        now=get_clock().now(),
    )
    return _row(n, party_id=n.party_id)


@router.post("/operations", summary="新建专项行动并按条件选定行动对象")
def operation_create(request: HttpRequest, body: OperationIn) -> dict[str, Any]:
    op = services.special_operation_create(
        actor=request.user,  # type: ignore[arg-type]
        name=body.name,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        criteria=services.TargetCriteria(
            min_amount=body.min_amount,
            person_only=body.person_only,
            listed_only=body.listed_only,
            limit=max(1, min(body.limit, 1000)),
        ),
        now=get_clock().now(),
    )
    return _row(op, name=op.name, targets=op.targets.count())


@router.post("/operations/targets/{target_id}/assign", summary="分派行动对象（团队、计划日期）")
def target_assign(request: HttpRequest, target_id: int, body: TargetAssignIn) -> dict[str, Any]:
    t = services.operation_target_assign(
        actor=request.user,  # type: ignore[arg-type]
        target_id=target_id,
        team_id=body.team_id,
        scheduled_on=body.scheduled_on,
        now=get_clock().now(),
    )
    return _row(t, team_id=t.team_id, scheduled_on=t.scheduled_on)


@router.post("/operations/targets/{target_id}/outcome", summary="登记行动结果及其产生的措施")
def target_outcome(request: HttpRequest, target_id: int, body: TargetOutcomeIn) -> dict[str, Any]:
    t = services.operation_target_outcome_record(
        actor=request.user,  # type: ignore[arg-type]
        target_id=target_id,
        outcome=body.outcome,
        amount_recovered=body.amount_recovered,
        note=body.note,
        measure_ids=body.measure_ids,
        now=get_clock().now(),
    )
    return _row(
        t,
        outcome=t.outcome,
        amount_recovered=t.amount_recovered,
        measure_ids=sorted(m.pk for m in t.measures.all()),
    )
