"""Writes of enforcement implementation cases, from filing to closing.

Every function is keyword-only, runs in one transaction, checks the transition table
(:mod:`lastmile.enforcement.transitions`) on the locked case row, and writes its case event in the
same transaction. Refused actions raise a :class:`~lastmile.core.errors.DomainError` and change
nothing. Money is recorded through :mod:`lastmile.ledger.services`; periods through
:mod:`lastmile.enforcement.rules` (which uses :mod:`lastmile.core.periods`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from lastmile.accounts.models import Court, Role, Team, TeamKind, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty, CaseStatus, Deadline, PartyRole
from lastmile.cases.services import (
    PartyInRole,
    case_event_record,
    case_lock,
    case_register,
    case_status_change,
    deadline_cancel,
    deadline_complete,
    deadline_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, DomainError, InvalidTransition, PermissionDenied
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.core.periods import period_end_provisional
from lastmile.enforcement.documents import step_documents_issue
from lastmile.inquiry.services import controls_reconcile, controls_release_all
from lastmile.ledger.services import (
    CostItem,
    InstallmentDue,
    InterestTerms,
    amount_outstanding,
    obligation_record,
    receipt_record,
)
from lastmile.parties.models import Party, PartyKind
from lastmile.parties.services import party_upsert

from . import rules
from .models import (
    ApprovalStatus,
    AssistanceKind,
    AssistanceRequest,
    BasisKind,
    Channel,
    ClosingMethod,
    Clue,
    ClueKind,
    ClueStatus,
    EmergencyAction,
    EnforcementCase,
    InquiryResult,
    PauseKind,
    PriorityClaim,
    ProcedureStep,
    PropertyRequery,
    Settlement,
    SettlementInstallment,
    SettlementPayment,
    SettlementStatus,
    StepKind,
    TimeLimitExtension,
    TimeLimitPause,
    Track,
    TriageFactor,
    TriagePolicy,
    TriageRule,
)
from .selectors import zhongben_conditions
from .transitions import ACTIONS, CLOSE_ACTION, action_allowed

ENFORCEMENT_ROLES = (Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER)


class InvalidFiling(DomainError):
    """The filing or form data is incomplete or inconsistent."""

    code = "invalid_filing"


# --- Guards ---------------------------------------------------------------------------------


def _guard(
    case: Case, action: str, actor: User | None, *, now: datetime | None = None
) -> tuple[Case, EnforcementCase]:
    """Check capability (held at ``now``) and the transition table on the locked case; return the
    locked rows."""
    spec = ACTIONS[action]
    if actor is not None:
        require(actor, spec.capability, court=case.court, now=now)
    locked = case_lock(case)
    ec = EnforcementCase.objects.select_for_update().filter(case=locked).first()
    if ec is None:
        raise InvalidTransition("该案件不是执行实施案件。")
    if not action_allowed(action, status=locked.status, closing_method=ec.closing_method):
        state = locked.get_status_display()
        if locked.status == CaseStatus.CLOSED and ec.closing_method:
            state += f"（{ec.get_closing_method_display()}）"
        raise InvalidTransition(
            f"案件当前状态为“{state}”，不能{spec.label}。",
            details={"status": locked.status, "action": action},
        )
    return locked, ec


# --- Filing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionBasisIn:
    """The execution basis (执行依据) as filed: what it is and the obligations it fixes."""

    kind: str
    issuer: str
    number: str
    effective_on: date
    performance_deadline: date | None = None
    installments: Sequence[InstallmentDue] = ()
    principal: Decimal = Decimal("0")
    interest: InterestTerms | None = None
    costs: Sequence[CostItem] = ()
    non_money_acts: str = ""


@dataclass(frozen=True)
class TriageResult:
    score: int
    track: str
    reasons: list[str] = field(default_factory=list)


def _validate_basis(basis: ExecutionBasisIn, applied_on: date) -> None:
    problems = []
    if basis.kind not in BasisKind.values:
        problems.append("执行依据种类不正确")
    if not basis.issuer.strip():
        problems.append("请填写执行依据的作出机构")
    if not basis.number.strip():
        problems.append("请填写执行依据的文书编号")
    if basis.effective_on > applied_on:
        problems.append("执行依据生效日期不能晚于申请日期")
    if to_money(basis.principal) < 0:
        problems.append("给付金额不能为负数")
    if to_money(basis.principal) == 0 and not basis.non_money_acts.strip():
        problems.append("请填写给付金额或非金钱给付义务")
    if basis.performance_deadline and basis.performance_deadline < basis.effective_on:
        problems.append("履行期限不能早于生效日期")
    if problems:
        raise InvalidFiling("；".join(problems) + "。", details={"problems": problems})


@transaction.atomic
def enforcement_file(
    *,
    court: Court,
    basis: ExecutionBasisIn,
    applicants: Sequence[Party],
    respondents: Sequence[Party],
    actor: User | None,
    now: datetime,
    channel: str = Channel.COUNTER,
    applied_on: date | None = None,
    cause: str = "",
    known_assets: str = "",
    priority_claim: str = "",
    submitted_by: str = "",
    attachments: Sequence[dict[str, Any]] = (),
) -> Case:
    """File an enforcement case (执) from an execution basis.

    At the counter (``channel="counter"``) a clerk with ``case.file`` files it at once: the case
    is triaged, assigned and its time limit starts. Online (``channel="online"``, ``actor`` may be
    None for an applicant on the portal) the application is received and waits for a clerk to
    accept it (:func:`enforcement_accept`) within 7 days (审限规定 art. 6).

    The 2-year application period (CPL 2023 art. 250) is computed; a late application is recorded
    and flagged, never refused (民诉解释 2022 art. 481). The 10-day deadlines for the 执行通知
    and the 报告财产令 run from receipt (民诉解释 2022 art. 480; 财产调查规定 art. 3).
    """
    if channel not in Channel.values:
        raise InvalidFiling("立案渠道不正确。")
    if channel == Channel.COUNTER or actor is not None:
        if actor is None:
            raise PermissionDenied("窗口立案须由立案人员办理。")
        require(actor, "case.file", court=court)
    if not applicants or not respondents:
        raise InvalidFiling("申请执行人和被执行人均不能为空。")
    if priority_claim not in PriorityClaim.values:
        raise InvalidFiling("优先债权类型不正确。")
    received_on = _today(now)
    applied_on = applied_on or received_on
    _validate_basis(basis, applied_on)
    principal = to_money(basis.principal)

    start = rules.application_period_start(
        effective_on=basis.effective_on,
        performance_deadline=basis.performance_deadline,
        installment_dates=[i.due_on for i in basis.installments],
    )
    deadline = rules.application_deadline(start)
    late = applied_on > deadline.day
    online = channel == Channel.ONLINE
    parties = [PartyInRole(p, PartyRole.APPLICANT) for p in applicants] + [
        PartyInRole(p, PartyRole.RESPONDENT) for p in respondents
    ]
    case = case_register(
        court=court,
        type_code="执",
        parties=parties,
        actor=actor,
        now=now,
        cause=cause,
        amount_claimed=principal,
        status=CaseStatus.RECEIVED if online else CaseStatus.FILED,
        summary=None,
        data={"channel": channel},
    )
    ec = EnforcementCase.objects.create(
        case=case,
        channel=channel,
        submitted_by=submitted_by or (actor.name if actor else ""),
        attachments=list(attachments),
        basis_kind=basis.kind,
        basis_issuer=basis.issuer.strip(),
        basis_number=basis.number.strip(),
        basis_effective_on=basis.effective_on,
        performance_deadline=basis.performance_deadline,
        basis_installments=[
            {"due_on": i.due_on.isoformat(), "amount": str(to_money(i.amount))} for i in basis.installments
        ],
        principal=principal,
        non_money_acts=basis.non_money_acts.strip(),
        applied_on=applied_on,
        application_period_starts_on=start,
        application_deadline=deadline.day,
        application_deadline_provisional=deadline.provisional,
        late_application=late,
        known_assets=known_assets.strip(),
        priority_claim=priority_claim,
    )
    if principal > 0:
        obligation_record(
            case=case,
            actor=actor,
            now=now,
            principal=principal,
            basis_effective_on=basis.effective_on,
            performance_deadline=basis.performance_deadline,
            interest=basis.interest,
            costs=basis.costs,
            installments=basis.installments,
        )
    case_event_record(
        case=case,
        kind="enforcement.received_online" if online else "enforcement.filed",
        summary=(
            f"收到网上执行申请（{ec.get_basis_kind_display()} {ec.basis_number}），待立案审查"
            if online
            else f"窗口立案（{ec.get_basis_kind_display()} {ec.basis_number}）"
        ),
        actor=actor,
        now=now,
        data={
            "basis_kind": basis.kind,
            "basis_issuer": ec.basis_issuer,
            "basis_number": ec.basis_number,
            "effective_on": basis.effective_on,
            "performance_deadline": basis.performance_deadline,
            "principal": principal,
            "non_money_acts": ec.non_money_acts,
            "application_deadline": deadline.day,
            "submitted_by": ec.submitted_by,
        },
        legal_basis=rules.BASIS_APPLICATION_PERIOD,
    )
    if late:
        case_event_record(
            case=case,
            kind="enforcement.late_application",
            summary=(
                f"申请日期{applied_on:%Y-%m-%d}已超过申请执行期间（{deadline.day:%Y-%m-%d}届满），"
                "依法予以受理并记录；被执行人提出异议成立的，裁定不予执行"
            ),
            actor=actor,
            now=now,
            data={"applied_on": applied_on, "deadline": deadline.day, "period_start": start},
            legal_basis=rules.BASIS_LATE_ACCEPTED,
        )
    filing_due = period_end_provisional(received_on, 7)
    deadline_open(
        case=case,
        kind="filing",
        label="审查立案（收到申请之日起7日内）",
        starts_on=received_on,
        due_on=filing_due.day,
        provisional=filing_due.provisional,
        legal_basis=rules.BASIS_FILING_7_DAYS,
    )
    notice_due = period_end_provisional(received_on, 10)
    deadline_open(
        case=case,
        kind="execution_notice",
        label="发出执行通知书（收到申请之日起10日内）",
        starts_on=received_on,
        due_on=notice_due.day,
        provisional=notice_due.provisional,
        legal_basis=rules.BASIS_NOTICE_10_DAYS,
    )
    deadline_open(
        case=case,
        kind="property_report_order",
        label="发出报告财产令（与执行通知书同时发出）",
        starts_on=received_on,
        due_on=notice_due.day,
        provisional=notice_due.provisional,
        legal_basis=rules.BASIS_REPORT_ORDER,
    )
    if not online:
        _start_after_filing(case=case, ec=ec, actor=actor, now=now)
    case.refresh_from_db()
    return case


_PARTY_FIELDS = ("kind", "name", "id_type", "id_number", "phone", "address")


@transaction.atomic
def enforcement_file_with_parties(
    *,
    court: Court,
    basis: ExecutionBasisIn,
    applicants: Sequence[dict[str, Any]],
    respondents: Sequence[dict[str, Any]],
    actor: User | None,
    now: datetime,
    **options: Any,
) -> Case:
    """Find or create the parties (identities validated, GB 11643 / GB 32100) and file the case
    with :func:`enforcement_file`, all or nothing. Each party is a mapping with ``kind``, ``name``,
    ``id_type``, ``id_number`` and optionally ``phone`` and ``address``."""
    if actor is not None:
        require(actor, "case.file", court=court)
    if not applicants or not respondents:
        raise InvalidFiling("申请执行人和被执行人均不能为空。")

    def upsert(p: dict[str, Any]) -> Party:
        v = {k: str(p.get(k) or "") for k in _PARTY_FIELDS}
        return party_upsert(
            kind=v["kind"],
            name=v["name"],
            id_type=v["id_type"],
            id_number=v["id_number"],
            now=now,
            phone=v["phone"],
            address=v["address"],
        )

    return enforcement_file(
        court=court,
        basis=basis,
        applicants=[upsert(p) for p in applicants],
        respondents=[upsert(p) for p in respondents],
        actor=actor,
        now=now,
        **options,
    )


@transaction.atomic
def enforcement_accept(*, case: Case, actor: User, now: datetime) -> Case:
    """Accept an online application (立案): the case is numbered already; it is filed now,
    triaged, assigned and its time limit starts (审限规定 arts. 5–6)."""
    locked, ec = _guard(case, "accept", actor)
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["accept"].allowed_from,
        to_status=CaseStatus.FILED,
        kind="enforcement.accepted",
        summary="网上执行申请审查通过，立案受理",
        actor=actor,
        now=now,
        legal_basis=rules.BASIS_FILING_7_DAYS,
    )
    Case.objects.filter(pk=locked.pk).update(filed_at=now)
    locked.refresh_from_db()
    _start_after_filing(case=locked, ec=ec, actor=actor, now=now)
    case.refresh_from_db()
    return case


def _start_after_filing(*, case: Case, ec: EnforcementCase, actor: User | None, now: datetime) -> None:
    deadline_complete(case=case, kind="filing", now=now)
    result = triage_score(case=case, ec=ec)
    ec.track = result.track
    ec.triage_score = result.score
    ec.triage_reasons = result.reasons
    ec.time_limit_starts_on = _today(case.filed_at or now)
    ec.save(update_fields=["track", "triage_score", "triage_reasons", "time_limit_starts_on"])
    case_event_record(
        case=case,
        kind="enforcement.triaged",
        summary=f"繁简分流：{ec.get_track_display()}（评分{result.score}）",
        actor=actor,
        now=now,
        data={"score": result.score, "track": result.track, "reasons": result.reasons},
    )
    _assign(case=case, track=result.track, actor=actor, now=now)
    _time_limit_refresh(case=case, ec=ec, now=now)


# --- Triage and assignment ------------------------------------------------------------------


@transaction.atomic
def triage_rules_ensure(*, court: Court) -> tuple[TriagePolicy, list[TriageRule]]:
    """The court's triage policy and rules, creating the documented defaults the first time."""
    policy, _ = TriagePolicy.objects.get_or_create(
        court=court, defaults={"complex_score": rules.setting("TRIAGE_COMPLEX_SCORE")}
    )
    for factor, threshold, points in rules.setting("TRIAGE_RULES"):
        TriageRule.objects.get_or_create(
            court=court,
            factor=factor,
            defaults={"threshold": Decimal(threshold) if threshold is not None else None, "points": points},
        )
    return policy, list(TriageRule.objects.filter(court=court).order_by("id"))


