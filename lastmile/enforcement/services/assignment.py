"""Changing a case's triage track or its officer by hand (改变繁简分流、变更承办人).

Triage and the first assignment are automatic (:mod:`.triage`). Whoever dispatches the court's
enforcement work (``enforcement.dispatch``: the 执行局长 / 院领导 and the command center) may
move a case to the other track or give it to another officer, never without a reason: the case
keeps an event with the old value, the new value, who and why, and the open deadlines follow the
new officer. This is the court's internal supervision of how cases are shared (no statutory
article fixes it; docs/law.md "Triage and assignment").
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import Team, TeamKind, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_assign, case_enforcement_track_set, case_event_record
from lastmile.core.errors import InvalidTransition
from lastmile.enforcement.kinds import EnforcementEvent

from ..models import EnforcementCase, Track
from .common import ENFORCEMENT_ROLES, InvalidFiling
from .triage import _assign

#: The tracks a case may be moved to by hand (``pending`` is only the state before triage).
CHOSEN_TRACKS = (Track.FAST, Track.COMPLEX)


def assignable_officers(*, case: Case) -> list[User]:
    """The active enforcement officers of the case's court, the ones a case may be given to."""
    return list(
        User.objects.filter(court_id=case.court_id, is_active=True, role__in=ENFORCEMENT_ROLES).order_by(
            "team_id", "username"
        )
    )


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    actor: User,
    now: datetime,
    reason: str,
    track: str | None = None,
    officer: User | None = None,
) -> EnforcementCase:
    """Move ``case`` to ``track`` and/or give it to ``officer``, with ``reason`` on the record.

    Refused (nothing written) without ``enforcement.dispatch`` in the case's court, without a
    reason, for a closed case, for an unknown track, for an officer who is not an active
    enforcement officer of the court, or when nothing would change. A new track without a named
    officer sends the case to the least loaded officer of that track's team, as at filing."""
    require(actor, "enforcement.dispatch", court=case.court)
    reason = reason.strip()
    if not reason:
        raise InvalidFiling("改变分流或承办人须写明理由。")
    ec = EnforcementCase.objects.select_for_update().select_related("case").filter(pk=case.pk).first()
    if ec is None:
        raise InvalidFiling("该案件不是执行实施案件。")
    locked = ec.case
    if locked.status == CaseStatus.CLOSED:
        raise InvalidTransition("案件已结案，不能改变分流或承办人。")
    if track is not None and track not in CHOSEN_TRACKS:
        raise InvalidFiling("分流只能是快执或精执。", details={"track": track})
    if officer is not None and not (
        officer.is_active and officer.court_id == locked.court_id and officer.role in ENFORCEMENT_ROLES
    ):
        raise InvalidFiling("只能指定本院在职的执行人员为承办人。", details={"officer": officer.pk})
    track_changes = track is not None and track != ec.track
    officer_changes = officer is not None and officer.pk != locked.officer_id
    if not track_changes and not officer_changes:
        raise InvalidFiling("分流和承办人与现状相同，无需变更。")
    if track_changes:
        assert track is not None
        old_track = ec.track
        old_label = ec.get_track_display()
        ec.track = track
        ec.save(update_fields=["track"])
        case_enforcement_track_set(case=locked, track=ec.track)
        case_event_record(
            case=locked,
            kind=EnforcementEvent.TRACK_CHANGED,
            summary=f"改变繁简分流：{old_label} → {ec.get_track_display()}（理由：{reason}）",
            actor=actor,
            now=now,
            data={"old": old_track, "new": track, "reason": reason},
        )
    if officer_changes:
        assert officer is not None
        _officer_change(case=locked, officer=officer, actor=actor, now=now, reason=reason)
    elif track_changes:
        old_officer = locked.officer
        chosen = _assign(case=locked, track=ec.track, actor=actor, now=now)
        _officer_event(case=locked, old=old_officer, new=chosen, actor=actor, now=now, reason=reason)
    case.refresh_from_db()
    return ec


def _officer_change(*, case: Case, officer: User, actor: User, now: datetime, reason: str) -> None:
    old = case.officer
    team = officer.team if officer.team_id else _track_team(case)
    case_assign(case=case, officer=officer, team=team, deadlines=True)
    _officer_event(case=case, old=old, new=officer, actor=actor, now=now, reason=reason)


def _track_team(case: Case) -> Team | None:
    ec = EnforcementCase.objects.get(pk=case.pk)
    kind = TeamKind.COMPLEX if ec.track == Track.COMPLEX else TeamKind.FAST_TRACK
    return Team.objects.filter(court_id=case.court_id, kind=kind).order_by("id").first()


def _officer_event(
    *, case: Case, old: User | None, new: User | None, actor: User, now: datetime, reason: str
) -> None:
    def name(u: User | None) -> str:
        return u.name if u is not None else "（无）"

    case_event_record(
        case=case,
        kind=EnforcementEvent.REASSIGNED,
        summary=f"变更承办人：{name(old)} → {name(new)}（理由：{reason}）",
        actor=actor,
        now=now,
        data={"old": old.pk if old else None, "new": new.pk if new else None, "reason": reason},
    )
