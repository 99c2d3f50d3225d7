"""Fixtures of the case-funds tests: an enforcement case, a finance clerk and a leader."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lastmile.accounts.models import Role
from lastmile.cases.services import PartyInRole, case_register
from lastmile.testing.factories import UserFactory

TZ = timezone.get_fixed_timezone(480)


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=TZ)


@pytest.fixture
def finance(yuelu):
    return UserFactory(court=yuelu, role=Role.FINANCE, username="caiwu")


@pytest.fixture
def finance2(yuelu):
    return UserFactory(court=yuelu, role=Role.FINANCE, username="caiwu2")


@pytest.fixture
def leader(yuelu):
    return UserFactory(court=yuelu, role=Role.LEADER, is_president=True, username="yuanzhang")


@pytest.fixture
def other_finance(wuling):
    return UserFactory(court=wuling, role=Role.FINANCE, username="wl_caiwu")


@pytest.fixture
def make_case(yuelu, clerk, bank, debtor):
    def make(debtor_party=None, applicants=None, court=None):
        parties = [PartyInRole(p, "applicant") for p in (applicants or [bank])]
        parties.append(PartyInRole(debtor_party or debtor, "respondent"))
        return case_register(
            court=court or yuelu,
            type_code="执",
            parties=parties,
            actor=clerk,
            now=at(2024, 1, 2),
            amount_claimed=Decimal("100000"),
        )

    return make


@pytest.fixture
def case(make_case):
    return make_case()
