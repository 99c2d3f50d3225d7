"""A case at 岳麓 with a recorded debt and a seized asset (the inquiry rows as the registry's
answer would leave them), for the reference-price tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lastmile.cases.models import PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.inquiry.models import Asset, Freeze, FreezeStatus, Order, OrderKind, OrderStatus
from lastmile.ledger.services import obligation_record
from lastmile.testing.factories import PersonFactory, make_resident_id


@pytest.fixture
def debtor(db):
    return PersonFactory(name="张某", id_number=make_resident_id())


@pytest.fixture
def case(yuelu, officer, now, bank, debtor):
    c = case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, PartyRole.APPLICANT), PartyInRole(debtor, PartyRole.RESPONDENT)],
        actor=officer,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("600000"),
        officer=officer,
        status="filed",
    )
    obligation_record(
        case=c,
        actor=officer,
        now=now,
        principal=Decimal("600000"),
        basis_effective_on=now.date(),
        performance_deadline=(now + timedelta(days=30)).date(),
    )
    return c


@pytest.fixture
def seized(case, debtor, now):
    """Make a seized asset of ``case``: ``seized(kind, identifier, **details)``."""

    def make(kind: str = "real_estate", identifier: str = "湘（2020）长沙市不动产权第0012345号", **details):
        institution = {"real_estate": "realestate", "vehicle": "vehicle"}.get(kind, "samr")
        order = Order.objects.create(
            court=case.court,
            case=case,
            institution=institution,
            kind=OrderKind.INQUIRE,
            party=debtor,
            key=f"t-{identifier}",
            status=OrderStatus.DONE,
            created_at=now,
        )
        asset = Asset.objects.create(
            court=case.court,
            case=case,
            party=debtor,
            institution=institution,
            kind=kind,
            identifier=identifier,
            label=details.pop("label", "麓谷街道枫林三路88号2栋1单元1201室"),
            details=details,
            found_at=now,
            order=order,
        )
        Freeze.objects.create(
            court=case.court,
            case=case,
            asset=asset,
            is_money=False,
            status=FreezeStatus.ACTIVE,
            starts_on=now.date(),
            created_at=now,
        )
        return asset

    return make
