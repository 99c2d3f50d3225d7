"""The columns of a filing spreadsheet: Chinese headers, their common aliases and field keys.

A header is matched after normalisation (full-width to half-width, spaces and ``*`` removed, a
trailing unit or note in brackets dropped: ``*借款金额（元）`` reads as ``借款金额``). Guarantors
come as numbered groups (``担保人1姓名``, ``担保人1证件号码``, ``担保人2姓名`` …); an unnumbered
``担保人姓名`` is guarantor 1. docs/filing.md lists every column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "COLUMNS",
    "GUARANTOR_FIELDS",
    "REQUIRED",
    "Column",
    "HeaderMap",
    "header_map",
    "normalise_header",
]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("borrower_name", "借款人姓名", ("借款人", "借款人名称", "借款人姓名或名称", "被申请人姓名"), True),
    Column("borrower_id_type", "借款人证件类型", ("证件类型",)),
    Column(
        "borrower_id_number",
        "借款人证件号码",
        ("借款人身份证号码", "借款人身份证号", "身份证号码", "证件号码", "借款人统一社会信用代码"),
        True,
    ),
    Column(
        "borrower_phone",
        "借款人手机",
        ("借款人手机号", "借款人手机号码", "借款人电话", "借款人联系电话", "手机号码"),
    ),
    Column("borrower_address", "借款人地址", ("借款人住址", "借款人住所地", "住址", "地址")),
    Column("contract_no", "合同编号", ("借款合同编号", "合同号", "贷款合同编号", "借款合同号"), True),
    Column("loan_amount", "借款金额", ("贷款金额", "合同金额", "放款金额"), True),
    Column("disbursed_on", "放款日期", ("借款日期", "发放日期", "贷款发放日"), True),
    Column("due_on", "到期日期", ("还款到期日", "借款到期日", "到期日"), True),
    Column("annual_rate", "年利率", ("借款年利率", "合同年利率", "执行年利率", "利率")),
    Column("overdue_rate", "逾期利率", ("逾期年利率", "罚息利率", "罚息年利率")),
    Column("principal", "欠款本金", ("欠付本金", "剩余本金", "尚欠本金", "本金"), True),
    Column("interest", "欠付利息", ("欠款利息", "尚欠利息", "利息")),
    Column("penalty", "罚息", ("罚息及复利", "逾期罚息", "欠付罚息")),
    Column("claim_amount", "诉讼请求金额", ("请求金额", "诉请金额", "标的金额", "标的额", "诉讼标的额")),
    Column("evidence", "证据清单", ("证据", "证据目录", "证据材料")),
    Column("service_phone", "送达手机", ("电子送达手机", "送达手机号", "送达手机号码")),
    Column("service_email", "送达邮箱", ("电子送达邮箱", "送达电子邮箱")),
    Column("e_service_consent", "同意电子送达", ("是否同意电子送达", "电子送达确认")),
)

REQUIRED: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.required)
HEADERS: dict[str, str] = {c.key: c.header for c in COLUMNS}

# Per guarantor: field key -> header suffix after 担保人N.
GUARANTOR_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名称", "姓名或名称"),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号码", "身份证号", "统一社会信用代码"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话"),
    "address": ("地址", "住址", "住所地"),
}
GUARANTOR_HEADER = {
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "手机",
    "address": "地址",
}

_BRACKETED_TAIL = re.compile(r"[(\[][^()\[\]]*[)\]]$")
_GUARANTOR_RE = re.compile(r"^担保人(\d{0,2})(.+)$")

_ALIASES: dict[str, str] = {}
for _col in COLUMNS:
    for _name in (_col.header, *_col.aliases, _col.key):
        _ALIASES[_name] = _col.key


def normalise_header(text: object) -> str:
    """``*借款金额（元）`` -> ``借款金额``: NFKC, no spaces or asterisks, no bracketed tail."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    s = re.sub(r"[\s*]", "", s)
    while True:
        stripped = _BRACKETED_TAIL.sub("", s)
        if stripped == s or not stripped:
            break
        s = stripped
    return s


def guarantor_key(n: int, field: str) -> str:
    return f"guarantor{n}_{field}"


def guarantor_header(n: int, field: str) -> str:
    return f"担保人{n}{GUARANTOR_HEADER[field]}"


@dataclass(frozen=True)
class HeaderMap:
    """Where each known field is in a row, and what the file called it."""

    index: dict[str, int]  # field key -> column position
    titles: dict[str, str]  # field key -> the header as written in the file
    guarantors: tuple[int, ...]  # guarantor numbers present, ascending
    unknown: tuple[str, ...]  # headers not recognised (kept in the raw row, otherwise ignored)

    @property
    def missing(self) -> list[str]:
        return [HEADERS[k] for k in REQUIRED if k not in self.index]

    def title(self, key: str) -> str:
        if key in self.titles:
            return self.titles[key]
        if key.startswith("guarantor"):
            n, field = key[len("guarantor") :].split("_", 1)
            return guarantor_header(int(n), field)
        return HEADERS.get(key, key)


def _guarantor_field(suffix: str) -> str | None:
    for field, names in GUARANTOR_FIELDS.items():
        if suffix in names:
            return field
    return None


def header_map(headers: list[str]) -> HeaderMap:
    """Map the header row onto field keys. The first occurrence of a field wins."""
    index: dict[str, int] = {}
    titles: dict[str, str] = {}
    unknown: list[str] = []
    numbers: set[int] = set()
    for pos, raw in enumerate(headers):
        name = normalise_header(raw)
        if not name:
            continue
        key = _ALIASES.get(name)
        if key is None and (m := _GUARANTOR_RE.match(name)):
            field = _guarantor_field(m[2])
            if field is not None:
                n = int(m[1] or 1)
                key = guarantor_key(n, field)
                numbers.add(n)
        if key is None:
            unknown.append(str(raw))
            continue
        if key not in index:
            index[key] = pos
            titles[key] = str(raw).strip()
    return HeaderMap(index=index, titles=titles, guarantors=tuple(sorted(numbers)), unknown=tuple(unknown))
