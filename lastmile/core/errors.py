"""Domain errors with stable machine codes and clerk-readable Chinese messages.

Every error a service raises on purpose is a :class:`DomainError`. The API layer maps
``code`` to a response and shows ``message`` to the user; ``details`` carries structured
context (e.g. the unmet conditions of :class:`ConditionsNotMet`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    """A business rule refused the operation.

    ``code`` is a stable identifier for programs; ``message`` is Chinese text a court clerk
    understands; ``details`` is optional structured context (JSON-serialisable).
    """

    code: str = "domain_error"

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
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def as_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready mapping: ``{"code", "message", "details"}``."""
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidIdentifier(DomainError):
    """A resident ID, credit code, plate or case number is malformed."""

    code = "invalid_identifier"


class InvalidAmount(DomainError):
    """A money amount cannot be read or is not allowed."""

    code = "invalid_amount"


class HolidayScheduleMissing(DomainError):
    """The State Council holiday schedule for a year is not loaded, so periods cannot be
    computed (CPL 2023 art. 85 needs to know which days are statutory holidays)."""

    code = "holiday_schedule_missing"


class PermissionDenied(DomainError):
    """The user may not perform this action."""

    code = "permission_denied"


class NotFound(DomainError):
    """The object does not exist or is not visible to the user."""

    code = "not_found"


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action."""

    code = "invalid_transition"


class ConditionsNotMet(DomainError):
    """Legal preconditions for an action are not satisfied.

    ``unmet`` lists the unmet conditions (short Chinese descriptions or stable keys); they
    are also stored in ``details["unmet"]``.
    """

    code = "conditions_not_met"

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

    code = "conflict"


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one JSON shape of every API error: ``{"code", "message", "details"}``.

    Used for errors that are not :class:`DomainError` too (a malformed request, a body too large,
    an unknown path, the last-resort ``internal_error``), so a client always finds a ``code``.
    """
    return {"code": code, "message": message, "details": dict(details) if details else {}}
