"""Row validation on its own: identifiers, amounts, dates, rates, phones, formulas, headers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from lastmile.filing.columns import header_map, normalise_header
from lastmile.filing.reading import cell_text, decode_text, read_csv
from lastmile.filing.validation import ValidationLimits, is_formula_like, validate_row

TODAY = date(2025, 3, 3)
LIMITS = ValidationLimits(today=TODAY)
HEAD = [
    "借款人姓名",
    "借款人证件号码",
    "合同编号",
    "借款金额",
    "放款日期",
    "到期日期",
    "欠款本金",
    "年利率",
    "借款人手机",
]
GOOD = [
    "王小明",
    "11010519491231002X",
    "HT-1",
    "100000",
    "2023-01-05",
    "2024-01-05",
    "60000",
    "4.35%",
    "13800138000",
]


def _check(**changes):
    cells = list(GOOD)
    for key, value in changes.items():
        cells[HEAD.index(key)] = value
    return validate_row(header_map(HEAD), cells, 2, LIMITS, set())


def _codes(result):
    return [e["code"] for e in result.errors]


def test_a_good_row_is_normalised():
    r = _check()
    assert r.ok, r.errors
    assert r.data["borrower"] == {
        "name": "王小明",
        "kind": "person",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "phone": "13800138000",
        "address": "",
    }
    assert r.data["annual_rate"] == "0.0435" and r.data["claim_amount"] == "60000.00"


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("借款人证件号码", "110105194912310021", "invalid_id"),  # GB 11643-1999: check should be X
        ("借款金额", "abc", "invalid_amount"),
        ("借款金额", "-5", "invalid_amount"),
        ("借款金额", "100.001", "invalid_amount"),
        ("借款金额", 100.001, "invalid_amount"),  # a float cell is read by repr, never rounded
        ("放款日期", "2023-02-29", "invalid_date"),
        ("放款日期", "2025-03-04", "date_future"),
        ("到期日期", "2022-12-31", "date_order"),
        ("欠款本金", "100000.01", "amount_range"),
        ("欠款本金", "0", "amount_range"),
        ("年利率", "400%", "rate_range"),
        ("年利率", "四厘", "invalid_rate"),
        ("借款人手机", "12345", "invalid_phone"),
        ("借款人姓名", "", "required"),
        ("合同编号", "=1+1", "formula"),
        ("借款人姓名", "@SUM(A1)", "formula"),
        ("借款人姓名", "\t王", "formula"),
    ],
)
def test_each_mistake_is_reported_with_its_code(column, value, code):
    r = _check(**{column: value})
    assert code in _codes(r), r.errors
    assert not r.data


def test_all_errors_of_a_row_are_collected():
    r = _check(借款人证件号码="110105194912310021", 借款金额="x", 借款人手机="1")
    assert sorted(_codes(r)) == ["invalid_amount", "invalid_id", "invalid_phone"]


def test_organisation_borrower_is_recognised_by_its_credit_code():
    r = _check(借款人姓名="长沙某有限公司", 借款人证件号码="91350100M000100Y43")
    assert r.ok and r.data["borrower"]["kind"] == "organisation"
    bad = _check(借款人姓名="长沙某有限公司", 借款人证件号码="91350100M000100Y4Z")
    assert _codes(bad) == ["invalid_id"] and "统一社会信用代码" in bad.errors[0]["message"]


@pytest.mark.parametrize("value", ["-5", "+8613800138000", "-", "12,000.50", "hello", "", "2024-01-01"])
def test_plain_values_are_not_formulas(value):
    assert not is_formula_like(value)


@pytest.mark.parametrize("value", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", " =1", "\r1", "\t"])
def test_formula_like_values(value):
    assert is_formula_like(value)


def test_rates_in_three_spellings_mean_the_same():
    for spelling in ("4.35%", "0.0435", "4.35", 0.0435):
        assert _check(年利率=spelling).data["annual_rate"] == "0.0435"


def test_spreadsheet_cells_become_text_without_float_noise():
    assert cell_text(1234.56) == "1234.56" and cell_text(13800138000.0) == "13800138000"
    assert cell_text(datetime(2024, 1, 5)) == "2024-01-05" and cell_text(None) == ""
    assert _check(借款金额=Decimal("100000"), 放款日期=date(2023, 1, 5)).ok


def test_headers_with_marks_units_and_aliases_are_recognised():
    assert normalise_header(" *借款金额（元） ") == "借款金额"
    hmap = header_map(
        [
            "借款人",
            "身份证号码",
            "借款合同编号",
            "贷款金额(元)",
            "借款日期",
            "还款到期日",
            "剩余本金",
            "担保人2姓名",
        ]
    )
    assert hmap.missing == [] and hmap.guarantors == (2,)


def test_csv_encodings_are_detected():
    text = "借款人姓名,合同编号\n张三,A1\n"
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        assert decode_text(text.encode(encoding)) == text
    sheet = read_csv(text.encode("gbk"))
    assert sheet.headers == ["借款人姓名", "合同编号"] and list(sheet.rows) == [(2, ["张三", "A1"])]
