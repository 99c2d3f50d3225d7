"""Fixtures of the auction tests: a filed case whose debtor's flat is seized through the inquiry
app's real path, finance and a leader, and bidders (logins without a court or role)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lastmile.accounts.models import Role
from lastmile.cases.models import PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.inquiry.models import Asset, Freeze, FreezeStatus
from lastmile.inquiry.services import asset_seize, inbox_receive, inquiry_start
from lastmile.ledger.services import obligation_record
from lastmile.testing.factories import UserFactory, make_resident_id

BJ = timezone.get_fixed_timezone(480)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=BJ)


HOME_REF = "湘（2020）长沙市不动产权第0012345号"
NOW = at(2025, 3, 3)
D = Decimal


def land(order: Any, now: datetime, result: dict[str, Any]) -> None:
    inbox_receive(
        institution=order.institution,
        message={
            "message_id": f"{order.key}:done",
            "order_id": order.key,
            "status": "done",
            "result": result,
        },
        now=now,
    )


def seize_flat(case: Any, officer: Any, now: datetime, ref: str = HOME_REF) -> Freeze:
    """一键查控 finds the flat at the real-estate registry; it is seized and the seizure lands."""
    for order in inquiry_start(case=case, actor=officer, now=now):
        found = [{"kind": "real_estate", "identifier": ref, "label": "岳麓区枫林三路88号2栋1201"}]
        land(order, now, {"assets": found if order.institution == "realestate" else []})
    asset = Asset.objects.get(case=case, identifier=ref)
    order = asset_seize(asset=asset, actor=officer, now=now)
    land(order, now, {"freeze_ref": "R-1"})
    freeze = Freeze.objects.get(case=case, asset=asset)
    assert freeze.status == FreezeStatus.ACTIVE
    return freeze


@pytest.fixture
def case(yuelu, officer, bank, debtor):
    """A 执 case of the bank (the mortgagee) against the debtor, with its money debt recorded."""
    case = case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, PartyRole.APPLICANT), PartyInRole(debtor, PartyRole.RESPONDENT)],
        actor=None,
        now=NOW,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("600000"),
        officer=officer,
    )
    obligation_record(
        case=case,
        actor=None,
        now=NOW,
        principal=Decimal("600000"),
        basis_effective_on=date(2025, 1, 10),
        performance_deadline=date(2025, 1, 20),
    )
    return case


@pytest.fixture
def seizure(case, officer):
    return seize_flat(case, officer, NOW)


@pytest.fixture
def finance(yuelu):
    return UserFactory(court=yuelu, role=Role.FINANCE, username="caiwu")


@pytest.fixture
def leader(yuelu):
    return UserFactory(court=yuelu, role=Role.LEADER, username="leader")


@pytest.fixture
def bidders(db):
    """Five logins without court or role: the public who bid."""
    return [UserFactory(court=None, role="", username=f"bidder{i}") for i in range(5)]


def ident(i: int) -> str:
    return make_resident_id(seq=100 + i)


def schedule_first(officer: Any, lot_id: int, *, price: str = "700000", now: datetime = NOW) -> Any:
    from lastmile.auction.services import round_schedule

    return round_schedule(
        actor=officer,
        lot_id=lot_id,
        starting_price=D(price),
        deposit=D(price) / 10,
        increment=D("5000"),
        starts_at=at(2025, 4, 10),
        ends_at=at(2025, 4, 11),
        panel="张审判长、李审判员、王审判员",
        now=now,
    )


def after(dt: datetime, **kw: float) -> datetime:
    return dt + timedelta(**kw)
