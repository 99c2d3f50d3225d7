"""The error codes of the ledger (执行款). The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class LedgerErrorCode(StrEnum):
    LPR_UNAVAILABLE = "lpr_unavailable"
