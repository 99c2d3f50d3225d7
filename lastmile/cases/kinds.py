"""The typed kinds of the case core's two shared tables: audit events and deadlines.

Every app that records an event or opens a deadline declares its kinds once, as members of a
subclass of :class:`EventKind` or :class:`DeadlineKind` in its own ``kinds`` module (Zulip's
``AuditLogEventType`` is the model). The case core's writers accept only those members, so a
kind cannot be typed by hand, built from a format string or misspelt; the disclosure table
(:mod:`lastmile.cases.disclosure`) is checked against the union of all of them.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TypeVar

from django.db import models
from django.utils.module_loading import autodiscover_modules

K = TypeVar("K", bound=Enum)


class EventKind(StrEnum):
    """Base of every app's audit event kinds (value ``"<app>.<what happened>"``)."""

    @classmethod
    def all_kinds(cls) -> dict[str, EventKind]:
        """Every member of every subclass, in every installed app's ``kinds`` module."""
        return _members(cls)


class DeadlineKind(models.TextChoices):
    """Base of every app's deadline kinds, each with the label the workbench shows. A deadline
    that belongs to one row of its app (a clue to check, a freeze to renew) carries that row as
    its ``source``; the kind says what the duty is, never which row."""

    @classmethod
    def all_kinds(cls) -> dict[str, DeadlineKind]:
        return _members(cls)


def _members(base: type[K]) -> dict[str, K]:
    autodiscover_modules("kinds")  # every installed app's ``kinds`` module, once
    found: dict[str, K] = {}
    pending = list(base.__subclasses__())
    while pending:
        sub = pending.pop()
        pending.extend(sub.__subclasses__())
        if sub.__module__.startswith(("tests.", "lastmile.testing.")) or ".tests." in sub.__module__:
            continue  # a kind a test declares for itself is not the product's
        for member in sub:
            if member.value in found:
                raise ValueError(f"kind {member.value!r} declared twice")
            found[member.value] = member
    return found


class CasesEvent(EventKind):
    REGISTERED = "case.registered"


def require_kind(kind: object, base: type[StrEnum] | type[models.TextChoices]) -> None:
    """Refuse a kind that is not a declared member (a plain string, a formatted one)."""
    if not isinstance(kind, base) or type(kind) is base:
        raise TypeError(f"kind must be a member of a {base.__name__} subclass, not {kind!r}")
