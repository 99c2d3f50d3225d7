"""Freezes follow the enforcement case: a payment lifts what is no longer needed (after the
enforcement transaction commits); a settlement lifts nothing by itself (执行和解规定 2020 art. 3:
only on the applicant's application and the court's decision, see
tests/flows/test_law_settlement_keeps_freezes.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.enforcement.services import settlement_record
from lastmile.ledger.services import InstallmentDue
from lastmile.testing.enforcement import payment_received


@pytest.fixture
def calls(monkeypatch):
    seen: list[tuple[str, int]] = []
    # where the controls are looked up: payments reconcile, only a decided release lifts them all
    import lastmile.enforcement.services.procedure as procedure
    import lastmile.enforcement.services.settlement as settlement

    monkeypatch.setattr(
        settlement, "controls_release_all", lambda **kw: seen.append(("release_all", kw["case"].pk))
    )
    monkeypatch.setattr(
        procedure, "controls_reconcile", lambda **kw: seen.append(("reconcile", kw["case"].pk))
    )
    return seen


@pytest.mark.django_db
def test_settlement_and_payment_reach_the_controls_after_commit(
    file_case, now, calls, django_capture_on_commit_callbacks
):
    filed_case = file_case(now)
    officer = filed_case.officer
    with django_capture_on_commit_callbacks(execute=True):
        payment_received(
            case=filed_case, amount=Decimal("100"), actor=officer, now=now, idempotency_key="p-1"
        )
    assert calls == [("reconcile", filed_case.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        settlement_record(
            case=filed_case,
            actor=officer,
            now=now,
            agreed_on=now.date(),
            terms="分两期履行",
            installments=[
                InstallmentDue(due_on=date(2025, 4, 10), amount=Decimal("1000")),
                InstallmentDue(due_on=date(2025, 5, 12), amount=Decimal("1000")),
            ],
        )
    assert calls == [("reconcile", filed_case.pk)]  # the settlement reached no control
