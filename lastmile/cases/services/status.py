"""Moving a case between statuses, with its event, on the locked row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Least

from lastmile.accounts.models import User
from lastmile.core.errors import InvalidTransition
from lastmile.core.legal import LegalBasis

from ..kinds import EventKind
from ..models import (
    Case,
    CaseStatus,
)
from .chain import case_event_record


def case_lock(case: Case) -> Case:
    """Re-read the case with a row lock; state checks are made on the locked row."""
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_status_change(
    *,
    case: Case,
    allowed_from: Iterable[str],
    to_status: str,
    kind: EventKind,
    summary: str,
    actor: User | None,
    now: datetime,
    legal_basis: LegalBasis | None = None,
    data: dict[str, Any] | None = None,
    closing_method: str | None = None,
    filed_at: datetime | None = None,
) -> Case:
    """Move a case from one of ``allowed_from`` to ``to_status`` and record why; ``filed_at``
    (立案时间) is set with the move when given (an application accepted and filed).

    Refused moves raise :class:`InvalidTransition` and change nothing.
    """
    locked = case_lock(case)
    allowed = set(allowed_from)
    if locked.status not in allowed:
        raise InvalidTransition(
            f"案件当前状态为“{locked.get_status_display()}”，不能执行该操作。",
            details={"status": locked.status, "to": to_status},
        )
    previous = locked.status
    locked.status = to_status
    fields = ["status"]
    if to_status == CaseStatus.CLOSED:
        locked.closed_at = now
        locked.closing_method = closing_method or ""
        fields += ["closed_at", "closing_method"]
    elif previous == CaseStatus.CLOSED:
        locked.closed_at = None
        locked.closing_method = ""
        fields += ["closed_at", "closing_method"]
    if filed_at is not None:
        locked.filed_at = filed_at
        fields.append("filed_at")
    locked.save(update_fields=fields)
    case_event_record(
        case=locked,
        kind=kind,
        summary=summary,
        actor=actor,
        now=now,
        data={"from": previous, "to": to_status, **(data or {})},
        legal_basis=legal_basis,
    )
    case.refresh_from_db()
    return locked


def case_time_limit_end_set(*, case: Case, ends_on: date | None) -> None:
    """Keep the copy of the time limit's nominal last day on the case (``Case.time_limit_ends_on``;
    审限规定 2000 art. 5). Called by the app that owns the time limit (enforcement) whenever its
    first day or an extension changes; one column written, nothing else touched."""
    Case.objects.filter(pk=case.pk).update(time_limit_ends_on=ends_on)
    case.time_limit_ends_on = ends_on


def case_time_limit_first_pause_set(*, case: Case, started_on: date) -> None:
    """Keep the copy of the first day of the case's earliest excluded period on the case
    (``Case.time_limit_first_pause_on``; 审限规定 2000 art. 9): ``started_on`` is the first day of
    one more excluded period, and the copy becomes the earlier of it and the one kept. Called by the
    app that owns the excluded periods (enforcement) whenever it records one; one statement, one
    column."""
    day = Value(started_on)
    Case.objects.filter(pk=case.pk).update(
        time_limit_first_pause_on=Least(Coalesce("time_limit_first_pause_on", day), day)
    )
    kept = case.time_limit_first_pause_on
    case.time_limit_first_pause_on = started_on if kept is None else min(kept, started_on)


def case_enforcement_track_set(*, case: Case, track: str) -> None:
    """Keep the copy of the enforcement triage track on the case (``Case.enforcement_track``).
    Called by the app that owns the track (enforcement) wherever it sets or changes it; one column
    written, nothing else touched."""
    Case.objects.filter(pk=case.pk).update(enforcement_track=track)
    case.enforcement_track = track
