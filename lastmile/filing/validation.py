"""Validate and normalise one row of a filing batch. Pure: no database, time passed in.

Every problem of a row is collected (not only the first), each as ``{field, column, code,
message}`` with a Chinese message a bank clerk can act on. Identity numbers are checked by their
check characters (GB 11643-1999 for resident IDs, GB 32100-2015 for credit codes; docs/law.md);
amounts go through :func:`lastmile.core.money.parse_amount` (two places, never negative, never a
float); a cell that a spreadsheet program would run as a formula is refused and never stored as
typed (OWASP "CSV injection").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lastmile.core.errors import InvalidAmount, InvalidIdentifier
from lastmile.core.identifiers import validate_resident_id, validate_uscc
from lastmile.core.money import parse_amount

from .columns import HEADERS, REQUIRED, HeaderMap, guarantor_key
from .error_codes import RowErrorCode
from .reading import OverlongCell, ParsedSheet, cell_text

__all__ = ["RowResult", "ValidationLimits", "is_formula_like", "mark_duplicates", "validate_sheet"]


@dataclass(frozen=True)
class ValidationLimits:
    today: date
    max_annual_rate: Decimal = Decimal("0.36")
    max_overdue_rate: Decimal = Decimal("0.54")


@dataclass
class RowResult:
    row_number: int
    raw: list[str]
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def contract_no(self) -> str:
        return str(self.data.get("contract_no") or "")


# --- formulas ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?$")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate: it starts with ``= + - @`` (after spaces) or
    with a tab or carriage return, and is not a plain number such as ``-5`` or ``+8613800138000``.
    A lone ``-`` (a common "none" placeholder) cannot run and is not refused."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in ("\t", "\r"):
        return True
    s = value.lstrip(" ")
    if not s or s[0] not in _FORMULA_START:
        return False
    compact = unicodedata.normalize("NFKC", s).strip()
    if compact == "-":
        return False
    return not (any(ch.isdigit() for ch in compact) and _PLAIN_NUMBER.match(compact))


# --- field readers: each returns the normalised value or raises _Bad ----------------------------


class _Bad(Exception):
    def __init__(self, code: RowErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def _plain(value: Any, *, max_len: int, label: str) -> str:
    s = _text(value)
    if s == "-":
        s = ""
    if len(s) > max_len:
        raise _Bad(RowErrorCode.TOO_LONG, f"{label}过长（最多{max_len}个字符）")
    return s


def _amount(value: Any, label: str) -> Decimal:
    try:
        if isinstance(value, float):
            return parse_amount(Decimal(repr(value)))
        if isinstance(value, bool):
            raise InvalidAmount(f"无法识别金额“{value}”")
        if isinstance(value, int | Decimal):
            return parse_amount(value)
        return parse_amount(_text(value))
    except InvalidAmount as exc:
        raise _Bad(RowErrorCode.INVALID_AMOUNT, f"{label}：{exc.message}") from None


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _date(value: Any, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = _text(value)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise _Bad(RowErrorCode.INVALID_DATE, f"{label}“{s}”不是有效日期") from None
    raise _Bad(RowErrorCode.INVALID_DATE, f"{label}“{s}”无法识别，请填写如2024-01-31的日期")


def _rate(value: Any, label: str, maximum: Decimal) -> Decimal:
    """``4.35%``, ``0.0435`` and ``4.35`` all mean 4.35% a year (a bare number above 1 is read
    as a percentage: no lender charges 435%)."""
    s = repr(value) if isinstance(value, float) else _text(value).replace("％", "%").replace(" ", "")
    percent = s.endswith("%")
    try:
        number = Decimal(s.rstrip("%"))
    except InvalidOperation:
        raise _Bad(RowErrorCode.INVALID_RATE, f"{label}“{s}”无法识别，请填写如4.35%或0.0435") from None
    if not number.is_finite():
        raise _Bad(RowErrorCode.INVALID_RATE, f"{label}“{s}”无法识别")
    rate = number / 100 if (percent or number > 1) else number
    if rate < 0 or rate > maximum:
        raise _Bad(RowErrorCode.RATE_RANGE, f"{label}“{s}”超出合理范围（0至{maximum * 100:.0f}%）")
    if rate != rate.quantize(Decimal("0.00000001")):
        raise _Bad(RowErrorCode.INVALID_RATE, f"{label}“{s}”小数位过多")
    return rate.normalize() if rate else Decimal("0")


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def _phone(value: Any, label: str) -> str:
    s = re.sub(r"[\s\-()]", "", _text(value))
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if not _MOBILE.match(s):
        raise _Bad(RowErrorCode.INVALID_PHONE, f"{label}“{_text(value)}”不是有效的手机号码")
    return s


def _email(value: Any, label: str) -> str:
    s = _text(value)
    if len(s) > 128 or not _EMAIL.match(s):
        raise _Bad(RowErrorCode.INVALID_EMAIL, f"{label}“{s}”不是有效的电子邮箱")
    return s.lower()


_YES = {"是", "同意", "Y", "YES", "1", "TRUE", "√", "已同意"}
_NO = {"否", "不同意", "N", "NO", "0", "FALSE", "×", "未同意"}


def _flag(value: Any, label: str) -> bool:
    s = _text(value).upper()
    if s in _YES:
        return True
    if s in _NO or s == "":
        return False
    raise _Bad(RowErrorCode.INVALID_FLAG, f"{label}“{_text(value)}”应填写“是”或“否”")


_ID_TYPES = {
    "居民身份证": "resident_id",
    "身份证": "resident_id",
    "二代身份证": "resident_id",
    "身份证号码": "resident_id",
    "RESIDENT_ID": "resident_id",
    "统一社会信用代码": "uscc",
    "社会信用代码": "uscc",
    "统一信用代码": "uscc",
    "营业执照": "uscc",
    "USCC": "uscc",
    "护照": "passport",
    "PASSPORT": "passport",
}
_ORG_WORDS = ("公司", "有限", "银行", "合作社", "中心", "厂", "店", "事务所", "集团")


def _identity(name: str, id_type_value: Any, number_value: Any, today: date, label: str) -> dict[str, str]:
    """Kind, id type and the normalised number; the check character must be right."""
    raw_type = _text(id_type_value).upper()
    number = _text(number_value)
    id_type = _ID_TYPES.get(raw_type) if raw_type else None
    if raw_type and id_type is None:
        raise _Bad(
            RowErrorCode.INVALID_ID_TYPE,
            f"{label}证件类型“{_text(id_type_value)}”不支持（可填居民身份证、统一社会信用代码、护照）",
        )
    if id_type is None:
        id_type = _guess_id_type(name, number, today)
    try:
        if id_type == "resident_id":
            number = validate_resident_id(number, today=today).number
        elif id_type == "uscc":
            number = validate_uscc(number)
        elif not number or len(number) > 32:
            raise InvalidIdentifier("护照号码为空或过长")
    except InvalidIdentifier as exc:
        kind_label = {"resident_id": "身份证号码", "uscc": "统一社会信用代码", "passport": "护照号码"}[
            id_type
        ]
        raise _Bad(
            RowErrorCode.INVALID_ID, f"{label}{kind_label}“{_text(number_value)}”无效：{exc.message}"
        ) from None
    kind = "organisation" if id_type == "uscc" else "person"
    return {"kind": kind, "id_type": id_type, "id_number": number}


def _guess_id_type(name: str, number: str, today: date) -> str:
    try:
        validate_resident_id(number, today=today)
        return "resident_id"
    except InvalidIdentifier:
        pass
    try:
        validate_uscc(number)
        return "uscc"
    except InvalidIdentifier:
        pass
    return "uscc" if any(w in name for w in _ORG_WORDS) else "resident_id"


# --- the row ----------------------------------------------------------------------------------


class _Row:
    """Collects errors while reading one row."""

    def __init__(self, hmap: HeaderMap, cells: list[Any], row_number: int, formulas: set[tuple[int, int]]):
        self.hmap = hmap
        self.cells = cells
        self.row_number = row_number
        self.errors: list[dict[str, str]] = []
        self.refused: set[str] = set()
        keys = {pos: key for key, pos in hmap.index.items()}
        for pos, cell in enumerate(cells):
            if isinstance(cell, OverlongCell):
                key = keys.get(pos, "")
                column = hmap.title(key) if key else f"第{pos + 1}列"
                self.errors.append(
                    {
                        "field": key,
                        "column": column,
                        "code": RowErrorCode.TOO_LONG,
                        "message": (
                            f"{column}：单元格内容过长（{cell.length}个字符，最多{cell.cap}个），该行未受理"
                        ),
                    }
                )
                self.refused.add(key)
        for key, pos in hmap.index.items():
            if key in self.refused:
                continue
            if (row_number, pos) in formulas or is_formula_like(cells[pos]):
                self.add(
                    key, RowErrorCode.FORMULA, f"{hmap.title(key)}：单元格内容疑似公式，请改为纯文本或数值"
                )
                self.refused.add(key)

    def add(self, key: str, code: RowErrorCode, message: str) -> None:
        self.errors.append({"field": key, "column": self.hmap.title(key), "code": code, "message": message})

    def value(self, key: str) -> Any:
        pos = self.hmap.index.get(key)
        if pos is None or key in self.refused:
            return None
        v = self.cells[pos]
        return None if v is None or (isinstance(v, str) and not v.strip()) else v

    def present(self, key: str) -> bool:
        return self.value(key) is not None

    def read(self, key: str, reader: Callable[[Any], Any], *, required: bool = False) -> Any:
        v = self.value(key)
        if v is None:
            if required and key not in self.refused:
                self.add(key, RowErrorCode.REQUIRED, f"缺少必填项：{self.hmap.title(key)}")
            return None
        try:
            return reader(v)
        except _Bad as bad:
            self.add(key, bad.code, bad.message)
            return None


def _party(
    row: _Row, prefix: str, label: str, limits: ValidationLimits, *, required: bool
) -> dict[str, Any] | None:
    keys = {f: f"{prefix}_{f}" for f in ("name", "id_type", "id_number", "phone", "address")}
    if not required and not any(row.present(k) for k in keys.values()):
        return None
    name = row.read(keys["name"], lambda v: _plain(v, max_len=128, label=f"{label}姓名"), required=True)
    number_given = row.present(keys["id_number"])
    row.read(keys["id_number"], lambda v: v, required=True)
    identity = None
    if number_given:
        identity = row.read(
            keys["id_number"],
            lambda v: _identity(name or "", row.value(keys["id_type"]), v, limits.today, label),
        )
    phone = row.read(keys["phone"], lambda v: _phone(v, f"{label}手机"))
    address = row.read(keys["address"], lambda v: _plain(v, max_len=256, label=f"{label}地址"))
    if not name or identity is None:
        return None
    return {"name": name, **identity, "phone": phone or "", "address": address or ""}


def _required_keys(hmap: HeaderMap) -> list[str]:
    return [k for k in REQUIRED if k in hmap.index]


def validate_row(
    hmap: HeaderMap,
    cells: list[Any],
    row_number: int,
    limits: ValidationLimits,
    formulas: set[tuple[int, int]],
) -> RowResult:
    row = _Row(hmap, cells, row_number, formulas)
    result = RowResult(row_number=row_number, raw=[cell_text(c) for c in cells])
    borrower = _party(row, "borrower", "借款人", limits, required=True)
    guarantors = _guarantors(row, hmap, borrower, limits)
    loan = _loan_read(row, limits)
    _loan_check(row, loan, limits)
    if row.errors:
        result.errors = row.errors
        return result
    assert borrower is not None and loan.contract_no is not None
    result.data = _row_data(borrower, guarantors, loan)
    return result


def _guarantors(
    row: _Row, hmap: HeaderMap, borrower: dict[str, Any] | None, limits: ValidationLimits
) -> list[dict[str, Any]]:
    """The guarantors given in the row; one with the borrower's or an earlier guarantor's
    identity number is an error and left out."""
    guarantors: list[dict[str, Any]] = []
    for n in hmap.guarantors:
        prefix = guarantor_key(n, "x")[:-2]
        g = _party(row, prefix, f"担保人{n}", limits, required=False)
        if g is None:
            continue
        if borrower and g["id_number"] == borrower["id_number"]:
            row.add(guarantor_key(n, "id_number"), RowErrorCode.SAME_PARTY, f"担保人{n}与借款人证件号码相同")
        elif any(g["id_number"] == other["id_number"] for other in guarantors):
            row.add(guarantor_key(n, "id_number"), RowErrorCode.SAME_PARTY, f"担保人{n}与其他担保人重复")
        else:
            guarantors.append(g)
    return guarantors


@dataclass
class _Loan:
    """The loan's cells as read from one row (``None`` where missing or refused)."""

    contract_no: Any
    loan_amount: Any
    disbursed_on: Any
    due_on: Any
    annual_rate: Any
    overdue_rate: Any
    principal: Any
    interest: Any
    penalty: Any
    claim_amount: Any
    evidence: Any
    service_phone: Any
    service_email: Any
    e_service_consent: Any