@transaction.atomic
def triage_rules_update(
    *,
    actor: User,
    court: Court,
    complex_score: int,
    changes: Sequence[tuple[str, Decimal | None, int, bool]],
    now: datetime,
) -> list[TriageRule]:
    """Court admins (``config.edit``) edit the score threshold and each rule
    (factor, threshold, points, active)."""
    require(actor, "config.edit", court=court)
    policy, _ = triage_rules_ensure(court=court)
    policy.complex_score = complex_score
    policy.save(update_fields=["complex_score"])
    for factor, threshold, points, active in changes:
        if factor not in TriageFactor.values:
            raise InvalidFiling(f"未知的分流因素：{factor}")
        TriageRule.objects.filter(court=court, factor=factor).update(
            threshold=threshold, points=points, active=active
        )
    case_event_record(
        case=None,
        court=court,
        kind="enforcement.triage_rules_updated",
        summary="修改繁简分流规则",
        actor=actor,
        now=now,
        data={"complex_score": complex_score, "rules": [list(c) for c in changes]},
    )
    return list(TriageRule.objects.filter(court=court).order_by("id"))


def triage_score(*, case: Case, ec: EnforcementCase) -> TriageResult:
    """Score the case on the court's rules and route it: at or above the court's threshold it goes
    to the complex-case team (精执), otherwise to the fast track (快执). Reasons are kept."""
    policy, rule_rows = triage_rules_ensure(court=case.court)
    respondents = [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party")
    ]
    other_cases = (
        Case.objects.filter(
            court=case.court,
            type_code__in=("执", "执恢"),
            case_parties__role=PartyRole.RESPONDENT,
            case_parties__party__in=respondents,
        )
        .exclude(pk=case.pk)
        .exclude(status=CaseStatus.CLOSED)
        .distinct()
        .count()
    )
    score = 0
    reasons: list[str] = []
    amount = ec.principal
    for rule in rule_rows:
        if not rule.active:
            continue
        hit = False
        label = ""
        threshold = rule.threshold
        if rule.factor == TriageFactor.AMOUNT_AT_LEAST and threshold is not None:
            hit = amount >= threshold
            label = f"标的金额{amount}元，达到{threshold}元"
        elif rule.factor == TriageFactor.DEBTORS_AT_LEAST and threshold is not None:
            hit = len(respondents) >= threshold
            label = f"被执行人{len(respondents)}名，达到{int(threshold)}名"
        elif rule.factor == TriageFactor.DEBTOR_ORGANISATION:
            hit = any(p.kind == PartyKind.ORGANISATION for p in respondents)
            label = "被执行人包括法人或其他组织"
        elif rule.factor == TriageFactor.DEBTOR_OTHER_CASES and threshold is not None:
            hit = other_cases >= threshold
            label = f"被执行人在本院另有{other_cases}件未结执行案件"
        elif rule.factor == TriageFactor.KNOWN_ASSETS:
            hit = bool(ec.known_assets)
            label = "申请人提供了已知财产"
        elif rule.factor == TriageFactor.PRIORITY_CLAIM:
            hit = bool(ec.priority_claim)
            label = f"涉及{ec.get_priority_claim_display()}等优先债权，优先快速办理"
        if hit:
            score += rule.points
            reasons.append(f"{label}（{rule.points:+d}分）")
    track = Track.COMPLEX if score >= policy.complex_score else Track.FAST
    reasons.append(
        f"合计{score}分，{'达到' if track == Track.COMPLEX else '低于'}精执分流标准{policy.complex_score}分"
    )
    return TriageResult(score=score, track=track, reasons=reasons)


