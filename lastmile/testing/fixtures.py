"""pytest fixtures shared by all apps: courts, staff and a registered case."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Court, Role
from lastmile.accounts.services import courts_load

from .factories import FIXED_NOW, OrganisationFactory, PersonFactory, UserFactory


@pytest.fixture
def now():
    return FIXED_NOW


@pytest.fixture
def courts(db) -> dict[str, Court]:
    return {c.code: c for c in courts_load()}


@pytest.fixture
def yuelu(courts) -> Court:
    return courts["湘0104"]


@pytest.fixture
def wuling(courts) -> Court:
    return courts["湘0702"]


@pytest.fixture
def clerk(yuelu):
    return UserFactory(court=yuelu, role=Role.FILING_CLERK, username="clerk")


@pytest.fixture
def officer(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="officer")


@pytest.fixture
def president(yuelu):
    return UserFactory(court=yuelu, role=Role.LEADER, is_president=True, username="president")


@pytest.fixture
def other_clerk(wuling):
    return UserFactory(court=wuling, role=Role.FILING_CLERK, username="wl_clerk")


@pytest.fixture
def bank(db):
    return OrganisationFactory(name="长沙银行股份有限公司岳麓支行")


@pytest.fixture
def debtor(db):
    return PersonFactory(name="王小明")


@pytest.fixture
def clock(now):
    """Pin the edge clock (views, commands) to ``now`` for the test."""
    from lastmile.core.clock import FixedClock, use_clock

    fixed = FixedClock(now)
    with use_clock(fixed):
        yield fixed
