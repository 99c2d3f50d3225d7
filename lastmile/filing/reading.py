"""Read an uploaded batch into a header row and data rows, without judging the content.

Every reader streams and is capped, so no upload can exhaust the machine:

- **XLSX** is a ZIP of XML parts. Before anything is decompressed, :func:`xlsx_check` reads the
  ZIP's end record and central directory only: too many members, ZIP64, a total uncompressed
  size above ``MAX_UNCOMPRESSED_BYTES`` or a member compressed more than ``MAX_COMPRESSION_RATIO``
  times (a decompression bomb) refuse the file. The sheet is then parsed by expat, row by row,
  from the ZIP stream (Python's ``zipfile`` never inflates past the declared size and checks the
  CRC); cells beyond ``MAX_COLUMNS`` are ignored, a document type declaration (entities) is
  refused. Numbers come back as ``float`` and are turned into text by :func:`cell_text` with
  ``repr``, never by float arithmetic; date-formatted numbers become dates; formula cells are
  noted so validation refuses them.
- **CSV** in UTF-8 (with or without BOM) or, failing that, GB18030 (a superset of GBK), decoded
  incrementally.
- **JSON rows** (the API): a list of objects keyed by the same headers (or the field keys).

A cell longer than ``MAX_CELL_CHARS`` is kept as an :class:`OverlongCell` (its beginning and its
length), which validation reports as an error of that row. More than ``MAX_ROWS`` data rows
refuse the file while it is read.

Row numbers are the spreadsheet's own (the header is usually row 1), or the 1-based position in a
JSON list, so a clerk finds a reported row where the file shows it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any
from xml.parsers import expat

from lastmile.core.errors import DomainError

from .conf import filing_setting
from .error_codes import FilingErrorCode

__all__ = [
    "OverlongCell",
    "ParsedSheet",
    "ReadLimits",
    "TooManyRows",
    "UnreadableFile",
    "UploadTooLarge",
    "cell_text",
    "read_csv",
    "read_json_rows",
    "read_upload",
    "read_xlsx",
    "upload_check",
    "xlsx_check",
]


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


# --- XLSX: the container ----------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f}"


def xlsx_check(fh: IO[bytes], limits: ReadLimits | None = None) -> zipfile.ZipFile:
    """Open the XLSX container reading only its directory, and refuse it unless it is safe to
    inflate: at most ``max_members`` parts, no ZIP64, declared sizes within the caps. The sizes
    are those of the central directory; ``zipfile`` never inflates a part beyond its declared
    size and refuses a part whose CRC does not match, so a directory that lies gets nothing."""
    limits = limits or read_limits()
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    tail_len = min(size, _EOCD_SIZE + 65_535)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise UnreadableFile("无法读取XLSX文件，请确认文件未损坏。")
    entries = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    if entries == 0xFFFF or tail.rfind(_ZIP64_LOCATOR, 0, at) >= 0:
        raise UploadTooLarge("XLSX文件使用了超大文件格式（ZIP64），无法受理，请拆分后提交。")
    if entries > limits.max_members:
        raise UploadTooLarge(
            f"XLSX文件包含{entries}个部件（上限{limits.max_members}个），疑似压缩炸弹，已拒收。",
            details={"members": entries, "max_members": limits.max_members},
        )
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            "无法读取XLSX文件，请确认文件未损坏。", details={"error": str(exc)[:200]}
        ) from None
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        zf.close()
        raise UploadTooLarge(
            f"XLSX文件解压后约{_megabytes(total)} MB，"
            f"超过上限{_megabytes(limits.max_uncompressed_bytes)} MB，疑似压缩炸弹，已拒收。",
            details={"uncompressed_bytes": total, "max_uncompressed_bytes": limits.max_uncompressed_bytes},
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            zf.close()
            raise UploadTooLarge(
                f"XLSX文件部件“{info.filename[:64]}”压缩比异常（{ratio:,.0f}倍，上限"
                f"{limits.max_compression_ratio}倍），疑似压缩炸弹，已拒收。",
                details={"member": info.filename[:64], "ratio": int(ratio)},
            )
        if info.flag_bits & 0x1:
            zf.close()
            raise UnreadableFile("XLSX文件已加密，请取消密码保护后再上传。")
    if "xl/workbook.xml" not in zf.NameToInfo:
        zf.close()
        raise UnreadableFile("文件不是有效的XLSX表格（缺少工作簿），请另存为XLSX格式。")
    return zf


# --- XLSX: the parts --------------------------------------------------------------------------


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _refuse_dtd(*_args: Any) -> None:
    raise UnreadableFile("XLSX文件含有文档类型声明（DTD），无法受理。")


def _expat(
    start: Callable[[str, dict[str, str]], None], end: Callable[[str], None], text: Callable[[str], None]
) -> Any:
    """An expat parser that refuses any DTD (so no entity can expand) and calls back per event."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    parser.buffer_size = 65_536
    return parser


