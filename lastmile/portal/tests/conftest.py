"""Fixtures of the portal tests: an enforcement case with a bank applicant and a natural-person
debtor, each with a portal account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.portal import services


@pytest.fixture
def case(yuelu, clerk, officer, bank, debtor, now):
    return enforcement_file(
        court=yuelu,
        basis=ExecutionBasisIn(
            kind="judgment",
            issuer="长沙市岳麓区人民法院",
            number="（2025）湘0104民初1234号",
            effective_on=date(2025, 1, 10),
            performance_deadline=date(2025, 1, 20),
            principal=Decimal("100000"),
        ),
        applicants=[bank],
        respondents=[debtor],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
    )


@pytest.fixture
def bank_account(bank, now):
    return services.portal_account_create(party=bank, username="bank", password="pw-123456", now=now)


@pytest.fixture
def debtor_account(debtor, now):
    return services.portal_account_create(party=debtor, username="debtor", password="pw-123456", now=now)
