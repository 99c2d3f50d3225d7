"""Writes of service (送达), one module per family of acts: :mod:`.electronic` (CPL 2023 art. 90),
:mod:`.methods` (direct, 留置, mail, 委托, 转交 and public notice: arts. 87–95) and :mod:`.batch`
(many orders in one action). Callers import from here."""

from __future__ import annotations

from .batch import (
    BatchReport,
    BatchRow,
    ResultRow,
    mail_receipts_parse,
    service_batch_dispatch,
    service_batch_results_record,
    service_batch_start,
)
from .common import (
    BASIS_E_SERVICE,
    BASIS_E_SERVICE_DATE,
    BASIS_PUBLIC_NOTICE,
    PUBLIC_NOTICE_DAYS,
    SERVICE_CAPABILITY,
    SERVING_CAPABILITIES,
    service_actor_check,
)
from .electronic import (
    address_counts_on_arrival,
    served_moment,
    service_dispatch,
    service_receipt_record,
)
from .methods import (
    AttemptResult,
    AttemptStart,
    attempt_result_problems,
    attempt_start_problems,
    public_notice_grounds,
    recipient_address,
    served_on_for,
    service_attempt_result_record,
    service_attempt_start,
    service_public_notice,
    service_public_notice_request,
    service_receipt_issue,
    service_sweep,
)

__all__ = [
    "BASIS_E_SERVICE",
    "BASIS_E_SERVICE_DATE",
    "BASIS_PUBLIC_NOTICE",
    "PUBLIC_NOTICE_DAYS",
    "SERVICE_CAPABILITY",
    "SERVING_CAPABILITIES",
    "AttemptResult",
    "AttemptStart",
    "BatchReport",
    "BatchRow",
    "ResultRow",
    "address_counts_on_arrival",
    "attempt_result_problems",
    "attempt_start_problems",
    "mail_receipts_parse",
    "public_notice_grounds",
    "recipient_address",
    "served_moment",
    "served_on_for",
    "service_actor_check",
    "service_attempt_result_record",
    "service_attempt_start",
    "service_batch_dispatch",
    "service_batch_results_record",
    "service_batch_start",
    "service_dispatch",
    "service_public_notice",
    "service_public_notice_request",
    "service_receipt_issue",
    "service_receipt_record",
    "service_sweep",
]
