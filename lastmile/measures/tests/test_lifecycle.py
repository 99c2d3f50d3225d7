"""Approval chain, effect, expiry, 复议, temporary lifting, removal, correction, selectors, counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent, CaseStatus, Deadline
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import (
    CorrectionStatus,
    ListingStatus,
    MeasureKind,
    MeasureStatus,
    ReferralStatus,
    RemovalGround,
    ReviewOutcome,
    TargetOutcome,
)
from lastmile.measures.selectors import (
    consumption_restriction_issued,
    dishonest_listing_status,
    measure_counts,
    measures_summary,
    operation_report,
    public_dishonest_search,
)
from lastmile.measures.services import (
    TargetCriteria,
    correction_request_decide,
    correction_request_receive,
    detention_family_notified,
    dishonest_not_applicable_record,
    listing_remove,
    listings_auto_remove,
    measure_approve,
    measure_execute,
    measure_propose,
    measure_review_apply,
    measure_review_decide,
    measures_expire_due,
    operation_target_outcome_record,
    refusal_referral_advance,
    refusal_referral_prepare,
    special_operation_create,
    temporary_lift_decide,
    temporary_lift_propose,
)

from .helpers import list_debtor, snapshot, take

pytestmark = pytest.mark.django_db
K = MeasureKind


def propose(officer, case, subject, now, **kw):
    return measure_propose(
        actor=officer, proposal=Proposal(case=case, subject=subject, **kw), reason="拒不到场", now=now
    )


def test_president_approval_chain(officer, officer2, president, wuling_president, case, debtor_person, now):
    m = propose(officer, case, debtor_person, now, kind=K.FINE, amount=Decimal("20000"))
    assert m.status == MeasureStatus.PROPOSED and m.needs_president
    before = snapshot(case)
    for actor, exc in ((officer2, PermissionDenied), (wuling_president, NotFound)):
        with pytest.raises(exc):
            measure_approve(actor=actor, measure_id=m.pk, now=now)
    assert snapshot(case) == before
    own = measure_propose(
        actor=officer,
        proposal=Proposal(kind=K.EXIT_RESTRICTION, case=case, subject=debtor_person),
        reason="x",
        now=now,
    )
    assert own.status == MeasureStatus.IN_FORCE  # 限制出境 needs no 院长 approval
    approved = measure_approve(
        actor=president, measure_id=m.pk, now=now, document_number="（2025）湘0104执1号决定书"
    )
    assert approved.status == MeasureStatus.IN_FORCE and approved.decided_by == president
    assert CaseEvent.objects.filter(case=case, kind="measures.approved").count() == 1
    with pytest.raises(InvalidTransition):
        measure_approve(actor=president, measure_id=m.pk, now=now)


def test_proposer_cannot_approve_own(president, case, debtor_person, now):
    president.role = "enforcement_judge"
    president.save()
    m = propose(president, case, debtor_person, now, kind=K.FINE, amount=Decimal("1000"))
    with pytest.raises(PermissionDenied):
        measure_approve(actor=president, measure_id=m.pk, now=now)


def test_detention_runs_notifies_family_and_expires(officer, president, case, debtor_person, now):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DETENTION,
        now=now,
        days=15,
    )
    assert m.status == MeasureStatus.APPROVED
    measure_execute(actor=officer, measure_id=m.pk, starts_at=now, now=now)
    m.refresh_from_db()
    assert m.ends_at == now + timedelta(days=15)
    assert m.family_notice_due_at == now + timedelta(hours=24)
    notice = Deadline.objects.get(case=case, kind="detention_family_notice")
    assert notice.legal_basis["article"] == "180" and notice.due_on == date(2025, 3, 4)
    detention_family_notified(actor=officer, measure_id=m.pk, notified_at=now + timedelta(hours=3), now=now)
    assert Deadline.objects.get(pk=notice.pk).done_at is not None
    assert measures_expire_due(now=now + timedelta(days=14)) == 0
    assert measures_expire_due(now=now + timedelta(days=15)) == 1
    m.refresh_from_db()
    assert m.status == MeasureStatus.EXPIRED


def test_review_within_3_days_once(officer, president, case, debtor_person, now):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.FINE,
        now=now,
        amount=Decimal("5000"),
    )
    with pytest.raises(ConditionsNotMet):
        measure_review_apply(
            actor=officer, measure_id=m.pk, applied_on=date(2025, 3, 7), grounds="x", now=now
        )
    review = measure_review_apply(
        actor=officer, measure_id=m.pk, applied_on=date(2025, 3, 6), grounds="无力缴纳", now=now
    )
    assert review.decide_by == date(2025, 3, 11)
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_FORCE  # not suspended during 复议
    with pytest.raises(ConditionsNotMet):
        measure_review_apply(
            actor=officer, measure_id=m.pk, applied_on=date(2025, 3, 6), grounds="x", now=now
        )
    measure_review_decide(
        actor=officer,
        review_id=review.pk,
        outcome=ReviewOutcome.REVOKED,
        decided_on=date(2025, 3, 10),
        now=now,
    )
    m.refresh_from_db()
    assert m.status == MeasureStatus.REVOKED


def test_temporary_lift_at_most_one_month_with_president(officer, president, case, debtor_person, now):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
    )
    before = snapshot(case)
    with pytest.raises(ConditionsNotMet):
        temporary_lift_propose(
            actor=officer,
            measure_id=m.pk,
            reason_kind="illness",
            starts_on=date(2025, 3, 5),
            ends_on=date(2025, 4, 6),
            note="",
            now=now,
        )
    assert snapshot(case) == before
    lift = temporary_lift_propose(
        actor=officer,
        measure_id=m.pk,
        reason_kind="illness",
        starts_on=date(2025, 3, 5),
        ends_on=date(2025, 4, 5),
        note="赴京就医",
        now=now,
    )
    with pytest.raises(PermissionDenied):
        temporary_lift_decide(actor=officer, lift_id=lift.pk, approve=True, now=now)
    assert temporary_lift_decide(actor=president, lift_id=lift.pk, approve=True, now=now).status == "approved"


def test_fixed_period_listing_expires_and_ground1_removed_when_paid(
    officer, president, case, debtor_person, now
):
    listing = list_debtor(
        officer=officer, president=president, case=case, subject=debtor_person, now=now, ground=4
    )
    assert listing.period_ends_on == date(2027, 3, 3)
    with pytest.raises(ConditionsNotMet):  # fixed-period listings are not deleted on art. 10 grounds
        listing_remove(actor=officer, listing_id=listing.pk, ground=RemovalGround.APPLICANT_REQUEST, now=now)
    measures_expire_due(now=now + timedelta(days=2 * 365 + 1))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED and listing.removal_ground == RemovalGround.PERIOD_ENDED


def test_auto_removal_when_case_completed(officer, president, case, debtor_person, now):
    listing = list_debtor(
        officer=officer, president=president, case=case, subject=debtor_person, now=now, ground=1
    )
    cr = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
    )
    assert listings_auto_remove(now=now) == 0
    case.status, case.closing_method = CaseStatus.CLOSED, "completed"
    case.save()
    assert listings_auto_remove(now=now) == 1
    listing.refresh_from_db()
    cr.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED and listing.removal_ground == RemovalGround.PERFORMED
    assert cr.status == MeasureStatus.LIFTED  # 限消规定 art. 9
    assert public_dishonest_search(name=debtor_person.name, today=now.date()) == []


def test_applicant_request_blocks_relisting_6_months(officer, president, case, debtor_person, now):
    listing = list_debtor(
        officer=officer, president=president, case=case, subject=debtor_person, now=now, ground=1
    )
    listing_remove(actor=officer, listing_id=listing.pk, ground=RemovalGround.APPLICANT_REQUEST, now=now)
    listing.refresh_from_db()
    assert listing.relist_blocked_until == date(2025, 9, 3)
    with pytest.raises(Exception) as exc:
        propose(officer, case, debtor_person, now, kind=K.DISHONEST_LISTING, ground=1)
    assert exc.value.code == "guardrail_warnings_unacknowledged"


def test_correction_request_reviewed_in_15_days(officer, president, case, debtor_person, now):
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    req = correction_request_receive(
        actor=officer, listing_id=listing.pk, content="已部分履行", received_on=date(2025, 3, 3), now=now
    )
    assert req.review_due_on == date(2025, 3, 18)
    correction_request_decide(
        actor=officer,
        request_id=req.pk,
        outcome=CorrectionStatus.CORRECTED,
        note="更正",
        performance="部分未履行（尚欠100,000.00元）",
        now=now,
    )
    listing.refresh_from_db()
    assert listing.performance.startswith("部分未履行") and listing.status == ListingStatus.PUBLISHED


def test_selectors_for_zhongben_and_counts(officer, president, case, debtor_person, now, yuelu):
    assert not consumption_restriction_issued(case)
    assert dishonest_listing_status(case).state == "none"
    dishonest_not_applicable_record(
        actor=officer, case=case, party=debtor_person, reason="已提供充分担保", now=now
    )
    assert dishonest_listing_status(case).state == "not_applicable"
    take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
    )
    take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.FINE,
        now=now,
        amount=Decimal("1000"),
    )
    d = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DETENTION,
        now=now,
        days=5,
    )
    measure_execute(actor=officer, measure_id=d.pk, starts_at=now, now=now)
    take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.VEHICLE_SEIZURE,
        now=now,
    )
    list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    assert consumption_restriction_issued(case)
    assert dishonest_listing_status(case).state == "listed"
    summary = measures_summary(case)
    assert summary.by_kind[K.FINE] == 1
    ref = refusal_referral_prepare(
        actor=officer,
        case=case,
        party=debtor_person,
        conduct="拒不报告财产且拘留后仍不履行",
        evidence=["拘留决定书", "询问笔录"],
        measure_ids=[d.pk],
        now=now,
    )
    # 拒执移送 counts the referrals transferred to the police, not the packages only prepared.
    march = {"court": yuelu, "start": date(2025, 3, 1), "end": date(2025, 3, 31)}
    assert measure_counts(**march)["refusal_referrals"] == 0
    refusal_referral_advance(
        actor=officer, referral_id=ref.pk, status=ReferralStatus.SENT_TO_POLICE, on=date(2025, 3, 5), now=now
    )
    counts = measure_counts(court=yuelu, start=date(2025, 3, 1), end=date(2025, 3, 31))
    assert counts == {
        "summons_by_force": 0,
        "detention": 1,
        "fine": 1,
        "vehicle_seizure": 1,
        "consumption_restriction": 1,
        "exit_restriction": 0,
        "dishonest_published": 1,
        "refusal_referrals": 1,
    }
    assert measure_counts(court=yuelu, start=date(2025, 4, 1), end=date(2025, 4, 30))["fine"] == 0


def test_refusal_referral_track_and_private_prosecution(officer, case, debtor_person, now):
    before = snapshot(case)
    with pytest.raises(ConditionsNotMet):
        refusal_referral_prepare(
            actor=officer, case=case, party=debtor_person, conduct="x", evidence=[], now=now
        )
    assert snapshot(case) == before
    ref = refusal_referral_prepare(
        actor=officer, case=case, party=debtor_person, conduct="转移财产", evidence=["转账记录"], now=now
    )
    with pytest.raises(InvalidTransition):
        refusal_referral_advance(
            actor=officer, referral_id=ref.pk, status=ReferralStatus.JUDGED, on=date(2025, 3, 4), now=now
        )
    for status in (
        ReferralStatus.SENT_TO_POLICE,
        ReferralStatus.POLICE_DECLINED,
        ReferralStatus.PRIVATE_PROSECUTION,
        ReferralStatus.JUDGED,
    ):
        refusal_referral_advance(
            actor=officer, referral_id=ref.pk, status=status, on=date(2025, 3, 4), now=now
        )
    assert list(ref.steps.values_list("status", flat=True)) == [
        "prepared",
        "sent_to_police",
        "police_declined",
        "private_prosecution",
        "judged",
    ]


def test_special_operation_report(officer, president, case, debtor_person, now, yuelu):
    from lastmile.accounts.models import Role
    from lastmile.testing.factories import UserFactory

    commander = UserFactory(court=yuelu, role=Role.COMMAND_CENTER)
    op = special_operation_create(
        actor=commander,
        name="湘执利剑",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 31),
        criteria=TargetCriteria(min_amount=Decimal("100000")),
        now=now,
    )
    target = op.targets.get()
    assert target.case == case
    operation_target_outcome_record(
        actor=officer,
        target_id=target.pk,
        outcome=TargetOutcome.PAID_FULL,
        amount_recovered=Decimal("152000"),
        note="",
        now=now,
    )
    report = operation_report(actor=officer, operation_id=op.pk)
    assert report.by_outcome["paid_full"] == 1 and report.amount_recovered == Decimal("152000.00")