def _assign(*, case: Case, track: str, actor: User | None, now: datetime) -> User | None:
    """Assign the case to the enforcement officer of the track's team with the fewest open cases
    (any enforcement officer of the court when that team has no members)."""
    team_kind = TeamKind.COMPLEX if track == Track.COMPLEX else TeamKind.FAST_TRACK
    team = Team.objects.filter(court=case.court, kind=team_kind).order_by("id").first()
    staff = User.objects.filter(court=case.court, is_active=True, role__in=ENFORCEMENT_ROLES)
    candidates = staff.filter(team=team) if team is not None else staff.none()
    if not candidates.exists():
        candidates = staff
    chosen = (
        candidates.annotate(load=Count("cases_handled", filter=~Q(cases_handled__status=CaseStatus.CLOSED)))
        .order_by("load", "username")
        .first()
    )
    Case.objects.filter(pk=case.pk).update(officer=chosen, team=team)
    case.refresh_from_db()
    case_event_record(
        case=case,
        kind="enforcement.assigned",
        summary=(
            f"分配承办人：{chosen.name}（{team.name if team else '未设团队'}）"
            if chosen
            else "暂无可分配的执行人员，待指定承办人"
        ),
        actor=actor,
        now=now,
        data={"officer": chosen.pk if chosen else None, "team": team.pk if team else None},
    )
    Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).update(
        assignee=chosen
    )
    return chosen


# --- Time limit -----------------------------------------------------------------------------


def _time_limit_refresh(*, case: Case, ec: EnforcementCase, now: datetime) -> None:
    """Recompute the time limit (审限规定 arts. 5, 9) and keep one open deadline for it while no
    excluded period is running."""
    if ec.time_limit_starts_on is None:
        return
    today = _today(now)
    pauses = list(TimeLimitPause.objects.filter(case=case))
    excluded = rules.excluded_days([(p.started_on, p.ended_on) for p in pauses if p.ended_on], as_of=today)
    due = rules.time_limit_due(
        starts_on=ec.time_limit_starts_on, extension_months=ec.extension_months, excluded=excluded
    )
    ec.time_limit_due_on = due.day
    ec.time_limit_provisional = due.provisional
    ec.save(update_fields=["time_limit_due_on", "time_limit_provisional"])
    deadline_cancel(case=case, kinds=["time_limit"], now=now)
    running = any(p.ended_on is None for p in pauses)
    case.refresh_from_db(fields=["status"])
    if not running and case.status != CaseStatus.CLOSED:
        deadline_open(
            case=case,
            kind="time_limit",
            label=f"执行期限届满（{rules.TIME_LIMIT_MONTHS + ec.extension_months}个月，已扣除{excluded}日）",
            starts_on=ec.time_limit_starts_on,
            due_on=due.day,
            provisional=due.provisional,
            legal_basis=rules.BASIS_TIME_LIMIT,
        )


