"""Settlement payment keys are each court's own: another court using the same key books its own
payment and is never handed the first court's instalment."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lastmile.accounts.models import Role
from lastmile.enforcement.models import SettlementPayment, StepKind
from lastmile.enforcement.services import procedure_step_record, settlement_installment_pay, settlement_record
from lastmile.ledger.selectors import amount_received
from lastmile.ledger.services import InstallmentDue
from lastmile.testing.factories import UserFactory

from .conftest import at, basis

pytestmark = pytest.mark.django_db


@pytest.fixture
def wl_officer(wuling):
    return UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_officer")


def _settled(file_case, officer, **kw):
    case = file_case(at(2025, 3, 3), basis=basis("60000", costs=[]), **kw)
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 5))
    settlement = settlement_record(
        case=case,
        actor=officer,
        now=at(2025, 3, 10),
        agreed_on=date(2025, 3, 10),
        terms="分两期还款",
        installments=[
            InstallmentDue(due_on=date(2025, 4, 10), amount=Decimal("30000")),
            InstallmentDue(due_on=date(2025, 5, 12), amount=Decimal("30000")),
        ],
    )
    return case, settlement.installments.order_by("seq").first()


def test_same_key_in_another_court_books_its_own_payment(file_case, officer, wuling, other_clerk, wl_officer):
    yl_case, yl_first = _settled(file_case, officer)
    wl_case, wl_first = _settled(file_case, wl_officer, court=wuling, actor=other_clerk)
    pay = {"amount": Decimal("30000"), "now": at(2025, 4, 10), "idempotency_key": "bank-ref-1"}
    settlement_installment_pay(installment=yl_first, actor=officer, **pay)
    got = settlement_installment_pay(installment=wl_first, actor=wl_officer, **pay)
    # before: court B was handed court A's instalment and its payment was never booked
    assert got.pk == wl_first.pk
    assert amount_received(case=wl_case) == Decimal("30000.00")
    assert amount_received(case=yl_case) == Decimal("30000.00")
    assert SettlementPayment.objects.filter(idempotency_key="bank-ref-1").count() == 2
    # a retry within each court still books nothing
    settlement_installment_pay(installment=wl_first, actor=wl_officer, **pay)
    assert amount_received(case=wl_case) == Decimal("30000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementPayment.objects.create(
            court=wuling,
            installment=wl_first,
            amount=Decimal("1"),
            paid_on=date(2025, 4, 10),
            idempotency_key="bank-ref-1",
            recorded_at=at(2025, 4, 10),
        )


def test_api_installment_payment_under_another_courts_key(
    client, file_case, officer, wuling, other_clerk, wl_officer
):
    _yl_case, yl_first = _settled(file_case, officer)
    wl_case, wl_first = _settled(file_case, wl_officer, court=wuling, actor=other_clerk)
    body = {"amount": "30000", "idempotency_key": "k-77", "paid_on": "2025-04-10"}
    client.force_login(officer)
    r = client.post(
        f"/api/v1/enforcement/installments/{yl_first.pk}/payments",
        json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    client.force_login(wl_officer)
    r = client.post(
        f"/api/v1/enforcement/installments/{wl_first.pk}/payments",
        json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["id"] == wl_first.pk  # not court A's instalment
    assert amount_received(case=wl_case) == Decimal("30000.00")
