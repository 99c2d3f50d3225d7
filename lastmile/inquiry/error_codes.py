"""The error codes of the inquiry inbox: what the institution endpoint answers a message it
refuses (401 for a signature, 400 for a malformed message). The values are the wire format the
institutions' systems act on."""

from __future__ import annotations

from enum import StrEnum


class InquiryErrorCode(StrEnum):
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    UNKNOWN_INSTITUTION = "unknown_institution"
    BAD_REQUEST = "bad_request"