def _pause_open(*, case: Case, kind: str, started_on: date, reason: str) -> TimeLimitPause:
    if TimeLimitPause.objects.filter(case=case, kind=kind, ended_on__isnull=True).exists():
        raise Conflict("该扣除期间已在进行中。")
    return TimeLimitPause.objects.create(case=case, kind=kind, started_on=started_on, reason=reason)


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
    """Start a period excluded from the time limit: valuation, auction or a higher court's
    deferral (审限规定 art. 9). Suspension and settlement have their own actions."""
    locked, ec = _guard(case, "pause", actor)
    if kind not in (PauseKind.VALUATION, PauseKind.AUCTION, PauseKind.DEFERRAL):
        raise InvalidTransition("中止和执行和解请使用相应的操作。")
    started_on = started_on or _today(now)
    pause = _pause_open(case=locked, kind=kind, started_on=started_on, reason=reason)
    case_event_record(
        case=locked,
        kind="enforcement.pause_started",
        summary=f"{pause.get_kind_display()}期间开始（{started_on:%Y-%m-%d}），不计入执行期限",
        actor=actor,
        now=now,
        data={"pause": pause.pk, "kind": kind, "reason": reason},
        legal_basis=rules.BASIS_TIME_LIMIT_EXCLUDED,
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
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    case_event_record(
        case=locked,
        kind="enforcement.pause_ended",
        summary=(
            f"{pause.get_kind_display()}期间结束（{ended_on:%Y-%m-%d}），"
            f"扣除{(ended_on - pause.started_on).days}日"
        ),
        actor=actor,
        now=now,
        data={"pause": pause.pk},
        legal_basis=rules.BASIS_TIME_LIMIT_EXCLUDED,
    )
    _time_limit_refresh(case=locked, ec=ec, now=now)
    return pause


@transaction.atomic
def enforcement_suspend(*, case: Case, actor: User, now: datetime, reason: str) -> Case:
    """中止执行 (CPL 2023 art. 267); the suspension is excluded from the time limit (审限规定 art. 9)."""
    if not reason.strip():
        raise InvalidFiling("请填写中止执行的事由。")
    locked, ec = _guard(case, "suspend", actor)
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["suspend"].allowed_from,
        to_status=CaseStatus.SUSPENDED,
        kind="enforcement.suspended",
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
        to_status=CaseStatus.IN_PROGRESS,
        kind="enforcement.resumed",
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
    """Ask the 院长 to extend the time limit by 3 months (审限规定 art. 5)."""
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
        kind="enforcement.extension_requested",
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
    reported to the high court for the record (审限规定 art. 5), which the event notes."""
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
        kind="enforcement.extension_approved" if approve else "enforcement.extension_refused",
        summary=summary,
        actor=actor,
        now=now,
        data=data,
        legal_basis=rules.BASIS_TIME_LIMIT,
    )
    return ext


# --- Procedural record ----------------------------------------------------------------------

_STEP_BASIS: dict[str, LegalBasis] = {
    StepKind.EXECUTION_NOTICE: rules.BASIS_NOTICE_10_DAYS,
    StepKind.PROPERTY_REPORT_ORDER: rules.BASIS_REPORT,
    StepKind.CONSUMPTION_RESTRICTION: rules.BASIS_CONSUMPTION,
    StepKind.DISHONEST_LISTED: rules.BASIS_DISHONEST,
    StepKind.DISHONEST_NOT_APPLICABLE: rules.BASIS_DISHONEST,
    StepKind.ONLINE_INQUIRY: LegalBasis(rules.ZHONGBEN, "2016", "3"),
    StepKind.ONSITE_INVESTIGATION: LegalBasis(rules.ZHONGBEN, "2016", "3"),
    StepKind.APPLICANT_INTERVIEW: rules.BASIS_ZHONGBEN,
}
_DECIDE_STEPS = {
    StepKind.CONSUMPTION_RESTRICTION,
    StepKind.DISHONEST_LISTED,
    StepKind.DISHONEST_NOT_APPLICABLE,
}


@transaction.atomic
def procedure_step_record(
    *,
    case: Case,
    kind: str,
    actor: User,
    now: datetime,
    done_on: date | None = None,
    result: str = "",
    note: str = "",
) -> ProcedureStep:
    """Record a procedural act (执行通知, 报告财产令, 限制消费, 失信, 网络查控, 现场调查, 约谈 …).

    The first act moves a filed case to 办理中. 限制消费 and 失信 decisions need
    ``enforcement.decide``; "失信 not applicable" needs the reason; an online inquiry needs its
    result. These rows are what the 终本 check reads.
    """
    if kind not in StepKind.values:
        raise InvalidFiling("未知的执行事项。")
    if kind in _DECIDE_STEPS:
        require(actor, "enforcement.decide", court=case.court)
    if kind == StepKind.DISHONEST_NOT_APPLICABLE and not note.strip():
        raise InvalidFiling("请说明不符合纳入失信名单条件的理由。")
    if kind in (StepKind.ONLINE_INQUIRY, StepKind.ONSITE_INVESTIGATION) and result not in (
        InquiryResult.FOUND,
        InquiryResult.NOTHING_FOUND,
        InquiryResult.NOT_DISPOSABLE,
    ):
        raise InvalidFiling("请选择查控或调查结果。")
    if result and kind not in (StepKind.ONLINE_INQUIRY, StepKind.ONSITE_INVESTIGATION):
        result = ""
    today = _today(now)
    done_on = done_on or today
    if done_on > today:
        raise InvalidFiling("办理日期不能晚于今天。")
    locked, _ec = _guard(case, "step", actor)
    if locked.filed_at and done_on < _today(locked.filed_at):
        raise InvalidFiling("办理日期不能早于立案日期。")
    step = ProcedureStep.objects.create(
        case=locked,
        kind=kind,
        done_on=done_on,
        result=result,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    summary = step.get_kind_display()
    if result:
        summary += f"：{step.get_result_display()}"
    if note:
        summary += f"（{note.strip()[:80]}）"
    event_kind = f"enforcement.step.{kind}"
    data = {"step": step.pk, "done_on": done_on, "result": result}
    if locked.status == CaseStatus.FILED:
        case_status_change(
            case=locked,
            allowed_from={CaseStatus.FILED},
            to_status=CaseStatus.IN_PROGRESS,
            kind=event_kind,
            summary=summary,
            actor=actor,
            now=now,
            data=data,
            legal_basis=_STEP_BASIS.get(kind),
        )
    else:
        case_event_record(
            case=locked,
            kind=event_kind,
            summary=summary,
            actor=actor,
            now=now,
            data=data,
            legal_basis=_STEP_BASIS.get(kind),
        )
    if kind in (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER):
        deadline_complete(case=locked, kind=kind, now=now)
        step_documents_issue(case=locked, kind=kind, actor=actor, now=now)
    case.refresh_from_db()
    return step


@transaction.atomic
def payment_record(
    *,
    case: Case,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    source: str = "debtor_transfer",
    payer: str = "",
) -> Decimal:
    """Book money received on the case through the ledger; returns what is still outstanding.
    A retry with the same ``idempotency_key`` changes nothing."""
    locked, _ec = _guard(case, "payment", actor)
    receipt_record(
        case=locked,
        amount=to_money(amount),
        source=source,
        idempotency_key=idempotency_key,
        received_at=now,
        actor=actor,
        payer=payer,
    )
    _after_commit_reconcile_controls(case=locked, now=now)
    return amount_outstanding(case=locked, as_of=_today(now))


def _after_commit_reconcile_controls(*, case: Case, now: datetime) -> None:
    """Once money has arrived, lift the freezes no longer needed (all of them once nothing is
    owed). Runs after commit, in its own transaction, so the inquiry app takes its locks in its
    usual order (control row, then audit chain) and never waits on ours."""
    case_id = case.pk
    transaction.on_commit(lambda: controls_reconcile(case=Case.objects.get(pk=case_id), now=now, actor=None))


def _after_commit_release_controls(*, case: Case, now: datetime, reason: str) -> None:
    """Execution suspended by settlement: every freeze and seizure is lifted at once
    (执行和解规定 2020 art. 3), after this transaction commits."""
    case_id = case.pk
    transaction.on_commit(
        lambda: controls_release_all(case=Case.objects.get(pk=case_id), reason=reason, actor=None, now=now)
    )


# --- Clues, emergency actions, other courts -------------------------------------------------


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
    (财产调查规定 art. 2). A clue is accepted on an open case and on a case closed by 终本, where
    it may lead to resumption (终本规定 art. 9)."""
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
        kind=f"clue_{clue.pk}",
        label=f"核查{'紧急' if urgent else ''}{clue.get_kind_display()}（{clue.description[:20]}）",
        starts_on=today,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=rules.BASIS_CLUE_CHECK,
        assignee=locked.officer,
    )
    case_event_record(
        case=locked,
        kind="enforcement.clue_submitted",
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
    deadline_complete(case=locked, kind=f"clue_{clue.pk}", now=now)
    late = _today(now) > clue.verify_due_on
    case_event_record(
        case=locked,
        kind="enforcement.clue_verified",
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
        kind="enforcement.emergency_opened",
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
        kind="enforcement.emergency_closed",
        summary=f"紧急行动结束：{action.outcome[:100]}",
        actor=actor,
        now=now,
        data={"action": action.pk},
    )
    return action


@transaction.atomic
def assistance_request_send(
    *, case: Case, kind: str, to_court: Court, matter: str, actor: User, now: datetime
) -> AssistanceRequest:
    """Ask another court to execute (委托执行) or to help (协助执行). The requested court starts
    within 15 days (CPL 2023 art. 240) and finishes or reports within 30 days (审限规定 art. 5);
    both deadlines are tracked here for follow-up."""
    if kind not in AssistanceKind.values:
        raise InvalidFiling("请选择委托执行或协助执行。")
    if not matter.strip():
        raise InvalidFiling("请填写委托或协助事项。")
    if to_court.pk == case.court_id:
        raise InvalidFiling("不能委托本院。")
    locked, _ec = _guard(case, "assistance", actor)
    today = _today(now)
    dl = rules.commission_deadlines(today)
    req = AssistanceRequest.objects.create(
        case=locked,
        kind=kind,
        to_court=to_court,
        matter=matter.strip(),
        sent_on=today,
        start_due_on=dl.start.day,
        complete_due_on=dl.complete.day,
        provisional=dl.start.provisional or dl.complete.provisional,
        sent_by=actor,
    )
    deadline_open(
        case=locked,
        kind=f"assist_{req.pk}",
        label=f"跟进{req.get_kind_display()}（{to_court.name}，30日内办结或报告）",
        starts_on=today,
        due_on=dl.complete.day,
        provisional=dl.complete.provisional,
        legal_basis=rules.BASIS_TIME_LIMIT,
    )
    data: dict[str, Any] = {"request": req.pk, "to_court": to_court.code, "start_due_on": dl.start.day}
    if kind == AssistanceKind.COMMISSION and locked.filed_at is not None:
        # 审限规定 art. 5: the commissioning court finishes the formalities within 1 month of filing.
        limit = period_end_provisional(_today(locked.filed_at), months=1)
        if today > limit.day:
            data["formalities_late"] = True
    case_event_record(
        case=locked,
        kind="enforcement.assistance_sent",
        summary=f"向{to_court.name}发出{req.get_kind_display()}函：{req.matter[:60]}；"
        f"受托法院应于{dl.start.day:%Y-%m-%d}前开始办理",
        actor=actor,
        now=now,
        data=data,
        legal_basis=rules.BASIS_COMMISSION,
    )
    return req


@transaction.atomic
def assistance_reply_record(
    *, request: AssistanceRequest, actor: User, now: datetime, reply: str
) -> AssistanceRequest:
    if not reply.strip():
        raise InvalidFiling("请填写回复内容。")
    locked, _ec = _guard(request.case, "assistance_reply", actor)
    req = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    if req.replied_on is not None:
        raise InvalidTransition("已登记回复。")
    req.reply = reply.strip()
    req.replied_on = _today(now)
    req.save(update_fields=["reply", "replied_on"])
    deadline_complete(case=locked, kind=f"assist_{req.pk}", now=now)
    case_event_record(
        case=locked,
        kind="enforcement.assistance_replied",
        summary=f"{req.to_court.name}回复：{req.reply[:80]}",
        actor=actor,
        now=now,
        data={"request": req.pk},
    )
    return req


# --- Settlement -----------------------------------------------------------------------------


@transaction.atomic
def settlement_record(
    *,
    case: Case,
    actor: User,
    now: datetime,
    agreed_on: date,
    terms: str,
    installments: Sequence[InstallmentDue],
) -> Settlement:
    """Record a settlement agreement (执行和解) with its instalments; execution is suspended
    (和解规定 art. 2) and the period is excluded from the time limit (审限规定 art. 9)."""
    if not terms.strip():
        raise InvalidFiling("请填写和解协议内容。")
    if not installments:
        raise InvalidFiling("请至少填写一期履行安排。")
    today = _today(now)
    if agreed_on > today:
        raise InvalidFiling("达成日期不能晚于今天。")
    dues = [i.due_on for i in installments]
    if dues != sorted(dues) or len(set(dues)) != len(dues) or dues[0] < agreed_on:
        raise InvalidFiling("各期履行日期应晚于达成日期并按先后顺序排列，且不得重复。")
    amounts = [to_money(i.amount) for i in installments]
    if any(a <= 0 for a in amounts):
        raise InvalidFiling("每期金额必须大于零。")
    locked, ec = _guard(case, "settlement", actor)
    settlement = Settlement.objects.create(
        case=locked,
        agreed_on=agreed_on,
        terms=terms.strip(),
        total=sum(amounts, Decimal("0.00")),
        recorded_by=actor,
        recorded_at=now,
    )
    for seq, (inst, amount) in enumerate(zip(installments, amounts, strict=True), start=1):
        last = rules.installment_last_day(inst.due_on)
        row = SettlementInstallment.objects.create(
            settlement=settlement,
            seq=seq,
            due_on=inst.due_on,
            last_day=last.day,
            provisional=last.provisional,
            amount=amount,
        )
        deadline_open(
            case=locked,
            kind=f"settle_{row.pk}",
            label=f"和解第{seq}期履行（{amount}元）",
            starts_on=agreed_on,
            due_on=last.day,
            provisional=last.provisional,
            legal_basis=rules.BASIS_SETTLEMENT_SUSPEND,
        )
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["settlement"].allowed_from,
        to_status=CaseStatus.SETTLEMENT,
        kind="enforcement.settlement_recorded",
        summary=f"达成执行和解协议，共{len(amounts)}期、{settlement.total}元，中止执行",
        actor=actor,
        now=now,
        data={"settlement": settlement.pk, "total": settlement.total, "installments": len(amounts)},
        legal_basis=rules.BASIS_SETTLEMENT_SUSPEND,
    )
    _pause_open(
        case=locked,
        kind=PauseKind.SETTLEMENT,
        started_on=max(agreed_on, ec.time_limit_starts_on or agreed_on),
        reason="执行和解",
    )
    _time_limit_refresh(case=locked, ec=ec, now=now)
    _after_commit_release_controls(case=locked, now=now, reason="达成执行和解，中止执行")
    case.refresh_from_db()
    return settlement


