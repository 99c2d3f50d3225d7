"""The XLSX parts, parsed by expat row by row from the ZIP stream."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import IO, Any
from xml.parsers import expat

from lastmile.core.inputs import int_or_none

from .common import (
    OverlongCell,
    ParsedSheet,
    ReadLimits,
    UnreadableFile,
    UploadTooLarge,
    _sheet,
    read_limits,
)
from .container import xlsx_check

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
            number = int_or_none(style) if style else None
            self.style = -1 if number is None else number
            self.value = None
            self.inline = []
            self.inline_length = 0
        elif tag == "v" or (tag == "t" and self.in_cell and not self.phonetic):
            self.capture = True
            self.parts = []
            self.kept = self.length = 0
        elif tag == "row":
            r = attrs.get("r", "")
            self.row_number = int_or_none(r) or self.row_number + 1
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
