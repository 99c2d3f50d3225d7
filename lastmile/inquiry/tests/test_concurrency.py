"""Results arriving at the same moment on a real PostgreSQL: the freeze budget is decided under the
case's Control row lock, so parallel answers never freeze more than is owed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from lastmile.inquiry.models import Freeze, Order, OrderKind, OrderStatus
from lastmile.inquiry.services import inbox_receive, inquiry_start
from lastmile.ledger.services import amount_outstanding
from lastmile.testing.concurrency import run_parallel

D = Decimal


def _message(order, result):
    return {"message_id": f"{order.key}:done", "order_id": order.key, "status": "done", "result": result}


def _held(case):
    return Freeze.objects.filter(case=case, is_money=True, status__in=["pending", "active"]).aggregate(
        s=Sum("amount_held")
    )["s"] or D("0")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_results_never_over_freeze(money_case, officer, now, inquiry_settings):
    assert connection.vendor == "postgresql"
    inquiry_settings(ORDER_WAIT_SECONDS=0)  # every answer triggers freezing at once
    case = money_case(principal="10000")
    owed = amount_outstanding(case=case, as_of=now.date())
    inquiry_start(case=case, actor=officer, now=now)
    inquiries = list(Order.objects.filter(case=case, kind=OrderKind.INQUIRE))

    def answer(order):
        assets = [{"kind": "deposit", "identifier": f"{order.institution}-1", "balance": "5000.00"}]
        return lambda: inbox_receive(
            institution=order.institution, message=_message(order, {"assets": assets}), now=now
        )

    run_parallel([answer(o) for o in inquiries])
    requested = Order.objects.filter(case=case, kind=OrderKind.FREEZE).aggregate(s=Sum("amount"))["s"]
    assert requested == owed == _held(case)

    # Every institution froze only half: the budget that comes back is re-decided in parallel.
    for _ in range(6):
        pending = list(
            Order.objects.filter(case=case, kind=OrderKind.FREEZE, status=OrderStatus.SENT)
            | Order.objects.filter(case=case, kind=OrderKind.FREEZE, status=OrderStatus.PENDING)
        )
        if not pending:
            break

        def confirm(order):
            half = (order.amount / 2).quantize(D("0.01"))
            return lambda: inbox_receive(
                institution=order.institution,
                message=_message(order, {"frozen_amount": str(half), "freeze_ref": "r"}),
                now=now,
            )

        run_parallel([confirm(o) for o in pending])
        assert _held(case) <= owed
    active = Freeze.objects.filter(case=case, status="active").aggregate(s=Sum("amount_frozen"))["s"]
    assert active <= owed