def _loan_read(row: _Row, limits: ValidationLimits) -> _Loan:
    """Read the loan's cells, in column order, each by its own reader."""
    return _Loan(
        contract_no=row.read("contract_no", lambda v: _plain(v, max_len=64, label="合同编号"), required=True),
        loan_amount=row.read("loan_amount", lambda v: _amount(v, "借款金额"), required=True),
        disbursed_on=row.read("disbursed_on", lambda v: _date(v, "放款日期"), required=True),
        due_on=row.read("due_on", lambda v: _date(v, "到期日期"), required=True),
        annual_rate=row.read("annual_rate", lambda v: _rate(v, "年利率", limits.max_annual_rate)),
        overdue_rate=row.read("overdue_rate", lambda v: _rate(v, "逾期利率", limits.max_overdue_rate)),
        principal=row.read("principal", lambda v: _amount(v, "欠款本金"), required=True),
        interest=row.read("interest", lambda v: _amount(v, "欠付利息")),
        penalty=row.read("penalty", lambda v: _amount(v, "罚息")),
        claim_amount=row.read("claim_amount", lambda v: _amount(v, "诉讼请求金额")),
        evidence=row.read("evidence", _evidence),
        service_phone=row.read("service_phone", lambda v: _phone(v, "送达手机")),
        service_email=row.read("service_email", lambda v: _email(v, "送达邮箱")),
        e_service_consent=row.read("e_service_consent", lambda v: _flag(v, "同意电子送达")),
    )


