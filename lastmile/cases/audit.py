"""The hash chain behind every court's case timeline."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def to_json_data(value: Any) -> Any:
    """Plain JSON (Decimals and dates as strings), exactly as it will read back from the DB."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_digest(
    *,
    prev_hash: str,
    court_code: str,
    chain_index: int,
    case_id: int | None,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    kind: str,
    summary: str,
    data: Any,
    legal_basis: Any,
) -> str:
    payload = json.dumps(
        {
            "court": court_code,
            "index": chain_index,
            "case": case_id,
            "at": occurred_at,
            "actor": actor_id,
            "actor_label": actor_label,
            "kind": kind,
            "summary": summary,
            "data": data,
            "basis": legal_basis,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def canonical_time(dt: Any) -> str:
    """Timestamps hash as UTC ISO strings with microseconds, whatever the DB's timezone."""
    from datetime import UTC

    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainBreak:
    court_code: str
    chain_index: int
    event_id: int
    reason: str

    def __str__(self) -> str:
        return (
            f"法院 {self.court_code} 审计链第 {self.chain_index} 条（事件ID {self.event_id}）"
            f"校验失败：{self.reason}"
        )
