"""The public listing is complete and current (失信规定 2017 arts. 6, 9; issue K item 8): it names the
执行依据's issuer and number for a case however it was filed, and its 履行情况 follows a payment
within 3 working days (the daily sweep)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent
from lastmile.core.periods import add_working_days
from lastmile.measures.kinds import MeasuresEvent
from lastmile.measures.models import DishonestListing, MeasureKind
from lastmile.measures.selectors import public_dishonest_search
from lastmile.measures.services import listings_performance_refresh
from lastmile.testing.enforcement import at, payment_received

pytestmark = pytest.mark.django_db


def _listed(file_case, serve_notices, take_measure, debtor):
    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10))
    m = take_measure(
        case, debtor, MeasureKind.DISHONEST_LISTING, at(2025, 4, 1), ground=1, birth_date=date(1980, 5, 1)
    )
    return case, DishonestListing.objects.get(measure=m)


def test_art6_the_public_entry_names_the_basis_issuer_and_number(
    file_case, serve_notices, take_measure, debtor
):
    """A case filed directly for enforcement (no trial case behind it) names its 执行依据."""
    case, listing = _listed(file_case, serve_notices, take_measure, debtor)
    assert case.parent_id is None
    assert "长沙市岳麓区人民法院" in listing.basis and "（2025）湘0104民初1234号" in listing.basis
    [public] = public_dishonest_search(name=debtor.name, today=date(2025, 4, 2))
    assert public.basis == listing.basis


def test_art9_performance_follows_a_payment_within_three_working_days(
    file_case, serve_notices, take_measure, debtor, officer
):
    case, listing = _listed(file_case, serve_notices, take_measure, debtor)
    assert listing.performance == "全部未履行"
    payment_received(
        case=case, amount=Decimal("30000.00"), actor=officer, now=at(2025, 4, 10), idempotency_key="k8-part"
    )
    swept = at(2025, 4, 11, hour=2)  # the daily sweep of the next night
    assert swept.date() <= add_working_days(date(2025, 4, 10), 3)
    assert listings_performance_refresh(now=swept) == 1
    listing.refresh_from_db()
    assert listing.performance.startswith("部分未履行（尚欠")
    event = CaseEvent.objects.get(case=case, kind=MeasuresEvent.LISTING_PERFORMANCE_UPDATED)
    assert event.legal_basis["article"] == "9"
    [public] = public_dishonest_search(name=debtor.name, today=date(2025, 4, 11))
    assert public.performance == listing.performance
    assert listings_performance_refresh(now=swept) == 0  # nothing changes twice
