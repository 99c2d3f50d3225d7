"""Clues about the debtor's assets and emergency actions on urgent clues. Requests to other
courts (委托执行, 协助执行) are in :mod:`.assistance`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_event_record, case_lock, deadline_complete, deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import Conflict, InvalidTransition
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent

from .. import rules
from ..models import Clue, ClueKind, ClueStatus, EmergencyAction
from .common import InvalidFiling, _guard


@transaction.atomic
def clue_submit(
    *,
    case: Case,
    kind: str,
    description: str,
    now: datetime,
    actor: User | None = None,
    submitted_by: str = "",
    location: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    seen_at: datetime | None = None,
    urgent: bool = False,
) -> Clue:
    """Register a clue about the debtor's assets or whereabouts (from the applicant, online with
    ``actor=None``, or typed in by staff). It must be checked within 7 days, or 3 if urgent
    (财产调查规定 2020 art. 2). A clue is accepted on an open case and on a case closed by 终本, where
    it may lead to resumption (终本规定 2016 art. 9)."""
    if kind not in ClueKind.values:
        raise InvalidFiling("线索类型不正确。")
    if not description.strip():
        raise InvalidFiling("请填写线索内容。")
    if not (submitted_by.strip() or actor is not None):
        raise InvalidFiling("请填写线索提供人。")
    status = case_lock(case).status
    action = "clue_after_zhongben" if status == CaseStatus.CLOSED else "clue"
    locked, _ec = _guard(case, action, actor)
    today = _today(now)
    due = rules.clue_check_due(today, urgent=urgent)
    clue = Clue.objects.create(
        case=locked,
        kind=kind,
        description=description.strip(),
        location=location.strip(),
        latitude=latitude,
        longitude=longitude,
        seen_at=seen_at,
        urgent=urgent,
        submitted_by=submitted_by.strip() or (actor.name if actor else ""),
        submitted_at=now,
        verify_due_on=due.day,
        verify_due_provisional=due.provisional,
    )
    deadline_open(
        case=locked,
        kind=EnforcementDeadline.CLUE_CHECK,
        source=clue,
        label=f"核查{'紧急' if urgent else ''}{clue.get_kind_display()}（{clue.description[:20]}）",
        starts_on=today,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=rules.BASIS_CLUE_CHECK,
        assignee=locked.officer,
    )
    case_event_record(
        case=locked,
        kind=EnforcementEvent.CLUE_SUBMITTED,
        summary=f"收到{'紧急' if urgent else ''}{clue.get_kind_display()}，{due.day:%Y-%m-%d}前核查"
        + (f"；地点：{clue.location}" if clue.location else ""),
        actor=actor,
        now=now,
        data={
            "clue": clue.pk,
            "urgent": urgent,
            "submitted_by": clue.submitted_by,
            "location": clue.location,
        },
        legal_basis=rules.BASIS_CLUE_CHECK,
    )
    return clue


@transaction.atomic
def clue_verify(*, clue: Clue, actor: User, now: datetime, valid: bool, note: str) -> Clue:
    """Record the result of checking a clue."""
    if not note.strip():
        raise InvalidFiling("请填写核查情况。")
    locked, _ec = _guard(clue.case, "clue_verify", actor)
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    if clue.status != ClueStatus.PENDING:
        raise InvalidTransition("该线索已经核查。")
    clue.status = ClueStatus.VALID if valid else ClueStatus.INVALID
    clue.verified_at = now
    clue.verified_by = actor
    clue.verification_note = note.strip()
    clue.save(update_fields=["status", "verified_at", "verified_by", "verification_note"])
    deadline_complete(case=locked, kind=EnforcementDeadline.CLUE_CHECK, source=clue, now=now)
    late = _today(now) > clue.verify_due_on
    case_event_record(
        case=locked,
        kind=EnforcementEvent.CLUE_VERIFIED,
        summary=f"线索核查{'属实' if valid else '不实'}：{note.strip()[:80]}"
        + ("（超过核查期限）" if late else ""),
        actor=actor,
        now=now,
        data={"clue": clue.pk, "valid": valid, "late": late},
        legal_basis=rules.BASIS_CLUE_CHECK,
    )
    return clue


@transaction.atomic
def emergency_action_open(
    *, clue: Clue, actor: User, now: datetime, team: str, planned_at: datetime
) -> EmergencyAction:
    """Open an emergency action (紧急行动) on an urgent clue, with its team and time."""
    if not team.strip():
        raise InvalidFiling("请填写出警人员。")
    locked, _ec = _guard(clue.case, "emergency", actor)
    if not clue.urgent:
        raise InvalidTransition("只有紧急线索可以启动紧急行动。")
    if EmergencyAction.objects.filter(clue=clue, closed_at__isnull=True).exists():
        raise Conflict("该线索已有进行中的紧急行动。")
    action = EmergencyAction.objects.create(
        case=locked, clue=clue, team=team.strip(), planned_at=planned_at, opened_by=actor, opened_at=now
    )
    case_event_record(
        case=locked,
        kind=EnforcementEvent.EMERGENCY_OPENED,
        summary=f"启动紧急行动：{team.strip()}，{timezone.localtime(planned_at):%Y-%m-%d %H:%M}"
        + (f"前往{clue.location}" if clue.location else ""),
        actor=actor,
        now=now,
        data={"action": action.pk, "clue": clue.pk},
    )
    return action


@transaction.atomic
def emergency_action_close(
    *, action: EmergencyAction, actor: User, now: datetime, outcome: str
) -> EmergencyAction:
    if not outcome.strip():
        raise InvalidFiling("请填写行动结果。")
    locked, _ec = _guard(action.case, "emergency", actor)
    action = EmergencyAction.objects.select_for_update().get(pk=action.pk)
    if action.closed_at is not None:
        raise InvalidTransition("该紧急行动已经结束。")
    action.closed_at = now
    action.outcome = outcome.strip()
    action.save(update_fields=["closed_at", "outcome"])
    case_event_record(
        case=locked,
        kind=EnforcementEvent.EMERGENCY_CLOSED,
        summary=f"紧急行动结束：{action.outcome[:100]}",
        actor=actor,
        now=now,
        data={"action": action.pk},
    )
    return action
