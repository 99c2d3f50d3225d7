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

from .common import (
    OverlongCell,
    ParsedSheet,
    ReadLimits,
    TooManyRows,
    UnreadableFile,
    UploadTooLarge,
    cell_text,
    read_limits,
)
from .container import xlsx_check
from .csv_file import decode_text, read_csv
from .json_rows import read_json_rows
from .upload import read_upload, sniff_kind, upload_check
from .xlsx import read_xlsx

__all__ = [
    "OverlongCell",
    "ParsedSheet",
    "ReadLimits",
    "TooManyRows",
    "UnreadableFile",
    "UploadTooLarge",
    "cell_text",
    "decode_text",
    "read_csv",
    "read_json_rows",
    "read_limits",
    "read_upload",
    "read_xlsx",
    "sniff_kind",
    "upload_check",
    "xlsx_check",
]
