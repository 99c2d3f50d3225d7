"""The error codes every app shares: those of the core's :mod:`lastmile.core.errors` classes and
those the HTTP layer answers for errors that are no :class:`~lastmile.core.errors.DomainError`
(a malformed request, a missing login, an unknown path, the last-resort ``internal_error``).

An app with codes of its own keeps them in its own ``error_codes`` module (one ``StrEnum`` per
app, as Saleor does). The values are the wire format: clients act on them, so a value never
changes once published.
"""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    DOMAIN_ERROR = "domain_error"
    INVALID_IDENTIFIER = "invalid_identifier"
    INVALID_AMOUNT = "invalid_amount"
    HOLIDAY_SCHEDULE_MISSING = "holiday_schedule_missing"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_TRANSITION = "invalid_transition"
    CONDITIONS_NOT_MET = "conditions_not_met"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    EXPORT_TOO_LARGE = "export_too_large"
    # Answered by the HTTP layer for what is no domain error.
    INVALID_REQUEST = "invalid_request"
    UNAUTHENTICATED = "unauthenticated"
    CSRF_FAILED = "csrf_failed"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HTTP_ERROR = "http_error"
    INTERNAL_ERROR = "internal_error"
    SERVICE_BUSY = "service_busy"
