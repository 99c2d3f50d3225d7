"""The error codes of service (送达). The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class ServiceErrorCode(StrEnum):
    METHOD_INVALID = "service_method_invalid"
    ALREADY_SERVED = "service_already_served"
    IN_NOTICE = "service_in_notice"
    ATTEMPT_PENDING = "service_attempt_pending"
    ADDRESS_MISSING = "service_address_missing"
    TRACKING_INVALID = "service_tracking_invalid"
    TRACKING_DUPLICATE = "service_tracking_duplicate"
    TRACKING_UNKNOWN = "service_tracking_unknown"
    AGENCY_MISSING = "service_agency_missing"
    TRANSFER_VIA_INVALID = "service_transfer_via_invalid"
    RESULT_RECORDED = "service_result_recorded"
    OUTCOME_INVALID = "service_outcome_invalid"
    DATE_MISSING = "service_date_missing"
    DATE_INVALID = "service_date_invalid"
    DATE_BEFORE_SENT = "service_date_before_sent"
    DATE_IN_FUTURE = "service_date_in_future"
    SIGNER_MISSING = "service_signer_missing"
    RELATION_INVALID = "service_relation_invalid"
    LEFT_NOT_ALLOWED = "service_left_not_allowed"
    REFUSAL_MISSING = "service_refusal_missing"
    WITNESS_MISSING = "service_witness_missing"
    FAILURE_MISSING = "service_failure_missing"
    NOTICE_NO_GROUNDS = "service_public_notice_no_grounds"
    NOTICE_VIA_TRIAL = "service_public_notice_via_trial"
    ORDER_UNKNOWN = "service_order_unknown"
    ROW_DUPLICATE = "service_row_duplicate"
    BATCH_EMPTY = "service_batch_empty"
    BATCH_TOO_LARGE = "service_batch_too_large"
    BATCH_INVALID = "service_batch_invalid"
