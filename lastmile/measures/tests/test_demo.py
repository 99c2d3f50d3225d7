from __future__ import annotations

from datetime import timedelta

import pytest

from lastmile.accounts.models import Role
from lastmile.measures.demo import demo_seed_measures
from lastmile.measures.models import DishonestListing, Measure
from lastmile.measures.selectors import public_dishonest_search
from lastmile.testing.factories import UserFactory

from .helpers import enforcement_case, notices_served, person

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(yuelu, now):
    officer = UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="yl_zhifa")
    UserFactory(court=yuelu, role=Role.LEADER, is_president=True, username="yl_yuanzhang")
    debtors = [person(name=n, seq=s) for n, s in (("王小明", 31), ("李玥", 42), ("张堃", 15))]
    for d in debtors:
        case = enforcement_case(court=yuelu, officer=officer, debtor=d, now=now)
        notices_served(
            case, d, now - timedelta(days=30), report=True
        )  # listings only after the notices (失信规定 2017 art. 5)
    assert demo_seed_measures(now=now) == 7
    assert DishonestListing.objects.filter(status="published").count() == 2
    assert len(public_dishonest_search(name="王小明", today=now.date())) == 1
    count = Measure.objects.count()
    assert demo_seed_measures(now=now) == 0
    assert Measure.objects.count() == count
