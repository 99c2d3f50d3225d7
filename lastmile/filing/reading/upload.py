"""Any upload: its kind from the content, the cheap check in the request, the read in the worker."""

from __future__ import annotations

import io
from typing import IO

from .common import (
    ParsedSheet,
    ReadLimits,
    UnreadableFile,
)
from .container import xlsx_check
from .csv_file import read_csv
from .xlsx import read_xlsx

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
