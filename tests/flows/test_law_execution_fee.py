"""The 申请执行费 is charged (诉讼费用交纳办法 2006 art. 14(1)): computed at filing from the amount to
be enforced, not prepaid and borne by the debtor (arts. 20, 38), so it is a cost of the debtor's
obligation and the 执行通知书 prints it as such. Interest a judgment fixes is interest, never a
cost: the doubled interest never runs on it (法释〔2014〕8号 art. 1) whatever the setting
(issue K item 6; docs/law.md "Fees")."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from lastmile.documents.models import Document
from lastmile.documents.services import document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.enforcement.models import StepKind
from lastmile.enforcement.services import procedure_step_record
from lastmile.ledger.models import Obligation
from lastmile.ledger.selectors import case_statement
from lastmile.ledger.services import CostItem
from lastmile.testing.enforcement import at, basis
from lastmile.trial.services.enforcement import _execution_basis

pytestmark = pytest.mark.django_db

D = Decimal


def _fee_items(case) -> list[dict]:
    return [c for c in Obligation.objects.get(case=case).costs if c["kind"] == "execution_fee"]


@pytest.mark.parametrize(
    ("principal", "costs", "fee"),
    [
        # 8,000 to enforce: not above 10,000, so 50 yuan.
        ("8000", [], "50.00"),
        # 100,000 + 2,300 acceptance fee = 102,300: 50 + (102,300 − 10,000) × 1.5 % = 50 + 1,384.50.
        ("100000", [CostItem(kind="acceptance_fee", label="案件受理费", amount=D("2300"))], "1434.50"),
        # 1,000,000 + 13,800 = 1,013,800: 50 + 490,000 × 1.5 % (7,350) + 513,800 × 1 % (5,138).
        ("1000000", [CostItem(kind="acceptance_fee", label="案件受理费", amount=D("13800"))], "12538.00"),
    ],
)
def test_art14_fee_computed_at_filing_as_the_debtors_cost(file_case, principal, costs, fee):
    case = file_case(at(2025, 3, 3), basis=basis(principal, costs=costs))
    (item,) = _fee_items(case)
    assert item == {"kind": "execution_fee", "label": "申请执行费", "amount": fee}
    statement = case_statement(case=case, as_of=date(2025, 3, 3))
    assert statement is not None
    charged = sum((c.amount for c in costs), D("0"))
    assert statement.outstanding["costs"] == charged + D(fee)  # owed by the debtor, with the costs


def test_art14_a_fee_already_on_the_basis_is_not_charged_twice(file_case):
    given = CostItem(kind="execution_fee", label="申请执行费", amount=D("800.00"))
    case = file_case(at(2025, 3, 3), basis=basis("100000", costs=[given]))
    assert _fee_items(case) == [{"kind": "execution_fee", "label": "申请执行费", "amount": "800.00"}]


def test_art14_the_notice_prints_the_fee_as_the_debtors_and_interest_as_interest(
    file_case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    judgment_interest = CostItem(kind="interest", label="判决确定的利息、罚息", amount=D("3200.00"))
    acceptance = CostItem(kind="acceptance_fee", label="案件受理费", amount=D("2300.00"))
    case = file_case(at(2025, 3, 3), basis=basis("100000", costs=[acceptance, judgment_interest]))
    # 100,000 + 2,300 + 3,200 = 105,500: 50 + 95,500 × 1.5 % = 1,482.50
    (item,) = _fee_items(case)
    assert item["amount"] == "1482.50"
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=case.officer, now=at(2025, 3, 4))
    notice = Document.objects.get(case=case, template__code="enforcement_notice")
    assert notice.context["fee"] == "1482.50"
    assert notice.context["interest"] == "3200.00"  # judgment interest is interest
    assert notice.context["other_costs"] == "2300.00"  # the acceptance fee, not the execution fee
    assert notice.context["total"] == "106982.50"  # 100,000 + 3,200 + 2,300 + 1,482.50
    text = "".join(pdf_text(document_pdf(notice)).split())
    assert "负担申请执行费人民币1,482.50元" in text
    assert "诉讼费用交纳办法》第十四条、第三十八条" in text
    assert "支付利息人民币3,200.00元" in text
    assert "案件受理费等费用人民币2,300.00元" in text


def test_judgment_interest_is_interest_and_bears_no_doubled_interest(file_case, settings):
    """法释〔2014〕8号 art. 1: doubled interest runs on the money debt other than general interest,
    even when the court counts the basis's costs into its base."""
    settings.LASTMILE = {
        **settings.LASTMILE,
        "FUNDS": {**settings.LASTMILE.get("FUNDS", {}), "DOUBLED_INTEREST_BASE": "principal_and_costs"},
    }
    interest = CostItem(kind="interest", label="判决确定的利息、罚息", amount=D("3200.00"))
    with_interest = file_case(at(2025, 3, 3), basis=basis("100000", costs=[interest]))
    without = file_case(at(2025, 3, 3), basis=basis("100000", costs=[]))
    on = date(2025, 3, 3)
    a = case_statement(case=with_interest, as_of=on)
    b = case_statement(case=without, as_of=on)
    assert a is not None and b is not None
    assert a.outstanding["interest"] == b.outstanding["interest"] + D("3200.00")
    assert a.outstanding["doubled"] == b.outstanding["doubled"] > 0
    assert a.outstanding["costs"] - b.outstanding["costs"] == D(
        "48.00"
    )  # only the fee differs (3,200 × 1.5 %)


def test_the_trial_hands_judgment_interest_over_as_interest():
    judgment = SimpleNamespace(
        effective_on=date(2025, 1, 10),
        performance_deadline=date(2025, 1, 20),
        overdue_rate=D("0.18"),
        interest_until=date(2024, 12, 31),
        interest=D("3200.00"),
        court_fee=D("2300.00"),
        principal=D("100000.00"),
        document=SimpleNamespace(number="（2024）湘0104民初3456号"),
        lawsuit=SimpleNamespace(court=SimpleNamespace(name="长沙市岳麓区人民法院")),
    )
    b = _execution_basis(judgment)  # type: ignore[arg-type]
    kinds = {c.kind: c.amount for c in b.costs}
    assert kinds == {"interest": D("3200.00"), "acceptance_fee": D("2300.00")}
    assert b.interest is not None and b.interest.start == date(2024, 12, 31) + timedelta(days=1)
