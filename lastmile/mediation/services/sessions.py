"""Assignment to a mediator and online sessions, inside the 30-day mediation period from acceptance
(在线调解规则 2021 art. 24)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import (
    case_event_record,
    case_status_change,
    deadline_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, PermissionDenied
from lastmile.core.periods import period_end_provisional
from lastmile.filing.conf import filing_setting
from lastmile.mediation.kinds import MediationDeadline, MediationEvent
from lastmile.service.conf import court_cases_setting

from ..models import (
    Mediation,
    MediationSession,
    MediationStatus,
)
from .common import BASIS_MEDIATION_PERIOD, _lock, _require_mediator


@transaction.atomic
def mediation_assign(*, cases: Sequence[Case], mediator: User, actor: User, now: datetime) -> list[Mediation]:
    """Give 民诉前调 cases to a mediator. Acceptance is today; the mediation period is 30 days from
    it (在线调解规则 2021 art. 24; extendable by consent, not modelled). All or nothing: a case of
    another court, of another type, not in 已立案 or already assigned refuses the whole call."""
    if not (actor_can(actor, "mediation.work") or actor_can(actor, "filing.batch")):
        raise PermissionDenied("您没有分派调解案件的权限。", details={"capability": "mediation.work"})
    if not actor_can(mediator, "mediation.work") or mediator.court_id != actor.court_id:
        raise PermissionDenied("只能分派给本院的调解员。", details={"mediator": mediator.pk})
    type_code = str(filing_setting("CASE_TYPE_CODE"))
    fresh = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases])}
    cases = [fresh[c.pk] for c in cases if c.pk in fresh]
    problems = []
    for case in cases:
        if case.court_id != actor.court_id:
            problems.append(f"{case.number}不是本院案件")
        elif case.type_code != type_code:
            problems.append(f"{case.number}不是诉前调解案件")
        elif case.status != CaseStatus.FILED or Mediation.objects.filter(case=case).exists():
            problems.append(f"{case.number}已分派或不在待调解状态")
    if problems:
        raise ConditionsNotMet("以下案件不能分派：" + "；".join(problems[:20]), unmet=problems)
    accepted = _today(now)
    days = int(court_cases_setting("MEDIATION_DAYS"))
    end = period_end_provisional(accepted, days)
    result = []
    for case in cases:
        case_status_change(
            case=case,
            allowed_from=[CaseStatus.FILED],
            to_status=CaseStatus.IN_PROGRESS,
            kind=MediationEvent.ASSIGNED,
            summary=f"分派调解员{mediator.name}，调解期限至{end.day:%Y-%m-%d}",
            actor=actor,
            now=now,
            legal_basis=BASIS_MEDIATION_PERIOD,
            data={"mediator": mediator.pk, "period_ends_on": end.day},
        )
        result.append(
            Mediation.objects.create(
                case=case,
                court=case.court,
                mediator=mediator,
                accepted_on=accepted,
                period_ends_on=end.day,
                period_provisional=end.provisional,
                assigned_at=now,
            )
        )
        deadline_open(
            case=case,
            kind=MediationDeadline.PERIOD,
            label=f"诉前调解期限（{days}日）",
            starts_on=accepted,
            due_on=end.day,
            provisional=end.provisional,
            legal_basis=BASIS_MEDIATION_PERIOD,
            assignee=mediator,
        )
    return result


@transaction.atomic
def mediation_session_schedule(
    *, mediation: Mediation, scheduled_at: datetime, actor: User, now: datetime, link: str = ""
) -> MediationSession:
    """Schedule an online session inside the mediation period."""
    _require_mediator(actor, mediation)
    locked = _lock(mediation)
    if locked.status != MediationStatus.MEDIATING:
        raise InvalidTransition("该案件已不在调解中。", details={"status": locked.status})
    if scheduled_at < now:
        raise ConditionsNotMet("调解时间不能早于当前时间。", unmet=["scheduled_at"])
    if _today(scheduled_at) > locked.period_ends_on:
        raise ConditionsNotMet(
            f"调解时间超出调解期限（{locked.period_ends_on:%Y-%m-%d}）。", unmet=["period"]
        )
    session = MediationSession.objects.create(
        mediation=locked, scheduled_at=scheduled_at, link=link.strip(), created_at=now, created_by=actor
    )
    case_event_record(
        case=locked.case,
        kind=MediationEvent.SESSION_SCHEDULED,
        summary=f"安排在线调解：{timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}",
        actor=actor,
        now=now,
        data={"session": session.pk, "scheduled_at": scheduled_at, "link": session.link},
        legal_basis=BASIS_MEDIATION_PERIOD,
    )
    return session


@transaction.atomic
def mediation_session_record(
    *, session: MediationSession, record: str, actor: User, now: datetime
) -> MediationSession:
    """Record what happened in a session (调解笔录); once only, and never before the session's
    time (人民调解法 2010 art. 27)."""
    mediation = session.mediation
    _require_mediator(actor, mediation)
    locked = MediationSession.objects.select_for_update().get(pk=session.pk)
    if locked.held_at is not None:
        raise InvalidTransition("该场次已记录。")
    if now < locked.scheduled_at:
        # Minutes record what happened at a meeting: none before it begins (人民调解法 2010
        # art. 27: the mediator records the mediation as it happens).
        raise ConditionsNotMet(
            f"调解尚未开始（定于{timezone.localtime(locked.scheduled_at):%Y-%m-%d %H:%M}），"
            "不能在调解之前记录调解笔录（《人民调解法》第二十七条）。",
            unmet=["session_not_begun"],
        )
    if not record.strip():
        raise ConditionsNotMet("请填写调解笔录。", unmet=["record"])
    locked.held_at = now
    locked.record = record.strip()
    locked.save(update_fields=["held_at", "record"])
    case_event_record(
        case=mediation.case,
        kind=MediationEvent.SESSION_RECORDED,
        summary="记录在线调解笔录",
        actor=actor,
        now=now,
        data={"session": locked.pk},
    )
    return locked
