"""Sample filing spreadsheets: realistic good rows and one row of every kind of mistake.

Used by the tests, by ``lastmile filing sample`` and by the intake bench. Everything is
deterministic for a given start index, so a generated file can be filed again to test replays.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from lastmile.core.identifiers import resident_id_check_char, uscc_check_char

HEADERS: list[str] = [
    "借款人姓名",
    "借款人证件类型",
    "借款人证件号码",
    "借款人手机",
    "借款人地址",
    "担保人1姓名",
    "担保人1证件号码",
    "担保人2姓名",
    "担保人2证件号码",
    "合同编号",
    "借款金额",
    "放款日期",
    "到期日期",
    "年利率",
    "逾期利率",
    "欠款本金",
    "欠付利息",
    "罚息",
    "诉讼请求金额",
    "证据清单",
    "送达手机",
    "送达邮箱",
    "同意电子送达",
]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国建华志强志明海燕春梅"
_REGIONS = ("430104", "430102", "430103", "430105", "430111", "430112", "430121", "430181")
_STREETS = ("麓山南路", "桐梓坡路", "枫林三路", "岳麓大道", "望岳路", "含浦大道", "西二环", "银盆南路")


def person_id(i: int, *, salt: int = 0) -> str:
    """A valid resident ID unique per ``i`` (region, birth date and sequence derived from it)."""
    region = _REGIONS[(i + salt) % len(_REGIONS)]
    born = date(1965, 1, 1) + timedelta(days=(i // 1000) * 3 + salt * 7 % 9000)
    first17 = f"{region}{born:%Y%m%d}{i % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def org_uscc(i: int) -> str:
    body = f"9143010{i:09d}"[:17]
    body = body[:16] + "A" if len(body) == 17 else body + "A"
    return body + uscc_check_char(body)


def _name(i: int, salt: int = 0) -> str:
    n = i * 7 + salt * 13
    surname = _SURNAMES[n % len(_SURNAMES)]
    given = _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)]
    given2 = _GIVEN[(n // 3 + salt) % len(_GIVEN)]
    return surname + given + (given2 if i % 3 else "")


def sample_row(i: int, *, today: date, prefix: str = "YLHT", guarantors: int | None = None) -> dict[str, Any]:
    """One good row (typed values: Decimal amounts, date objects)."""
    loan = Decimal(10_000 + (i * 7919) % 290_000).quantize(Decimal("1")) * 1
    disbursed = today - timedelta(days=400 + (i * 13) % 900)
    due = disbursed + timedelta(days=365)
    if due > today:
        due = today - timedelta(days=1)
    principal = (loan * Decimal("0.6") + (i % 97)).quantize(Decimal("0.01"))
    interest = (principal * Decimal("0.0435")).quantize(Decimal("0.01"))
    penalty = (principal * Decimal("0.01")).quantize(Decimal("0.01"))
    g = (i % 3) if guarantors is None else guarantors
    phone = f"139{(i * 7) % 100:02d}{i % 1_000_000:06d}"
    row: dict[str, Any] = {
        "借款人姓名": _name(i),
        "借款人证件类型": "居民身份证",
        "借款人证件号码": person_id(i),
        "借款人手机": phone,
        "借款人地址": f"湖南省长沙市岳麓区{_STREETS[i % len(_STREETS)]}{i % 300 + 1}号",
        "担保人1姓名": _name(i, 1) if g >= 1 else "",
        "担保人1证件号码": person_id(i, salt=1) if g >= 1 else "",
        "担保人2姓名": _name(i, 2) if g >= 2 else "",
        "担保人2证件号码": person_id(i, salt=2) if g >= 2 else "",
        "合同编号": f"{prefix}{disbursed:%Y}{i:07d}",
        "借款金额": loan,
        "放款日期": disbursed,
        "到期日期": due,
        "年利率": "4.35%",
        "逾期利率": "6.525%",
        "欠款本金": principal,
        "欠付利息": interest,
        "罚息": penalty,
        "诉讼请求金额": principal + interest + penalty,
        "证据清单": "借款合同;借款借据;还款明细;催收记录",
        "送达手机": phone,
        "送达邮箱": f"b{i}@example.com" if i % 4 == 0 else "",
        "同意电子送达": "是",
    }
    return row


def sample_rows(n: int, *, today: date, start: int = 1, prefix: str = "YLHT") -> list[dict[str, Any]]:
    return [sample_row(i, today=today, prefix=prefix) for i in range(start, start + n)]


def bad_rows(
    *, today: date, filed_contract: str = "", prefix: str = "BAD"
) -> list[tuple[str, dict[str, Any]]]:
    """(error code expected, row) for every kind of mistake validation must catch.

    ``filed_contract``: a contract number filed in an earlier batch (for 重复立案)."""
    base = 900_000

    def row(k: int, **changes: Any) -> dict[str, Any]:
        r = sample_row(base + k, today=today, prefix=prefix, guarantors=1)
        r.update(changes)
        return r

    good_id = person_id(base + 1)
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    dup = row(20)
    rows: list[tuple[str, dict[str, Any]]] = [
        ("invalid_id", row(1, 借款人证件号码=bad_id)),
        ("invalid_id", row(2, 担保人1姓名="长沙某某贸易有限公司", 担保人1证件号码="91350100M000100Y4Z")),
        ("invalid_amount", row(3, 借款金额="12万3千")),
        ("invalid_amount", row(4, 欠付利息="-120.00")),
        ("invalid_amount", row(5, 欠款本金="1000.123")),
        ("invalid_date", row(6, 放款日期="2023-02-30")),
        ("date_order", row(7, 放款日期=today - timedelta(days=100), 到期日期=today - timedelta(days=200))),
        ("required", row(8, 借款人姓名="")),
        ("duplicate_in_batch", dup),
        ("duplicate_in_batch", {**dup, "欠款本金": dup["欠款本金"] + 1}),
        ("formula", row(10, 借款人地址='=HYPERLINK("http://evil.example","点击")')),
        ("invalid_phone", row(11, 借款人手机="1380013800")),
    ]
    if filed_contract:
        rows.append(("duplicate_filed", row(12, 合同编号=filed_contract)))
    return rows


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def rows_to_csv(
    rows: Sequence[dict[str, Any]], *, encoding: str = "utf-8-sig", headers: Sequence[str] = HEADERS
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for r in rows:
        writer.writerow([_csv_value(r.get(h)) for h in headers])
    return out.getvalue().encode(encoding)


def rows_to_xlsx(rows: Sequence[dict[str, Any]], *, headers: Sequence[str] = HEADERS) -> bytes:
    """An XLSX like a bank exports: numbers as numbers, dates as dates; a value starting with
    ``=`` becomes a real formula cell (openpyxl writes it so)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("借款明细")
    sheet.append(list(headers))
    for r in rows:
        sheet.append([_xlsx_value(r.get(h)) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)  # a spreadsheet stores numbers as binary doubles; the reader copes
    return value
