"""Dated duties on a case: open, list, complete and cancel (kinds in each app's ``kinds`` module)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from lastmile.accounts.models import User
from lastmile.core.db import bulk_cursor
from lastmile.core.legal import LegalBasis

from ..kinds import DeadlineKind, require_kind
from ..models import (
    Case,
    Deadline,
)


def _source_filter(source: models.Model | None) -> dict[str, Any]:
    if source is None:
        return {}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}


def deadline_open(
    *,
    case: Case,
    kind: DeadlineKind,
    label: str,
    starts_on: date,
    due_on: date,
    source: models.Model | None = None,
    legal_basis: LegalBasis | None = None,
    assignee: User | None = None,
    provisional: bool = False,
) -> Deadline:
    """Track a dated duty on a case; compute ``due_on`` with :mod:`lastmile.core.periods`
    (``period_end_provisional`` gives ``provisional`` for years not yet scheduled). A duty about
    one row of the owning app (a clue, a freeze) names that row as ``source``."""
    require_kind(kind, DeadlineKind)
    return Deadline.objects.create(
        provisional=provisional,
        court=case.court,
        case=case,
        kind=kind,
        **_source_filter(source),
        label=label,
        starts_on=starts_on,
        due_on=due_on,
        legal_basis=legal_basis.as_dict() if legal_basis else {},
        assignee=assignee or case.officer,
    )


def deadlines_open(
    *, case: Case, kind: DeadlineKind | None = None, source: models.Model | None = None
) -> models.QuerySet[Deadline]:
    """The case's open deadlines, of ``kind`` and about ``source`` when given."""
    qs = Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True)
    if kind is not None:
        require_kind(kind, DeadlineKind)
        qs = qs.filter(kind=kind)
    return qs.filter(**_source_filter(source))


def deadline_complete(
    *, case: Case, kind: DeadlineKind, source: models.Model | None = None, now: datetime
) -> int:
    """Mark the open deadlines of ``kind`` (about ``source`` when given) on ``case`` done;
    returns how many."""
    return deadlines_open(case=case, kind=kind, source=source).update(done_at=now)


def deadline_cancel(
    *,
    case: Case,
    kinds: Iterable[DeadlineKind] | None = None,
    source: models.Model | None = None,
    now: datetime,
) -> int:
    """Cancel the case's open deadlines (of ``kinds``, about ``source``, when given)."""
    qs = deadlines_open(case=case, source=source)
    if kinds is not None:
        kinds = list(kinds)
        for kind in kinds:
            require_kind(kind, DeadlineKind)
        qs = qs.filter(kind__in=kinds)
    return qs.update(cancelled_at=now)


@dataclass(frozen=True)
class DeadlineOpening:
    """One deadline for :func:`deadline_open_many` (the arguments of :func:`deadline_open`)."""

    case: Case
    kind: DeadlineKind
    label: str
    starts_on: date
    due_on: date
    legal_basis: LegalBasis | None = None
    provisional: bool = False


def deadline_open_many(*, openings: Sequence[DeadlineOpening]) -> int:
    """:func:`deadline_open` for many cases at once (a batch import): one insert; returns how many
    were opened. Each deadline goes to its case's officer, as :func:`deadline_open` does. On
    PostgreSQL the columns go as arrays bound on the server in binary
    (:func:`lastmile.core.db.bulk_cursor`), each legal basis serialised once, instead of Django's
    ``bulk_create`` quoting every value into the SQL text."""
    for o in openings:
        require_kind(o.kind, DeadlineKind)
    if not openings:
        return 0
    if connection.vendor != "postgresql":
        return len(
            Deadline.objects.bulk_create(
                [
                    Deadline(
                        provisional=o.provisional,
                        court_id=o.case.court_id,
                        case=o.case,
                        kind=o.kind,
                        label=o.label,
                        starts_on=o.starts_on,
                        due_on=o.due_on,
                        legal_basis=o.legal_basis.as_dict() if o.legal_basis else {},
                        assignee_id=o.case.officer_id,
                    )
                    for o in openings
                ],
                batch_size=1000,
            )
        )
    basis_json: dict[int, str] = {}  # id of the LegalBasis -> its JSON (a batch shares a few)
    bases: list[str] = []
    for o in openings:
        key = id(o.legal_basis)
        if key not in basis_json:
            basis_json[key] = json.dumps(o.legal_basis.as_dict() if o.legal_basis else {})
        bases.append(basis_json[key])
    arrays = [
        [o.case.court_id for o in openings],
        [o.case.pk for o in openings],
        [str(o.kind) for o in openings],
        [o.label for o in openings],
        [o.starts_on for o in openings],
        [o.due_on for o in openings],
        [o.provisional for o in openings],
        bases,
        [o.case.officer_id for o in openings],
    ]
    table = connection.ops.quote_name(Deadline._meta.db_table)
    with bulk_cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (court_id, case_id, kind, label, starts_on, due_on, provisional, "  # noqa: S608
            "legal_basis, assignee_id) SELECT c, k, t, l, s, d, p, b::jsonb, a FROM unnest("
            "%b::bigint[], %b::bigint[], %b::text[], %b::text[], %b::date[], %b::date[], %b::boolean[], "
            "%b::text[], %b::bigint[]) AS x(c, k, t, l, s, d, p, b, a)",
            arrays,
        )
    return len(openings)


def deadlines_open_of_cases(*, case_ids: Iterable[int], kind: DeadlineKind) -> models.QuerySet[Deadline]:
    """The open deadlines of ``kind`` of many cases (:func:`deadlines_open` for a batch)."""
    require_kind(kind, DeadlineKind)
    return Deadline.objects.filter(
        case_id__in=list(case_ids), kind=kind, done_at__isnull=True, cancelled_at__isnull=True
    )
