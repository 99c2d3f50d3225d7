"""A payout carries the payee's bank account, checked as far as it can be, and its approval issues
the payment instruction (issue M item 9.2; 执行款物管理规定 法发〔2017〕6号)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lastmile.core.errors import ConditionsNotMet, InvalidAmount, InvalidTransition
from lastmile.ledger import services as s
from lastmile.ledger.models import Account, Payout, PayoutStatus
from lastmile.testing.factories import PersonFactory

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db

CARD_OK = "6222020200112233446"  # UnionPay prefix, Luhn digit right
CARD_BAD = "6222020200112233445"  # one digit off


@pytest.mark.parametrize(
    ("number", "kind", "person", "expect"),
    [
        (CARD_OK, "card", True, ("card", True)),
        ("6222 0202 0011 2233 446", "", True, ("card", True)),  # a person's card-like number
        ("800012345678901", "", True, ("other", False)),  # a passbook: no check digit
        (CARD_OK, "", False, ("corporate", False)),  # a company's account is never "verified"
        ("43050175380000000123", "corporate", False, ("corporate", False)),
    ],
)
def test_what_can_be_checked_is_checked_and_the_rest_says_unchecked(number, kind, person, expect):
    checked = s.payee_account_check(number=number, kind=kind, payee_is_person=person)
    assert (checked.kind, checked.checked) == expect
    assert checked.number.isdigit()
    assert checked.check_label == ("已校验（银行卡校验位）" if expect[1] else "未校验")


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (CARD_BAD, "card"),
        (CARD_BAD, ""),
        ("1234567", ""),
        ("6222x0202", ""),
        ("1" * 31, ""),
        ("123456789012", "card"),
    ],
)
def test_bad_numbers_are_refused(number, kind):
    with pytest.raises(InvalidAmount):
        s.payee_account_check(number=number, kind=kind, payee_is_person=True)


def _funded(case):
    s.receipt_record(
        case=case,
        amount=D("1000"),
        source="debtor_transfer",
        idempotency_key="n1",
        received_at=at(2024, 1, 20),
        actor=None,
    )


def test_a_wrong_card_number_refuses_the_request_and_nothing_is_held(case, finance):
    _funded(case)
    person = PersonFactory(name="李四")
    case.case_parties.create(party=person, role="applicant", position=9)
    with pytest.raises(InvalidAmount):
        s.payout_request(
            case=case,
            kind="applicant",
            amount=D("600"),
            actor=finance,
            now=at(2024, 1, 21),
            idempotency_key="p1",
            payee_party=person,
            payee_account=CARD_BAD,
            payee_bank="中国工商银行",
            payee_account_name="李四",
        )
    with pytest.raises(InvalidAmount):  # a number without bank and account name
        s.payout_request(
            case=case,
            kind="applicant",
            amount=D("600"),
            actor=finance,
            now=at(2024, 1, 21),
            idempotency_key="p2",
            payee_party=person,
            payee_account=CARD_OK,
        )
    assert not Payout.objects.exists()
    assert Account.objects.get(case=case).balance == D("1000.00")


def test_approval_needs_the_account_and_issues_the_payment_instruction(case, bank, finance, leader):
    _funded(case)
    p = s.payout_request(
        case=case,
        kind="applicant",
        amount=D("600"),
        actor=finance,
        now=at(2024, 1, 21),
        idempotency_key="p1",
        payee_party=bank,
    )
    with pytest.raises(ConditionsNotMet) as refused:
        s.payout_approve(payout_id=p.pk, actor=leader, now=at(2024, 1, 22))
    assert refused.value.code == "payee_account_missing"
    p.refresh_from_db()
    assert p.status == PayoutStatus.REQUESTED and p.approved_by is None
    s.payout_account_set(
        payout_id=p.pk,
        actor=finance,
        now=at(2024, 1, 22),
        number="43050175380000000123",
        bank="中国建设银行长沙岳麓支行",
        name=bank.name,
    )
    s.payout_approve(payout_id=p.pk, actor=leader, now=at(2024, 1, 22))
    p.refresh_from_db()
    assert p.status == PayoutStatus.APPROVED and p.payee_account_checked is False
    assert p.instruction is not None and p.instruction.case_id == case.pk
    assert "43050175380000000123" in str(p.instruction.context) and "未校验" in str(p.instruction.context)
    # the account cannot be changed once approved
    with pytest.raises(InvalidTransition):
        s.payout_account_set(
            payout_id=p.pk, actor=finance, now=at(2024, 1, 23), number=CARD_OK, bank="x", name="y"
        )


def test_a_court_fee_payout_needs_no_party_account(case, finance, leader):
    _funded(case)
    p = s.payout_request(
        case=case, kind="court_fee", amount=D("100"), actor=finance, now=at(2024, 1, 21), idempotency_key="f1"
    )
    s.payout_approve(payout_id=p.pk, actor=leader, now=at(2024, 1, 22))
    p.refresh_from_db()
    assert p.status == PayoutStatus.APPROVED and p.instruction is not None
