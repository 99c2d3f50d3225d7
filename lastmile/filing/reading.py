"""Read an uploaded batch into a header row and data rows, without judging the content.

- XLSX through python-calamine (fast; numbers come back as ``float`` and are turned into text by
  :func:`cell_text` with ``repr``, never by float arithmetic). calamine returns a formula's cached
  value, so formula cells are found separately in the sheet XML and reported as formulas.
- CSV in UTF-8 (with or without BOM) or, failing that, GB18030 (a superset of GBK).
- JSON rows (the API): a list of objects keyed by the same headers (or the field keys).

Row numbers are the spreadsheet's own (the header is usually row 1), or the 1-based position in a
JSON list, so a clerk finds a reported row where the file shows it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET  # expat (3.11) refuses entity-expansion bombs

from python_calamine import CalamineWorkbook

from lastmile.core.errors import DomainError

__all__ = [
    "ParsedSheet",
    "UnreadableFile",
    "cell_text",
    "read_csv",
    "read_json_rows",
    "read_upload",
    "read_xlsx",
]


class UnreadableFile(DomainError):
    """The upload is not a spreadsheet we can read (wrong format, broken file, no header)."""

    code = "unreadable_file"


@dataclass
class ParsedSheet:
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]  # (row number, cells aligned to headers)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index)


def cell_text(value: Any) -> str:
    """A cell as the text a person would read: ``1234.5`` not ``1234.5000001``, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | Decimal | int):
        return str(value)
    return str(value)


def _blank(cells: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _split(
    table: list[list[Any]], first_row_number: int = 1
) -> tuple[list[str], int, list[tuple[int, list[Any]]]]:
    """Find the header (first non-blank row) and the non-blank data rows under it."""
    header_at = next((i for i, r in enumerate(table) if not _blank(r)), None)
    if header_at is None:
        raise UnreadableFile("文件中没有表头和数据。")
    headers = [cell_text(c).strip() for c in table[header_at]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows = []
    for i in range(header_at + 1, len(table)):
        cells = list(table[i][:width]) + [""] * (width - len(table[i]))
        if not _blank(cells):
            rows.append((i + first_row_number, cells))
    return headers, header_at + first_row_number, rows


# --- XLSX -------------------------------------------------------------------------------------

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _first_sheet_path(zf: zipfile.ZipFile) -> str:
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
    sheet = workbook.find(f"{ns_main}sheets/{ns_main}sheet")
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    if sheet is not None:
        rid = sheet.get(f"{ns_rel}id")
        for rel in rels:
            if rel.get("Id") == rid:
                target = rel.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return "xl/worksheets/sheet1.xml"


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def xlsx_formula_cells(data: bytes) -> set[tuple[int, int]]:
    """(row number, column index) of every formula cell of the first sheet."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        path = _first_sheet_path(zf)
        xml = zf.read(path)
    if not _FORMULA_TAG.search(xml):
        return set()
    found: set[tuple[int, int]] = set()
    for _event, elem in ET.iterparse(io.BytesIO(xml), events=("end",)):  # noqa: S314
        if elem.tag.rsplit("}", 1)[-1] != "c":
            continue
        if any(child.tag.rsplit("}", 1)[-1] == "f" for child in elem):
            m = _REF.match(elem.get("r", ""))
            if m:
                found.add((int(m[2]), _column_index(m[1])))
        elem.clear()
    return found


def read_xlsx(data: bytes) -> ParsedSheet:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        table = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        formulas = xlsx_formula_cells(data)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise UnreadableFile(
            "无法读取XLSX文件，请确认文件未损坏。", details={"error": str(exc)[:200]}
        ) from None
    headers, header_row, rows = _split(table)
    return ParsedSheet(headers=headers, header_row=header_row, rows=rows, formula_cells=formulas)


# --- CSV --------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or else GB18030, which reads every GBK file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile("无法识别CSV文件的编码，请使用UTF-8或GBK编码。") from None


def read_csv(data: bytes) -> ParsedSheet:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    table = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    headers, header_row, rows = _split(table)
    return ParsedSheet(headers=headers, header_row=header_row, rows=rows)


# --- JSON -------------------------------------------------------------------------------------


def read_json_rows(items: Sequence[dict[str, Any]]) -> ParsedSheet:
    headers: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            raise UnreadableFile("rows 应为对象数组。")
        for key in item:
            if key not in seen:
                seen.add(key)
                headers.append(str(key))
    rows = [(i, [item.get(h) for h in headers]) for i, item in enumerate(items, start=1)]
    return ParsedSheet(headers=headers, header_row=0, rows=rows)


def sniff_kind(filename: str, data: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` from the content (a ZIP is an XLSX), else the extension."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    name = filename.lower()
    if name.endswith((".xls", ".xlsx", ".xlsm", ".et")):
        raise UnreadableFile("仅支持XLSX和CSV文件，请将表格另存为XLSX格式。")
    return "csv"


def read_upload(filename: str, data: bytes) -> tuple[str, ParsedSheet]:
    kind = sniff_kind(filename, data)
    return kind, (read_xlsx(data) if kind == "xlsx" else read_csv(data))
