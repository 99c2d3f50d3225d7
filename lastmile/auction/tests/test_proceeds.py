"""Where the price goes, through the ledger (执行工作规定 2020 arts. 31, 34; 拍卖变卖规定 2020
arts. 16, 28; 民诉解释 2022 arts. 506, 508): the 执行费用 posted by the apps that incurred them
(the reference price's fee, keeping a distrained movable, the auction) are paid first; a mortgagee
bank that is not the applicant is paid next and its payout reaches its account through the
ordinary approve-and-settle path; the surplus goes back to the debtor; 以物抵债 at the reserve price
books the debt the creditor took the asset for."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from lastmile.auction.models import LotStatus
from lastmile.auction.services import (
    auction_sweep,
    bid_place,
    bidder_register,
    payment_record,
    proceeds_allocate,
    sale_confirm,
    set_off_accept,
)
from lastmile.cases.models import CaseParty, PartyRole
from lastmile.inquiry.services.movables import movable_distrain
from lastmile.ledger.models import ExecutionCost, Payout, PayoutKind, PayoutStatus, Receipt, ReceiptSource
from lastmile.ledger.selectors import case_statement, reconcile
from lastmile.ledger.services import (
    amount_outstanding,
    payout_account_set,
    payout_approve,
    payout_settle,
    secured_claim_record,
)
from lastmile.testing.factories import OrganisationFactory
from lastmile.valuation.services import valuation_start

from .conftest import NOW, D, at, ident, schedule_first
from .test_auction import make_lot

pytestmark = pytest.mark.django_db


def sell(officer, lot, bidders, price: str = "730000"):
    rnd = schedule_first(officer, lot.pk)
    bidder_register(
        user=bidders[0], round_id=rnd.pk, real_name="竞买人0", id_number=ident(0), now=at(2025, 4, 1)
    )
    bid_place(user=bidders[0], round_id=rnd.pk, amount=D(price), now=at(2025, 4, 10, 12))
    assert auction_sweep(now=at(2025, 4, 11)) == 1
    return sale_confirm(actor=officer, lot_id=lot.pk, now=at(2025, 4, 12))


def by_kind(payouts) -> dict[str, D]:
    out: dict[str, D] = {}
    for p in payouts:
        out[p.kind] = out.get(p.kind, D("0")) + p.amount
    return out


def test_costs_posted_by_valuation_custody_and_auction_are_paid_first_surplus_to_debtor(
    officer, seizure, case, debtor, bidders, finance
):
    bank = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT).party
    # 网络询价: the fee is advanced by the applicant and borne by the debtor (参考价规定 2018 art. 33).
    valuation_start(asset=seizure.asset, method="online", actor=officer, now=NOW, cost=D("300"))
    # 扣押 of the 摊铺机 in 马鞍山: its keeping costs are owed to the custodian (网拍规定 2016 art. 7).
    movable_distrain(
        case=case,
        party=debtor,
        description="摊铺机",
        identifier="SPJ-2019-001",
        custodian="马鞍山某仓储有限公司",
        place="马鞍山市经开区仓库",
        assisting_court="马鞍山市花山区人民法院",
        costs="8000",
        actor=officer,
        now=NOW,
    )
    lot = make_lot(officer, seizure)  # the auction's costs: 12,000
    costs = {
        c.kind: (c.amount, c.advanced_by_id, c.payee_name) for c in ExecutionCost.objects.filter(case=case)
    }
    assert costs == {
        "valuation": (D("300.00"), bank.pk, bank.name),
        "custody": (D("8000.00"), None, "马鞍山某仓储有限公司"),
        "auction": (D("12000.00"), None, "拍卖辅助机构"),
    }
    # The costs are not the debt: the statement does not count them.
    owed_before = amount_outstanding(case=case, as_of=date(2025, 4, 12))
    lot = sell(officer, lot, bidders)
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 4, 20))
    payouts = proceeds_allocate(
        actor=finance, lot_id=lot.pk, secured=[bank], now=at(2025, 4, 21), panel="合议庭"
    )
    cost_payouts = {(p.payee_name, p.amount) for p in payouts if p.kind == PayoutKind.EXECUTION_COST}
    assert cost_payouts == {
        (bank.name, D("300.00")),
        ("马鞍山某仓储有限公司", D("8000.00")),
        ("拍卖辅助机构", D("12000.00")),
    }
    k = by_kind(payouts)
    # The bank gets its whole debt (costs came off the price, not off its due); the rest is the debtor's.
    assert k[PayoutKind.APPLICANT] == owed_before
    assert k[PayoutKind.DEBTOR_REFUND] == D("730000.00") - D("20300.00") - owed_before
    assert sum(k.values()) == D("730000.00")
    assert amount_outstanding(case=case, as_of=date(2025, 4, 21)) == 0
    # Paid once: nothing left to pay of the costs.
    assert (
        not ExecutionCost.objects.filter(case=case).exclude(payouts__status=PayoutStatus.REQUESTED).exists()
    )
    assert reconcile().differences == []


def test_a_mortgagee_bank_not_the_applicant_is_paid_through_the_payout_path_before_the_applicant(
    officer, seizure, case, bidders, finance, president
):
    mortgagee = OrganisationFactory(name="中国建设银行股份有限公司长沙岳麓支行")
    secured_claim_record(
        case=case,
        party=mortgagee,
        amount=D("500000"),
        right="抵押权（湘（2020）长沙市不动产证明第0099号）",
        actor=finance,
        now=NOW,
    )
    lot = sell(officer, make_lot(officer, seizure), bidders)
    owed_before = amount_outstanding(case=case, as_of=date(2025, 4, 12))
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 4, 20))
    payouts = proceeds_allocate(actor=finance, lot_id=lot.pk, secured=[], now=at(2025, 4, 21), panel="合议庭")
    k = by_kind(payouts)
    assert k[PayoutKind.EXECUTION_COST] == D("12000.00")
    assert k[PayoutKind.SECURED] == D("500000.00")
    assert k[PayoutKind.APPLICANT] == D("218000.00") and PayoutKind.DEBTOR_REFUND not in k
    # Only what the applicant received pays the case's debt.
    assert amount_outstanding(case=case, as_of=date(2025, 4, 12)) == owed_before - D("218000.00")
    # The mortgagee's money reaches its account: account recorded, approved by a leader, settled.
    to_mortgagee = next(p for p in payouts if p.kind == PayoutKind.SECURED)
    assert to_mortgagee.payee_party == mortgagee
    payout_account_set(
        payout_id=to_mortgagee.pk,
        actor=finance,
        now=at(2025, 4, 21),
        number="43050178360100000123",
        bank="中国建设银行长沙岳麓支行",
        name=mortgagee.name,
        kind="corporate",
    )
    payout_approve(payout_id=to_mortgagee.pk, actor=president, now=at(2025, 4, 22))
    paid = payout_settle(
        payout_id=to_mortgagee.pk, actor=finance, now=at(2025, 4, 23), bank_reference="CCB-1"
    )
    assert paid.status == PayoutStatus.PAID and paid.payee_account == "43050178360100000123"
    assert reconcile().differences == []


def test_sale_rules_2020_art_16_set_off_at_the_reserve_books_the_debt_and_the_difference(
    officer, seizure, case, finance, client
):
    """以物抵债 at the first auction's reserve (700,000): the bank's due is what the price leaves
    after the costs (12,000), capped at its claim; it pays in the rest, which pays the costs and
    goes back to the debtor; the ledger shows the set-off and the case's debt is nil."""
    lot = make_lot(officer, seizure)
    schedule_first(officer, lot.pk)
    auction_sweep(now=at(2025, 4, 11))
    bank = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT).party
    owed = amount_outstanding(case=case, as_of=date(2025, 4, 12))
    assert D("600000") < owed < D("688000")
    lot = set_off_accept(actor=officer, lot_id=lot.pk, creditor=bank, panel="合议庭", now=at(2025, 4, 12))
    assert lot.status == LotStatus.SET_OFF and lot.final_price == D("700000.00")
    assert lot.excess_due == D("700000.00") - owed
    lot = payment_record(actor=finance, lot_id=lot.pk, now=at(2025, 4, 15), bank_reference="B-2")
    set_off = Receipt.objects.get(case=case, source=ReceiptSource.SET_OFF)
    assert set_off.amount == owed and set_off.effective_on == date(2025, 4, 12)
    assert Receipt.objects.get(pk=lot.receipt_id).amount == lot.excess_due
    offset = Payout.objects.get(case=case, kind=PayoutKind.APPLICANT)
    assert offset.amount == owed and offset.status == PayoutStatus.PAID and offset.payee_party == bank
    st = case_statement(case=case, as_of=date(2025, 4, 15))
    assert st is not None and st.outstanding_total == 0
    payouts = proceeds_allocate(
        actor=finance, lot_id=lot.pk, secured=[bank], now=at(2025, 4, 16), panel="合议庭"
    )
    k = by_kind(payouts)
    assert k == {
        PayoutKind.EXECUTION_COST: D("12000.00"),
        PayoutKind.DEBTOR_REFUND: lot.excess_due - D("12000.00"),
    }
    assert reconcile().differences == []
    # The case's funds page shows the set-off and the costs.
    client.force_login(officer)
    page = client.get(reverse("ledger:sheet", args=[case.pk])).content.decode()
    assert "以物抵债" in page and "拍卖辅助费用" in page and "执行费用" in page
