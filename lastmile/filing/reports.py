"""The error report of a batch: the refused rows with their original cells and the reasons.

Cells that a spreadsheet would run as a formula are written with a leading apostrophe, so opening
the report is safe (and openpyxl would otherwise store ``=…`` text as a formula).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from .validation import is_formula_like

REASON_HEADER = "错误原因"
ROW_HEADER = "原行号"


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
