"""The online judicial auction through its services (网络司法拍卖规定 2016; 拍卖变卖规定 2020):
bidders competing in the last minutes with every extension, 成交裁定, the price into the case
account and its allocation; 流拍 twice ending in 变卖; 以物抵债 at the reserve price; 悔拍; the
pre-emption holder; the refusals, each changing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lastmile.auction import rules
from lastmile.auction.models import (
    Bid,
    Bidder,
    Decision,
    DepositStatus,
    Lot,
    LotStatus,
    Round,
    RoundKind,
    RoundStatus,
)
from lastmile.auction.services import (
    auction_sweep,
    bid_place,
    bidder_register,
    handover_record,
    lot_create,
    payment_record,
    preemption_holder_add,
    proceeds_allocate,
    round_schedule,
    sale_confirm,
    sale_off_start,
    set_off_accept,
    withdrawal_record,
)
from lastmile.cases.models import CaseEvent, CaseParty, Deadline, PartyRole
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.documents.models import Document
from lastmile.ledger.models import Payout, PayoutKind, Receipt
from lastmile.ledger.services import amount_outstanding
from lastmile.service.models import ServiceOrder
from lastmile.testing.factories import PersonFactory

from .conftest import NOW, D, after, at, ident, schedule_first

pytestmark = pytest.mark.django_db


def make_lot(officer, seizure, *, costs: str = "12000") -> Lot:
    return lot_create(
        actor=officer,
        seizure_id=seizure.pk,
        title="岳麓区枫林三路88号2栋1201室",
        reference_price=D("1000000"),
        reference_source="定向询价（长沙市不动产交易中心）",
        reference_on=date(2025, 2, 20),
        costs=D(costs),
        now=NOW,
    )


def register(users, rnd, now, n=3):
    return [
        bidder_register(user=u, round_id=rnd.pk, real_name=f"竞买人{i}", id_number=ident(i), now=now)
        for i, u in enumerate(users[:n])
    ]


def state(lot: Lot) -> tuple:
    return (
        sorted(Round.objects.filter(lot=lot).values_list("pk", "status", "ends_at", "current_price")),
        Bid.objects.filter(round__lot=lot).count(),
        Decision.objects.filter(lot=lot).count(),
        CaseEvent.objects.filter(case=lot.case).count(),
        Document.objects.filter(case=lot.case).count(),
    )


def test_online_auction_2016_last_minute_bids_extend_then_sold_confirmed_paid_allocated_handed_over(
    officer, seizure, bidders, finance, case
):
    lot = make_lot(officer, seizure)
    rnd = schedule_first(officer, lot.pk)
    # The announcement is issued and served on every party now, 3 days before it is public (art. 16).
    assert rnd.announcement is not None
    served = set(
        ServiceOrder.objects.filter(document=rnd.announcement).values_list("recipient_id", flat=True)
    )
    assert served == set(CaseParty.objects.filter(case=case).values_list("party_id", flat=True))
    assert rnd.announced_at == NOW + timedelta(days=3)
    assert Decision.objects.get(lot=lot).panel.startswith("张审判长")
    a, b, c = register(bidders, rnd, at(2025, 4, 1))
    assert len({a.code, b.code, c.code}) == 3 and a.deposit == D("70000.00")
    assert all(x.deposit_status == DepositStatus.FROZEN for x in (a, b, c))
    # Bids well before the end do not move it.
    r = bid_place(user=bidders[0], round_id=rnd.pk, amount=D("700000"), now=at(2025, 4, 10, 11))
    assert not r.extended and r.ends_at == at(2025, 4, 11)
    end = at(2025, 4, 11)
    # The last minutes: every bid within 5 minutes of the end moves it to 5 minutes after the bid.
    times = [
        (1, "705000", after(end, minutes=-4)),  # end → end+1
        (2, "710000", after(end, seconds=-30)),  # end+1 stays? no: end+1 - (end-0:30) = 1.5 min < 5 → end+4.5
        (1, "720000", after(end, minutes=4)),  # end+9
        (0, "730000", after(end, minutes=8, seconds=59)),  # end+13:59
    ]
    ends = []
    for who, amount, t in times:
        res = bid_place(user=bidders[who], round_id=rnd.pk, amount=D(amount), now=t)
        assert res.extended and res.ends_at == t + timedelta(minutes=5)
        ends.append(res.ends_at)
    rnd.refresh_from_db()
    assert rnd.extensions == 4 and rnd.ends_at == ends[-1] and rnd.scheduled_end == end
    assert (
        list(
            Bid.objects.filter(round=rnd)
            .exclude(extended_to=None)
            .order_by("placed_at")
            .values_list("extended_to", flat=True)
        )
        == ends
    )
    # A bid below the current price plus the increment is refused and changes nothing.
    before = state(lot)
    with pytest.raises(ConditionsNotMet) as info:
        bid_place(user=bidders[2], round_id=rnd.pk, amount=D("732000"), now=after(end, minutes=10))
    assert "第20条" in info.value.message and state(lot) == before
    # Nobody bid in the last five minutes: after the end the sweep closes it (server clock).
    assert auction_sweep(now=after(ends[-1], seconds=-1)) == 0
    with pytest.raises(ConditionsNotMet):
        bid_place(user=bidders[2], round_id=rnd.pk, amount=D("800000"), now=ends[-1])
    assert auction_sweep(now=ends[-1]) == 1
    rnd.refresh_from_db()
    lot.refresh_from_db()
    assert (
        rnd.status == RoundStatus.SOLD and lot.final_price == D("730000.00") and lot.buyer_name == "竞买人0"
    )
    deposits = dict(Bidder.objects.filter(round=rnd).values_list("code", "deposit_status"))
    assert deposits == {
        a.code: DepositStatus.FROZEN,
        b.code: DepositStatus.REFUNDED,
        c.code: DepositStatus.REFUNDED,
    }
    # 成交裁定 issued and served; handover due within 15 days (拍卖变卖规定 2020 arts. 26, 27).
    lot = sale_confirm(actor=officer, lot_id=lot.pk, now=at(2025, 4, 12))
    assert lot.confirmation.template.code == "auction_confirmation"
    assert ServiceOrder.objects.filter(document=lot.confirmation).count() == 2
    assert lot.handover_due == date(2025, 4, 27) or lot.handover_due >= date(2025, 4, 27)
    # The price enters the case account; interest stops on the ruling's day (法释〔2014〕8号 art. 3).
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 4, 20), bank_reference="B-1")
    receipt = Receipt.objects.get(pk=lot.receipt_id)
    assert receipt.amount == D("730000.00") and receipt.source == "auction"
    assert receipt.effective_on == date(2025, 4, 12)
    assert Bidder.objects.get(pk=a.pk).deposit_status == DepositStatus.APPLIED
    # Allocation: costs, the mortgagee bank first, the surplus to the debtor.
    bank = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT).party
    payouts = proceeds_allocate(
        actor=finance, lot_id=lot.pk, secured=[bank], now=at(2025, 4, 21), panel="财务科"
    )
    kinds = sorted((p.kind, p.amount) for p in payouts)
    # The auction's costs are 执行费用 posted to the ledger, taken first (执行工作规定 2020 art. 34).
    assert (PayoutKind.EXECUTION_COST, D("12000.00")) in kinds
    to_bank = sum(p.amount for p in payouts if p.kind == PayoutKind.APPLICANT)
    refund = sum(p.amount for p in payouts if p.kind == PayoutKind.DEBTOR_REFUND)
    assert to_bank + refund + D("12000.00") == D("730000.00") and to_bank > 0
    # The costs came out of the price, not out of the bank's due: the debt is fully paid.
    assert amount_outstanding(case=case, as_of=date(2025, 4, 21)) == 0
    assert Payout.objects.filter(case=case).count() == len(payouts)
    due = Deadline.objects.get(case=case, kind="auction_handover")
    assert due.due_on == lot.handover_due and due.done_at is None
    lot = handover_record(actor=officer, lot_id=lot.pk, on=date(2025, 4, 25), now=at(2025, 4, 25))
    assert Deadline.objects.get(pk=due.pk).done_at is not None
    kinds_done = set(
        CaseEvent.objects.filter(case=case, kind__startswith="auction.").values_list("kind", flat=True)
    )
    assert {
        "auction.sold",
        "auction.confirmed",
        "auction.paid",
        "auction.allocated",
        "auction.handed_over",
    } <= kinds_done


def test_online_auction_2016_arts_10_12_17_20_refusals_change_nothing(officer, seizure):
    lot = make_lot(officer, seizure)
    before = state(lot)
    cases = [
        {
            "starting_price": D("699999.99"),
            "deposit": D("70000"),
            "starts_at": at(2025, 4, 10),
            "ends_at": at(2025, 4, 11),
        },
        {
            "starting_price": D("700000"),
            "deposit": D("34999"),
            "starts_at": at(2025, 4, 10),
            "ends_at": at(2025, 4, 11),
        },
        {
            "starting_price": D("700000"),
            "deposit": D("140001"),
            "starts_at": at(2025, 4, 10),
            "ends_at": at(2025, 4, 11),
        },
        {
            "starting_price": D("700000"),
            "deposit": D("70000"),
            "starts_at": at(2025, 3, 20),
            "ends_at": at(2025, 3, 21),
        },
        {
            "starting_price": D("700000"),
            "deposit": D("70000"),
            "starts_at": at(2025, 4, 10),
            "ends_at": at(2025, 4, 10, 20),
        },
    ]
    articles = ["第10条", "第17条", "第17条", "第12条", "第20条"]
    for kw, art in zip(cases, articles, strict=True):
        with pytest.raises(ConditionsNotMet) as info:
            round_schedule(actor=officer, lot_id=lot.pk, increment=D("5000"), panel="合议庭", now=NOW, **kw)
        assert art in info.value.message, info.value.message
        assert state(lot) == before
    with pytest.raises(ConditionsNotMet) as info:
        round_schedule(
            actor=officer,
            lot_id=lot.pk,
            starting_price=D("700000"),
            deposit=D("70000"),
            increment=D("5000"),
            starts_at=at(2025, 4, 10),
            ends_at=at(2025, 4, 11),
            panel=" ",
            now=NOW,
        )
    assert "第27条" in info.value.message and state(lot) == before
    assert rules.starting_price_floor(D("1000000")) == D("700000.00")


def test_online_auction_2016_art_26_fails_twice_then_sale_off_sells_at_second_price(
    officer, seizure, bidders, finance
):
    lot = make_lot(officer, seizure)
    first = schedule_first(officer, lot.pk)
    assert auction_sweep(now=at(2025, 4, 11)) == 1
    first.refresh_from_db()
    assert first.status == RoundStatus.FAILED
    # Second auction: within 30 days, at most 20 % less, 15 days' notice for real estate.
    now2 = at(2025, 4, 14)
    before = state(lot)
    with pytest.raises(ConditionsNotMet) as info:
        round_schedule(
            actor=officer,
            lot_id=lot.pk,
            starting_price=D("559999"),
            deposit=D("56000"),
            increment=D("5000"),
            starts_at=at(2025, 5, 6),
            ends_at=at(2025, 5, 7),
            panel="合议庭",
            now=now2,
        )
    assert "第26条" in info.value.message and state(lot) == before
    second = round_schedule(
        actor=officer,
        lot_id=lot.pk,
        starting_price=D("560000"),
        deposit=D("56000"),
        increment=D("5000"),
        starts_at=at(2025, 5, 6),
        ends_at=at(2025, 5, 7),
        panel="合议庭",
        now=now2,
    )
    assert second.kind == RoundKind.SECOND
    assert auction_sweep(now=at(2025, 5, 7)) == 1
    with pytest.raises(ConditionsNotMet) as info:
        round_schedule(
            actor=officer,
            lot_id=lot.pk,
            starting_price=D("448000"),
            deposit=D("44800"),
            increment=D("5000"),
            starts_at=at(2025, 6, 6),
            ends_at=at(2025, 6, 7),
            panel="合议庭",
            now=at(2025, 5, 8),
        )
    assert "变卖" in info.value.message
    sale = sale_off_start(actor=officer, lot_id=lot.pk, panel="合议庭", now=at(2025, 5, 8))
    assert sale.kind == RoundKind.SALE_OFF and sale.starting_price == D("560000.00")
    assert sale.ends_at == at(2025, 5, 8) + timedelta(days=60)
    (_x,) = register(bidders, sale, at(2025, 5, 20), n=1)
    res = bid_place(user=bidders[0], round_id=sale.pk, amount=D("560000"), now=at(2025, 5, 20))
    assert res.ends_at == at(2025, 5, 21)  # the first bid opens 24 hours of bidding
    assert auction_sweep(now=at(2025, 5, 21)) == 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.SOLD and lot.final_price == D("560000.00")
    assert Decision.objects.filter(lot=lot).count() == 3
    # The 变卖 ends like a sale: ruling, price into the case account, allocation in the legal order.
    lot = sale_confirm(actor=officer, lot_id=lot.pk, now=at(2025, 5, 22))
    assert lot.confirmation.template.code == "auction_confirmation"
    owed = amount_outstanding(case=lot.case, as_of=date(2025, 5, 22))
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 5, 26))
    assert Receipt.objects.get(pk=lot.receipt_id).amount == D("560000.00")
    bank = CaseParty.objects.get(case=lot.case, role=PartyRole.APPLICANT).party
    payouts = proceeds_allocate(
        actor=finance, lot_id=lot.pk, secured=[bank], now=at(2025, 5, 27), panel="合议庭"
    )
    shares = {p.kind: p.amount for p in payouts}
    assert shares[PayoutKind.EXECUTION_COST] == D("12000.00")
    assert shares[PayoutKind.APPLICANT] == min(owed, D("548000.00"))
    assert sum(shares.values()) == D("560000.00")


def test_sale_rules_2020_art_16_set_off_at_the_reserve_price_after_a_failed_auction(
    officer, seizure, case, finance
):
    lot = make_lot(officer, seizure)
    schedule_first(officer, lot.pk)
    auction_sweep(now=at(2025, 4, 11))
    stranger = PersonFactory(name="路人甲")
    with pytest.raises(ConditionsNotMet):
        set_off_accept(actor=officer, lot_id=lot.pk, creditor=stranger, panel="合议庭", now=at(2025, 4, 12))
    bank = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT).party
    lot = set_off_accept(actor=officer, lot_id=lot.pk, creditor=bank, panel="合议庭", now=at(2025, 4, 12))
    assert (
        lot.status == LotStatus.SET_OFF and lot.final_price == D("700000.00") and lot.buyer_name == bank.name
    )
    assert lot.confirmation.template.code == "auction_set_off"
    # The price exceeds the bank's claim: the bank pays the difference into the case account.
    assert lot.excess_due > 0
    assert ServiceOrder.objects.filter(document=lot.confirmation).exists()
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 4, 15))
    assert Receipt.objects.get(pk=lot.receipt_id).amount == lot.excess_due


def test_online_auction_2016_art_24_withdrawal_forfeits_deposit_reauction_bars_the_buyer(
    officer, seizure, bidders
):
    lot = make_lot(officer, seizure, costs="3000")
    rnd = schedule_first(officer, lot.pk)
    a, _b = register(bidders, rnd, at(2025, 4, 1), n=2)
    bid_place(user=bidders[0], round_id=rnd.pk, amount=D("800000"), now=at(2025, 4, 10, 12))
    auction_sweep(now=at(2025, 4, 11))
    withdrawal_record(actor=officer, lot_id=lot.pk, now=at(2025, 4, 25), reason="未按期支付价款")
    a.refresh_from_db()
    assert a.deposit_status == DepositStatus.FORFEITED
    assert Receipt.objects.filter(
        case=lot.case, idempotency_key=f"auction-forfeit:{rnd.pk}"
    ).get().amount == D("70000")
    re = round_schedule(
        actor=officer,
        lot_id=lot.pk,
        starting_price=D("700000"),
        deposit=D("70000"),
        increment=D("5000"),
        starts_at=at(2025, 6, 3),
        ends_at=at(2025, 6, 4),
        panel="合议庭",
        now=at(2025, 4, 28),
    )
    assert re.kind == RoundKind.REAUCTION
    with pytest.raises(ConditionsNotMet) as info:
        bidder_register(
            user=bidders[3], round_id=re.pk, real_name="竞买人0", id_number=ident(0), now=at(2025, 5, 5)
        )
    assert "第24条" in info.value.message
    bidder_register(
        user=bidders[1], round_id=re.pk, real_name="竞买人1", id_number=ident(1), now=at(2025, 5, 5)
    )
    bid_place(user=bidders[1], round_id=re.pk, amount=D("760000"), now=at(2025, 6, 3, 12))
    auction_sweep(now=at(2025, 6, 4))
    from lastmile.auction.services import forfeiture_shares

    lot.refresh_from_db()
    shares = {s.item: s.amount for s in forfeiture_shares(lot)}
    assert shares == {"costs": D("3000.00"), "shortfall": D("40000.00"), "debt": D("27000.00")}


def test_online_auction_2016_art_21_preemption_holder_matches_the_top_bid(officer, seizure, bidders):
    lot = make_lot(officer, seizure)
    holder = PersonFactory(name="共有人赵某", id_number=ident(4))
    preemption_holder_add(lot_id=lot.pk, party=holder, basis="按份共有人", rank=1, actor=officer, now=NOW)
    rnd = schedule_first(officer, lot.pk)
    assert ServiceOrder.objects.filter(document=rnd.announcement, recipient=holder).exists()
    register(bidders, rnd, at(2025, 4, 1), n=1)
    h = bidder_register(
        user=bidders[4], round_id=rnd.pk, real_name="共有人赵某", id_number=ident(4), now=at(2025, 4, 1)
    )
    assert h.preemption is not None
    bid_place(user=bidders[0], round_id=rnd.pk, amount=D("750000"), now=at(2025, 4, 10, 12))
    res = bid_place(user=bidders[4], round_id=rnd.pk, amount=D("750000"), now=at(2025, 4, 10, 13))
    assert res.bid.matched
    # An ordinary bidder cannot match; it must outbid.
    with pytest.raises(ConditionsNotMet):
        bid_place(user=bidders[0], round_id=rnd.pk, amount=D("750000"), now=at(2025, 4, 10, 14))
    auction_sweep(now=at(2025, 4, 11))
    lot.refresh_from_db()
    assert lot.buyer_name == "共有人赵某" and lot.final_price == D("750000.00")


def test_seizure_rules_2020_art_4_the_necessary_home_is_never_auctioned(officer, seizure, case, debtor):
    from lastmile.measures.services import home_designation_record

    home_designation_record(
        actor=officer,
        case=case,
        party=debtor,
        property_ref=seizure.asset.identifier,
        address="岳麓区",
        necessary_home=True,
        notice_served_on=None,
        now=NOW,
    )
    with pytest.raises(ConditionsNotMet) as info:
        make_lot(officer, seizure)
    assert "第4条" in info.value.message
    assert not Lot.objects.exists()


def test_sale_and_bid_need_the_right_state(officer, seizure, bidders):
    lot = make_lot(officer, seizure)
    with pytest.raises(InvalidTransition):
        sale_confirm(actor=officer, lot_id=lot.pk, now=NOW)
    rnd = schedule_first(officer, lot.pk)
    register(bidders, rnd, at(2025, 4, 1), n=1)
    with pytest.raises(ConditionsNotMet) as info:
        bid_place(user=bidders[0], round_id=rnd.pk, amount=D("700000"), now=at(2025, 4, 9))
    assert "尚未开始" in info.value.message
    with pytest.raises(ConditionsNotMet) as info:
        bid_place(user=bidders[1], round_id=rnd.pk, amount=D("700000"), now=at(2025, 4, 10, 12))
    assert "报名" in info.value.message
