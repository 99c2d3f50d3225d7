"""Every guardrail (善意文明执行) and legal limit: refused proposals raise and change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.measures.guardrails import (
    AUCTION_HOME,
    VACATE,
    GuardrailRefused,
    Proposal,
    WarningsNotAcknowledged,
    basic_account_freeze_evaluate,
    home_disposal_evaluate,
    measure_evaluate,
)
from lastmile.measures.models import DishonestListing, ListingStatus, MeasureKind, MeasureStatus
from lastmile.measures.selectors import public_dishonest_search
from lastmile.measures.services import (
    debtor_profile_record,
    enterprise_screening_record,
    grace_period_grant,
    guardrail_override_grant,
    home_designation_record,
    listings_publish_due,
    measure_propose,
)
from lastmile.testing.factories import OrganisationFactory, PersonFactory

from .helpers import enforcement_case, notices_served, person, snapshot, take

pytestmark = pytest.mark.django_db

K = MeasureKind


def refused(officer, case, now, **kw):
    """Propose, expect a guardrail refusal, and prove that nothing was written. A listing's
    notices are served first, so that only the rule under test refuses."""
    if kw.get("kind") == K.DISHONEST_LISTING:
        notices_served(case, kw["subject"], now, report=True)
    before = snapshot(case)
    with pytest.raises(GuardrailRefused) as exc:
        measure_propose(actor=officer, proposal=Proposal(case=case, **kw), reason="未履行", now=now)
    assert snapshot(case) == before
    assert exc.value.code == "guardrail_refused"
    return exc.value


def codes(err):
    return {r["code"] for r in err.details["reasons"] if r["severity"] == "refuse"}


# --- 失信规定 2017 art. 4: minors -------------------------------------------------------------------


def test_minor_is_never_listed(officer, yuelu, now):
    # 17 years old on the decision date (born 2007-03-04, decision 2025-03-03)
    minor = person(name="小刘", birth=date(2007, 3, 4), seq=41)
    case = enforcement_case(court=yuelu, officer=officer, debtor=minor, now=now)
    err = refused(officer, case, now, kind=K.DISHONEST_LISTING, subject=minor, ground=3)
    assert codes(err) == {"minor"}
    assert err.details["reasons"][0]["basis"]["article"] == "4"


def test_adult_on_decision_day_is_not_a_minor(officer, president, yuelu, now):
    adult = person(name="小陈", birth=date(2007, 3, 3), seq=43)  # 18 today
    case = enforcement_case(court=yuelu, officer=officer, debtor=adult, now=now)
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=adult,
        kind=K.DISHONEST_LISTING,
        now=now,
        ground=3,
    )
    assert m.status == MeasureStatus.IN_FORCE


def test_minor_rule_cannot_be_overridden(president, case, debtor_person, now):
    with pytest.raises(ConditionsNotMet):
        guardrail_override_grant(
            actor=president,
            case=case,
            party=debtor_person,
            rule="minor",
            proposal_kind=K.DISHONEST_LISTING,
            reason="情节严重",
            now=now,
        )


# --- 法发〔2019〕35号: campus-loan students --------------------------------------------------------------


@pytest.mark.parametrize("kind", [K.DISHONEST_LISTING, K.CONSUMPTION_RESTRICTION])
def test_campus_loan_student_not_listed_or_restricted(officer, case, debtor_person, now, kind):
    debtor_profile_record(
        actor=officer, case=case, party=debtor_person, full_time_student=True, campus_loan=True, now=now
    )
    err = refused(officer, case, now, kind=kind, subject=debtor_person, ground=3)
    assert "campus_loan_student" in codes(err)


def test_campus_loan_override_by_president_in_writing(officer, president, case, debtor_person, now):
    debtor_profile_record(
        actor=officer, case=case, party=debtor_person, full_time_student=True, campus_loan=True, now=now
    )
    with pytest.raises(PermissionDenied):  # only the 院长 may override
        guardrail_override_grant(
            actor=officer,
            case=case,
            party=debtor_person,
            rule="campus_loan_student",
            proposal_kind=K.CONSUMPTION_RESTRICTION,
            reason="有能力而拒不履行",
            now=now,
        )
    guardrail_override_grant(
        actor=president,
        case=case,
        party=debtor_person,
        rule="campus_loan_student",
        proposal_kind=K.CONSUMPTION_RESTRICTION,
        reason="已工作且有稳定收入，拒不履行",
        now=now,
    )
    before = snapshot(case)
    with pytest.raises(WarningsNotAcknowledged):  # the override turns the refusal into a warning
        measure_propose(
            actor=officer,
            proposal=Proposal(kind=K.CONSUMPTION_RESTRICTION, case=case, subject=debtor_person),
            reason="未履行",
            now=now,
        )
    assert snapshot(case) == before
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
        ack=True,
    )
    assert m.status == MeasureStatus.IN_FORCE
    reason = m.evaluation["reasons"][0]
    assert reason["code"] == "campus_loan_student" and "书面批准" in reason["override"]


def test_student_without_campus_loan_may_be_restricted(officer, president, case, debtor_person, now):
    debtor_profile_record(
        actor=officer, case=case, party=debtor_person, full_time_student=True, campus_loan=False, now=now
    )
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
    )
    assert m.status == MeasureStatus.IN_FORCE


# --- 失信规定 2017 art. 3: ground 1 when security or controlled property covers the debt ---------------


def test_no_ground1_listing_when_security_covers_debt(officer, case, debtor_person, now):
    err = refused(
        officer,
        case,
        now,
        kind=K.DISHONEST_LISTING,
        subject=debtor_person,
        ground=1,
        security_amount=Decimal("100000"),
        controlled_value=Decimal("52000"),
    )
    assert codes(err) == {"ground1_covered"}


def test_ground1_allowed_when_cover_falls_short(officer, president, case, debtor_person, now):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DISHONEST_LISTING,
        now=now,
        ground=1,
        security_amount=Decimal("100000"),
        controlled_value=Decimal("51999.99"),
    )
    assert m.status == MeasureStatus.IN_FORCE
    assert m.listing.period_ends_on is None  # ground 1 has no fixed period


def test_cover_does_not_bar_other_grounds(officer, president, case, debtor_person, now):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DISHONEST_LISTING,
        now=now,
        ground=4,
        security_amount=Decimal("200000"),
    )
    assert m.listing.period_ends_on is not None


# --- 法发〔2019〕35号: struggling enterprises ------------------------------------------------------------


@pytest.fixture
def company(db):
    rep = PersonFactory(name="赵法人")
    return OrganisationFactory(name="长沙某某机械有限公司", legal_representative=rep, actual_controller=rep)


@pytest.fixture
def company_case(yuelu, officer, company, now):
    return enforcement_case(court=yuelu, officer=officer, debtor=company, now=now, amount="800000.00")


def _screen(officer, case, party, now, struggling=True):
    return enterprise_screening_record(
        actor=officer,
        case=case,
        party=party,
        operating=True,
        employees_kept=True,
        taxes_paid=True,
        paying_in_part=struggling,
        now=now,
    )


@pytest.mark.parametrize("kind", [K.DISHONEST_LISTING, K.CONSUMPTION_RESTRICTION])
def test_struggling_enterprise_gets_no_credit_punishment(officer, company_case, company, now, kind):
    _screen(officer, company_case, company, now)
    err = refused(officer, company_case, now, kind=kind, subject=company, ground=3)
    assert codes(err) == {"enterprise_struggling"}


def test_struggling_enterprise_basic_account_not_frozen(officer, president, company_case, company, now):
    _screen(officer, company_case, company, now)
    ev = basic_account_freeze_evaluate(case=company_case, party=company, now=now)
    assert ev.verdict == "refused" and ev.refusals[0].code == "enterprise_struggling"
    guardrail_override_grant(
        actor=president,
        case=company_case,
        party=company,
        rule="enterprise_struggling",
        proposal_kind="freeze_basic_account",
        reason="查明其转移资金",
        now=now,
    )
    ev = basic_account_freeze_evaluate(case=company_case, party=company, now=now)
    assert ev.verdict == "warn" and "查明其转移资金" in ev.warnings[0].override


def test_evading_enterprise_may_be_listed(officer, president, company_case, company, now):
    _screen(officer, company_case, company, now, struggling=False)
    m = take(
        officer=officer,
        president=president,
        case=company_case,
        subject=company,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
    )
    assert m.status == MeasureStatus.IN_FORCE
    # 限消规定 art. 3: the order also reaches the legal representative and actual controller
    caps = set(m.subjects.values_list("capacity", flat=True))
    assert caps == {"debtor", "legal_representative", "actual_controller"}


def test_unscreened_enterprise_needs_acknowledged_warning(officer, company_case, company, now):
    before = snapshot(company_case)
    with pytest.raises(WarningsNotAcknowledged):
        measure_propose(
            actor=officer,
            proposal=Proposal(kind=K.CONSUMPTION_RESTRICTION, case=company_case, subject=company),
            reason="未履行",
            now=now,
        )
    assert snapshot(company_case) == before
    m = measure_propose(
        actor=officer,
        proposal=Proposal(kind=K.CONSUMPTION_RESTRICTION, case=company_case, subject=company),
        reason="未履行",
        now=now,
        acknowledge_warnings=True,
    )
    assert m.warnings_acknowledged and m.evaluation["verdict"] == "warn"


# --- grace period: nothing published during it --------------------------------------------------------


def test_grace_period_defers_publication(officer, president, case, debtor_person, now):
    grace = grace_period_grant(
        actor=officer, case=case, party=debtor_person, months=2, reason="积极筹款", now=now
    )
    listing = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DISHONEST_LISTING,
        now=now,
        ground=3,
        ack=True,
    ).listing
    assert listing.status == ListingStatus.GRACE and listing.publish_on == grace.ends_on
    assert public_dishonest_search(name=debtor_person.name, today=grace.ends_on) == []
    # publishing during the grace period is refused
    assert listings_publish_due(now=now + timedelta(days=10)) == 0
    ev = measure_evaluate(Proposal(kind="publish", case=case, subject=debtor_person), now=now)
    assert ev.verdict == "refused" and ev.refusals[0].code == "grace_period"
    # after the grace period ends it is published
    after = now + (grace.ends_on - now.date()) + timedelta(days=1)
    assert listings_publish_due(now=after) == 1
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED
    assert len(public_dishonest_search(name=debtor_person.name, today=after.date())) == 1


@pytest.mark.parametrize("months", [0, 4])
def test_grace_period_is_one_to_three_months(officer, case, debtor_person, now, months):
    before = snapshot(case)
    with pytest.raises(ConditionsNotMet):
        grace_period_grant(actor=officer, case=case, party=debtor_person, months=months, reason="x", now=now)
    assert snapshot(case) == before


# --- the family's necessary home ----------------------------------------------------------------------


def test_necessary_home_is_never_auctioned(officer, case, debtor_person, now):
    home_designation_record(
        actor=officer,
        case=case,
        party=debtor_person,
        property_ref="湘(2020)长沙市不动产权第0001号",
        address="岳麓区桐梓坡路88号",
        necessary_home=True,
        notice_served_on=date(2024, 1, 5),
        now=now,
    )
    before = snapshot(case)
    ev = home_disposal_evaluate(
        case=case,
        party=debtor_person,
        property_ref="湘(2020)长沙市不动产权第0001号",
        kind=AUCTION_HOME,
        now=now,
    )
    assert ev.verdict == "refused" and ev.refusals[0].basis.article == "4"
    with pytest.raises(GuardrailRefused):
        ev.raise_if_refused()
    assert snapshot(case) == before


def test_surplus_home_may_be_auctioned(officer, case, debtor_person, now):
    home_designation_record(
        actor=officer,
        case=case,
        party=debtor_person,
        property_ref="P2",
        address="别墅",
        necessary_home=False,
        notice_served_on=None,
        now=now,
    )
    assert (
        home_disposal_evaluate(
            case=case, party=debtor_person, property_ref="P2", kind=AUCTION_HOME, now=now
        ).verdict
        == "allowed"
    )


def test_vacating_the_home_waits_for_its_grace_period(officer, case, debtor_person, now):
    home_designation_record(
        actor=officer,
        case=case,
        party=debtor_person,
        property_ref="P1",
        address="住房",
        necessary_home=True,
        notice_served_on=now.date() - timedelta(days=30),
        now=now,
    )
    ev = home_disposal_evaluate(case=case, party=debtor_person, property_ref="P1", kind=VACATE, now=now)
    assert ev.verdict == "refused" and ev.refusals[0].code == "vacate_grace"
    later = now + timedelta(days=100)
    # After the grace, forced vacating still needs the 院长's 腾房公告 and its period run out
    # (民事诉讼法 2023 art. 261; tests/flows/test_zhang_journey.py walks the 公告).
    ev = home_disposal_evaluate(case=case, party=debtor_person, property_ref="P1", kind=VACATE, now=later)
    assert [r.code for r in ev.refusals] == ["vacate_no_announcement"]
    assert ev.refusals[0].basis.article == "261"


# --- legal limits: CPL 2023 arts. 112, 118; 民诉解释 art. 482 ----------------------------------------------


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        ({"kind": K.FINE, "amount": Decimal("100000.01")}, "fine_person_limit"),
        ({"kind": K.DETENTION, "days": 16}, "detention_days"),
        ({"kind": K.SUMMONS_BY_FORCE, "summons_count": 1, "hours": 8}, "summons_twice"),
        ({"kind": K.SUMMONS_BY_FORCE, "summons_count": 2, "hours": 9}, "questioning_hours"),
        (
            {"kind": K.SUMMONS_BY_FORCE, "summons_count": 2, "hours": 25, "detention_may_follow": True},
            "questioning_hours",
        ),
        ({"kind": K.DISHONEST_LISTING, "ground": 7}, "listing_ground"),
        ({"kind": K.DISHONEST_LISTING, "ground": 1, "extension_years": 1}, "listing_extension"),
        ({"kind": K.DISHONEST_LISTING, "ground": 2, "extension_years": 4}, "listing_extension"),
    ],
)
def test_legal_limits_refuse(officer, case, debtor_person, now, terms, code):
    err = refused(officer, case, now, subject=debtor_person, **terms)
    assert code in codes(err)


@pytest.mark.parametrize(
    ("amount", "ok"), [("49999.99", False), ("50000", True), ("1000000", True), ("1000000.01", False)]
)
def test_unit_fine_bounds(officer, president, company_case, company, now, amount, ok):
    if ok:
        m = take(
            officer=officer,
            president=president,
            case=company_case,
            subject=company,
            kind=K.FINE,
            now=now,
            amount=Decimal(amount),
        )
        assert m.status == MeasureStatus.IN_FORCE
    else:
        assert codes(
            refused(officer, company_case, now, kind=K.FINE, subject=company, amount=Decimal(amount))
        ) == {"fine_unit_limit"}


def test_detention_of_a_company_is_refused(officer, company_case, company, now):
    assert "detention_person_only" in codes(
        refused(officer, company_case, now, kind=K.DETENTION, subject=company, days=5)
    )


def test_summons_up_to_24_hours_when_detention_may_follow(officer, president, case, debtor_person, now):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.SUMMONS_BY_FORCE,
        now=now,
        summons_count=2,
        hours=24,
        detention_may_follow=True,
    )
    assert m.status == MeasureStatus.APPROVED


def test_duplicate_listing_refused(officer, president, case, debtor_person, now):
    take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DISHONEST_LISTING,
        now=now,
        ground=3,
    )
    assert codes(refused(officer, case, now, kind=K.DISHONEST_LISTING, subject=debtor_person, ground=4)) == {
        "duplicate"
    }
    assert DishonestListing.objects.filter(case=case).count() == 1
