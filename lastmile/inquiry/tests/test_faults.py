"""Fault injection against the real simulator over HTTP: 20% of callbacks lost, 10% duplicated,
callbacks reordered, one institution down. Nothing is over-frozen, no deduction is lost or booked
twice, and every order ends done or visibly failed (and is resent once the institution is back)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from lastmile.inquiry.models import OPEN_ORDER_STATUSES, Freeze, FreezeStatus, Order, OrderKind, OrderStatus
from lastmile.inquiry.selectors import orders_queue
from lastmile.inquiry.services import controls_reconcile, freeze_deduct, inquiry_start, order_resend
from lastmile.ledger.models import Receipt
from lastmile.ledger.services import amount_outstanding, receipt_record
from lastmile.testing.factories import PersonFactory, make_resident_id

from .conftest import subject

pytestmark = pytest.mark.django_db
D = Decimal


def _sim_accounts(wire, case):
    ids = {cp.party.id_number for cp in case.case_parties.filter(role="respondent").select_related("party")}
    return [acc for idn, accs in wire.state().items() if idn in ids for acc in accs]


def _assert_no_over_freeze(wire, case, now):
    owed = amount_outstanding(case=case, as_of=now.date())
    held = Freeze.objects.filter(case=case, is_money=True, status__in=["pending", "active"]).aggregate(
        s=Sum("amount_held")
    )["s"] or D("0")
    frozen_at_institutions = sum((D(a["frozen"]) for a in _sim_accounts(wire, case)), D("0"))
    assert held <= owed, (case, held, owed)
    assert frozen_at_institutions <= owed, (case, frozen_at_institutions, owed)
    return held, frozen_at_institutions


def test_faulty_network_never_over_freezes_or_loses_money(wire, money_case, officer, yl_officer):
    sim = wire.sim
    sim.control(
        {
            "lost": 0.2,
            "duplicate": 0.1,
            "reorder": True,
            "down": ["icbc"],
            "latency_scale": 0.02,
            "seed": 20250303,
        }
    )
    cases = []
    for i in range(8):
        # Persons with balances at four institutions, one of them (icbc) down; the total found is
        # above the debt for even cases and below it for odd ones.
        idn = make_resident_id(seq=100 + i)
        base = D(9000) if i % 2 == 0 else D(2500)
        sim.control(
            {
                "subjects": {
                    idn: subject(
                        f"债务人{i}",
                        {
                            "wechatpay": [("deposit", f"wx-{i}", str(base))],
                            "alipay": [("deposit", f"ali-{i}", str(base / 2))],
                            "bankcs": [("deposit", f"cs-{i}", str(base + 1000))],
                            "icbc": [("deposit", f"icbc-{i}", "50000.00")],
                        },
                    )
                }
            }
        )
        debtor = PersonFactory(name=f"债务人{i}", id_number=idn)
        cases.append(money_case(principal="20000", debtors=[debtor]))
    for case in cases:
        inquiry_start(case=case, actor=officer, now=wire.clock.now())
    wire.pump()

    # Every order is final: done, or failed and visible in the command-center queue.
    assert not Order.objects.filter(status__in=OPEN_ORDER_STATUSES).exists()
    failed = Order.objects.filter(status=OrderStatus.FAILED)
    assert failed.exists() and set(failed.values_list("institution", flat=True)) == {"icbc"}
    assert set(orders_queue(actor=yl_officer).values_list("pk", flat=True)) >= set(
        failed.values_list("pk", flat=True)
    )
    assert all("503" in o.last_error for o in failed)
    for case in cases:
        held, at_inst = _assert_no_over_freeze(wire, case, wire.clock.now())
        assert held == at_inst  # the platform's books match the institutions'
    stats = sim.describe()["stats"]
    assert stats.get("callbacks_lost", 0) > 0 and stats.get("callbacks_duplicated", 0) > 0
    assert stats.get("refused_down", 0) > 0
    assert set(wire.responses) == {200}

    # Deduct every active freeze of half the cases (the faults are still on).
    now = wire.clock.now()
    for case in cases[:4]:
        for f in Freeze.objects.filter(case=case, status=FreezeStatus.ACTIVE, is_money=True):
            freeze_deduct(freeze=f, actor=officer, now=now)
    wire.pump()
    deduct_orders = Order.objects.filter(kind=OrderKind.DEDUCT)
    assert deduct_orders.count() > 0 and not deduct_orders.exclude(status=OrderStatus.DONE).exists()
    receipts = Receipt.objects.filter(source="bank_deduction")
    assert receipts.count() == deduct_orders.count()  # one receipt per deduction, none twice
    sim_deducted = sum((D(a["deducted"]) for c in cases for a in _sim_accounts(wire, c)), D("0"))
    assert receipts.aggregate(s=Sum("amount"))["s"] == sim_deducted  # none lost

    # The institution comes back; the operator resends what failed. Still no over-freezing.
    sim.control({"down": []})
    wire.clock.set(wire.clock.now() + timedelta(hours=1))
    for order in list(Order.objects.filter(status=OrderStatus.FAILED, superseded=False)):
        order_resend(order=order, actor=officer, now=wire.clock.now())
    wire.pump()
    assert not Order.objects.filter(status__in=OPEN_ORDER_STATUSES).exists()
    assert not Order.objects.filter(status=OrderStatus.FAILED, superseded=False).exists()
    for case in cases:
        held, at_inst = _assert_no_over_freeze(wire, case, wire.clock.now())
        assert held == at_inst
        owed = amount_outstanding(case=case, as_of=wire.clock.now().date())
        # With icbc's 50,000 found, each case is now fully covered.
        assert held == owed

    # Debtors of the other half pay in full by another route; the sweep lifts every freeze.
    for case in cases[4:]:
        owed = amount_outstanding(case=case, as_of=wire.clock.now().date())
        receipt_record(
            case=case,
            amount=owed,
            source="debtor_transfer",
            idempotency_key=f"pay-{case.pk}",
            received_at=wire.clock.now(),
            actor=None,
        )
        assert controls_reconcile(case=case, now=wire.clock.now()) > 0
        assert controls_reconcile(case=case, now=wire.clock.now()) == 0  # idempotent
    wire.pump()
    for case in cases[4:]:
        assert not Freeze.objects.filter(case=case, status__in=["pending", "active"]).exists()
        assert all(D(a["frozen"]) == 0 for a in _sim_accounts(wire, case))
    assert not Order.objects.exclude(status=OrderStatus.DONE).filter(superseded=False).exists()
