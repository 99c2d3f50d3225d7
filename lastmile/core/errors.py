"""Domain errors with stable machine codes and clerk-readable Chinese messages.

Every error a service raises on purpose is a :class:`DomainError`. The API layer answers with
the error's class's ``http_status`` (never looked up by code) and the body ``{"code", "message",
"details"}``: ``code`` is a member of an app's ``error_codes`` enum (the core's own are
:class:`~lastmile.core.error_codes.CoreErrorCode`), ``message`` is shown to the user, ``details``
carries structured context (e.g. the unmet conditions of :class:`ConditionsNotMet`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from lastmile.core.error_codes import CoreErrorCode


class DomainError(Exception):
    """A business rule refused the operation.

    ``code`` is a stable identifier for programs (a member of an app's error-code enum; a
    subclass names its default, a raise may name a more precise one); ``message`` is Chinese text
    a court clerk understands; ``details`` is optional structured context (JSON-serialisable).
    ``http_status`` is the status the API answers with: it belongs to the class, so a raise that
    names a more precise code keeps its class's status.
    """

    code: str = CoreErrorCode.DOMAIN_ERROR
    http_status: ClassVar[int] = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details) if details else {}

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={str(self.code)!r}, message={self.message!r})"

    def as_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready mapping: ``{"code", "message", "details"}``."""
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidIdentifier(DomainError):
    """A resident ID, credit code, plate or case number is malformed."""

    code: str = CoreErrorCode.INVALID_IDENTIFIER


class InvalidAmount(DomainError):
    """A money amount cannot be read or is not allowed."""

    code: str = CoreErrorCode.INVALID_AMOUNT


class HolidayScheduleMissing(DomainError):
    """The State Council holiday schedule for a year is not loaded, so periods cannot be
    computed (CPL 2023 art. 85 needs to know which days are statutory holidays)."""

    code: str = CoreErrorCode.HOLIDAY_SCHEDULE_MISSING


class PermissionDenied(DomainError):
    """The user may not perform this action."""

    code: str = CoreErrorCode.PERMISSION_DENIED
    http_status = 403


class NotFound(DomainError):
    """The object does not exist or is not visible to the user."""

    code: str = CoreErrorCode.NOT_FOUND
    http_status = 404


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action."""

    code: str = CoreErrorCode.INVALID_TRANSITION
    http_status = 409


class ConditionsNotMet(DomainError):
    """Legal preconditions for an action are not satisfied.

    ``unmet`` lists the unmet conditions (short Chinese descriptions or stable keys); they
    are also stored in ``details["unmet"]``.
    """

    code: str = CoreErrorCode.CONDITIONS_NOT_MET
    http_status = 409

    def __init__(
        self,
        message: str,
        *,
        unmet: Iterable[str] = (),
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        merged = dict(details) if details else {}
        merged["unmet"] = list(unmet) or list(merged.get("unmet", []))
        super().__init__(message, code=code, details=merged)

    @property
    def unmet(self) -> list[str]:
        return list(self.details["unmet"])


class Conflict(DomainError):
    """The action conflicts with the current data (duplicate, concurrent change)."""

    code: str = CoreErrorCode.CONFLICT
    http_status = 409


class PayloadTooLarge(DomainError):
    """The request carries more data than the operation takes."""

    code: str = CoreErrorCode.PAYLOAD_TOO_LARGE
    http_status = 413


class RateLimited(DomainError):
    """Too many requests from one client in the window; try again later."""

    code: str = CoreErrorCode.RATE_LIMITED
    http_status = 429


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one JSON shape of every API error: ``{"code", "message", "details"}``.

    Used for errors that are not :class:`DomainError` too (a malformed request, a body too large,
    an unknown path, the last-resort ``internal_error``), so a client always finds a ``code``.
    """
    return {"code": code, "message": message, "details": dict(details) if details else {}}
