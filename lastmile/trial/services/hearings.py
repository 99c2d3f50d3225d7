"""Hearings scheduled in batches on the video-hearing system, their summonses and their record.

- Notice: each party is summoned by a 传票 at least 3 days before the hearing (CPL 2023 art. 139;
  民诉解释 2022 art. 227), carrying the hearing's online link; the summons is served through
  :func:`lastmile.service.services.service_dispatch`.
- Order in time: a hearing's result is recorded no earlier than its scheduled time; the record
  (庭审笔录, art. 150) is produced as a document, with each party's summons service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from lastmile.core.legal import LegalBasis, cpl
from lastmile.documents.services import document_issue
from lastmile.service.conf import court_cases_setting
from lastmile.service.selectors import document_service_state
from lastmile.service.services import service_dispatch
from lastmile.trial.kinds import TrialEvent

from ..models import (
    Hearing,
    HearingBatch,
    HearingSummons,
    Lawsuit,
    LawsuitStatus,
    Procedure,
)
from ..ports import VideoHearingPort, video_hearing_port
from .common import _fresh, _parties

BASIS_HEARING_NOTICE = cpl(139)
BASIS_SUMMONS = LegalBasis("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "227")
BASIS_HEARING_RECORD = cpl(150)


def _cn_moment(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local:%Y年%m月%d日 %H时%M分}"


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
    summon: bool = True,
) -> HearingBatch:
    """Schedule hearings one after another from ``starts_at`` (``slot_minutes`` each), each with a
    room on the video-hearing system. The first hearing is at least ``HEARING_NOTICE_DAYS`` days
    away (CPL 2023 art. 139), and each party gets its 传票 (:func:`summons_issue`); with
    ``summon=False`` the caller issues them after commit (:func:`hearing_batch_summon`, a large
    batch in the worker). All or nothing."""
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
        if summon:
            summons_issue(hearing=hearing, actor=actor, now=now)
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


def summons_issue(*, hearing: Hearing, actor: User, now: datetime) -> list[HearingSummons]:
    """A 传票 to every party of the hearing's case, with the hearing's time and online link, each
    served on its addressee (CPL 2023 art. 139; 民诉解释 2022 art. 227). A party summoned for
    this hearing already is skipped."""
    case = hearing.lawsuit.case
    creditors, debtors = _parties(case)
    done = set(HearingSummons.objects.filter(hearing=hearing).values_list("party_id", flat=True))
    made = []
    for role, party in [("原告", p) for p in creditors] + [("被告", p) for p in debtors]:
        if party.pk in done:
            continue
        document = document_issue(
            case=case,
            template_code="summons",
            context={
                "summoned": {"name": party.name, "address": party.address},
                "summoned_role": role,
                "hearing_at": _cn_moment(hearing.scheduled_at),
                "link": hearing.link,
                "meeting_id": hearing.meeting_id,
            },
            actor=actor,
            now=now,
        )
        made.append(HearingSummons.objects.create(hearing=hearing, party=party, document=document))
        service_dispatch(document=document, actor=actor, now=now, recipients=[party])
        done.add(party.pk)
    if made:
        case_event_record(
            case=case,
            kind=TrialEvent.SUMMONED,
            summary=(
                f"向{'、'.join(s.party.name for s in made)}发出传票"
                f"（{_cn_moment(hearing.scheduled_at)}在线开庭）"
            ),
            actor=actor,
            now=now,
            legal_basis=BASIS_SUMMONS,
            data={"hearing": hearing.pk, "documents": [s.document_id for s in made]},
        )
    return made


def hearing_batch_summon(*, batch: HearingBatch, now: Callable[[], datetime]) -> int:
    """Issue and serve the 传票 of every hearing of ``batch`` not yet summoned, one hearing per
    transaction (idempotent: a party summoned already is skipped); returns how many were issued."""
    issued = 0
    for hearing in batch.hearings.select_related("lawsuit__case", "lawsuit__court").order_by("pk"):
        with transaction.atomic():
            issued += len(summons_issue(hearing=hearing, actor=batch.created_by, now=now()))
    return issued


def _summons_line(summons: HearingSummons) -> str:
    served = document_service_state(summons.document).served_on.get(summons.party_id)
    if served is not None:
        return f"传票已于{served:%Y年%m月%d日}送达"
    return "传票尚未送达"


@transaction.atomic
def hearing_record(*, hearing: Hearing, note: str, actor: User, now: datetime) -> Hearing:
    """Record that the hearing took place (庭审情况) and produce its record (庭审笔录, CPL 2023
    art. 150), listing each party's summons service. Refused before the hearing's scheduled time
    (a result cannot precede the hearing); a second record is refused."""
    require(actor, "trial.work", court=hearing.lawsuit.court)
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case", "lawsuit__judge")
        .get(pk=hearing.pk)
    )
    if locked.held_at is not None:
        raise InvalidTransition("该庭审已记录。")
    if now < locked.scheduled_at:
        raise ConditionsNotMet(
            f"庭审定于{_cn_moment(locked.scheduled_at)}，开庭前不能记录庭审结果"
            f"（{BASIS_HEARING_NOTICE}、{BASIS_HEARING_RECORD}）。",
            unmet=["scheduled_at"],
            details={"basis": BASIS_HEARING_RECORD.as_dict()},
        )
    lawsuit = locked.lawsuit
    note = note.strip() or "原告到庭参加诉讼；被告经传票传唤，无正当理由未到庭，本院依法缺席审理。"
    plaintiffs = {p.pk for p in _parties(lawsuit.case)[0]}
    attendance = [
        {
            "role": "原告" if summons.party_id in plaintiffs else "被告",
            "name": summons.party.name,
            "summons": _summons_line(summons),
        }
        for summons in locked.summonses.select_related("party", "document").order_by("pk")
    ]
    judge = lawsuit.judge or actor
    document = document_issue(
        case=lawsuit.case,
        template_code="hearing_record",
        context={
            "held_at": _cn_moment(now),
            "link": locked.link,
            "procedure_label": Procedure(lawsuit.procedure).label,
            "judge_name": judge.name,
            "attendance": attendance,
            "note": note,
        },
        actor=actor,
        now=now,
    )
    locked.held_at = now
    locked.note = note
    locked.record_document = document
    locked.save(update_fields=["held_at", "note", "record_document"])
    Lawsuit.objects.filter(pk=locked.lawsuit_id).update(status=LawsuitStatus.HEARD)
    case_event_record(
        case=lawsuit.case,
        kind=TrialEvent.HEARD,
        summary=f"在线开庭审理完毕（{document.title}）",
        actor=actor,
        now=now,
        data={"hearing": locked.pk, "document": document.pk},
        legal_basis=BASIS_HEARING_RECORD,
    )
    return locked
