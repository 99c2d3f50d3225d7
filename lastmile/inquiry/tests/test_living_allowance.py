"""The living allowance (查封规定 2020 art. 3) is the debtor's, across every case of that debtor
in the court: a second case's freeze never takes what the first one left (issue I.6)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from lastmile.inquiry import rules, services
from lastmile.inquiry.models import Freeze, Order, OrderKind
from lastmile.inquiry.services import inbox_receive, inquiry_start
from lastmile.testing.concurrency import run_parallel
from lastmile.testing.factories import PersonFactory, make_resident_id

D = Decimal
BALANCE = D("5000.00")


def _done(order, result):
    return {"message_id": f"{order.key}:done", "order_id": order.key, "status": "done", "result": result}


def _wechat(order):
    """What WeChat Pay answers: the gross balance, with what is frozen already in the details."""
    frozen = Freeze.objects.filter(
        asset__identifier="wx-debtor", status__in=["pending", "active"], is_money=True
    ).aggregate(s=Sum("amount_held"))["s"] or D("0")
    return {
        "kind": "deposit",
        "identifier": "wx-debtor",
        "balance": str(BALANCE),
        "details": {"frozen": str(frozen), "available": str(BALANCE - frozen)},
    }


def _answer_all_but_wechat(case, now):
    for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE).exclude(institution="wechatpay"):
        inbox_receive(institution=order.institution, message=_done(order, {"assets": []}), now=now)


def _answer_wechat(case, now):
    order = Order.objects.get(case=case, kind=OrderKind.INQUIRE, institution="wechatpay")
    inbox_receive(institution="wechatpay", message=_done(order, {"assets": [_wechat(order)]}), now=now)


def _held_on_account():
    return Freeze.objects.filter(
        asset__identifier="wx-debtor", status__in=["pending", "active"], is_money=True
    ).aggregate(s=Sum("amount_held"))["s"] or D("0")


def _two_cases(money_case, officer, now):  # both at 岳麓, one debtor
    debtor = PersonFactory(name="两案被执行人", id_number=make_resident_id())
    first = money_case(principal="10000", debtors=[debtor])
    second = money_case(principal="10000", debtors=[debtor])
    for case in (first, second):
        inquiry_start(case=case, actor=officer, now=now)
        _answer_all_but_wechat(case, now)
    return first, second


@pytest.mark.django_db
def test_second_case_does_not_freeze_the_allowance_the_first_left(money_case, officer, now, yuelu):
    allowance = rules.living_allowance(court_code=yuelu.code)
    first, second = _two_cases(money_case, officer, now)

    _answer_wechat(first, now)
    taken = Order.objects.get(case=first, kind=OrderKind.FREEZE).amount
    assert taken == BALANCE - allowance  # the first case leaves the allowance

    _answer_wechat(second, now)
    assert not Order.objects.filter(case=second, kind=OrderKind.FREEZE).exists()
    assert _held_on_account() == BALANCE - allowance  # the allowance is still the debtor's


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_cases_deciding_at_once_leave_the_allowance(money_case, officer, now, yuelu, monkeypatch):
    """Both cases decide at the same moment (the sweep deciding one while the other decides on
    its own): the first holds its transaction open after deciding; the second must wait for it
    (the debtor's row is locked), not decide on what it cannot see yet."""
    from datetime import timedelta

    from django.db import transaction

    assert connection.vendor == "postgresql"
    allowance = rules.living_allowance(court_code=yuelu.code)
    debtor = PersonFactory(name="两案被执行人", id_number=make_resident_id())
    cases = [money_case(principal="10000", debtors=[debtor]) for _ in range(2)]
    for case in cases:
        inquiry_start(case=case, actor=officer, now=now)
        # Every institution answers but one, so nothing is decided yet (the round waits).
        for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE).exclude(institution="icbc"):
            assets = [_wechat(order)] if order.institution == "wechatpay" else []
            inbox_receive(institution=order.institution, message=_done(order, {"assets": assets}), now=now)
    assert not Order.objects.filter(kind=OrderKind.FREEZE).exists()
    later = now + timedelta(hours=1)  # past the wait: both rounds are decided now

    real = services._on_commit_dispatch
    calls = threading.Lock()
    seen: list[int] = []
    finished = threading.Semaphore(0)

    def slow_dispatch() -> None:
        with calls:
            seen.append(1)
            first_call = len(seen) == 1
        real()
        if first_call:
            # The first decision stays uncommitted until the other case is seen waiting for it (no
            # fixed sleep: on a busy machine the other thread may not even have started by then).
            # Should the other case decide without waiting, it finishes and the asserts below fail.
            _hold_until_blocking_another(finished)

    def decide(case):
        def go() -> None:
            try:
                with transaction.atomic():
                    services._plan(services._control_lock(case), later)
            finally:
                finished.release()

        return go

    # _plan looks the helper up in the policy module, so that is where it is replaced.
    monkeypatch.setattr(services.policy, "_on_commit_dispatch", slow_dispatch)
    run_parallel([decide(case) for case in cases])

    assert _held_on_account() == BALANCE - allowance
    assert Order.objects.filter(kind=OrderKind.FREEZE, asset__identifier="wx-debtor").count() == 1


def _hold_until_blocking_another(finished: threading.Semaphore, limit: float = 60.0) -> None:
    """Return once another connection waits for a lock this transaction holds (``pg_locks`` and
    ``pg_blocking_pids`` are live, not snapshots), or once another worker has finished; ``limit``
    only guards against a hang."""
    deadline = time.monotonic() + limit
    with connection.cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute(
                "SELECT count(*) FROM pg_locks"
                " WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cur.fetchone()[0]:
                return
            if finished.acquire(blocking=False):
                finished.release()
                return
            time.sleep(0.01)
    raise AssertionError("the other case neither waited nor finished")
