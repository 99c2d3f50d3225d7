"""The error codes of the ledger (执行款). The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class LedgerErrorCode(StrEnum):
    LPR_UNAVAILABLE = "lpr_unavailable"
    PAYOUT_EXCEEDS_OWED = "payout_exceeds_owed"
    PAUSE_REQUESTED_BY_DEBTOR = "pause_requested_by_debtor"
    DEBTOR_LEGAL_FORM_UNKNOWN = "debtor_legal_form_unknown"
    PAYEE_ACCOUNT_MISSING = "payee_account_missing"
