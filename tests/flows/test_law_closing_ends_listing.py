"""Closing ends what must end: 失信规定 2017 art. 10 (the listing is deleted within 3 working days of
a ground) and 限消规定 2015 art. 9 (the 限制消费令 is lifted once the execution has ended), for
执行完毕, 终结执行, and 终本 followed by two empty re-queries. The closing method is stored as its
code, so the measures see it (issue K item 2)."""

from __future__ import annotations

from datetime import date

import pytest

from lastmile.cases.models import CaseStatus, Deadline
from lastmile.core.periods import add_working_days
from lastmile.documents.models import Document
from lastmile.enforcement.models import ClosingMethod, InquiryResult, PropertyRequery
from lastmile.enforcement.services import enforcement_close, requery_record
from lastmile.measures import rules
from lastmile.measures.kinds import MeasuresDeadline
from lastmile.measures.models import (
    DishonestListing,
    ListingStatus,
    MeasureKind,
    MeasureStatus,
    RemovalGround,
)
from lastmile.testing.enforcement import at

pytestmark = pytest.mark.django_db


def _listed(file_case, serve_notices, take_measure, debtor):
    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10))
    restriction = take_measure(case, debtor, MeasureKind.CONSUMPTION_RESTRICTION, at(2025, 4, 1))
    listing_measure = take_measure(
        case, debtor, MeasureKind.DISHONEST_LISTING, at(2025, 4, 1), ground=1, birth_date=date(1980, 5, 1)
    )
    listing = DishonestListing.objects.get(measure=listing_measure)
    assert restriction.status == MeasureStatus.IN_FORCE and listing.status == ListingStatus.PUBLISHED
    return case, restriction, listing


def _assert_deleted(listing, ground, on: date):
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED
    assert listing.removal_ground == ground and listing.removed_on == on
    deadline = Deadline.objects.get(kind=MeasuresDeadline.LISTING_REMOVAL, source_id=listing.pk)
    assert deadline.due_on == add_working_days(on, 3) and deadline.done_at is not None
    assert (
        Document.objects.filter(case=listing.case, template__code="dishonest_deletion_decision").count() == 1
    )


def test_the_closing_methods_the_measures_read_are_the_stored_codes():
    assert set(rules.CLOSING_REMOVAL_GROUNDS) <= set(ClosingMethod.values)
    assert set(rules.CLOSING_LIFTS_RESTRICTION) <= set(ClosingMethod.values)
    assert rules.ZHONGBEN == ClosingMethod.NO_PROPERTY


def test_art10_completed_deletes_the_listing_and_lifts_the_restriction(
    file_case, serve_notices, take_measure, debtor, officer
):
    """失信规定 2017 art. 10 item 1; 限消规定 2015 art. 9: 执行完毕 ends both, with their documents."""
    case, restriction, listing = _listed(file_case, serve_notices, take_measure, debtor)
    enforcement_close(
        case=case,
        method=ClosingMethod.COMPLETED,
        confirm_full_performance=True,
        reason="被执行人已当面履行全部义务",
        actor=officer,
        now=at(2025, 5, 6),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closing_method == "completed"
    _assert_deleted(listing, RemovalGround.PERFORMED, date(2025, 5, 6))
    restriction.refresh_from_db()
    assert restriction.status == MeasureStatus.LIFTED
    assert (
        Document.objects.filter(case=case, template__code="consumption_restriction_lift_order").count() == 1
    )


def test_art10_terminated_deletes_the_listing_and_lifts_the_restriction(
    file_case, serve_notices, take_measure, debtor, officer
):
    """失信规定 2017 art. 10 item 7: 终结执行 deletes the listing; nothing remains to enforce, so the
    限制消费令 is lifted too."""
    case, restriction, listing = _listed(file_case, serve_notices, take_measure, debtor)
    enforcement_close(
        case=case, method=ClosingMethod.TERMINATED, ground="withdrawn", actor=officer, now=at(2025, 5, 6)
    )
    _assert_deleted(listing, RemovalGround.TERMINATED, date(2025, 5, 6))
    restriction.refresh_from_db()
    assert restriction.status == MeasureStatus.LIFTED


def test_art10_zhongben_then_two_empty_requeries_deletes_the_listing(
    file_case, serve_notices, take_measure, debtor, officer, monkeypatch
):
    """失信规定 2017 art. 10 item 4: after 终本, the listing stays until two online re-queries found
    nothing; then it is deleted. The 限制消费令 stays (终本规定 2016 art. 9). The 终本 conditions
    are not what this test is about: they are taken as met."""
    from lastmile.enforcement.services import closing

    monkeypatch.setattr(closing, "zhongben_conditions", lambda **kw: [])
    case, restriction, listing = _listed(file_case, serve_notices, take_measure, debtor)
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 7, 7))
    case.refresh_from_db()
    assert case.closing_method == "no_property"
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED  # 终本 alone deletes nothing

    first, second = PropertyRequery.objects.filter(case=case).order_by("seq")[:2]
    requery_record(requery=first, actor=officer, now=at(2026, 1, 7), result=InquiryResult.NOTHING_FOUND)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PUBLISHED  # one empty query is not enough
    requery_record(requery=second, actor=officer, now=at(2026, 7, 7), result=InquiryResult.NOTHING_FOUND)
    _assert_deleted(listing, RemovalGround.ZHONGBEN_NO_PROPERTY, date(2026, 7, 7))
    restriction.refresh_from_db()
    assert restriction.status == MeasureStatus.IN_FORCE
