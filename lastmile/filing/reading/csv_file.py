"""CSV in UTF-8 or GB18030, decoded incrementally and streamed row by row."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from .common import (
    OverlongCell,
    ParsedSheet,
    ReadLimits,
    UnreadableFile,
    _capped,
    _sheet,
    read_limits,
)

# --- CSV --------------------------------------------------------------------------------------

_CSV_FIELD_LIMIT = 1_048_576  # characters the csv module holds for one field before it gives up


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


def _decodes_as(fh: IO[bytes], encoding: str) -> bool:
    """Whether the whole stream decodes, checked incrementally (constant memory)."""
    fh.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := fh.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(fh: IO[bytes]) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        if _decodes_as(fh, encoding):
            return encoding
    raise UnreadableFile("无法识别CSV文件的编码，请使用UTF-8或GBK编码。")


def _csv_rows(text: IO[str], delimiter: str, limits: ReadLimits) -> Iterator[tuple[int, list[Any]]]:
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(text, delimiter=delimiter)
    number = 0  # records, as a spreadsheet program numbers the rows
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # a field over the csv module's own limit: the reader drops the line; it is
            # reported as a row whose cell is too long
            number += 1
            yield number, [OverlongCell("", _CSV_FIELD_LIMIT + 1, limits.max_cell_chars)]
            continue
        number += 1
        yield number, [_capped(cell, limits) for cell in record]


def read_csv(data: bytes | IO[bytes], limits: ReadLimits | None = None) -> ParsedSheet:
    """A CSV in UTF-8 or GBK/GB18030, comma or tab separated, streamed row by row."""
    limits = limits or read_limits()
    fh = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    encoding = _csv_encoding(fh)
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")  # type: ignore[arg-type]
    first = text.read(65_536).split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    text.seek(0)
    return _sheet(_csv_rows(text, delimiter, limits), limits)
