"""JSON rows (the API): a list of objects keyed by the headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .common import (
    ParsedSheet,
    ReadLimits,
    TooManyRows,
    UnreadableFile,
    _capped,
    read_limits,
)

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
