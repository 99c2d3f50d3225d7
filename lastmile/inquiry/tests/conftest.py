"""Test plumbing: the inquiry wire (a real simulator over HTTP, a relay handing callbacks to the
real view on a virtual clock) comes from the test kit, ``lastmile.testing.wire``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import Case, PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.ledger.services import obligation_record
from lastmile.testing.factories import PersonFactory, UserFactory, make_resident_id
from lastmile.testing.wire import demo_mode, inquiry_settings, relay, sim, wire

__all__ = ["demo_mode", "inquiry_settings", "relay", "sim", "wire"]


@pytest.fixture(autouse=True)
def demo_mode_on(demo_mode):
    """Every inquiry test runs in demo mode (the simulator signs with the demo keys); tests of
    production behaviour switch it off again (``settings.LASTMILE["DEMO"] = False``)."""


@pytest.fixture
def yl_officer(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="yl_officer")


@pytest.fixture
def money_case(yuelu, officer, now, bank):
    """A filed 执 case at 岳麓 with a recorded money debt, and a factory for its debtors."""

    def make(principal: str = "30000", debtors=None, status: str = "filed") -> Case:
        debtors = debtors or [PersonFactory(name="被执行人甲", id_number=make_resident_id())]
        case = case_register(
            court=yuelu,
            type_code="执",
            parties=[PartyInRole(bank, PartyRole.APPLICANT)]
            + [PartyInRole(d, PartyRole.RESPONDENT) for d in debtors],
            actor=officer,
            now=now,
            cause="金融借款合同纠纷",
            amount_claimed=Decimal(principal),
            officer=officer,
            status=status,
        )
        # Performance due in 30 days: no delay interest yet, so what is owed is the principal.
        obligation_record(
            case=case,
            actor=officer,
            now=now,
            principal=Decimal(principal),
            basis_effective_on=now.date(),
            performance_deadline=(now + timedelta(days=30)).date(),
        )
        return case

    return make


def subject(name: str, holdings: dict) -> dict:
    """A simulator seed entry: {institution: [(kind, identifier, balance)]}."""
    return {
        "name": name,
        "institutions": {
            code: [{"kind": k, "identifier": ident, "balance": bal} for k, ident, bal in items]
            for code, items in holdings.items()
        },
    }