def _loan_check(row: _Row, loan: _Loan, limits: ValidationLimits) -> None:
    """The checks across the loan's fields (dates not in the future and in order, amounts
    positive, principal within the loan). A claim not given is principal + interest + penalty."""
    disbursed, due = loan.disbursed_on, loan.due_on
    principal, amount = loan.principal, loan.loan_amount
    if disbursed and disbursed > limits.today:
        row.add("disbursed_on", RowErrorCode.DATE_FUTURE, f"放款日期{disbursed}晚于今天")
    if due and due > limits.today:
        row.add("due_on", RowErrorCode.DATE_FUTURE, f"到期日期{due}晚于今天，尚未到期的借款不能申请立案")
    if disbursed and due and due < disbursed:
        row.add("due_on", RowErrorCode.DATE_ORDER, f"到期日期{due}早于放款日期{disbursed}")
    if principal is not None and principal <= 0:
        row.add("principal", RowErrorCode.AMOUNT_RANGE, "欠款本金应大于零")
    if amount is not None and amount <= 0:
        row.add("loan_amount", RowErrorCode.AMOUNT_RANGE, "借款金额应大于零")
    if principal is not None and amount is not None and principal > amount:
        row.add("principal", RowErrorCode.AMOUNT_RANGE, f"欠款本金{principal}元大于借款金额{amount}元")
    if loan.claim_amount is None and principal is not None and "claim_amount" not in row.refused:
        loan.claim_amount = principal + (loan.interest or 0) + (loan.penalty or 0)
    if loan.claim_amount is not None and loan.claim_amount <= 0:
        row.add("claim_amount", RowErrorCode.AMOUNT_RANGE, "诉讼请求金额应大于零")


