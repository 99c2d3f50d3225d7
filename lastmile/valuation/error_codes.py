"""Error codes of the reference-price procedure (the API answers them; pages show the message)."""

from __future__ import annotations

from enum import StrEnum


class ValuationErrorCode(StrEnum):
    METHOD_NOT_AVAILABLE = "valuation_method_not_available"
    AGREEMENT_MISMATCH = "valuation_agreement_mismatch"
    ALREADY_OPEN = "valuation_already_open"
    NOT_OPEN = "valuation_not_open"
    FIRMS_INVALID = "valuation_firms_invalid"
    EXTENSION_REFUSED = "valuation_extension_refused"
    OBJECTION_NOT_ACCEPTED = "valuation_objection_not_accepted"
    OBJECTION_LATE = "valuation_objection_late"
    OBJECTION_DECIDED = "valuation_objection_decided"
