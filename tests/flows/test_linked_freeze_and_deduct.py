"""Use case (临湘): one click freezes three family members' WeChat balances, more than 10,000
yuan together; the debtor pays the rest; every freeze is lifted the same day; the case closes as
执行完毕 within 3 days of filing.

Reading of the story (online control reaches only those named as 被执行人; see docs/law.md): the
three family members are co-debtors named as 被执行人 in the execution basis (e.g. guarantors), so each
is a respondent of the case. Each keeps the local living allowance (查封规定 2020 art. 3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent, CaseStatus
from lastmile.core.errors import ConditionsNotMet
from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.services import (
    ExecutionBasisIn,
    enforcement_close,
    enforcement_file,
)
from lastmile.inquiry.models import Freeze, FreezeStatus, Order, OrderStatus
from lastmile.inquiry.rules import living_allowance
from lastmile.inquiry.services import freeze_deduct, inquiry_start
from lastmile.ledger.models import Receipt
from lastmile.ledger.services import amount_outstanding
from lastmile.parties.models import IdType, PartyKind
from lastmile.parties.services import party_upsert
from lastmile.testing.enforcement import funds_paid_out, payment_received
from lastmile.testing.factories import UserFactory

# The simulator signs with the demo keys, which the platform accepts in demo mode only.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_mode")]

BJ = timezone.get_fixed_timezone(480)
FAMILY = [  # (name, ID number, WeChat balance in the simulator's seed.json)
    ("李玥", "430682199007180429", Decimal("5860.00")),
    ("李建华", "430682196504120175", Decimal("4920.00")),
    ("周秀英", "43068219670923028X", Decimal("3950.00")),
]


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=BJ)


def test_linxiang_family_wechat_freeze_then_payment_closes_within_three_days(linxiang, wire):
    clerk = UserFactory(court=linxiang, role=Role.FILING_CLERK, username="lx_clerk")
    judge = UserFactory(court=linxiang, role=Role.ENFORCEMENT_JUDGE, username="lx_judge")
    filed_at = at(3, 9)
    wire.clock.set(filed_at)
    creditor = party_upsert(
        kind=PartyKind.PERSON,
        name="何志强",
        id_type=IdType.RESIDENT_ID,
        id_number=_valid_id("43068219820315001"),
        now=filed_at,
    )
    family = [
        party_upsert(kind=PartyKind.PERSON, name=n, id_type=IdType.RESIDENT_ID, id_number=i, now=filed_at)
        for n, i, _ in FAMILY
    ]
    case = enforcement_file(
        court=linxiang,
        basis=ExecutionBasisIn(
            kind="judgment",
            issuer="临湘市人民法院",
            number="（2024）湘0682民初1688号",
            effective_on=date(2025, 1, 6),
            principal=Decimal("36000"),
        ),
        applicants=[creditor],
        respondents=family,
        actor=clerk,
        now=filed_at,
        cause="民间借贷纠纷",
    )
    owed_at_filing = amount_outstanding(case=case, as_of=filed_at.date())
    assert owed_at_filing >= Decimal("36000")

    # Day 1: one click. Every institution answers; found WeChat balances are frozen at once.
    wire.clock.set(at(3, 10))
    inquiry_start(case=case, actor=judge, now=wire.clock.now())
    wire.pump()
    assert not Order.objects.filter(case=case, status__in=["pending", "sent", "acknowledged"]).exists()
    freezes = list(Freeze.objects.filter(case=case).select_related("asset", "asset__party"))
    assert {f.asset.institution for f in freezes} == {"wechatpay"}
    assert {f.asset.party.name for f in freezes} == {n for n, _, _ in FAMILY}
    assert all(f.status == FreezeStatus.ACTIVE for f in freezes)
    allowance = living_allowance(court_code="湘0682")
    assert allowance == Decimal("1400.00")
    for f in freezes:
        balance = next(b for n, _, b in FAMILY if n == f.asset.party.name)
        assert f.amount_frozen == balance - allowance  # each keeps the living allowance
        assert f.expires_on == date(2026, 3, 2)  # deposits: 1 year (民诉解释 2022 art. 485)
    total_frozen = sum((f.amount_frozen for f in freezes), Decimal("0"))
    assert total_frozen > Decimal("10000")
    assert total_frozen <= owed_at_filing
    sim_frozen = {acc["identifier"]: Decimal(acc["frozen"]) for accs in wire.state().values() for acc in accs}
    assert sum(sim_frozen.values()) == total_frozen  # the institutions hold exactly what we think

    # Day 2: the debtor's own frozen balance is deducted into the case account, and she pays the rest.
    day2 = at(4, 9)
    wire.clock.set(day2)
    own = next(f for f in freezes if f.asset.party.name == "李玥")
    freeze_deduct(freeze=own, actor=judge, now=day2)
    wire.pump()
    assert Freeze.objects.filter(case=case).count() == 3  # her remaining 1,400 allowance is not re-frozen
    deducted = Receipt.objects.get(case=case, source="bank_deduction")
    assert deducted.amount == own.amount_frozen
    pay_at = at(4, 15)
    wire.clock.set(pay_at)
    rest = amount_outstanding(case=case, as_of=pay_at.date())
    assert payment_received(case=case, amount=rest, actor=judge, now=pay_at, idempotency_key="lx-pay-1") == 0
    # The worker's sweep notices the debt is paid and lifts every remaining freeze the same day.
    wire.pump()
    for f in Freeze.objects.filter(case=case):
        assert f.status in (FreezeStatus.RELEASED, FreezeStatus.DEDUCTED), f
        assert f.amount_held == 0
        assert timezone.localtime(f.ended_at).date() == pay_at.date()
    assert all(Decimal(acc["frozen"]) == 0 for accs in wire.state().values() for acc in accs)
    released = CaseEvent.objects.filter(case=case, kind="inquiry.released")
    assert released.count() == 2
    assert {timezone.localtime(e.occurred_at).date() for e in released} == {pay_at.date()}
    assert Receipt.objects.filter(case=case, source="bank_deduction").count() == 1  # booked once

    # Day 3: closed as 执行完毕 once the money has reached the applicant; before that the closing
    # is refused and changes nothing (issue K item 9).
    close_at = at(5, 10)
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ConditionsNotMet) as refused:
        enforcement_close(case=case, method=ClosingMethod.COMPLETED, actor=judge, now=close_at)
    assert refused.value.unmet == ["funds_disbursed"]
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED
    assert CaseEvent.objects.filter(case=case).count() == events_before
    finance = UserFactory(court=linxiang, role=Role.FINANCE, username="lx_caiwu")
    approver = UserFactory(court=linxiang, role=Role.LEADER, is_president=True, username="lx_yuanzhang")
    assert funds_paid_out(case, finance=finance, approver=approver, now=close_at, key="lx-out") > 0
    case = enforcement_close(case=case, method=ClosingMethod.COMPLETED, actor=judge, now=close_at)
    assert case.status == CaseStatus.CLOSED
    assert case.closing_method == "completed"  # the ClosingMethod code (issue K item 2)
    assert case.closed_at - case.filed_at <= timedelta(days=3)
    assert not Order.objects.filter(case=case).exclude(status=OrderStatus.DONE).exists()


def _valid_id(first17: str) -> str:
    from lastmile.core.identifiers import resident_id_check_char

    return first17 + resident_id_check_char(first17)
