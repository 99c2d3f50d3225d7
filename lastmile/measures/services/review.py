"""Temporary lifting of a 限制消费令 (法发〔2019〕35号) and 复议 against 拘传, 罚款 and 拘留
(民事诉讼法 2023 art. 119; 民诉解释 2022 art. 185)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.services import case_event_record, deadline_complete, deadline_open
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.legal import cpl
from lastmile.core.periods import add_months, period_end_provisional
from lastmile.measures.kinds import MeasuresDeadline, MeasuresEvent

from .. import rules
from ..guardrails import local_date
from ..models import (
    LiftStatus,
    Measure,
    MeasureKind,
    MeasureReview,
    MeasureStatus,
    ReviewOutcome,
    TemporaryLift,
)
from .common import _close, _locked_measure


@transaction.atomic
def temporary_lift_propose(
    *,
    actor: User,
    measure_id: int,
    reason_kind: str,
    starts_on: date,
    ends_on: date,
    note: str,
    now: datetime,
) -> TemporaryLift:
    """Propose lifting a 限制消费令 for at most one month (法发〔2019〕35号; needs 院长 approval)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind != MeasureKind.CONSUMPTION_RESTRICTION or m.status != MeasureStatus.IN_FORCE:
        raise InvalidTransition("只有执行中的限制消费令可以临时解除。")
    if ends_on < starts_on or ends_on > add_months(starts_on, rules.TEMPORARY_LIFT_MAX_MONTHS):
        raise ConditionsNotMet("临时解除期限最长不超过一个月。", unmet=["period"])
    if reason_kind not in dict(TemporaryLift._meta.get_field("reason_kind").choices or []):
        raise ConditionsNotMet("请选择临时解除事由。", unmet=["reason_kind"])
    lift = TemporaryLift.objects.create(
        measure=m,
        reason_kind=reason_kind,
        note=note,
        starts_on=starts_on,
        ends_on=ends_on,
        proposed_by=actor,
        proposed_at=now,
    )
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.TEMPORARY_LIFT_PROPOSED,
        summary=f"提请临时解除{m.subject.name}限制消费（{starts_on}至{ends_on}），报院长审批",
        actor=actor,
        now=now,
        data={"lift": lift.pk, "measure": m.pk},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return lift


@transaction.atomic
def temporary_lift_decide(*, actor: User, lift_id: int, approve: bool, now: datetime) -> TemporaryLift:
    lift = (
        TemporaryLift.objects.select_for_update(of=("self",))
        .select_related("measure__case", "measure__subject")
        .filter(pk=lift_id)
        .first()
    )
    if lift is None or lift.measure.court_id != actor.court_id:
        raise NotFound("临时解除申请不存在。")
    require(actor, "approve.president", court=lift.measure.court, now=now)
    if lift.proposed_by_id == actor.pk:
        raise PermissionDenied("提请人不能审批自己提请的事项。")
    if lift.status != LiftStatus.PROPOSED:
        raise InvalidTransition("该申请已审批。")
    lift.status = LiftStatus.APPROVED if approve else LiftStatus.REJECTED
    lift.decided_by = actor
    lift.decided_at = now
    lift.save(update_fields=["status", "decided_by", "decided_at"])
    case_event_record(
        case=lift.measure.case,
        kind=MeasuresEvent.TEMPORARY_LIFT_DECIDED,
        summary=f"院长{'批准' if approve else '未批准'}临时解除{lift.measure.subject.name}限制消费",
        actor=actor,
        now=now,
        data={"lift": lift.pk, "approved": approve},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return lift


@transaction.atomic
def measure_review_apply(
    *, actor: User, measure_id: int, applied_on: date, grounds: str, now: datetime
) -> MeasureReview:
    """复议 against a 拘传/罚款/拘留 decision: within 3 days of receiving it, decided within 5 days;
    the measure is not suspended (民事诉讼法 2023 art. 119; 民诉解释 2022 art. 185)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind not in rules.REVIEWABLE or m.starts_at is None:
        raise InvalidTransition("该措施不适用复议或尚未生效。")
    last_day = period_end_provisional(local_date(m.starts_at), rules.REVIEW_APPLY_DAYS).day
    if applied_on > last_day:
        raise ConditionsNotMet(
            f"复议申请期已于{last_day:%Y-%m-%d}届满。", unmet=["period"], details={"last_day": str(last_day)}
        )
    if m.reviews.exists():
        raise ConditionsNotMet("复议只能申请一次。", unmet=["once"])
    due = period_end_provisional(applied_on, rules.REVIEW_DECIDE_DAYS)
    review = MeasureReview.objects.create(
        measure=m, applied_on=applied_on, decide_by=due.day, grounds=grounds, recorded_by=actor
    )
    deadline_complete(case=m.case, kind=MeasuresDeadline.REVIEW_WINDOW, source=m, now=now)
    deadline_open(
        case=m.case,
        kind=MeasuresDeadline.REVIEW,
        source=review,
        label=f"上级法院对{m.get_kind_display()}复议作出决定（5日）",
        starts_on=applied_on,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=rules.interp("185"),
    )
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.REVIEW_APPLIED,
        summary=f"{m.subject.name}对{m.get_kind_display()}决定申请复议（复议期间不停止执行）",
        actor=actor,
        now=now,
        data={"measure": m.pk, "review": review.pk},
        legal_basis=cpl(119),
    )
    return review


@transaction.atomic
def measure_review_decide(
    *, actor: User, review_id: int, outcome: str, decided_on: date, now: datetime
) -> MeasureReview:
    review = (
        MeasureReview.objects.select_for_update(of=("self",))
        .select_related("measure")
        .filter(pk=review_id)
        .first()
    )
    if review is None or review.measure.court_id != actor.court_id:
        raise NotFound("复议不存在。")
    require(actor, "measure.propose", court=review.measure.court)
    if review.outcome:
        raise InvalidTransition("复议已有结果。")
    if outcome not in (ReviewOutcome.UPHELD, ReviewOutcome.REVOKED, ReviewOutcome.MODIFIED):
        raise ConditionsNotMet("请选择复议结果。", unmet=["outcome"])
    review.outcome = outcome
    review.decided_on = decided_on
    review.save(update_fields=["outcome", "decided_on"])
    m = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("case", "subject")
        .get(pk=review.measure_id)
    )
    deadline_complete(case=m.case, kind=MeasuresDeadline.REVIEW, source=review, now=now)
    if outcome == ReviewOutcome.REVOKED and m.status in (MeasureStatus.IN_FORCE, MeasureStatus.APPROVED):
        _close(m, status=MeasureStatus.REVOKED, reason="复议撤销", actor=actor, now=now)
    else:
        case_event_record(
            case=m.case,
            kind=MeasuresEvent.REVIEW_DECIDED,
            summary=f"{m.get_kind_display()}复议结果：{ReviewOutcome(outcome).label}",
            actor=actor,
            now=now,
            data={"review": review.pk, "outcome": outcome},
            legal_basis=cpl(119),
        )
    return review
