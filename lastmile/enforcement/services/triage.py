"""Triage (繁简分流) and assignment: the court's scoring rules and the officer a case goes to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from lastmile.accounts.models import Court, Team, TeamKind, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty, CaseStatus
from lastmile.cases.services import case_assign, case_enforcement_track_set, case_event_record
from lastmile.core.errors import ConditionsNotMet
from lastmile.core.money import format_yuan
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.measures.rules import GOOD_FAITH_BASIS as GOOD_FAITH
from lastmile.measures.selectors import enterprise_screenings_missing
from lastmile.parties.models import PartyKind

from .. import rules
from ..models import EnforcementCase, Track, TriageFactor, TriagePolicy, TriageRule
from .common import ENFORCEMENT_ROLES, InvalidFiling

#: A case an officer still carries: every status but closed.
OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)


@dataclass(frozen=True)
class TriageResult:
    score: int
    track: str
    reasons: list[str] = field(default_factory=list)


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
        kind=EnforcementEvent.TRIAGE_RULES_UPDATED,
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
        cp.party for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES).select_related("party")
    ]
    other_cases = (
        Case.objects.filter(
            court=case.court,
            type_code__in=("执", "执恢"),
            case_parties__role__in=DEBTOR_ROLES,
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
            label = f"标的金额{format_yuan(amount)}元，达到{format_yuan(threshold)}元"
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
        elif rule.factor == TriageFactor.GREEN_CHANNEL:
            hit = ec.green_channel
            label = "涉企绿色通道案件，优先办理（法发〔2019〕35号）"
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
    people = list(staff.filter(team=team).order_by("username")) if team is not None else []
    if not people:
        people = list(staff.order_by("username"))
    # Their open cases, read through the (officer, status) index: the closed ones, most of a
    # court's year, are never read.
    loads = dict(
        Case.objects.filter(officer__in=people, status__in=OPEN_STATUSES)
        .values_list("officer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # The fewest open cases; between equals the first by username (the database's order).
    chosen = min(people, key=lambda u: loads.get(u.pk, 0)) if people else None
    case_assign(case=case, officer=chosen, team=team, deadlines=True)
    case_event_record(
        case=case,
        kind=EnforcementEvent.ASSIGNED,
        summary=(
            f"分配承办人：{chosen.name}（{team.name if team else '未设团队'}）"
            if chosen
            else "暂无可分配的执行人员，待指定承办人"
        ),
        actor=actor,
        now=now,
        data={"officer": chosen.pk if chosen else None, "team": team.pk if team else None},
    )
    return chosen


@transaction.atomic
def green_channel_flag(*, case: Case, actor: User, now: datetime, reason: str = "") -> EnforcementCase:
    """Put a 涉企 case on the green channel (法发〔2019〕35号, 善意文明执行): every enterprise debtor
    is screened first (暂时经营困难 or 规避执行, recorded in the measures app), then the case is
    triaged again with the green-channel factor, which gives it priority (a case moving to the
    other track is reassigned). Credit punishment of an enterprise screened as struggling stays
    refused unless the 院长 approves it in writing (``measures.guardrails``: 审慎).

    Refused, naming the rule, when no debtor is an enterprise, when an enterprise debtor is not
    screened yet, or when the case is already on it; nothing is written then."""
    require(actor, "enforcement.decide", court=case.court)
    ec = EnforcementCase.objects.select_for_update().get(pk=case.pk)
    if ec.green_channel:
        raise ConditionsNotMet("本案已纳入涉企绿色通道。", unmet=["green_channel"])
    debtors = [
        cp.party for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES).select_related("party")
    ]
    if not any(p.kind != PartyKind.PERSON for p in debtors):
        raise ConditionsNotMet(
            f"被执行人中没有企业，不属于涉企案件，不能纳入涉企绿色通道（{GOOD_FAITH}）。",
            unmet=["enterprise"],
        )
    missing = enterprise_screenings_missing(case=case)
    if missing:
        raise ConditionsNotMet(
            f"纳入涉企绿色通道须先甄别企业经营状况（暂时经营困难或规避执行），尚未甄别：{'、'.join(missing)}"
            f"（{GOOD_FAITH}）。",
            unmet=["screening"],
            details={"unscreened": missing},
        )
    ec.green_channel = True
    result = triage_score(case=case, ec=ec)
    moved = result.track != ec.track
    ec.track, ec.triage_score, ec.triage_reasons = result.track, result.score, result.reasons
    ec.save(update_fields=["green_channel", "track", "triage_score", "triage_reasons"])
    case_enforcement_track_set(case=case, track=ec.track)
    case_event_record(
        case=case,
        kind=EnforcementEvent.GREEN_CHANNEL,
        summary=f"纳入涉企绿色通道：{ec.get_track_display()}（评分{result.score}）"
        + (f"：{reason.strip()}" if reason.strip() else ""),
        actor=actor,
        now=now,
        data={"score": result.score, "track": result.track, "reasons": result.reasons},
        legal_basis=GOOD_FAITH,
    )
    if moved:
        _assign(case=case, track=result.track, actor=actor, now=now)
    return ec