def _active_settlement(case: Case) -> Settlement:
    settlement = (
        Settlement.objects.select_for_update()
        .filter(case=case, status__in=[SettlementStatus.PERFORMING, SettlementStatus.DEFAULTED])
        .order_by("-id")
        .first()
    )
    if settlement is None:
        raise InvalidTransition("本案没有正在履行的和解协议。")
    return settlement


@transaction.atomic
def settlement_installment_pay(
    *,
    installment: SettlementInstallment,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    paid_on: date | None = None,
) -> SettlementInstallment:
    """Book a payment on an instalment (through the ledger). When every instalment is paid the
    settlement is performed and the case closes as 执行完毕 (和解规定 art. 8). A retry with the
    same ``idempotency_key`` (within the court: keys are each court's own) changes nothing."""
    case = installment.settlement.case
    replay = SettlementPayment.objects.filter(court_id=case.court_id, idempotency_key=idempotency_key)
    existing = replay.first()
    if existing is not None:
        return existing.installment
    locked, ec = _guard(case, "installment_pay", actor)
    existing = replay.first()  # a parallel retry held the case lock before us and has booked it
    if existing is not None:
        return existing.installment
    settlement = _active_settlement(locked)
    inst = SettlementInstallment.objects.select_for_update().get(pk=installment.pk, settlement=settlement)
    amount = to_money(amount)
    remaining = inst.amount - inst.paid
    if amount <= 0 or amount > remaining:
        raise InvalidFiling(f"本期尚欠{remaining}元，付款金额应大于零且不超过该数。")
    today = _today(now)
    paid_on = paid_on or today
    receipt_record(
        case=locked,
        amount=amount,
        source="settlement_installment",
        idempotency_key=f"settlement:{idempotency_key}",
        received_at=now,
        actor=actor,
        note=f"和解第{inst.seq}期",
    )
    SettlementPayment.objects.create(
        court_id=locked.court_id,
        installment=inst,
        amount=amount,
        paid_on=paid_on,
        idempotency_key=idempotency_key,
        recorded_at=now,
    )
    inst.paid += amount
    fields = ["paid"]
    if inst.paid >= inst.amount:
        inst.paid_on = paid_on
        fields.append("paid_on")
        deadline_complete(case=locked, kind=f"settle_{inst.pk}", now=now)
    inst.save(update_fields=fields)
    late = paid_on > inst.last_day
    case_event_record(
        case=locked,
        kind="enforcement.installment_paid",
        summary=f"收到和解第{inst.seq}期款{amount}元" + ("（逾期）" if late else ""),
        actor=actor,
        now=now,
        data={"installment": inst.pk, "amount": amount, "late": late},
        legal_basis=rules.BASIS_SETTLEMENT_SUSPEND,
    )
    if not settlement.installments.filter(paid__lt=F("amount")).exists():
        settlement.status = SettlementStatus.PERFORMED
        settlement.save(update_fields=["status"])
        _close(
            case=locked,
            ec=ec,
            method=ClosingMethod.COMPLETED,
            reason="执行和解协议已全部履行",
            actor=actor,
            now=now,
            legal_basis=rules.BASIS_SETTLEMENT_PERFORMED,
            allowed_from={CaseStatus.SETTLEMENT},
        )
    inst.refresh_from_db()
    return inst


