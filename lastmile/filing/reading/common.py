"""What every reader shares: the errors, the caps of one read, overlong cells, the parsed
sheet, and how a cell reads as text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from lastmile.core.errors import DomainError

from ..conf import filing_setting
from ..error_codes import FilingErrorCode


class UnreadableFile(DomainError):
    """The upload is not a spreadsheet we can read (wrong format, broken file, no header)."""

    code = FilingErrorCode.UNREADABLE_FILE


class UploadTooLarge(UnreadableFile):
    """The file would decompress to more than we read (a decompression bomb, or simply too big)."""

    code = FilingErrorCode.UPLOAD_TOO_LARGE


class TooManyRows(UnreadableFile):
    """More data rows than one batch may have."""

    code = FilingErrorCode.TOO_MANY_ROWS


@dataclass(frozen=True)
class ReadLimits:
    """Caps of one read; :func:`read_limits` takes them from ``LASTMILE["FILING"]``."""

    max_rows: int = 50_000
    max_columns: int = 256
    max_cell_chars: int = 2_000
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 200
    max_members: int = 1_000
    max_shared_strings: int = 1_000_000


def read_limits() -> ReadLimits:
    return ReadLimits(
        max_rows=int(filing_setting("MAX_ROWS")),
        max_columns=int(filing_setting("MAX_COLUMNS")),
        max_cell_chars=int(filing_setting("MAX_CELL_CHARS")),
        max_uncompressed_bytes=int(filing_setting("MAX_UNCOMPRESSED_BYTES")),
        max_compression_ratio=int(filing_setting("MAX_COMPRESSION_RATIO")),
        max_members=int(filing_setting("MAX_ZIP_MEMBERS")),
        max_shared_strings=int(filing_setting("MAX_SHARED_STRINGS")),
    )


class OverlongCell(str):
    """A cell longer than the cap: the text is at most its first ``cap`` characters, ``length``
    is how long it really was."""

    length: int
    cap: int

    def __new__(cls, prefix: str, length: int, cap: int) -> OverlongCell:
        cell = super().__new__(cls, prefix[:cap])
        cell.length = length
        cell.cap = cap
        return cell


def _capped(text: str, limits: ReadLimits) -> str:
    if len(text) > limits.max_cell_chars:
        return OverlongCell(text, len(text), limits.max_cell_chars)
    return text


@dataclass
class ParsedSheet:
    """A header and the data rows under it. ``rows`` may be a one-shot stream (files are read
    while validation consumes them), so iterate it once."""

    headers: list[str]
    header_row: int
    rows: Iterable[tuple[int, list[Any]]]  # (row number, cells aligned to headers)
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
    return all(
        c is None or (isinstance(c, str) and not isinstance(c, OverlongCell) and not c.strip()) for c in cells
    )


def _sheet(
    source: Iterator[tuple[int, list[Any]]], limits: ReadLimits, formulas: set[tuple[int, int]] | None = None
) -> ParsedSheet:
    """The header (first non-blank row) and a stream of the non-blank data rows under it,
    refusing more than ``max_rows`` of them while they are read."""
    header: tuple[int, list[Any]] | None = None
    for number, cells in source:
        if not _blank(cells):
            header = (number, cells)
            break
    if header is None:
        raise UnreadableFile("文件中没有表头和数据。")
    headers = [cell_text(c).strip() for c in header[1]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > limits.max_columns:
        raise UnreadableFile(f"表头超过{limits.max_columns}列，请删除多余的列。")
    width = len(headers)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        count = 0
        for number, cells in source:
            row = list(cells[:width]) + [""] * (width - len(cells))
            if _blank(row):
                continue
            count += 1
            if count > limits.max_rows:
                raise TooManyRows(
                    f"单批最多{limits.max_rows}行，请拆分后提交。", details={"max_rows": limits.max_rows}
                )
            yield number, row

    return ParsedSheet(headers=headers, header_row=header[0], rows=rows(), formula_cells=formulas or set())
