from __future__ import annotations

import pytest

from lastmile.accounts.models import Role
from lastmile.testing.factories import UserFactory

from .helpers import enforcement_case, person


@pytest.fixture
def officer2(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="officer2")


@pytest.fixture
def wuling_president(wuling):
    return UserFactory(court=wuling, role=Role.LEADER, is_president=True, username="wl_president")


@pytest.fixture
def debtor_person(db):
    return person()


@pytest.fixture
def case(yuelu, officer, debtor_person, now):
    return enforcement_case(court=yuelu, officer=officer, debtor=debtor_person, now=now)
