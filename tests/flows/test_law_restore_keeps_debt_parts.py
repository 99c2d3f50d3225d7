"""Law: 执恢 keeps the debt's parts apart (法释〔2014〕8号, 最高人民法院关于执行程序中计算迟延履行期间的
债务利息适用法律若干问题的解释 2014 arts. 1–4; docs/law.md "Interest").

A case is closed by 终本 and resumed as 执恢. The resumed case carries the remaining principal,
general interest, costs and doubled interest each as what it is: nothing owed becomes principal,
and the doubled interest (art. 1: 0.000175 a day on the unpaid money debt other than general
interest) keeps running from the day after the performance period expired (art. 2), not from the
restoration; each payment is applied costs → interest → principal, then the doubled interest
(art. 4; 民法典 2020 art. 561) and stops interest on what it pays (art. 3).

Every amount below is computed by hand, to the fen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from lastmile.cases.models import CaseEvent
from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.services import (
    clue_submit,
    clue_verify,
    enforcement_close,
    enforcement_restore,
)
from lastmile.ledger.models import Obligation
from lastmile.ledger.selectors import case_statement
from lastmile.ledger.services import CostItem, InterestTerms, amount_outstanding
from lastmile.testing.enforcement import at, basis, payment_received, zhongben_ready

pytestmark = pytest.mark.django_db


def _parts(case, on):
    st = case_statement(case=case, as_of=on)
    assert st is not None
    return dict(st.outstanding)


def test_restored_case_doubled_interest_runs_on_principal_from_the_original_start_law_2014_arts_1_to_4(
    file_case, officer, president, bank
):
    # Judgment effective 2025-01-10, to be performed by 2025-01-20: principal 100,000.00, 案件受理费
    # 2,300.00, general interest at a fixed 3.65 % a year from 2025-01-10 (10.00 a day on 100,000).
    # 申请执行费 on 102,300.00: 50 + 92,300 × 1.5 % = 1,434.50 (交纳办法 2006 art. 14(1)), borne by
    # the debtor. Costs 3,734.50 in all.
    case = file_case(
        at(2025, 9, 26),
        basis=basis(
            interest=InterestTerms(kind="fixed", annual_rate=D("0.0365")),
            costs=[
                CostItem(kind="acceptance_fee", label="案件受理费", amount=D("2300")),
                CostItem(kind="execution_fee", label="申请执行费", amount=D("1434.50")),
            ],
        ),
    )
    zhongben_ready(case, officer=officer, president=president, now=at(2025, 10, 20))

    # 2025-11-03 the debtor pays 5,000.00. General interest 2025-01-10..11-03 = 298 days × 10.00 =
    # 2,980.00. Applied costs 3,734.50, then interest 1,265.50 (art. 4; 民法典 art. 561): principal
    # untouched, so the doubled interest base stays 100,000.00.
    payment_received(case=case, amount=D("5000"), actor=officer, now=at(2025, 11, 3), idempotency_key="k4-p1")
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 12, 29))

    clue = clue_submit(
        case=case,
        kind="asset",
        description="被执行人名下车辆停放于小区车库",
        location="长沙市岳麓区",
        submitted_by=bank.name,
        actor=None,
        now=at(2026, 2, 10),
    )
    clue = clue_verify(clue=clue, actor=officer, now=at(2026, 2, 12), valid=True, note="现场核实属实")
    restored = enforcement_restore(case=case, actor=officer, now=at(2026, 2, 12), clue=clue)

    # On the restoration day, 2026-02-12:
    # - general interest 2025-01-10..2026-02-12 = 399 days × 10.00 = 3,990.00, less 1,265.50 paid = 2,724.50;
    # - doubled interest from 2025-01-21 (the day after the period expired, art. 2) to 2026-02-12 =
    #   388 days × 100,000.00 × 0.000175 = 6,790.00 (17.50 a day);
    # - costs 0.00 (paid), principal 100,000.00.
    expected = {
        "costs": D("0.00"),
        "interest": D("2724.50"),
        "principal": D("100000.00"),
        "doubled": D("6790.00"),
    }
    assert _parts(case, date(2026, 2, 12)) == expected
    assert _parts(restored, date(2026, 2, 12)) == expected
    assert amount_outstanding(case=restored, as_of=date(2026, 2, 12)) == D("109514.50")
    assert restored.enforcement.principal == D("109514.50")  # the 执行标的 of the 执恢 case

    # Nothing owed became principal: the 执恢 obligation is the judgment's, continuing the original.
    ob = Obligation.objects.get(case=restored)
    assert ob.principal == D("100000.00") and ob.continues_id == case.pk
    assert ob.performance_deadline == date(2025, 1, 20) and ob.interest_rate == D("0.0365")
    carried = CaseEvent.objects.get(case=restored, kind="ledger.obligation_recorded")
    assert carried.data["carried"] == {k: str(v) for k, v in expected.items()}
    assert "加倍部分债务利息6,790.00元" in carried.summary

    # The doubled interest of the 执恢 case starts on the original day, on the principal only.
    st = case_statement(case=restored, as_of=date(2026, 2, 12))
    assert st is not None
    doubled = [ln for ln in st.lines if ln.kind == "doubled"]
    assert doubled[0].first_day == date(2025, 1, 21)
    assert {ln.base for ln in doubled} == {D("100000.00")}
    assert sum((ln.amount for ln in doubled), D("0")) == D("6790.00")

    # 29 days later (2026-03-13): interest + 290.00 = 3,014.50; doubled + 29 × 17.50 = 507.50 =
    # 7,297.50. The debtor pays 50,000.00 that day in the 执恢 case: interest 3,014.50, then
    # principal 46,985.50 (art. 4): principal 53,014.50 left; the doubled interest waits.
    payment_received(
        case=restored, amount=D("50000"), actor=officer, now=at(2026, 3, 13), idempotency_key="k4-p2"
    )
    assert _parts(restored, date(2026, 3, 13)) == {
        "costs": D("0.00"),
        "interest": D("0.00"),
        "principal": D("53014.50"),
        "doubled": D("7297.50"),
    }

    # 2026-04-12, 30 days on (03-14..04-12): general interest 53,014.50 × 0.0365 × 30 / 365 =
    # 159.0435 → 159.04; doubled 53,014.50 × 0.000175 × 30 = 278.326125 → 278.33;
    # 7,297.50 + 278.33 = 7,575.83.
    assert _parts(restored, date(2026, 4, 12)) == {
        "costs": D("0.00"),
        "interest": D("159.04"),
        "principal": D("53014.50"),
        "doubled": D("7575.83"),
    }
    assert amount_outstanding(case=restored, as_of=date(2026, 4, 12)) == D("60749.37")
