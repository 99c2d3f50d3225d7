"""Control policy and inbox semantics, driven by institution messages fed straight into the inbox."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent, Deadline
from lastmile.core.errors import Conflict, InvalidTransition, PermissionDenied
from lastmile.inquiry import rules
from lastmile.inquiry.kinds import InquiryDeadline
from lastmile.inquiry.models import (
    Asset,
    Control,
    Freeze,
    FreezeStatus,
    InboxMessage,
    Order,
    OrderKind,
    OrderStatus,
)
from lastmile.inquiry.ports import SendOutcome
from lastmile.inquiry.services import (
    controls_release_all,
    freeze_deduct,
    freeze_renew,
    freezes_lapse,
    inbox_receive,
    inquiry_start,
    inquiry_sweep,
    order_outcome_apply,
    order_resend,
)
from lastmile.ledger.models import Receipt
from lastmile.ledger.services import amount_outstanding, receipt_record
from lastmile.testing.factories import OrganisationFactory, PersonFactory, UserFactory, make_resident_id

pytestmark = pytest.mark.django_db
D = Decimal


def done(order, result, suffix="done"):
    return {"message_id": f"{order.key}:{suffix}", "order_id": order.key, "status": "done", "result": result}


def deposit(ident, balance):
    return {"kind": "deposit", "identifier": ident, "balance": str(balance)}


def answer_inquiries(case, now, found: dict[str, list]):
    """Answer every open inquiry of the case: ``found`` maps institution code to assets."""
    for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE, status__in=["pending", "sent"]):
        inbox_receive(
            institution=order.institution,
            message=done(order, {"assets": found.get(order.institution, [])}),
            now=now,
        )


def freeze_orders(case):
    return list(Order.objects.filter(case=case, kind=OrderKind.FREEZE).select_related("freeze", "asset"))


def confirm_freezes(case, now, partial: dict[str, Decimal] | None = None):
    for order in freeze_orders(case):
        if order.status in (OrderStatus.DONE, OrderStatus.FAILED):
            continue
        amount = (partial or {}).get(order.asset.identifier, order.amount)
        inbox_receive(
            institution=order.institution,
            message=done(order, {"frozen_amount": str(amount), "freeze_ref": f"R{order.pk}"}),
            now=now,
        )


def test_freezes_in_institution_order_up_to_owed_and_leaves_living_allowance(money_case, officer, now):
    case = money_case(principal="10000")
    inquiry_start(case=case, actor=officer, now=now)
    assert Order.objects.filter(case=case, kind=OrderKind.INQUIRE).count() == 14
    answer_inquiries(
        case,
        now,
        {
            "icbc": [deposit("icbc-1", "8000")],
            "wechatpay": [deposit("wx-1", "3000")],
            "alipay": [deposit("ali-1", "500")],
            "vehicle": [{"kind": "vehicle", "identifier": "湘A·12345", "label": "小型轿车"}],
        },
    )
    orders = {o.asset.identifier: o.amount for o in freeze_orders(case)}
    # wechatpay, alipay, then icbc (INSTITUTION_ORDER); total = owed; allowance 1,860 stays in icbc.
    assert orders == {"wx-1": D("3000.00"), "ali-1": D("500.00"), "icbc-1": D("6140.00")}
    owed = amount_outstanding(case=case, as_of=now.date())
    assert owed == D("10000.00")
    assert D("11500") - sum(orders.values()) >= rules.living_allowance(court_code="湘0104") == D("1860.00")
    assert not Freeze.objects.filter(asset__kind="vehicle").exists()  # seizures are the officer's call
    assert CaseEvent.objects.filter(case=case, kind="inquiry.freeze_ordered").count() == 1


def test_waits_for_every_inquiry_then_freezes_in_order(money_case, officer, now, inquiry_settings):
    inquiry_settings(ORDER_WAIT_SECONDS=300)
    case = money_case(principal="5000")
    inquiry_start(case=case, actor=officer, now=now)
    icbc = Order.objects.get(case=case, institution="icbc")
    inbox_receive(institution="icbc", message=done(icbc, {"assets": [deposit("icbc-1", "9000")]}), now=now)
    assert not freeze_orders(case)  # wechatpay has priority and has not answered yet
    # After the wait, the sweep freezes what was found so far.
    assert inquiry_sweep(now=now + timedelta(seconds=301)).planned == 1
    assert [o.amount for o in freeze_orders(case)] == [D("5000.00")]
    # WeChat answers late: nothing more is frozen, the budget is used up.
    wx = Order.objects.get(case=case, institution="wechatpay")
    inbox_receive(institution="wechatpay", message=done(wx, {"assets": [deposit("wx-1", "3000")]}), now=now)
    assert len(freeze_orders(case)) == 1


def test_duplicate_and_reordered_messages_change_nothing(money_case, officer, now):
    case = money_case(principal="10000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "4000")]})
    order = freeze_orders(case)[0]
    result = done(order, {"frozen_amount": "2140.00", "freeze_ref": "R1"})
    # "frozen" arrives before "accepted", then both again.
    inbox_receive(institution="wechatpay", message=result, now=now)
    accepted = {"message_id": f"{order.key}:accepted", "order_id": order.key, "status": "accepted"}
    inbox_receive(institution="wechatpay", message=accepted, now=now)
    inbox_receive(institution="wechatpay", message=result, now=now)
    inbox_receive(institution="wechatpay", message=accepted, now=now)
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE
    freeze = Freeze.objects.get(case=case)
    assert (freeze.status, freeze.amount_frozen, freeze.amount_held) == (
        FreezeStatus.ACTIVE,
        D("2140.00"),
        D("2140.00"),
    )
    assert InboxMessage.objects.filter(order_key=order.key).count() == 2
    assert CaseEvent.objects.filter(case=case, kind="inquiry.frozen").count() == 1
    # A deduction result arriving twice (and once more as a resend answer) is booked once.
    deduct = freeze_deduct(freeze=freeze, actor=officer, now=now)
    msg = done(deduct, {"deducted_amount": "2140.00"})
    inbox_receive(institution="wechatpay", message=msg, now=now)
    inbox_receive(institution="wechatpay", message=msg, now=now)
    order_outcome_apply(order_id=deduct.pk, outcome=SendOutcome(deduct.key, "result", message=msg), now=now)
    assert Receipt.objects.filter(case=case).aggregate(s=Sum("amount"))["s"] == D("2140.00")
    freeze.refresh_from_db()
    assert (freeze.status, freeze.amount_held) == (FreezeStatus.DEDUCTED, D("0.00"))
    assert amount_outstanding(case=case, as_of=now.date()) == D("7860.00")


def test_partial_freeze_returns_budget_to_the_next_account(money_case, officer, now):
    case = money_case(principal="6000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "5000")], "icbc": [deposit("icbc-1", "9000")]})
    assert {o.asset.identifier: o.amount for o in freeze_orders(case)} == {
        "wx-1": D("5000.00"),
        "icbc-1": D("1000.00"),
    }
    # The WeChat balance moved meanwhile: only 1,200 could be frozen; the rest goes back to the budget.
    confirm_freezes(case, now, partial={"wx-1": D("1200.00")})
    amounts = sorted(o.amount for o in freeze_orders(case))
    assert amounts == [D("1000.00"), D("3800.00"), D("5000.00")]
    new = next(o for o in freeze_orders(case) if o.amount == D("3800.00"))
    assert new.asset.identifier == "icbc-1"
    confirm_freezes(case, now)
    held = Freeze.objects.filter(case=case, status="active").aggregate(s=Sum("amount_held"))["s"]
    assert held == D("6000.00") == amount_outstanding(case=case, as_of=now.date())


def test_late_result_after_failure_is_recorded_and_excess_released(
    money_case, officer, now, inquiry_settings
):
    inquiry_settings(MAX_ATTEMPTS=2)
    case = money_case(principal="3000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "5000")], "icbc": [deposit("icbc-1", "5000")]})
    wx = next(o for o in freeze_orders(case) if o.asset.identifier == "wx-1")
    for _ in range(2):
        order_outcome_apply(order_id=wx.pk, outcome=SendOutcome(wx.key, "retry", error="超时"), now=now)
        Order.objects.filter(pk=wx.pk).update(attempts=2)
    wx.refresh_from_db()
    assert wx.status == OrderStatus.FAILED
    # Its budget went back: the next account was asked to freeze the 3,000.
    icbc = next(o for o in freeze_orders(case) if o.asset.identifier == "icbc-1")
    assert icbc.amount == D("3000.00")
    confirm_freezes(case, now)
    # The institution had frozen after all: the truth is recorded, and the excess released.
    inbox_receive(
        institution="wechatpay", message=done(wx, {"frozen_amount": "3000.00", "freeze_ref": "late"}), now=now
    )
    unfreeze = Order.objects.get(case=case, kind=OrderKind.UNFREEZE)
    assert unfreeze.institution == "icbc" and unfreeze.amount == D("0.00")  # whole freeze, lowest priority


def test_release_all_is_idempotent_and_stops_new_freezing(money_case, officer, now):
    case = money_case(principal="8000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "3000")], "icbc": [deposit("icbc-1", "9000")]})
    confirm_freezes(case, now)
    assert controls_release_all(case=case, reason="执行和解，中止执行", actor=officer, now=now) == 2
    assert controls_release_all(case=case, reason="执行和解，中止执行", actor=officer, now=now) == 0
    assert Order.objects.filter(case=case, kind=OrderKind.UNFREEZE).count() == 2
    assert CaseEvent.objects.filter(case=case, kind="inquiry.release_all").count() == 1
    for order in Order.objects.filter(case=case, kind=OrderKind.UNFREEZE):
        inbox_receive(institution=order.institution, message=done(order, {"released_amount": "0"}), now=now)
    assert not Freeze.objects.filter(case=case, status__in=["pending", "active"]).exists()
    assert not Deadline.objects.filter(
        case=case, kind="inquiry_renew", cancelled_at__isnull=True, done_at__isnull=True
    ).exists()


def test_payment_elsewhere_releases_the_excess_then_everything(money_case, officer, now):
    case = money_case(principal="8000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "3000")], "icbc": [deposit("icbc-1", "9000")]})
    confirm_freezes(case, now)
    receipt_record(
        case=case,
        amount=D("6000"),
        source="debtor_transfer",
        idempotency_key="p1",
        received_at=now,
        actor=None,
    )
    assert inquiry_sweep(now=now).released == 2
    # 8,000 held, 2,000 owed: the lowest-priority freeze goes whole, then part of the next.
    releases = {o.institution: o for o in Order.objects.filter(case=case, kind=OrderKind.UNFREEZE)}
    assert (releases["icbc"].amount, releases["wechatpay"].amount) == (D("0.00"), D("1000.00"))
    assert inquiry_sweep(now=now).released == 0  # already on their way
    for order in releases.values():
        inbox_receive(institution=order.institution, message=done(order, {"released_amount": "0"}), now=now)
    held = Freeze.objects.filter(case=case, status="active").aggregate(s=Sum("amount_held"))["s"]
    assert held == D("2000.00")
    receipt_record(
        case=case,
        amount=D("2000"),
        source="debtor_transfer",
        idempotency_key="p2",
        received_at=now,
        actor=None,
    )
    assert inquiry_sweep(now=now).released == 1


def test_renewal_reminder_renew_and_lapse(money_case, officer, now):
    case = money_case(principal="2000")
    inquiry_start(case=case, actor=officer, now=now)
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "5000")]})
    confirm_freezes(case, now)
    freeze = Freeze.objects.get(case=case)
    assert (freeze.starts_on, freeze.expires_on) == (date(2025, 3, 3), date(2026, 3, 2))
    reminder = Deadline.objects.get(case=case, kind=InquiryDeadline.RENEWAL, source_id=freeze.pk)
    assert reminder.due_on == date(2026, 2, 15)  # 15 days before expiry
    renew = freeze_renew(freeze=freeze, actor=officer, now=now + timedelta(days=340))
    inbox_receive(
        institution="wechatpay", message=done(renew, {"renewed": True}), now=now + timedelta(days=340)
    )
    freeze.refresh_from_db()
    assert (freeze.expires_on, freeze.renewals) == (date(2027, 3, 2), 1)
    assert freezes_lapse(now=now + timedelta(days=700)) == 0
    # Not renewed again: the day after expiry it lapses, and the budget returns.
    later = now + timedelta(days=730)
    with pytest.raises(InvalidTransition):
        freeze_renew(freeze=freeze, actor=officer, now=later + timedelta(days=1))
    assert freezes_lapse(now=later) == 1
    assert freezes_lapse(now=later) == 0
    freeze.refresh_from_db()
    assert (freeze.status, freeze.amount_held) == (FreezeStatus.LAPSED, D("0.00"))
    assert CaseEvent.objects.filter(case=case, kind="inquiry.freeze_lapsed").count() == 1


def test_refusals_change_nothing(money_case, officer, now, yuelu, wuling):
    case = money_case(principal="2000")
    clerk = UserFactory(court=yuelu, role=Role.FILING_CLERK)
    stranger = UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE)
    events = CaseEvent.objects.count()
    for who in (clerk, stranger):
        with pytest.raises(PermissionDenied):
            inquiry_start(case=case, actor=who, now=now)
    assert Order.objects.count() == 0 and CaseEvent.objects.count() == events
    inquiry_start(case=case, actor=officer, now=now)
    with pytest.raises(Conflict):
        inquiry_start(case=case, actor=officer, now=now)  # the round is still being answered
    assert Control.objects.get(case=case).round == 1
    closed = money_case(principal="2000", status="closed")
    with pytest.raises(InvalidTransition):
        inquiry_start(case=closed, actor=officer, now=now)
    assert not Order.objects.filter(case=closed).exists()
    answer_inquiries(case, now, {"wechatpay": [deposit("wx-1", "5000")]})
    confirm_freezes(case, now)
    freeze = Freeze.objects.get(case=case)
    freeze_deduct(freeze=freeze, actor=officer, now=now)
    with pytest.raises(Conflict):
        freeze_deduct(freeze=freeze, actor=officer, now=now)
    assert Order.objects.filter(kind=OrderKind.DEDUCT).count() == 1
    done_order = Order.objects.filter(status=OrderStatus.DONE).first()
    with pytest.raises(InvalidTransition):
        order_resend(order=done_order, actor=officer, now=now)


def test_only_debtors_are_inquired_organisation_gets_no_allowance(money_case, officer, now):
    company = OrganisationFactory(name="某某建筑有限公司")
    person = PersonFactory(name="担保人", id_number=make_resident_id())
    case = money_case(principal="5000", debtors=[company, person])
    orders = inquiry_start(case=case, actor=officer, now=now)
    assert {o.party_id for o in orders} == {company.pk, person.pk}  # the applicant is never inquired
    for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE):
        assets = [deposit(f"{order.party_id}-acct", "2000")] if order.institution == "icbc" else []
        inbox_receive(institution=order.institution, message=done(order, {"assets": assets}), now=now)
    amounts = {o.party_id: o.amount for o in freeze_orders(case)}
    assert amounts[company.pk] == D("2000.00")  # no living allowance for an organisation
    assert amounts[person.pk] == D("140.00")  # 2,000 − 1,860
    assert Asset.objects.filter(case=case).count() == 2


def test_plan_freezes_property():
    """Never above the budget; each person keeps min(allowance, what they have)."""
    import random

    rng = random.Random(5)
    for _ in range(300):
        cands = [
            rules.Candidate(i, rng.randint(1, 3), D(rng.randint(0, 5000)), D(rng.choice([0, 0, 300])))
            for i in range(rng.randint(1, 6))
        ]
        cands = [c for c in cands if c.held <= c.balance]
        budget = D(rng.randint(0, 12000))
        allowance = {p: D(rng.choice([0, 1400, 1860])) for p in (1, 2, 3)}
        decisions = rules.plan_freezes(
            budget=budget, candidates=cands, all_balances=cands, allowance_by_party=allowance
        )
        assert sum((d.amount for d in decisions), D(0)) <= budget
        for p in (1, 2, 3):
            mine = [c for c in cands if c.party_id == p]
            free = sum((c.balance - c.held for c in mine), D(0))
            frozen = sum((d.amount for d in decisions if any(c.asset_id == d.asset_id for c in mine)), D(0))
            assert free - frozen >= min(allowance[p], free)


def test_freeze_expiry_is_the_day_before_the_same_date_years_later():
    """民诉解释 2022 art. 485, counted with the one calendar-month step of core.periods."""
    from datetime import date

    from lastmile.inquiry.rules import freeze_expiry

    assert freeze_expiry(date(2025, 3, 3), 1) == date(2026, 3, 2)
    assert freeze_expiry(date(2024, 2, 29), 1) == date(2025, 2, 27)
    assert freeze_expiry(date(2025, 1, 1), 3) == date(2027, 12, 31)
