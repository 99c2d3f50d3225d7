"""The time limit (执行期限, 审限规定 2000 arts. 5, 9): excluded periods, suspension and resumption,
and extensions approved by the 院长."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import (
    case_event_record,
    case_status_change,
    case_time_limit_end_set,
    case_time_limit_first_pause_set,
    deadline_cancel,
    deadline_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import Conflict, InvalidTransition
from lastmile.core.periods import add_months
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent

from .. import rules
from ..models import (
    RECORDED_PAUSE_KINDS,
    ApprovalStatus,
    EnforcementCase,
    PauseKind,
    TimeLimitExtension,
    TimeLimitPause,
)
from ..transitions import ACTIONS, status_after
from .common import InvalidFiling, _guard


def _time_limit_refresh(*, case: Case, ec: EnforcementCase, now: datetime) -> None:
    """Recompute the time limit (审限规定 2000 arts. 5, 9) and keep one open deadline for it while no
    excluded period is running."""
    if ec.time_limit_starts_on is None:
        return
    # The nominal last day, kept on the case for the statistics (Case.time_limit_ends_on).
    case_time_limit_end_set(
        case=case, ends_on=add_months(ec.time_limit_starts_on, rules.TIME_LIMIT_MONTHS + ec.extension_months)
    )
    today = _today(now)
    pauses = list(TimeLimitPause.objects.filter(case=case))
    excluded = rules.excluded_days([(p.started_on, p.ended_on) for p in pauses if p.ended_on], as_of=today)
    due = rules.time_limit_due(
        starts_on=ec.time_limit_starts_on, extension_months=ec.extension_months, excluded=excluded
    )
    ec.time_limit_due_on = due.day
    ec.time_limit_provisional = due.provisional
    ec.save(update_fields=["time_limit_due_on", "time_limit_provisional"])
    deadline_cancel(case=case, kinds=[EnforcementDeadline.TIME_LIMIT], now=now)
    running = any(p.ended_on is None for p in pauses)
    case.refresh_from_db(fields=["status"])
    if not running and case.status != CaseStatus.CLOSED:
        deadline_open(
            case=case,
            kind=EnforcementDeadline.TIME_LIMIT,
            label=f"执行期限届满（{rules.TIME_LIMIT_MONTHS + ec.extension_months}个月，已扣除{excluded}日）",
            starts_on=ec.time_limit_starts_on,
            due_on=due.day,
            provisional=due.provisional,
            legal_basis=rules.BASIS_TIME_LIMIT,
        )


def _pause_open(*, case: Case, kind: str, started_on: date, reason: str) -> TimeLimitPause:
    if TimeLimitPause.objects.filter(case=case, kind=kind, ended_on__isnull=True).exists():
        raise Conflict("该扣除期间已在进行中。")
    pause = TimeLimitPause.objects.create(case=case, kind=kind, started_on=started_on, reason=reason)
    # The earliest excluded period's first day, kept on the case for the statistics.
    case_time_limit_first_pause_set(case=case, started_on=started_on)
    return pause


def _pauses_close(*, case: Case, ended_on: date, kinds: Sequence[str] | None = None) -> int:
    qs = TimeLimitPause.objects.filter(case=case, ended_on__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    n = 0
    for pause in qs:
        pause.ended_on = max(ended_on, pause.started_on)
        pause.save(update_fields=["ended_on"])
        n += 1
    return n


@transaction.atomic
def time_limit_pause_start(
    *, case: Case, kind: str, actor: User, now: datetime, reason: str = "", started_on: date | None = None
) -> TimeLimitPause:
    """Start a period excluded from the time limit (审限规定 2000 art. 9): 公告 (item 2), a
    jurisdiction objection or dispute (item 3), audit or valuation (item 4), 暂缓 after 执行担保
    (item 6), a higher court's deferral (item 7), auction or sale (item 8). Suspension and
    settlement have their own actions. 暂缓 on security needs the applicant's consent (民诉法 2023
    art. 242), which the reason must state."""
    if kind not in RECORDED_PAUSE_KINDS:
        raise InvalidTransition("中止和执行和解请使用相应的操作。")
    if kind == PauseKind.SECURITY and not reason.strip():
        raise InvalidFiling(
            f"执行担保暂缓执行须经申请执行人同意（{rules.BASIS_SECURITY_DEFERRAL}），"
            "请注明担保情况及申请执行人同意的情况。"
        )
    locked, ec = _guard(case, "pause", actor)
    started_on = started_on or _today(now)
    pause = _pause_open(case=locked, kind=kind, started_on=started_on, reason=reason)
    case_event_record(
        case=locked,
        kind=EnforcementEvent.PAUSE_STARTED,
        summary=f"{pause.get_kind_display()}期间开始（{started_on:%Y-%m-%d}），不计入执行期限",
        actor=actor,
        now=now,
        data={"pause": pause.pk, "kind": kind, "reason": reason},
        legal_basis=rules.PAUSE_BASES.get(kind, rules.BASIS_TIME_LIMIT_EXCLUDED),
    )
    _time_limit_refresh(case=locked, ec=ec, now=now)
    return pause


@transaction.atomic
def time_limit_pause_end(
    *, pause: TimeLimitPause, actor: User, now: datetime, ended_on: date | None = None
) -> TimeLimitPause:
    locked, ec = _guard(pause.case, "pause_end", actor)
    pause = TimeLimitPause.objects.select_for_update().get(pk=pause.pk)
    if pause.ended_on is not None:
        raise InvalidTransition("该扣除期间已经结束。")
    if pause.kind in (PauseKind.SUSPENSION, PauseKind.SETTLEMENT):
        raise InvalidTransition("中止和执行和解期间随恢复执行或和解结束而结束。")
    ended_on = ended_on or _today(now)
    if ended_on < pause.started_on:
        raise InvalidTransition("结束日期不能早于开始日期。")
    if pause.kind == PauseKind.SECURITY:
        latest = add_months(pause.started_on, rules.SECURITY_DEFERRAL_MAX_MONTHS)
        if ended_on > latest:
            raise InvalidTransition(
                f"执行担保暂缓执行的期限不得超过一年（{rules.BASIS_SECURITY_DEFERRAL_PERIOD}），"
                f"结束日期不能晚于{latest:%Y-%m-%d}。",
                details={"latest": latest.isoformat()},
            )
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    case_event_record(
        case=locked,
        kind=EnforcementEvent.PAUSE_ENDED,
        summary=(
            f"{pause.get_kind_display()}期间结束（{ended_on:%Y-%m-%d}），"
            f"扣除{(ended_on - pause.started_on).days}日"
        ),
        actor=actor,
        now=now,
        data={"pause": pause.pk},
        legal_basis=rules.PAUSE_BASES.get(pause.kind, rules.BASIS_TIME_LIMIT_EXCLUDED),
    )
    _time_limit_refresh(case=locked, ec=ec, now=now)
    return pause


@transaction.atomic
def enforcement_suspend(*, case: Case, actor: User, now: datetime, reason: str) -> Case:
    """中止执行 (民诉法 2023 art. 267); the suspension is excluded from the time limit
    (审限规定 2000 art. 9)."""
    if not reason.strip():
        raise InvalidFiling("请填写中止执行的事由。")
    locked, ec = _guard(case, "suspend", actor)
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["suspend"].allowed_from,
        to_status=status_after("suspend"),
        kind=EnforcementEvent.SUSPENDED,
        summary=f"裁定中止执行：{reason}",
        actor=actor,
        now=now,
        legal_basis=rules.BASIS_SUSPEND,
        data={"reason": reason},
    )
    _pause_open(case=locked, kind=PauseKind.SUSPENSION, started_on=_today(now), reason=reason)
    _time_limit_refresh(case=locked, ec=ec, now=now)
    case.refresh_from_db()
    return case


@transaction.atomic
def enforcement_resume(*, case: Case, actor: User, now: datetime, reason: str = "") -> Case:
    """The ground for suspension has ended: execution resumes in the same case."""
    locked, ec = _guard(case, "resume", actor)
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["resume"].allowed_from,
        to_status=status_after("resume"),
        kind=EnforcementEvent.RESUMED,
        summary="中止事由消除，恢复执行" + (f"：{reason}" if reason else ""),
        actor=actor,
        now=now,
        legal_basis=rules.BASIS_SUSPEND,
    )
    _pauses_close(case=locked, ended_on=_today(now), kinds=[PauseKind.SUSPENSION])
    _time_limit_refresh(case=locked, ec=ec, now=now)
    case.refresh_from_db()
    return case


@transaction.atomic
def time_limit_extension_request(
    *, case: Case, actor: User, now: datetime, reason: str
) -> TimeLimitExtension:
    """Ask the 院长 to extend the time limit by 3 months (审限规定 2000 art. 5)."""
    if not reason.strip():
        raise InvalidFiling("请填写延长执行期限的理由。")
    locked, _ec = _guard(case, "extension_request", actor)
    if TimeLimitExtension.objects.filter(case=locked, status=ApprovalStatus.PENDING).exists():
        raise Conflict("已有待审批的延长申请。")
    ext = TimeLimitExtension.objects.create(
        case=locked, months=rules.EXTENSION_MONTHS, reason=reason, requested_by=actor, requested_at=now
    )
    case_event_record(
        case=locked,
        kind=EnforcementEvent.EXTENSION_REQUESTED,
        summary=f"申请延长执行期限{ext.months}个月：{reason}",
        actor=actor,
        now=now,
        data={"extension": ext.pk},
        legal_basis=rules.BASIS_TIME_LIMIT,
    )
    return ext


@transaction.atomic
def time_limit_extension_decide(
    *, extension: TimeLimitExtension, actor: User, now: datetime, approve: bool, note: str = ""
) -> TimeLimitExtension:
    """The 院长 approves or refuses; an approval adds 3 months. A further extension must also be
    reported to the high court for the record (审限规定 2000 art. 5), which the event notes."""
    locked, ec = _guard(extension.case, "extension_decide", actor, now=now)
    ext = TimeLimitExtension.objects.select_for_update().get(pk=extension.pk)
    if ext.status != ApprovalStatus.PENDING:
        raise InvalidTransition("该延长申请已经审批。")
    ext.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    ext.decided_by = actor
    ext.decided_at = now
    ext.decision_note = note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    data: dict[str, Any] = {"extension": ext.pk, "approved": approve}
    if approve:
        ec.extension_months += ext.months
        ec.save(update_fields=["extension_months"])
        if ec.extension_months > rules.EXTENSION_MONTHS:
            data["report_to_high_court"] = True
        _time_limit_refresh(case=locked, ec=ec, now=now)
        summary = f"院长批准延长执行期限{ext.months}个月，届满日{ec.time_limit_due_on:%Y-%m-%d}"
        if data.get("report_to_high_court"):
            summary += "（再次延长，须报高级人民法院备案）"
    else:
        summary = "院长不予批准延长执行期限" + (f"：{note}" if note else "")
    case_event_record(
        case=locked,
        kind=EnforcementEvent.EXTENSION_APPROVED if approve else EnforcementEvent.EXTENSION_REFUSED,
        summary=summary,
        actor=actor,
        now=now,
        data=data,
        legal_basis=rules.BASIS_TIME_LIMIT,
    )
    return ext
