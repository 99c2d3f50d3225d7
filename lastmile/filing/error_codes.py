"""The error codes of bulk filing (立案).

:class:`FilingErrorCode` are the codes a refused submission answers with (the ``code`` of the
API's error body); :class:`RowErrorCode` are the codes of one row's problems in a batch's error
report (``{field, column, code, message}``), which a bank reads to correct its spreadsheet.
The values are the wire format and never change once published.
"""

from __future__ import annotations

from enum import StrEnum


class FilingErrorCode(StrEnum):
    BATCH_ID_CONFLICT = "batch_id_conflict"
    BATCH_REFUSED = "batch_refused"
    COURT_NOT_ALLOWED = "court_not_allowed"
    UNREADABLE_FILE = "unreadable_file"
    UPLOAD_TOO_LARGE = "upload_too_large"
    TOO_MANY_ROWS = "too_many_rows"


class RowErrorCode(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    FORMULA = "formula"
    INVALID_AMOUNT = "invalid_amount"
    AMOUNT_RANGE = "amount_range"
    INVALID_DATE = "invalid_date"
    DATE_FUTURE = "date_future"
    DATE_ORDER = "date_order"
    INVALID_RATE = "invalid_rate"
    RATE_RANGE = "rate_range"
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    INVALID_FLAG = "invalid_flag"
    INVALID_ID_TYPE = "invalid_id_type"
    INVALID_ID = "invalid_id"
    SAME_PARTY = "same_party"
    DUPLICATE_IN_BATCH = "duplicate_in_batch"
    DUPLICATE_FILED = "duplicate_filed"
    CREATE_FAILED = "create_failed"