def _row_data(borrower: dict[str, Any], guarantors: list[dict[str, Any]], loan: _Loan) -> dict[str, Any]:
    """The normalised data of a row without errors (amounts and dates as strings)."""
    return {
        "borrower": borrower,
        "guarantors": guarantors,
        "contract_no": loan.contract_no,
        "loan_amount": str(loan.loan_amount),
        "disbursed_on": loan.disbursed_on.isoformat() if loan.disbursed_on else None,
        "due_on": loan.due_on.isoformat() if loan.due_on else None,
        "annual_rate": str(loan.annual_rate) if loan.annual_rate is not None else None,
        "overdue_rate": str(loan.overdue_rate) if loan.overdue_rate is not None else None,
        "principal": str(loan.principal),
        "interest": str(loan.interest or Decimal("0.00")),
        "penalty": str(loan.penalty or Decimal("0.00")),
        "claim_amount": str(loan.claim_amount),
        "evidence": loan.evidence or [],
        "service_phone": loan.service_phone or "",
        "service_email": loan.service_email or "",
        "e_service_consent": bool(loan.e_service_consent),
    }


def _evidence(value: Any) -> list[str]:
    items = [s.strip() for s in re.split(r"[;；\n]", _text(value)) if s.strip()]
    if len(items) > 50:
        raise _Bad(RowErrorCode.TOO_LONG, "证据清单最多50项")
    for item in items:
        if len(item) > 200:
            raise _Bad(RowErrorCode.TOO_LONG, f"证据“{item[:20]}…”名称过长（最多200个字符）")
    return items