def settlement_overdue(settlement: Settlement, *, as_of: date) -> list[SettlementInstallment]:
    """Instalments whose last day has passed unpaid (和解规定 art. 11: only then may the
    applicant resume)."""
    return [i for i in settlement.installments.all() if not i.is_paid and i.last_day < as_of]


@transaction.atomic
def settlement_default_sweep(*, now: datetime) -> int:
    """Mark performing settlements with an overdue unpaid instalment as defaulted; returns how many."""
    today = _today(now)
    count = 0
    for settlement in Settlement.objects.filter(status=SettlementStatus.PERFORMING).select_related("case"):
        overdue = settlement_overdue(settlement, as_of=today)
        if not overdue:
            continue
        settlement.status = SettlementStatus.DEFAULTED
        settlement.save(update_fields=["status"])
        case_event_record(
            case=settlement.case,
            kind="enforcement.settlement_defaulted",
            summary=f"和解第{overdue[0].seq}期（{overdue[0].last_day:%Y-%m-%d}到期）未按期履行，申请执行人可申请恢复执行",
            actor=None,
            now=now,
            data={"settlement": settlement.pk, "installment": overdue[0].pk},
            legal_basis=rules.BASIS_SETTLEMENT_RESUME,
        )
        count += 1
    return count


@transaction.atomic
def settlement_resume(*, case: Case, actor: User, now: datetime, reason: str = "") -> Case:
    """The debtor defaulted on the settlement; on the applicant's request execution resumes as a
    linked 执恢 case whose debt is the original debt less everything already paid (民诉解释 2022
    art. 465; 和解规定 arts. 11, 17). Refused while no instalment is overdue (art. 11). The
    original case is closed (终结执行) and points to the new case.

    Returns the new 执恢 case.
    """
    locked, ec = _guard(case, "settlement_resume", actor)
    settlement = _active_settlement(locked)
    today = _today(now)
    overdue = settlement_overdue(settlement, as_of=today)
    if not overdue:
        raise ConditionsNotMet(
            "和解协议尚在履行期内或已按期履行，不能恢复执行。",
            unmet=["settlement_default"],
            details={"settlement": settlement.pk},
        )
    paid = sum((i.paid for i in settlement.installments.all()), Decimal("0.00"))
    remaining = amount_outstanding(case=locked, as_of=today)
    last_day = max(i.last_day for i in settlement.installments.all())
    deadline = rules.application_deadline(last_day)
    new_case = _restore_create(
        original=locked,
        original_ec=ec,
        actor=actor,
        now=now,
        principal=remaining,
        summary=f"和解未履行，恢复执行（原案{locked.number}，已履行{paid}元予以扣除）",
        legal_basis=rules.BASIS_SETTLEMENT_DEDUCT,
        data={"settlement": settlement.pk, "paid": paid, "remaining": remaining},
        application_deadline=deadline.day,
        late=today > deadline.day,
    )
    settlement.status = SettlementStatus.RESUMED
    settlement.resumed_case = new_case
    settlement.save(update_fields=["status", "resumed_case"])
    _close(
        case=locked,
        ec=ec,
        method=ClosingMethod.TERMINATED,
        reason=f"和解协议未履行，已恢复执行（{new_case.number}）" + (f"；{reason}" if reason else ""),
        actor=actor,
        now=now,
        legal_basis=rules.BASIS_SETTLEMENT_RESUME,
        allowed_from={CaseStatus.SETTLEMENT},
    )
    return new_case


