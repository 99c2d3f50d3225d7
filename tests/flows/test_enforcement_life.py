"""Use case: the whole life of a money enforcement case, checked at every step for the three
things a party and the public see of it: the documents the court issued and served, the public
list of dishonest debtors, and the money.

filing → 网络查控 finds a deposit → automatic freeze → 扣划 → payout to the applicant →
限制消费 and 失信 listing → 终本 → re-query → a clue revives it as 执恢 → the debtor pays →
payout → 执行完毕, which deletes the listing and lifts the 限制消费令 (issue K: every act issues its
document and serves it; 失信规定 2017 art. 10; 终本规定 2016 arts. 1, 9; 民诉法 2023 art. 253).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.selectors import audit_verify
from lastmile.documents.models import Document
from lastmile.enforcement.models import ClosingMethod, InquiryResult, PropertyRequery
from lastmile.enforcement.services import (
    clue_submit,
    clue_verify,
    enforcement_close,
    enforcement_restore,
    requery_record,
)
from lastmile.inquiry.models import OPEN_ORDER_STATUSES, AssetKind, Freeze, FreezeStatus, Order, OrderKind
from lastmile.inquiry.services import freeze_deduct, inbox_receive, inquiry_start
from lastmile.ledger.selectors import amount_received
from lastmile.ledger.services import amount_outstanding
from lastmile.measures.models import DishonestListing, ListingStatus, MeasureKind, MeasureStatus
from lastmile.measures.selectors import public_dishonest_search
from lastmile.service.models import OrderStatus as ServiceStatus
from lastmile.service.models import ServiceOrder
from lastmile.testing.enforcement import (
    applicant_assent,
    at,
    e_service_consent,
    funds_paid_out,
    inquiry_answered_empty,
    notices_served,
    payment_received,
)
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

DEPOSIT = Decimal("30000.00")
BANK = "icbc"


def _documents(case: Case) -> Counter[str]:
    return Counter(Document.objects.filter(case=case).values_list("template__code", flat=True))


def _unserved(case: Case) -> list[str]:
    """Documents of the case with a service order that is not served (electronic service to a
    consenting address is served on arrival)."""
    return list(
        ServiceOrder.objects.filter(case=case)
        .exclude(status=ServiceStatus.SERVED)
        .values_list("document__template__code", flat=True)
    )


def _answer_all(case: Case, *, now, deposit_party_id: int | None) -> None:
    """The institutions answer every open order of the case through the inquiry inbox (as their
    signed callbacks would): the bank holds ``DEPOSIT`` for the debtor, everybody else nothing."""
    for _ in range(4):
        orders = list(Order.objects.filter(case=case, status__in=OPEN_ORDER_STATUSES).order_by("pk"))
        if not orders:
            return
        for order in orders:
            if order.kind == OrderKind.INQUIRE:
                assets = (
                    [{"kind": AssetKind.DEPOSIT, "identifier": "6222020000001234", "balance": str(DEPOSIT)}]
                    if order.institution == BANK and order.party_id == deposit_party_id
                    else []
                )
                result: dict = {"assets": assets}
            elif order.kind == OrderKind.FREEZE:
                result = {"freeze_ref": f"F{order.pk}", "frozen_amount": str(order.amount)}
            elif order.kind == OrderKind.DEDUCT:
                result = {"deducted_amount": str(order.amount)}
            elif order.kind == OrderKind.UNFREEZE:
                result = {"released_amount": str(order.amount)}
            else:
                result = {"renewed": True}
            inbox_receive(
                institution=order.institution,
                message={
                    "message_id": f"life-{order.key}",
                    "order_id": order.key,
                    "status": "done",
                    "result": result,
                },
                now=now,
            )
    raise AssertionError("orders still open after four rounds of answers")


def _listed(debtor) -> bool:
    return bool(public_dishonest_search(name=debtor.name, identity=debtor.id_number, today=date(2026, 12, 1)))


def test_the_whole_life_of_a_money_case(file_case, officer, president, bank, debtor, yuelu):
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="life_caiwu")
    leader = president

    # --- Filing: the acceptance is the applicant's; nothing served on the debtor yet. -----------
    case = file_case(at(2025, 3, 3))
    e_service_consent(bank, at(2025, 3, 3))  # the bank files with an address for electronic service
    owed_at_filing = amount_outstanding(case=case, as_of=date(2025, 3, 3))
    assert owed_at_filing > Decimal("100000")  # principal, interest, the 申请执行费
    assert amount_received(case=case) == 0
    assert not _listed(debtor)

    # --- Notices: 执行通知书 and 报告财产令, served electronically on the debtor. ------------------
    notices_served(case, officer=officer, now=at(2025, 3, 10))
    docs = _documents(case)
    assert docs["enforcement_notice"] == 1 and docs["property_report_order"] == 1
    assert _unserved(case) == []

    # --- 网络查控: the bank reports a deposit; the inquiry app freezes it (within what is owed). --
    inquiry_start(case=case, actor=officer, now=at(2025, 3, 12))
    _answer_all(case, now=at(2025, 3, 12), deposit_party_id=debtor.pk)
    freeze = Freeze.objects.get(case=case, is_money=True)
    assert freeze.status == FreezeStatus.ACTIVE
    # A person's account keeps the living allowance (查扣冻规定 2020 art. 3); the rest is frozen.
    frozen = freeze.amount_frozen
    assert Decimal("0") < frozen < DEPOSIT
    docs = _documents(case)
    assert docs["ruling_freeze"] >= 1 or docs["ruling_freeze_property"] >= 1
    assert docs["assistance_notice"] >= 1  # to the bank with the order
    assert _unserved(case) == []  # the ruling is served once the freeze has landed

    # --- 扣划: the frozen deposit is deducted; the money arrives in the case account. -----------
    freeze_deduct(freeze=freeze, actor=officer, now=at(2025, 3, 20))
    _answer_all(case, now=at(2025, 3, 20), deposit_party_id=debtor.pk)
    freeze.refresh_from_db()
    assert freeze.status == FreezeStatus.DEDUCTED and freeze.amount_deducted == frozen
    assert amount_received(case=case) == frozen
    assert _documents(case)["ruling_deduct"] == 1
    assert _unserved(case) == []

    # --- Payout: the deducted money reaches the applicant. --------------------------------------
    assert funds_paid_out(case, finance=finance, approver=leader, now=at(2025, 3, 24), key="life-1") == frozen
    owed_after_deduction = amount_outstanding(case=case, as_of=date(2025, 3, 24))
    assert Decimal("0") < owed_after_deduction < owed_at_filing - frozen + Decimal("1000")

    # --- Measures: 限制消费令 and a 失信 listing (the debtor did not report its property). -------
    from lastmile.measures.guardrails import Proposal
    from lastmile.measures.services import measure_approve, measure_propose

    for kind, terms in (
        (MeasureKind.CONSUMPTION_RESTRICTION, {}),
        (MeasureKind.DISHONEST_LISTING, {"ground": 4, "birth_date": date(1980, 5, 1)}),
    ):
        m = measure_propose(
            actor=officer,
            proposal=Proposal(kind=kind, case=case, subject=debtor, **terms),
            reason="拒不报告财产，经执行通知仍未履行",
            now=at(2025, 4, 1),
            acknowledge_warnings=True,
        )
        if m.needs_president:
            measure_approve(actor=president, measure_id=m.pk, now=at(2025, 4, 1))
    restriction = case.measures.get(kind=MeasureKind.CONSUMPTION_RESTRICTION)
    assert restriction.status == MeasureStatus.IN_FORCE
    listing = DishonestListing.objects.get(case=case)
    assert listing.status == ListingStatus.PUBLISHED and _listed(debtor)
    docs = _documents(case)
    assert docs["consumption_restriction_order"] == 1 and docs["dishonest_decision"] == 1
    assert _unserved(case) == []

    # --- 终本: a fresh 查控 finds nothing more; the applicant is interviewed and agrees. ----------
    inquiry_answered_empty(case, officer=officer, now=at(2025, 6, 10))
    applicant_assent(case, officer=officer, now=at(2025, 6, 12))
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 6, 16))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closing_method == ClosingMethod.NO_PROPERTY
    docs = _documents(case)
    assert docs["ruling_terminate_current"] == 1 and docs["closing_notice"] >= 1
    assert _unserved(case) == []
    assert _listed(debtor)  # 终本 alone deletes nothing (失信规定 2017 art. 10)
    restriction.refresh_from_db()
    assert restriction.status == MeasureStatus.IN_FORCE  # 终本规定 2016 art. 9
    assert amount_outstanding(case=case, as_of=date(2025, 6, 16)) > owed_after_deduction  # interest runs

    # --- Re-query after six months: nothing found. ----------------------------------------------
    first = PropertyRequery.objects.filter(case=case).order_by("seq").first()
    assert first is not None
    requery_record(requery=first, actor=officer, now=at(2025, 12, 16), result=InquiryResult.NOTHING_FOUND)
    assert _listed(debtor)

    # --- A clue revives the case as 执恢, with the 恢复执行通知书. ------------------------------
    clue = clue_submit(
        case=case,
        kind="asset",
        description="被执行人名下新购车辆",
        submitted_by=bank.name,
        now=at(2026, 1, 5),
    )
    clue = clue_verify(clue=clue, actor=officer, now=at(2026, 1, 6), valid=True, note="车管所登记属实")
    restored = enforcement_restore(case=case, actor=officer, now=at(2026, 1, 6), clue=clue)
    assert restored.type_code == "执恢" and restored.parent == case
    assert _documents(restored)["restore_notice"] == 1
    assert _unserved(restored) == []
    due = amount_outstanding(case=restored, as_of=date(2026, 1, 20))
    assert due > owed_after_deduction  # the same debt, interest on, nothing new made principal

    # --- The debtor pays in full; the money is paid out; the 执恢 case closes as 执行完毕. -------
    left = payment_received(
        case=restored, amount=due, actor=officer, now=at(2026, 1, 20), idempotency_key="life-pay"
    )
    assert left == Decimal("0.00")
    assert (
        funds_paid_out(restored, finance=finance, approver=leader, now=at(2026, 1, 21), key="life-2") == due
    )
    enforcement_close(case=restored, method=ClosingMethod.COMPLETED, actor=officer, now=at(2026, 1, 22))
    restored.refresh_from_db()
    assert restored.status == CaseStatus.CLOSED and restored.closing_method == ClosingMethod.COMPLETED

    # 执行完毕 deletes the listing and lifts the 限制消费令, each with its document, served.
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED and not _listed(debtor)
    restriction.refresh_from_db()
    assert restriction.status == MeasureStatus.LIFTED
    every = _documents(case) + _documents(restored)
    assert every["dishonest_deletion_decision"] == 1
    assert every["consumption_restriction_lift_order"] == 1
    assert _documents(restored)["closing_notice"] >= 1
    assert _unserved(case) == [] and _unserved(restored) == []

    # The money: everything received was paid out to the applicant, to the fen.
    assert amount_received(case=case) + amount_received(case=restored) == frozen + due
    assert amount_outstanding(case=restored, as_of=date(2026, 1, 22)) == 0
    assert audit_verify() == []
