"""Law: case money (issue K item 9; docs/law.md "Case funds and distribution").

- A payout never exceeds what is owed to its payee: the applicant gets at most what the
  receipts paid of the debt (法释〔2014〕8号 art. 4; 民法典 2020 art. 561), a creditor of another
  case at most what that case's debtor owes (民诉解释 2022 arts. 506–510).
- The surplus, money received beyond what is owed, goes back to the debtor on approval, and
  never more than the surplus.
- 参与分配 includes 其他组织 (a partnership: 民诉解释 2022 arts. 52, 506; 合伙企业法 2006 art. 15),
  not only natural persons; an enterprise legal person is paid by order of seizure (art. 514).
- Periods that stop the doubled interest, 再审中止 and 审查执行依据, can be recorded from the API
  and the case page; one the debtor asked for is refused (法释〔2014〕8号 art. 3).
- The money still undisbursed is one ledger read (:func:`undisbursed_amount`) for the closing.

Every refused act changes nothing: balances, rows and events are compared before and after.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.core.errors import ConditionsNotMet
from lastmile.ledger.error_codes import LedgerErrorCode
from lastmile.ledger.models import Account, Leg, ObligationPause, Payout, Transaction
from lastmile.ledger.selectors import case_statement, payee_owed, undisbursed_amount
from lastmile.ledger.services import (
    CostItem,
    DistributionClaim,
    distribution_propose,
    payout_approve,
    payout_request,
    payout_settle,
    receipt_record,
)
from lastmile.parties.models import IdType, Party, PartyKind
from lastmile.testing.enforcement import at, basis
from lastmile.testing.factories import OrganisationFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db


# 案件受理费 and the 申请执行费 on 102,300.00 (交纳办法 2006 art. 14(1): 50 + 92,300 × 1.5 %).
COSTS = [
    CostItem(kind="acceptance_fee", label="案件受理费", amount=D("2300")),
    CostItem(kind="execution_fee", label="申请执行费", amount=D("1434.50")),
]


@pytest.fixture
def finance(yuelu):
    return UserFactory(court=yuelu, role=Role.FINANCE, username="k9_caiwu")


def snapshot(case):
    return (
        list(Account.objects.order_by("pk").values_list("pk", "balance")),
        Transaction.objects.count(),
        Leg.objects.count(),
        list(Payout.objects.order_by("pk").values_list("pk", "amount", "status")),
        list(ObligationPause.objects.order_by("pk").values_list("pk", "starts_on", "ends_on")),
        CaseEvent.objects.filter(case=case).count(),
    )


def pay_in(case, amount, key, when):
    return receipt_record(
        case=case,
        amount=D(amount),
        source="debtor_transfer",
        idempotency_key=key,
        received_at=when,
        actor=None,
    )


def test_payouts_never_exceed_what_is_owed_and_the_surplus_goes_back_on_approval(
    file_case, finance, president, bank, debtor
):
    """法释〔2014〕8号 art. 4; 民法典 2020 art. 561: the applicant gets what the receipts paid of the
    debt, never more; the rest is surplus, refunded to the debtor only on approval."""
    # Principal 100,000.00 + 案件受理费 2,300.00 + 申请执行费 1,434.50; period expired 2025-01-20.
    # The debtor pays 150,000.00 on 2025-03-01: doubled interest 2025-01-21..03-01 = 40 days ×
    # 17.50 = 700.00; owed 104,434.50; surplus 45,565.50.
    case = file_case(at(2025, 2, 10), basis=basis(costs=COSTS))
    pay_in(case, "150000", "k9-r1", at(2025, 3, 1))
    st = case_statement(case=case, as_of=date(2025, 3, 1))
    assert st is not None and st.paid_total == D("104434.50") and st.surplus == D("45565.50")
    assert payee_owed(case=case, kind="applicant", payee_case=None, as_of=date(2025, 3, 1)).owed == D(
        "104434.50"
    )

    before = snapshot(case)
    with pytest.raises(ConditionsNotMet) as refused:
        payout_request(
            case=case,
            kind="applicant",
            amount=D("104434.51"),
            actor=finance,
            now=at(2025, 3, 2),
            idempotency_key="k9-a0",
            payee_party=bank,
            payee_account="800012345678901",
            payee_bank="长沙银行岳麓支行",
            payee_account_name="收款人户名",
        )
    assert refused.value.code == LedgerErrorCode.PAYOUT_EXCEEDS_OWED
    assert "第五百零六条" in refused.value.message and "104434.50" in refused.value.message
    assert snapshot(case) == before

    paid = payout_request(
        case=case,
        kind="applicant",
        amount=D("104434.50"),
        actor=finance,
        now=at(2025, 3, 2),
        idempotency_key="k9-a1",
        payee_party=bank,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    before = snapshot(case)
    with pytest.raises(ConditionsNotMet):  # a second payout of one fen: nothing more is owed
        payout_request(
            case=case,
            kind="applicant",
            amount=D("0.01"),
            actor=finance,
            now=at(2025, 3, 2),
            idempotency_key="k9-a2",
            payee_party=bank,
            payee_account="800012345678901",
            payee_bank="长沙银行岳麓支行",
            payee_account_name="收款人户名",
        )
    assert snapshot(case) == before

    # The surplus goes back to the debtor, never more than it, and only once approved.
    with pytest.raises(ConditionsNotMet) as refused:
        payout_request(
            case=case,
            kind="debtor_refund",
            amount=D("45565.51"),
            actor=finance,
            now=at(2025, 3, 2),
            idempotency_key="k9-d0",
            payee_party=debtor,
            payee_account="800012345678901",
            payee_bank="长沙银行岳麓支行",
            payee_account_name="收款人户名",
        )
    assert "超出债务的余款" in refused.value.message
    assert snapshot(case) == before
    refund = payout_request(
        case=case,
        kind="debtor_refund",
        amount=D("45565.50"),
        actor=finance,
        now=at(2025, 3, 2),
        idempotency_key="k9-d1",
        payee_party=debtor,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )
    assert refund.status == "requested"
    assert undisbursed_amount(case=case) == D("150000.00")  # held, not yet paid out
    for p in (paid, refund):
        payout_approve(payout_id=p.pk, actor=president, now=at(2025, 3, 3))
        payout_settle(payout_id=p.pk, actor=finance, now=at(2025, 3, 4))
    assert undisbursed_amount(case=case) == D("0.00")
    assert Account.objects.get(case=case).balance == D("0.00")


def test_participation_in_distribution_includes_other_organisations_law_2022_arts_52_506_514(
    file_case, finance, bank
):
    """民诉解释 2022 arts. 52, 506–510: a partnership (其他组织) shares pro rata by 参与分配; an
    enterprise legal person pays by order of seizure (art. 514)."""
    partnership = OrganisationFactory(name="长沙某某咨询中心（普通合伙）")
    other = OrganisationFactory(name="湖南某某贸易有限公司")
    case = file_case(
        at(2025, 2, 10), basis=basis(costs=COSTS), respondents=[partnership], applicants=[bank, other]
    )
    pay_in(case, "2000", "k9-r2", at(2025, 3, 1))
    payouts = distribution_propose(
        case=case,
        amount=D("2000"),
        claims=[
            DistributionClaim(bank, D("3000"), seized_on=date(2025, 2, 1)),
            DistributionClaim(other, D("1000"), seized_on=date(2025, 1, 1)),
        ],
        actor=finance,
        now=at(2025, 3, 2),
        idempotency_key="k9-dist",
    )
    # Pro rata 3,000 : 1,000 of 2,000.00, not the earlier seizure (1,000.00) paid first.
    assert [(p.payee_party_id, p.amount) for p in payouts] == [
        (bank.pk, D("1500.00")),
        (other.pk, D("500.00")),
    ]
    assert all("506" in p.note for p in payouts)


def test_an_organisation_of_unknown_form_must_be_stated_and_the_refusal_changes_nothing(
    file_case, finance, bank
):
    """民诉解释 2022 arts. 52, 506, 514: without a credit code the debtor's form decides the rule,
    so it must be stated; once stated as 其他组织, it shares by 参与分配."""
    org = Party.objects.create(
        kind=PartyKind.ORGANISATION,
        name="某某商会",
        id_type=IdType.OTHER,
        id_number="ORG-K9-1",
        created_at=at(2025, 1, 1),
    )
    second = OrganisationFactory(name="第二债权人有限公司")
    case = file_case(at(2025, 2, 10), basis=basis(costs=COSTS), respondents=[org], applicants=[bank, second])
    pay_in(case, "2000", "k9-r3", at(2025, 3, 1))
    claims = [
        DistributionClaim(bank, D("3000"), seized_on=date(2025, 2, 1)),
        DistributionClaim(second, D("1000"), seized_on=date(2025, 1, 1)),
    ]
    before = snapshot(case)
    with pytest.raises(ConditionsNotMet) as refused:
        distribution_propose(
            case=case,
            amount=D("2000"),
            claims=claims,
            actor=finance,
            now=at(2025, 3, 2),
            idempotency_key="k9-u",
        )
    assert refused.value.code == LedgerErrorCode.DEBTOR_LEGAL_FORM_UNKNOWN
    assert "第五十二条" in refused.value.message
    assert snapshot(case) == before
    payouts = distribution_propose(
        case=case,
        amount=D("2000"),
        claims=claims,
        actor=finance,
        now=at(2025, 3, 2),
        idempotency_key="k9-u2",
        debtor_legal_form="other_organisation",
    )
    assert [p.amount for p in payouts] == [D("1500.00"), D("500.00")]


def test_a_creditor_of_another_case_gets_no_more_than_its_case_is_owed(file_case, finance, bank):
    """民诉解释 2022 arts. 506–510: a 参与分配 creditor holds its claim under its own case."""
    second = OrganisationFactory(name="参与分配债权人有限公司", id_number=make_uscc())
    case = file_case(at(2025, 2, 10), basis=basis(costs=COSTS))
    theirs = file_case(
        at(2025, 2, 10),
        applicants=[second],
        basis=basis(
            principal="1000",
            number="（2025）湘0104民初9号",
            costs=[CostItem(kind="execution_fee", label="申请执行费", amount=D("50"))],
        ),
    )
    pay_in(case, "50000", "k9-r4", at(2025, 3, 1))
    # 2025-03-01: the other case is owed 1,000.00 + 申请执行费 50.00 + doubled interest 40 days ×
    # 0.175 = 7.00 → 1,057.00.
    owed = payee_owed(case=case, kind="applicant", payee_case=theirs, as_of=date(2025, 3, 1))
    assert owed.owed == D("1057.00")
    before = snapshot(case)
    with pytest.raises(ConditionsNotMet):
        payout_request(
            case=case,
            kind="applicant",
            amount=D("1057.01"),
            actor=finance,
            now=at(2025, 3, 1),
            idempotency_key="k9-c0",
            payee_party=second,
            payee_account="800012345678901",
            payee_bank="长沙银行岳麓支行",
            payee_account_name="收款人户名",
            payee_case=theirs,
        )
    assert snapshot(case) == before
    payout_request(
        case=case,
        kind="applicant",
        amount=D("1057.00"),
        actor=finance,
        now=at(2025, 3, 1),
        idempotency_key="k9-c1",
        payee_party=second,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
        payee_case=theirs,
    )


def test_retrial_and_review_pauses_are_recorded_from_api_and_page_law_2014_art_3(client, file_case, officer):
    """法释〔2014〕8号 art. 3: 再审中止 and 审查执行依据 periods not asked for by the debtor bear no
    doubled interest; they are recorded from the API and from the case page."""
    case = file_case(at(2025, 2, 10))
    client.force_login(officer)
    # A debtor-requested 中止 is refused, with the article, and nothing changes.
    before = snapshot(case)
    r = client.post(
        f"/api/v1/funds/cases/{case.pk}/pauses",
        {
            "kind": "retrial",
            "starts_on": "2025-03-01",
            "reason": "再审裁定中止执行",
            "requested_by_debtor": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 409, r.content
    assert r.json()["code"] == LedgerErrorCode.PAUSE_REQUESTED_BY_DEBTOR and "第三条" in r.json()["message"]
    assert snapshot(case) == before

    r = client.post(
        f"/api/v1/funds/cases/{case.pk}/pauses",
        {"kind": "retrial", "starts_on": "2025-03-01", "reason": "（2025）湘01民申1号裁定中止执行"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["kind"] == "retrial" and r.json()["ends_on"] is None
    r = client.post(
        f"/api/v1/funds/cases/{case.pk}/pauses/end",
        {"ends_on": "2025-03-10"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["ends_on"] == "2025-03-10"
    # From the case page: a 审查 period, 2025-03-21..03-30.
    page = client.post(
        f"/funds/cases/{case.pk}/pauses",
        {"kind": "review", "starts_on": "2025-03-21", "ends_on": "2025-03-30", "reason": "审查执行依据"},
    )
    assert page.status_code == 302
    assert list(
        ObligationPause.objects.filter(case=case).order_by("starts_on").values_list("kind", flat=True)
    ) == [
        "retrial",
        "review",
    ]
    kinds = list(
        CaseEvent.objects.filter(case=case, kind="ledger.pause_recorded").values_list("data", flat=True)
    )
    assert [d["kind"] for d in kinds] == ["retrial", "review"]
    # Doubled interest 2025-01-21..04-10 = 80 days less 10 + 10 paused = 60 days × 17.50 = 1,050.00.
    st = case_statement(case=case, as_of=date(2025, 4, 10))
    assert st is not None and st.outstanding["doubled"] == D("1050.00")
