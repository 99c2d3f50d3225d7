"""终本 condition (2) is met by measures taken in the measures app, not only by recorded steps."""

from __future__ import annotations

import pytest

from lastmile.enforcement.selectors import zhongben_conditions
from lastmile.measures.models import MeasureKind
from lastmile.measures.tests.helpers import enforcement_case, list_debtor, person, take

pytestmark = pytest.mark.django_db


def _condition(case, now):
    return next(
        c for c in zhongben_conditions(case=case, as_of=now.date()) if c.key == "restriction_and_dishonest"
    )


def test_restriction_and_listing_taken_as_measures_satisfy_condition_two(yuelu, officer, president, now):
    debtor = person()
    case = enforcement_case(court=yuelu, officer=officer, debtor=debtor, now=now)
    before = _condition(case, now)
    assert not before.met
    assert "限制消费令" in before.detail and "失信" in before.detail

    take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor,
        kind=MeasureKind.CONSUMPTION_RESTRICTION,
        now=now,
        ack=True,
    )
    middle = _condition(case, now)
    assert not middle.met and "限制消费令" not in middle.detail

    list_debtor(officer=officer, president=president, case=case, subject=debtor, now=now)
    assert _condition(case, now).met