def _restore_create(
    *,
    original: Case,
    original_ec: EnforcementCase,
    actor: User,
    now: datetime,
    principal: Decimal,
    summary: str,
    legal_basis: LegalBasis,
    data: dict[str, Any],
    application_deadline: date | None = None,
    late: bool = False,
) -> Case:
    """Register the 执恢 case linked to ``original`` with the remaining debt as its principal."""
    today = _today(now)
    parties = [
        PartyInRole(cp.party, cp.role)
        for cp in CaseParty.objects.filter(case=original).select_related("party").order_by("role", "position")
    ]
    new_case = case_register(
        court=original.court,
        type_code="执恢",
        parties=parties,
        actor=actor,
        now=now,
        cause=original.cause,
        amount_claimed=principal,
        parent=original,
        summary=summary,
        legal_basis=legal_basis,
        data={"parent": original.number, **data},
    )
    ec = EnforcementCase.objects.create(
        case=new_case,
        channel=Channel.COUNTER,
        submitted_by=actor.name,
        basis_kind=original_ec.basis_kind,
        basis_issuer=original_ec.basis_issuer,
        basis_number=original_ec.basis_number,
        basis_effective_on=original_ec.basis_effective_on,
        performance_deadline=original_ec.performance_deadline,
        basis_installments=original_ec.basis_installments,
        principal=to_money(principal),
        non_money_acts=original_ec.non_money_acts,
        applied_on=today,
        application_period_starts_on=original_ec.application_period_starts_on,
        application_deadline=application_deadline or original_ec.application_deadline,
        late_application=late,
        known_assets=original_ec.known_assets,
        priority_claim=original_ec.priority_claim,
    )
    if principal > 0:
        obligation_record(
            case=new_case,
            actor=actor,
            now=now,
            principal=to_money(principal),
            basis_effective_on=original_ec.basis_effective_on,
        )
    case_event_record(
        case=original,
        kind="enforcement.restored",
        summary=f"已立恢复执行案件{new_case.number}",
        actor=actor,
        now=now,
        data={"restored_case": new_case.pk},
        legal_basis=legal_basis,
    )
    # The same officer keeps the file when still in post; otherwise assign by load.
    officer = original.officer
    if officer is not None and officer.is_active and officer.role in ENFORCEMENT_ROLES:
        Case.objects.filter(pk=new_case.pk).update(officer=officer, team=original.team)
        new_case.refresh_from_db()
        ec.track = original_ec.track
        ec.triage_reasons = ["恢复执行案件，由原承办人继续办理"]
        ec.time_limit_starts_on = today
        ec.save(update_fields=["track", "triage_reasons", "time_limit_starts_on"])
        case_event_record(
            case=new_case,
            kind="enforcement.assigned",
            summary=f"由原承办人{officer.name}继续办理",
            actor=actor,
            now=now,
            data={"officer": officer.pk},
        )
        _time_limit_refresh(case=new_case, ec=ec, now=now)
    else:
        _start_after_filing(case=new_case, ec=ec, actor=actor, now=now)
    return new_case


# --- Closing --------------------------------------------------------------------------------

TERMINATION_GROUNDS = {
    "withdrawn": "申请人撤销申请",
    "basis_revoked": "据以执行的法律文书被撤销",
    "debtor_died": "作为被执行人的公民死亡，无遗产可供执行，又无义务承担人",
    "beneficiary_died": "追索赡养费、扶养费、抚育费案件的权利人死亡",
    "hardship": "作为被执行人的公民因生活困难无力偿还借款，无收入来源，又丧失劳动能力",
    "bankruptcy": "被执行人被宣告破产",
    "other": "人民法院认为应当终结执行的其他情形",
}


def _close(
    *,
    case: Case,
    ec: EnforcementCase,
    method: str,
    reason: str,
    actor: User | None,
    now: datetime,
    legal_basis: LegalBasis,
    allowed_from: set[str] | frozenset[str],
    data: dict[str, Any] | None = None,
) -> None:
    label = ClosingMethod(method).label
    case_status_change(
        case=case,
        allowed_from=allowed_from,
        to_status=CaseStatus.CLOSED,
        kind="enforcement.closed",
        summary=f"以“{label}”方式结案" + (f"：{reason}" if reason else ""),
        actor=actor,
        now=now,
        legal_basis=legal_basis,
        data={"method": method, "reason": reason, **(data or {})},
        closing_method=str(label),
    )
    ec.closing_method = method
    ec.closing_reason = reason[:256]
    ec.save(update_fields=["closing_method", "closing_reason"])
    _pauses_close(case=case, ended_on=_today(now))
    deadline_cancel(case=case, now=now)
    for pending in TimeLimitExtension.objects.filter(case=case, status=ApprovalStatus.PENDING):
        pending.status = ApprovalStatus.REFUSED
        pending.decision_note = "案件已结案"
        pending.save(update_fields=["status", "decision_note"])


@transaction.atomic
def enforcement_close(
    *,
    case: Case,
    method: str,
    actor: User,
    now: datetime,
    reason: str = "",
    ground: str = "",
    confirm_full_performance: bool = False,
) -> Case:
    """Close the case by one of the six methods (执行工作规定 2020 art. 64), each with its conditions.

    - 执行完毕: nothing outstanding in the ledger, or the officer confirms full performance
      (non-money acts, or a payment outside the ledger) with a note.
    - 终结本次执行程序: all five conditions of :func:`~.selectors.zhongben_conditions` hold;
      otherwise :class:`ConditionsNotMet` lists the unmet ones. Afterwards the 6-monthly property
      re-queries for 5 years are scheduled (终本规定 art. 9).
    - 终结执行: one of the CPL 2023 art. 268 grounds (``ground``); "other" needs a reason.
    - 销案, 不予执行, 驳回申请: a reason.
    """
    if method not in ClosingMethod.values:
        raise InvalidFiling("结案方式不正确。")
    action = CLOSE_ACTION[ClosingMethod(method)]
    locked, ec = _guard(case, action, actor)
    today = _today(now)
    basis = rules.BASIS_CLOSING_METHODS
    data: dict[str, Any] = {}
    if method == ClosingMethod.COMPLETED:
        outstanding = amount_outstanding(case=locked, as_of=today)
        has_money = ec.principal > 0
        if ((has_money and outstanding > 0) or not has_money) and not confirm_full_performance:
            raise ConditionsNotMet(
                f"尚欠{outstanding}元未执行到位，不能以执行完毕结案；如已全部履行，请确认并说明。"
                if has_money
                else "请确认非金钱给付义务已全部履行并说明履行情况。",
                unmet=["fully_performed"],
                details={"outstanding": str(outstanding)},
            )
        if confirm_full_performance and not reason.strip():
            raise InvalidFiling("确认已全部履行的，请说明履行情况。")
        data["outstanding"] = outstanding
    elif method == ClosingMethod.NO_PROPERTY:
        conditions = zhongben_conditions(case=locked, as_of=today)
        unmet = [c for c in conditions if not c.met]
        if unmet:
            raise ConditionsNotMet(
                "不符合终结本次执行程序的条件：" + "；".join(f"{c.label}（{c.detail}）" for c in unmet),
                unmet=[c.key for c in unmet],
                details={"conditions": [c.as_dict() for c in conditions]},
            )
        basis = rules.BASIS_ZHONGBEN
        data["outstanding"] = amount_outstanding(case=locked, as_of=today)
    elif method == ClosingMethod.TERMINATED:
        if ground not in TERMINATION_GROUNDS:
            raise InvalidFiling("请选择终结执行的事由。")
        if ground == "other" and not reason.strip():
            raise InvalidFiling("请说明终结执行的具体情形。")
        reason = TERMINATION_GROUNDS[ground] + (f"：{reason.strip()}" if reason.strip() else "")
        basis = rules.BASIS_TERMINATE
        data["ground"] = ground
    elif not reason.strip():
        raise InvalidFiling("请填写结案理由。")
    if method == ClosingMethod.NOT_ENFORCED and ec.late_application:
        basis = rules.BASIS_LATE_ACCEPTED
    if method == ClosingMethod.COMPLETED and locked.status == CaseStatus.SETTLEMENT:
        for s in Settlement.objects.filter(case=locked, status=SettlementStatus.PERFORMING):
            s.status = SettlementStatus.PERFORMED
            s.save(update_fields=["status"])
    _close(
        case=locked,
        ec=ec,
        method=method,
        reason=reason.strip(),
        actor=actor,
        now=now,
        legal_basis=basis,
        allowed_from=ACTIONS[action].allowed_from,
        data=data,
    )
    if method == ClosingMethod.NO_PROPERTY:
        _requery_schedule(case=locked, closed_on=today, now=now)
    case.refresh_from_db()
    return case


