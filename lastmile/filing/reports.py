"""The error report of a batch: the refused rows with their original cells and the reasons.

Cells that a spreadsheet would run as a formula are written with a leading apostrophe, so opening
the report is safe (and openpyxl would otherwise store ``=…`` text as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from .validation import is_formula_like

REASON_HEADER = "错误原因"
ROW_HEADER = "原行号"
#: The error list (one line per error): the row, its contract, the column at fault, the message.
ERROR_LIST_HEADERS = ("行号", "合同编号", "列", "错误说明")


def safe_cell(value: Any) -> str:
    """Text for a report cell: formula-like text is prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    if is_formula_like(text) or text.startswith(("=", "+", "-", "@")):
        return "'" + text
    return text


def reasons_text(errors: Iterable[dict[str, Any]]) -> str:
    return "；".join(str(e.get("message", "")) for e in errors)


def error_report_xlsx(
    headers: Sequence[str], rows: Iterable[tuple[int, Sequence[Any], list[dict[str, Any]]]]
) -> bytes:
    """An XLSX with one line per refused row: 原行号, the original columns, 错误原因."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误明细")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE2E1")
    title_cells = []
    for title in [ROW_HEADER, *headers, REASON_HEADER]:
        cell = WriteOnlyCell(sheet, value=safe_cell(title))
        cell.font = bold
        title_cells.append(cell)
    sheet.append(title_cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, raw, errors in rows:
        values = [safe_cell(v) for v in raw] + [""] * (len(headers) - len(raw))
        reason = WriteOnlyCell(sheet, value=safe_cell(reasons_text(errors)))
        reason.alignment = wrap
        reason.fill = fill
        sheet.append([row_number, *values[: len(headers)], reason])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_list_csv(rows: Iterable[tuple[int, str, list[dict[str, Any]]]]) -> bytes:
    """A CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) with one line per error:
    行号 (the row number in the uploaded file), 合同编号, 列 (the column at fault) and 错误说明.
    Cells are made safe as in the XLSX report."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(ERROR_LIST_HEADERS)
    for row_number, contract_no, errors in rows:
        for e in errors:
            writer.writerow(
                [
                    row_number,
                    safe_cell(contract_no),
                    safe_cell(e.get("column", "")),
                    safe_cell(e.get("message", "")),
                ]
            )
    return out.getvalue().encode("utf-8-sig")
