"""Worked examples of what is owed and how payments apply (法释〔2014〕8号 arts. 1–4; 民法典 2020
art. 561), on the pure engine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.core.errors import ConditionsNotMet, InvalidAmount
from lastmile.ledger.calculation import (
    Cost,
    Interest,
    Payment,
    Terms,
    compute_statement,
    parse_order,
)
from lastmile.ledger.conf import DAY_COUNTS, Convention
from lastmile.ledger.interest import LprTable, doubled_interest, lpr_table, read_lpr_csv

D = Decimal
CONV = Convention()


def statement(terms, payments=(), as_of=date(2024, 1, 30), conv=CONV, lpr=None):
    return compute_statement(terms, list(payments), as_of, lpr=lpr, convention=conv)


def test_rules_vector_doubled_interest_one_day():
    """法释〔2014〕8号 art. 1 (日万分之一点七五): unpaid 100,000 yuan for 1 day = 17.50 yuan."""
    assert doubled_interest(D("100000"), 1) == D("17.50")
    assert doubled_interest(D("100000"), 0) == D("0.00")
    assert doubled_interest(D("1"), 1) == D("0.00")


def test_one_day_late_full_payment_under_the_default_convention():
    """Deadline 1-10; paying on 1-11 is one day late: 17.50 on 100,000."""
    t = Terms(
        principal=D("100000"), basis_effective_on=date(2024, 1, 1), performance_deadline=date(2024, 1, 10)
    )
    s = statement(t, as_of=date(2024, 1, 11))
    assert s.outstanding == {"costs": 0, "interest": 0, "principal": D("100000"), "doubled": D("17.50")}
    on_deadline = statement(t, as_of=date(2024, 1, 10))
    assert on_deadline.outstanding["doubled"] == 0


@pytest.mark.parametrize(
    ("convention", "days"),
    [
        ("after_expiry_through_payment", 30),
        ("expiry_through_payment", 31),
        ("after_expiry_before_payment", 29),
    ],
)
def test_day_count_convention_is_a_setting(convention, days):
    offset, accrues = DAY_COUNTS[convention]
    conv = Convention(first_day_offset=offset, payment_day_accrues=accrues)
    t = Terms(
        principal=D("100000"), basis_effective_on=date(2024, 3, 1), performance_deadline=date(2024, 3, 10)
    )
    s = statement(t, as_of=date(2024, 4, 9), conv=conv)
    assert s.outstanding["doubled"] == doubled_interest(D("100000"), days)


def test_no_performance_period_counts_from_the_basis_taking_effect():
    t = Terms(principal=D("100000"), basis_effective_on=date(2024, 1, 10))
    assert statement(t, as_of=date(2024, 1, 20)).outstanding["doubled"] == D("175.00")


def test_partial_payment_stops_interest_on_its_amount_from_its_date():
    """法释〔2014〕8号 art. 3: each tranche stops accruing on its payment day."""
    t = Terms(
        principal=D("100000"), basis_effective_on=date(2024, 1, 1), performance_deadline=date(2024, 1, 10)
    )
    s = statement(t, [Payment("r1", date(2024, 1, 20), D("40000"))], as_of=date(2024, 1, 30))
    # 1-11..1-20 on 100,000 = 175.00; 1-21..1-30 on 60,000 = 105.00
    doubled = [(ln.first_day, ln.last_day, ln.base, ln.amount) for ln in s.lines if ln.kind == "doubled"]
    assert doubled == [
        (date(2024, 1, 11), date(2024, 1, 20), D("100000"), D("175.00")),
        (date(2024, 1, 21), date(2024, 1, 30), D("60000"), D("105.00")),
    ]
    assert s.allocations[0].parts == (("principal", D("40000")),)
    assert s.outstanding_total == D("60280.00")


def test_full_payment_clears_everything_and_surplus_is_kept_apart():
    t = Terms(
        principal=D("100000"), basis_effective_on=date(2024, 3, 1), performance_deadline=date(2024, 3, 10)
    )
    s = statement(t, [Payment("r1", date(2024, 4, 9), D("101000"))], as_of=date(2024, 5, 1))
    assert s.outstanding_total == 0
    assert s.allocations[0].parts == (("principal", D("100000")), ("doubled", D("525.00")))
    assert s.surplus == D("475.00")


def test_costs_then_interest_then_principal_then_doubled():
    """民法典 2020 art. 561 inside the judgment debt; doubled interest last (法释〔2014〕8号 art. 4)."""
    t = Terms(
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
        costs=(
            Cost("acceptance_fee", "案件受理费", D("2300")),
            Cost("execution_fee", "申请执行费", D("1400")),
        ),
        interest=Interest(kind="fixed", annual_rate=D("0.0365"), start=date(2024, 1, 1)),
    )
    s = statement(t, [Payment("r1", date(2024, 1, 20), D("5000"))], as_of=date(2024, 1, 20))
    # interest 1-1..1-20: 100,000 × 3.65 % / 365 × 20 = 200.00
    assert s.allocations[0].parts == (
        ("costs", D("3700")),
        ("interest", D("200.00")),
        ("principal", D("1100.00")),
    )
    assert s.outstanding["doubled"] == D("175.00")


def test_agreed_order_recorded_on_the_case_replaces_the_legal_order():
    t = Terms(
        principal=D("1000"),
        basis_effective_on=date(2024, 1, 1),
        costs=(Cost("acceptance_fee", "案件受理费", D("50")),),
        order=parse_order("principal,costs,interest,doubled"),
    )
    s = statement(t, [Payment("r1", date(2024, 1, 1), D("1020"))], as_of=date(2024, 1, 1))
    assert s.allocations[0].parts == (("principal", D("1000")), ("costs", D("20")))


def test_agreed_order_must_name_every_part_once():
    with pytest.raises(InvalidAmount):
        parse_order("principal,costs")
    with pytest.raises(InvalidAmount):
        parse_order("principal,principal,costs,interest")
    assert parse_order("") == ("costs", "interest", "principal", "doubled")


def test_fixed_rate_general_interest_runs_until_paid_on_the_unpaid_principal():
    t = Terms(
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 12, 31),
        interest=Interest(kind="fixed", annual_rate=D("0.0365"), start=date(2024, 1, 1)),
    )
    s = statement(t, [Payment("r1", date(2024, 1, 10), D("50100"))], as_of=date(2024, 1, 20))
    # 1-1..1-10 on 100,000: 100.00 (paid first), 1-11..1-20 on 50,000: 50.00
    assert [ln.amount for ln in s.lines if ln.kind == "interest"] == [D("100.00"), D("50.00")]
    assert s.outstanding == {"costs": 0, "interest": D("50.00"), "principal": D("50000.00"), "doubled": 0}


def test_interest_end_date_caps_general_interest():
    t = Terms(
        principal=D("36500"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2025, 1, 1),
        interest=Interest(kind="fixed", annual_rate=D("0.1"), start=date(2024, 1, 1), end=date(2024, 1, 5)),
    )
    assert statement(t, as_of=date(2024, 3, 1)).outstanding["interest"] == D("50.00")


LPR = LprTable(
    dates=(date(2024, 2, 20), date(2024, 7, 22)),
    one_year=(D("0.0345"), D("0.0335")),
    five_year=(D("0.0395"), D("0.0385")),
    valid_through=date(2024, 12, 31),
)


def test_lpr_multiple_is_computed_period_by_period_when_the_rate_changes():
    t = Terms(
        principal=D("365000"),
        basis_effective_on=date(2024, 7, 1),
        performance_deadline=date(2025, 7, 1),
        interest=Interest(kind="lpr_multiple", lpr_multiple=D("1.5"), start=date(2024, 7, 20)),
    )
    s = statement(t, as_of=date(2024, 7, 23), lpr=LPR)
    lines = [(ln.first_day, ln.last_day, ln.rate, ln.amount) for ln in s.lines if ln.kind == "interest"]
    # 7-20, 7-21 at 1.5 × 3.45 % = 5.175 %: 365,000 × 0.05175 / 365 × 2 = 103.50; then 1.5 × 3.35 %
    assert lines == [
        (date(2024, 7, 20), date(2024, 7, 21), D("0.05175"), D("103.50")),
        (date(2024, 7, 22), date(2024, 7, 23), D("0.05025"), D("100.50")),
    ]


def test_lpr_fixed_on_a_day_and_five_year_term():
    t = Terms(
        principal=D("365000"),
        basis_effective_on=date(2024, 7, 1),
        performance_deadline=date(2025, 7, 1),
        interest=Interest(
            kind="lpr_multiple",
            lpr_multiple=D("1"),
            lpr_term="5y",
            lpr_fixed_on=date(2024, 3, 1),
            start=date(2024, 7, 20),
        ),
    )
    s = statement(t, as_of=date(2024, 7, 23), lpr=LPR)
    assert [ln.amount for ln in s.lines if ln.kind == "interest"] == [D("158.00")]  # 4 days × 39.50


def test_lpr_before_the_first_publication_is_refused():
    t = Terms(
        principal=D("1000"),
        basis_effective_on=date(2019, 1, 1),
        performance_deadline=date(2025, 1, 1),
        interest=Interest(kind="lpr_multiple", lpr_multiple=D("1"), start=date(2019, 8, 1)),
    )
    with pytest.raises(ConditionsNotMet):
        statement(t, as_of=date(2019, 9, 1), lpr=lpr_table())


def test_lpr_after_the_table_is_flagged_provisional():
    t = Terms(
        principal=D("365000"),
        basis_effective_on=date(2024, 12, 1),
        performance_deadline=date(2026, 1, 1),
        interest=Interest(kind="lpr_multiple", lpr_multiple=D("1"), start=date(2024, 12, 30)),
    )
    lines = [ln for ln in statement(t, as_of=date(2025, 1, 2), lpr=LPR).lines if ln.kind == "interest"]
    assert [(ln.days, ln.provisional) for ln in lines] == [(2, False), (2, True)]


def test_bundled_lpr_table_reads_and_knows_the_first_publication():
    table = lpr_table()
    assert table.dates[0] == date(2019, 8, 20)
    assert table.rate_on(date(2019, 8, 20)) == D("0.0425")
    assert table.rate_on(date(2019, 8, 20), "5y") == D("0.0485")
    assert list(table.dates) == sorted(table.dates)
    assert table.valid_through is not None


def test_lpr_file_is_replaceable(tmp_path):
    f = tmp_path / "lpr.csv"
    f.write_text("# valid_through: 2030-01-01\neffective_on,one_year,five_year,status\n2019-08-20,5,6,x\n")
    t = read_lpr_csv(f)
    assert t.rate_on(date(2029, 1, 1)) == D("0.05") and t.valid_through == date(2030, 1, 1)


def test_instalments_each_run_from_their_own_expiry():
    """法释〔2014〕8号 art. 2: for instalments, from the expiry of each instalment period."""
    t = Terms(
        principal=D("30000"),
        basis_effective_on=date(2024, 1, 1),
        installments=(
            (date(2024, 1, 31), D("10000")),
            (date(2024, 2, 29), D("10000")),
            (date(2024, 3, 31), D("10000")),
        ),
    )
    s = statement(t, as_of=date(2024, 3, 10))
    lines = [(ln.first_day, ln.last_day, ln.base, ln.amount) for ln in s.lines if ln.kind == "doubled"]
    assert lines == [
        (date(2024, 2, 1), date(2024, 2, 29), D("10000"), D("50.75")),
        (date(2024, 3, 1), date(2024, 3, 10), D("20000"), D("35.00")),
    ]


def test_paying_an_instalment_early_counts_against_the_earliest_one():
    t = Terms(
        principal=D("20000"),
        basis_effective_on=date(2024, 1, 1),
        installments=((date(2024, 1, 31), D("10000")), (date(2024, 2, 29), D("10000"))),
    )
    s = statement(t, [Payment("r", date(2024, 1, 15), D("10000"))], as_of=date(2024, 3, 10))
    lines = [(ln.first_day, ln.base) for ln in s.lines if ln.kind == "doubled"]
    assert lines == [(date(2024, 3, 1), D("10000"))]


def test_no_doubled_interest_in_a_pause_not_requested_by_the_debtor():
    t = Terms(
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
        pauses=((date(2024, 1, 16), date(2024, 1, 25)),),
    )
    assert statement(t, as_of=date(2024, 1, 30)).outstanding["doubled"] == D("175.00")  # 20 days − 10
    open_pause = Terms(
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
        pauses=((date(2024, 1, 16), None),),
    )
    assert statement(open_pause, as_of=date(2024, 3, 30)).outstanding["doubled"] == D("87.50")


def test_doubled_base_may_include_costs_fixed_by_the_basis():
    t = Terms(
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
        costs=(
            Cost("acceptance_fee", "案件受理费", D("2300")),
            Cost("execution_fee", "申请执行费", D("1400")),
        ),
    )
    conv = Convention(doubled_base_includes_costs=True)
    # execution fee is not fixed by the execution basis, so the base is 102,300
    assert statement(t, as_of=date(2024, 1, 11), conv=conv).outstanding["doubled"] == D("17.90")
    assert statement(t, as_of=date(2024, 1, 11)).outstanding["doubled"] == D("17.50")


def test_payments_after_as_of_are_ignored_and_lines_add_up():
    t = Terms(
        principal=D("100000"),
        basis_effective_on=date(2024, 1, 1),
        performance_deadline=date(2024, 1, 10),
        costs=(Cost("acceptance_fee", "案件受理费", D("2300")),),
        interest=Interest(kind="fixed", annual_rate=D("0.0435"), start=date(2023, 6, 1)),
    )
    pays = [Payment("a", date(2024, 2, 1), D("30000")), Payment("b", date(2024, 6, 1), D("30000"))]
    s = statement(t, pays, as_of=date(2024, 3, 1))
    assert len(s.allocations) == 1
    assert s.owed_total == sum((ln.amount for ln in s.lines), D("0"))
    assert s.owed_total - s.paid_total == s.outstanding_total