def _parse_part(
    zf: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] = lambda _t: None,
) -> Iterator[None]:
    """Feed a part to expat in 64 KiB pieces, yielding after each piece (the callers collect)."""
    parser = _expat(start, end, text)
    try:
        with zf.open(name) as part:
            while chunk := part.read(65_536):
                parser.Parse(chunk, False)
                yield None
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnreadableFile(
            "无法读取XLSX文件，请确认文件未损坏。", details={"error": f"{name}: {exc}"[:200]}
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UnreadableFile(
            "无法读取XLSX文件，请确认文件未损坏。", details={"error": f"{name}: {exc}"[:200]}
        ) from None
    yield None


def _drain(gen: Iterator[None]) -> None:
    for _ in gen:
        pass


def _first_sheet_path(zf: zipfile.ZipFile) -> str:
    sheet_rid: list[str] = []
    targets: dict[str, str] = {}

    def wb_start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet" and not sheet_rid:
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            sheet_rid.append(rid)

    def rel_start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _drain(_parse_part(zf, "xl/workbook.xml", wb_start, lambda _n: None))
    if "xl/_rels/workbook.xml.rels" in zf.NameToInfo:
        _drain(_parse_part(zf, "xl/_rels/workbook.xml.rels", rel_start, lambda _n: None))
    target = targets.get(sheet_rid[0], "") if sheet_rid else ""
    if target:
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if path in zf.NameToInfo:
            return path
    if "xl/worksheets/sheet1.xml" in zf.NameToInfo:
        return "xl/worksheets/sheet1.xml"
    raise UnreadableFile("XLSX文件中没有工作表。")


def _date1904(zf: zipfile.ZipFile) -> bool:
    found = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "workbookPr" and attrs.get("date1904", "") in ("1", "true"):
            found[0] = True

    _drain(_parse_part(zf, "xl/workbook.xml", start, lambda _n: None))
    return found[0]


# Built-in number formats that show dates or times (ECMA-376 §18.8.30; 27–36 and 50–58 are the
# zh-CN built-ins such as yyyy"年"m"月").
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _is_date_format(code: str) -> bool:
    cleaned = _FORMAT_NOISE.sub("", code).lower()
    return any(ch in cleaned for ch in "ymdhs") and "general" not in cleaned


def _date_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of ``cellXfs`` whose number format is a date or time."""
    if "xl/styles.xml" not in zf.NameToInfo:
        return set()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    in_cell_xfs = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            in_cell_xfs[0] = True
        elif tag == "xf" and in_cell_xfs[0]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            in_cell_xfs[0] = False

    _drain(_parse_part(zf, "xl/styles.xml", start, end))
    return {
        i
        for i, fmt in enumerate(xfs)
        if (fmt in custom and _is_date_format(custom[fmt]))
        or (fmt not in custom and fmt in _BUILTIN_DATE_FORMATS)
    }


class _Text:
    """Character data of the current element, kept up to ``cap + 1`` characters and counted."""

    __slots__ = ("cap", "kept", "length", "parts")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.reset()

    def reset(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.length = 0

    def add(self, text: str) -> None:
        self.length += len(text)
        if self.kept <= self.cap:
            piece = text[: self.cap + 1 - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)

    def value(self, limits: ReadLimits) -> str:
        joined = "".join(self.parts)
        if self.length > limits.max_cell_chars:
            return OverlongCell(joined, self.length, limits.max_cell_chars)
        return joined


def _shared_strings(zf: zipfile.ZipFile, limits: ReadLimits) -> list[str]:
    name = next((n for n in zf.NameToInfo if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    strings: list[str] = []
    buf = _Text(limits.max_cell_chars)
    state = {"si": False, "t": False, "phonetic": 0}

    def start(tag: str, _attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            state["si"] = True
            buf.reset()
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and state["si"] and not state["phonetic"]:
            state["t"] = True

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "t":
            state["t"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            state["si"] = False
            if len(strings) >= limits.max_shared_strings:
                raise UploadTooLarge(
                    f"XLSX文件的共享字符串超过{limits.max_shared_strings}个，请拆分后提交。",
                    details={"max_shared_strings": limits.max_shared_strings},
                )
            strings.append(buf.value(limits))

    def text(data: str) -> None:
        if state["t"]:
            buf.add(data)

    _drain(_parse_part(zf, name, start, end, text))
    return strings


_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d+)$")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _excel_date(serial: float, date1904: bool) -> datetime | float:
    if not (0 <= serial < 2_958_466):  # 9999-12-31
        return serial
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    moment = epoch + timedelta(days=serial)
    # round to the second: the serial's fraction of a day is a binary double
    return moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1_000_000))


class _SheetReader:
    """Expat callbacks turning ``<row>``/``<c>`` events into (row number, cells) tuples.

    Written for speed (one call per XML event): local names and column letters are cached, and
    the text of the current ``<v>`` or ``<t>`` is kept up to the cell cap and counted."""

    def __init__(self, shared: list[str], date_styles: set[int], date1904: bool, limits: ReadLimits) -> None:
        self.shared = shared
        self.date_styles = date_styles
        self.date1904 = date1904
        self.limits = limits
        self.cap = limits.max_cell_chars
        self.done: list[tuple[int, list[Any]]] = []
        self.formulas: set[tuple[int, int]] = set()
        self.names: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        self.parts: list[str] = []
        self.kept = 0
        self.length = 0
        self.inline: list[str] = []
        self.inline_length = 0
        self.row_number = 0
        self.cells: dict[int, Any] = {}
        self.col = -1
        self.kind = "n"
        self.style = -1
        self.value: str | None = None
        self.capture = False
        self.phonetic = 0
        self.in_cell = False

    def _tag(self, name: str) -> str:
        tag = self.names.get(name)
        if tag is None:
            tag = self.names[name] = _local(name)
        return tag

    def _column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789").lstrip("$").rstrip("$")
        col = self.columns.get(letters)
        if col is None:
            col = _column_index(letters) if letters.isalpha() and len(letters) <= 4 else -1
            if len(self.columns) < 4096:
                self.columns[letters] = col
        return col

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self._tag(name)
        if tag == "c":
            self.in_cell = True
            ref = attrs.get("r")
            self.col = self._column(ref) if ref else self.col + 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else -1
            self.value = None
            self.inline = []
            self.inline_length = 0
        elif tag == "v" or (tag == "t" and self.in_cell and not self.phonetic):
            self.capture = True
            self.parts = []
            self.kept = self.length = 0
        elif tag == "row":
            r = attrs.get("r", "")
            self.row_number = int(r) if r.isdigit() else self.row_number + 1
            self.cells = {}
            self.col = -1
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "f" and self.in_cell:
            self.formulas.add((self.row_number, self.col))

    def _text_value(self) -> str:
        joined = "".join(self.parts)
        if self.length > self.cap:
            return OverlongCell(joined, self.length, self.cap)
        return joined

    def end(self, name: str) -> None:
        tag = self._tag(name)
        if tag == "c":
            self.in_cell = False
            if 0 <= self.col < self.limits.max_columns:
                self.cells[self.col] = self._cell()
        elif tag == "v" and self.capture:
            self.value = self._text_value()
            self.capture = False
        elif tag == "t" and self.capture:
            self.inline.append(str(self._text_value()))
            self.inline_length += self.length
            self.capture = False
        elif tag == "row":
            cells = self.cells
            width = max(cells, default=-1) + 1
            self.done.append((self.row_number, [cells.get(i) for i in range(width)]))
        elif tag == "rPh":
            self.phonetic -= 1

    def text(self, data: str) -> None:
        if self.capture:
            n = len(data)
            self.length += n
            if self.kept <= self.cap:
                if self.kept + n > self.cap + 1:
                    data = data[: self.cap + 1 - self.kept]
                self.parts.append(data)
                self.kept += len(data)

    def _cell(self) -> Any:
        kind, value = self.kind, self.value
        if kind == "inlineStr":
            return _capped_join(self.inline, self.inline_length, self.limits)
        if value is None:
            return None
        if kind == "s":
            try:
                return self.shared[int(value)]
            except (ValueError, IndexError):
                return ""
        if kind == "b":
            return value.strip() in ("1", "true")
        if kind in ("str", "e", "d"):
            return value
        try:
            number = float(value)
        except ValueError:
            return value
        if self.style in self.date_styles:
            return _excel_date(number, self.date1904)
        return number


def _capped_join(parts: list[str], length: int, limits: ReadLimits) -> str:
    joined = "".join(parts)
    if length > limits.max_cell_chars:
        return OverlongCell(joined, length, limits.max_cell_chars)
    return joined


def _xlsx_rows(zf: zipfile.ZipFile, path: str, reader: _SheetReader) -> Iterator[tuple[int, list[Any]]]:
    try:
        for _ in _parse_part(zf, path, reader.start, reader.end, reader.text):
            if reader.done:
                batch, reader.done = reader.done, []
                yield from batch
    finally:
        zf.close()


def read_xlsx(data: bytes | IO[bytes], limits: ReadLimits | None = None) -> ParsedSheet:
    """The first sheet of an XLSX, streamed row by row (see the module docstring for the caps)."""
    limits = limits or read_limits()
    fh = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    zf = xlsx_check(fh, limits)
    try:
        path = _first_sheet_path(zf)
        reader = _SheetReader(_shared_strings(zf, limits), _date_styles(zf), _date1904(zf), limits)
    except BaseException:
        zf.close()
        raise
    return _sheet(_xlsx_rows(zf, path, reader), limits, reader.formulas)


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


# --- JSON -------------------------------------------------------------------------------------


def read_json_rows(items: Sequence[dict[str, Any]], limits: ReadLimits | None = None) -> ParsedSheet:
    limits = limits or read_limits()
    if len(items) > limits.max_rows:
        raise TooManyRows(
            f"单批最多{limits.max_rows}行，请拆分后提交。", details={"max_rows": limits.max_rows}
        )
    headers: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            raise UnreadableFile("rows 应为对象数组。")
        for key in item:
            if key not in seen:
                seen.add(key)
                headers.append(str(key))
                if len(headers) > limits.max_columns:
                    raise UnreadableFile(f"数据行的字段超过{limits.max_columns}个。")

    def cell(value: Any) -> Any:
        return _capped(value, limits) if isinstance(value, str) else value

    rows = [(i, [cell(item.get(h)) for h in headers]) for i, item in enumerate(items, start=1)]
    return ParsedSheet(headers=headers, header_row=0, rows=rows)


# --- any upload -------------------------------------------------------------------------------


def sniff_kind(filename: str, data: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` from the content (a ZIP is an XLSX), else the extension."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    name = filename.lower()
    if name.endswith((".xls", ".xlsx", ".xlsm", ".et")):
        raise UnreadableFile("仅支持XLSX和CSV文件，请将表格另存为XLSX格式。")
    return "csv"


def upload_check(kind: str, data: bytes, limits: ReadLimits | None = None) -> None:
    """The cheap check of an upload in the request, before it is stored: an XLSX's directory
    (:func:`xlsx_check`; nothing is inflated). Parsing is the worker's."""
    if kind == "xlsx":
        xlsx_check(io.BytesIO(data), limits).close()


def read_upload(filename: str, data: bytes | IO[bytes]) -> tuple[str, ParsedSheet]:
    head = data[:4] if isinstance(data, bytes | bytearray) else _peek(data)
    kind = sniff_kind(filename, bytes(head))
    return kind, (read_xlsx(data) if kind == "xlsx" else read_csv(data))


def _peek(fh: IO[bytes]) -> bytes:
    fh.seek(0)
    head = fh.read(4)
    fh.seek(0)
    return head