def _requery_schedule(*, case: Case, closed_on: date, now: datetime) -> None:
    plan = rules.requery_plan(closed_on)
    for seq, due in enumerate(plan, start=1):
        PropertyRequery.objects.create(case=case, seq=seq, due_on=due.day, provisional=due.provisional)
    _requery_deadline_next(case=case)
    case_event_record(
        case=case,
        kind="enforcement.requery_scheduled",
        summary=f"终本后五年内每六个月查询一次被执行人财产，共{len(plan)}次，首次{plan[0].day:%Y-%m-%d}",
        actor=None,
        now=now,
        data={"dates": [d.day for d in plan]},
        legal_basis=rules.BASIS_ZHONGBEN_AFTER,
    )


def _requery_deadline_next(*, case: Case) -> None:
    nxt = (
        PropertyRequery.objects.filter(case=case, done_on__isnull=True, cancelled=False)
        .order_by("seq")
        .first()
    )
    if nxt is None:
        return
    kind = f"requery_{nxt.seq}"
    if Deadline.objects.filter(
        case=case, kind=kind, done_at__isnull=True, cancelled_at__isnull=True
    ).exists():
        return
    previous = PropertyRequery.objects.filter(case=case, seq=nxt.seq - 1).first()
    deadline_open(
        case=case,
        kind=kind,
        label=f"终本后第{nxt.seq}次财产查询并告知申请执行人",
        starts_on=min(previous.due_on if previous else nxt.due_on, nxt.due_on),
        due_on=nxt.due_on,
        provisional=nxt.provisional,
        legal_basis=rules.BASIS_ZHONGBEN_AFTER,
    )


@transaction.atomic
def requery_record(
    *, requery: PropertyRequery, actor: User, now: datetime, result: str, note: str = ""
) -> PropertyRequery:
    """Record a post-终本 property re-query and its result; the next one becomes due."""
    if result not in (InquiryResult.FOUND, InquiryResult.NOTHING_FOUND, InquiryResult.NOT_DISPOSABLE):
        raise InvalidFiling("请选择查询结果。")
    locked, _ec = _guard(requery.case, "requery", actor)
    row = PropertyRequery.objects.select_for_update().get(pk=requery.pk)
    if row.done_on is not None or row.cancelled:
        raise InvalidTransition("该次查询已登记。")
    row.done_on = _today(now)
    row.result = result
    row.note = note
    row.save(update_fields=["done_on", "result", "note"])
    deadline_complete(case=locked, kind=f"requery_{row.seq}", now=now)
    case_event_record(
        case=locked,
        kind="enforcement.requery_done",
        summary=f"终本后第{row.seq}次财产查询：{row.get_result_display()}，已告知申请执行人",
        actor=actor,
        now=now,
        data={"requery": row.pk, "result": result},
        legal_basis=rules.BASIS_ZHONGBEN_AFTER,
    )
    _requery_deadline_next(case=locked)
    return row


@transaction.atomic
def enforcement_restore(
    *, case: Case, actor: User, now: datetime, reason: str = "", clue: Clue | None = None
) -> Case:
    """Resume a case closed by 终本 as a linked 执恢 case, at any time and not limited by the
    2-year period (终本规定 art. 9; 民诉解释 2022 art. 517), on a verified clue or with the reason
    (e.g. property found by a re-query). The remaining debt carries over. Returns the new case."""
    locked, ec = _guard(case, "restore", actor)
    if clue is not None and (clue.case_id != locked.pk or clue.status != ClueStatus.VALID):
        raise ConditionsNotMet("线索尚未核查属实，不能据此恢复执行。", unmet=["clue_verified"])
    if clue is None and not reason.strip():
        raise InvalidFiling("请选择核查属实的线索或说明恢复执行的理由。")
    if Case.objects.filter(parent=locked, type_code="执恢").exclude(status=CaseStatus.CLOSED).exists():
        raise Conflict("本案已有正在办理的恢复执行案件。")
    today = _today(now)
    remaining = amount_outstanding(case=locked, as_of=today)
    why = f"依据线索：{clue.description[:40]}" if clue is not None else reason.strip()
    new_case = _restore_create(
        original=locked,
        original_ec=ec,
        actor=actor,
        now=now,
        principal=remaining,
        summary=f"终本后恢复执行（原案{locked.number}）：{why}",
        legal_basis=rules.BASIS_RESTORE_AFTER_ZHONGBEN,
        data={"clue": clue.pk if clue else None, "remaining": remaining},
    )
    PropertyRequery.objects.filter(case=locked, done_on__isnull=True).update(cancelled=True)
    deadline_cancel(case=locked, now=now)
    return new_case


# --- Periodic checks ------------------------------------------------------------------------


@transaction.atomic
def requery_sweep(*, now: datetime) -> int:
    """Make sure every 终本 case has its next re-query on the workbench; returns how many are overdue."""
    today = _today(now)
    case_ids = set(
        PropertyRequery.objects.filter(done_on__isnull=True, cancelled=False).values_list(
            "case_id", flat=True
        )
    )
    for case in Case.objects.filter(pk__in=case_ids):
        _requery_deadline_next(case=case)
    return PropertyRequery.objects.filter(done_on__isnull=True, cancelled=False, due_on__lt=today).count()


@transaction.atomic
def time_limit_sweep(*, now: datetime, warn_days: int = 30) -> int:
    """Put a warning on the workbench of every open case whose time limit ends within
    ``warn_days``; idempotent. Returns how many warnings were added."""
    today = _today(now)
    added = 0
    horizon = rules.days_after(today, warn_days)
    rows = (
        EnforcementCase.objects.filter(time_limit_due_on__isnull=False, time_limit_due_on__lte=horizon)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
    )
    for ec in rows:
        due_on = ec.time_limit_due_on
        assert due_on is not None
        if Deadline.objects.filter(case=ec.case, kind="time_limit_warning", due_on=due_on).exists():
            continue
        deadline_open(
            case=ec.case,
            kind="time_limit_warning",
            label=f"执行期限将于{due_on:%Y-%m-%d}届满，请结案或申请延长",
            starts_on=min(today, due_on),
            due_on=due_on,
            provisional=ec.time_limit_provisional,
            legal_basis=rules.BASIS_TIME_LIMIT,
        )
        added += 1
    return added


def enforcement_sweep(*, now: datetime) -> dict[str, int]:
    """All periodic enforcement checks; each part is idempotent."""
    return {
        "settlements_defaulted": settlement_default_sweep(now=now),
        "requeries_overdue": requery_sweep(now=now),
        "time_limit_warnings": time_limit_sweep(now=now),
    }