def validate_sheet(sheet: ParsedSheet, hmap: HeaderMap, limits: ValidationLimits) -> list[RowResult]:
    """Validate every data row (all errors of a row, not only the first), then mark contracts
    that occur more than once in the batch."""
    results = [validate_row(hmap, cells, n, limits, sheet.formula_cells) for n, cells in sheet.rows]
    mark_duplicates(results)
    return results


def mark_duplicates(results: list[RowResult]) -> None:
    """A contract number may occur once per batch. An exact repeat of a row is refused and the
    first kept; rows with the same contract number but different content are all refused,
    since nobody can tell which one is right."""
    by_contract: dict[str, list[RowResult]] = {}
    for r in results:
        if r.ok:
            by_contract.setdefault(r.contract_no, []).append(r)
    for contract, group in by_contract.items():
        if len(group) < 2:
            continue
        first = group[0]
        numbers = "、".join(str(r.row_number) for r in group)
        identical = all(r.data == first.data for r in group[1:])
        targets = group[1:] if identical else group
        for r in targets:
            message = (
                f"合同编号“{contract}”与第{first.row_number}行重复"
                if identical
                else f"合同编号“{contract}”在本批次中出现多次且内容不一致（第{numbers}行）"
            )
            r.errors.append(
                {
                    "field": "contract_no",
                    "column": HEADERS["contract_no"],
                    "code": RowErrorCode.DUPLICATE_IN_BATCH,
                    "message": message,
                }
            )
            r.data = {}


def required_headers_missing(hmap: HeaderMap) -> list[str]:
    return hmap.missing
