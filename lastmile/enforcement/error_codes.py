"""The error codes of enforcement cases (执行案件). The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class EnforcementErrorCode(StrEnum):
    INVALID_FILING = "invalid_filing"
