"""Hearings scheduled in batches on the video-hearing system, and their record. The hearing notice
goes out at least 3 days before (CPL 2023 art. 139)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import CaseStatus
from lastmile.cases.services import (
    case_event_record,
    case_status_change,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, PermissionDenied
from lastmile.core.legal import cpl
from lastmile.service.conf import court_cases_setting
from lastmile.trial.kinds import TrialEvent

from ..models import (
    Hearing,
    HearingBatch,
    Lawsuit,
    LawsuitStatus,
)
from ..ports import VideoHearingPort, video_hearing_port
from .common import _fresh

BASIS_HEARING_NOTICE = cpl(139)


@transaction.atomic
def hearings_schedule_batch(
    *,
    lawsuits: Sequence[Lawsuit],
    judge: User,
    starts_at: datetime,
    actor: User,
    now: datetime,
    slot_minutes: int | None = None,
    port: VideoHearingPort | None = None,
) -> HearingBatch:
    """Schedule hearings one after another from ``starts_at`` (``slot_minutes`` each), each with a
    room on the video-hearing system. The first hearing is at least ``HEARING_NOTICE_DAYS`` days
    away (CPL 2023 art. 139). All or nothing."""
    require(actor, "trial.work")
    if not actor_can(judge, "trial.work") or judge.court_id != actor.court_id:
        raise PermissionDenied("审判员须为本院审判人员。")
    if not lawsuits:
        raise ConditionsNotMet("请选择案件。", unmet=["lawsuits"])
    lawsuits = _fresh(Lawsuit, lawsuits)
    notice_days = int(court_cases_setting("HEARING_NOTICE_DAYS"))
    problems = []
    if (_today(starts_at) - _today(now)).days < notice_days:
        problems.append(f"开庭日期应在{notice_days}日之后（传票须于开庭三日前送达）")
    for s in lawsuits:
        if s.court_id != actor.court_id:
            problems.append(f"{s.case.number}不是本院案件")
        elif s.status != LawsuitStatus.FILED:
            problems.append(f"{s.case.number}已排期或已审结")
    if problems:
        raise ConditionsNotMet("；".join(problems[:20]) + "。", unmet=problems)
    slot = int(slot_minutes or court_cases_setting("HEARING_SLOT_MINUTES"))
    port = port or video_hearing_port()
    assert actor.court is not None  # require() above: staff belong to a court
    batch = HearingBatch.objects.create(
        court=actor.court,
        judge=judge,
        starts_at=starts_at,
        slot_minutes=slot,
        provider=port.name,
        created_at=now,
        created_by=actor,
    )
    for n, s in enumerate(lawsuits):
        at = starts_at + timedelta(minutes=slot * n)
        meeting = port.create_meeting(case_number=s.case.number, starts_at=at, minutes=slot, judge=judge.name)
        hearing = Hearing.objects.create(
            lawsuit=s, batch=batch, scheduled_at=at, meeting_id=meeting.meeting_id, link=meeting.link
        )
        Lawsuit.objects.filter(pk=s.pk).update(status=LawsuitStatus.SCHEDULED, judge=judge)
        case_status_change(
            case=s.case,
            allowed_from=[CaseStatus.FILED],
            to_status=CaseStatus.IN_PROGRESS,
            kind=TrialEvent.HEARING_SCHEDULED,
            summary=f"定于{timezone.localtime(at):%Y-%m-%d %H:%M}在线开庭（审判员{judge.name}）",
            actor=actor,
            now=now,
            legal_basis=BASIS_HEARING_NOTICE,
            data={"hearing": hearing.pk, "batch": batch.pk, "link": meeting.link, "judge": judge.pk},
        )
    return batch


@transaction.atomic
def hearing_record(*, hearing: Hearing, note: str, actor: User, now: datetime) -> Hearing:
    """Record that the hearing took place (庭审情况)."""
    require(actor, "trial.work", court=hearing.lawsuit.court)
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case")
        .get(pk=hearing.pk)
    )
    if locked.held_at is not None:
        raise InvalidTransition("该庭审已记录。")
    locked.held_at = now
    locked.note = note.strip()
    locked.save(update_fields=["held_at", "note"])
    Lawsuit.objects.filter(pk=locked.lawsuit_id).update(status=LawsuitStatus.HEARD)
    case_event_record(
        case=locked.lawsuit.case,
        kind=TrialEvent.HEARD,
        summary="在线开庭审理完毕",
        actor=actor,
        now=now,
        data={"hearing": locked.pk},
    )
    return locked
