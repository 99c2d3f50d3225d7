"""Writes for coercive measures and credit punishment. Every state change writes a case event.

Every proposal goes through :func:`lastmile.measures.guardrails.measure_evaluate` first: a refusal
raises :class:`~lastmile.measures.guardrails.GuardrailRefused` before anything is written; warnings
need ``acknowledge_warnings=True``. Measures that need the 院长 (拘传, 罚款, 拘留: 民事诉讼法 2023
art. 119; 限制消费令: 限消规定 art. 5; 失信决定书: 失信规定 art. 5) go proposed → approved by a
holder of ``approve.president`` who is not the proposer → in force → expired / lifted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty, CaseStatus
from lastmile.cases.services import case_event_record, deadline_complete, deadline_open
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end_provisional
from lastmile.parties.models import Party
from lastmile.parties.selectors import party_masked_id

from . import rules
from .guardrails import (
    OVERRIDABLE,
    Proposal,
    debt_outstanding,
    duplicate_of,
    duplicate_refuse,
    listing_publishable,
    local_date,
    measure_evaluate,
)
from .models import (
    CorrectionRequest,
    CorrectionStatus,
    DebtorProfile,
    DishonestGround,
    DishonestListing,
    DishonestNotApplicable,
    EnterpriseScreening,
    GracePeriod,
    GuardrailOverride,
    HomeDesignation,
    LiftStatus,
    ListingStatus,
    Measure,
    MeasureKind,
    MeasureReview,
    MeasureStatus,
    MeasureSubject,
    OperationTarget,
    PublicationChannel,
    PublicationExport,
    ReferralStatus,
    ReferralStep,
    RefusalReferral,
    RemovalGround,
    ReviewOutcome,
    SpecialOperation,
    SubjectCapacity,
    TargetOutcome,
    TemporaryLift,
)
from .selectors import court_id_of


def plus_months(d: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day (no working-day roll)."""
    import calendar

    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _is_debtor(case: Case, party: Party) -> bool:
    return CaseParty.objects.filter(case=case, party=party, role__in=DEBTOR_ROLES).exists()


def _basis(kind: str) -> LegalBasis:
    return rules.KINDS[kind].basis


def _locked_measure(measure_id: int, actor: User) -> Measure:
    m = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("case", "subject", "court")
        .filter(pk=measure_id)
        .first()
    )
    if m is None or m.court_id != actor.court_id:
        raise NotFound("措施不存在或您无权查看。")
    return m


# --- guardrail inputs --------------------------------------------------------------------------


@transaction.atomic
def debtor_profile_record(
    *, actor: User, case: Case, party: Party, full_time_student: bool, campus_loan: bool, now: datetime
) -> DebtorProfile:
    """Record whether the debtor is a full-time student in a 校园贷 case (法发〔2019〕35号)."""
    require(actor, "measure.propose", court=case.court)
    profile, _ = DebtorProfile.objects.update_or_create(
        case=case,
        party=party,
        defaults={
            "full_time_student": full_time_student,
            "campus_loan": campus_loan,
            "recorded_by": actor,
            "recorded_at": now,
        },
    )
    case_event_record(
        case=case,
        kind="measures.debtor_profile",
        summary=f"记录被执行人情况：{party.name}"
        + ("（全日制在校生，校园贷纠纷）" if full_time_student and campus_loan else ""),
        actor=actor,
        now=now,
        data={"party": party.pk, "full_time_student": full_time_student, "campus_loan": campus_loan},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return profile


@transaction.atomic
def enterprise_screening_record(
    *,
    actor: User,
    case: Case,
    party: Party,
    operating: bool,
    employees_kept: bool,
    taxes_paid: bool,
    paying_in_part: bool,
    note: str = "",
    now: datetime,
) -> EnterpriseScreening:
    """Screen an enterprise debtor: struggling (all four factors) or evading (法发〔2019〕35号)."""
    require(actor, "measure.propose", court=case.court)
    if party.is_person:
        raise ConditionsNotMet("企业经营状况甄别只适用于法人或其他组织。", unmet=["organisation"])
    screening = EnterpriseScreening.objects.create(
        case=case,
        party=party,
        operating=operating,
        employees_kept=employees_kept,
        taxes_paid=taxes_paid,
        paying_in_part=paying_in_part,
        note=note,
        screened_by=actor,
        screened_at=now,
    )
    verdict = "暂时经营困难" if screening.struggling else "不属于暂时经营困难"
    case_event_record(
        case=case,
        kind="measures.enterprise_screened",
        summary=f"企业经营状况甄别：{party.name}，{verdict}",
        actor=actor,
        now=now,
        data={
            "party": party.pk,
            "operating": operating,
            "employees_kept": employees_kept,
            "taxes_paid": taxes_paid,
            "paying_in_part": paying_in_part,
            "struggling": screening.struggling,
        },
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return screening


@transaction.atomic
def grace_period_grant(
    *, actor: User, case: Case, party: Party, months: int, reason: str, now: datetime
) -> GracePeriod:
    """Grant a 1–3 month grace period before a listing or restriction is published (法发〔2019〕35号)."""
    require(actor, "measure.propose", court=case.court)
    if not rules.GRACE_MONTHS_MIN <= months <= rules.GRACE_MONTHS_MAX:
        raise ConditionsNotMet("宽限期应为一至三个月。", unmet=["grace_months"])
    if not reason.strip():
        raise ConditionsNotMet("请写明给予宽限期的理由。", unmet=["reason"])
    start = local_date(now)
    end = period_end_provisional(start, months=months).day
    grace = GracePeriod.objects.create(
        case=case,
        party=party,
        starts_on=start,
        ends_on=end,
        months=months,
        reason=reason.strip(),
        granted_by=actor,
        granted_at=now,
    )
    case_event_record(
        case=case,
        kind="measures.grace_granted",
        summary=f"给予{party.name}宽限期{months}个月，至{end:%Y-%m-%d}，期间不公布失信、限消信息",
        actor=actor,
        now=now,
        data={"party": party.pk, "months": months, "ends_on": end},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return grace


@transaction.atomic
def home_designation_record(
    *,
    actor: User,
    case: Case,
    party: Party,
    property_ref: str,
    address: str,
    necessary_home: bool,
    notice_served_on: date | None,
    now: datetime,
) -> HomeDesignation:
    """Record whether a real-estate item is the family's necessary home (查封规定 2020 art. 4)."""
    require(actor, "measure.propose", court=case.court)
    home, _ = HomeDesignation.objects.update_or_create(
        case=case,
        property_ref=property_ref.strip(),
        defaults={
            "party": party,
            "address": address,
            "necessary_home": necessary_home,
            "notice_served_on": notice_served_on,
            "recorded_by": actor,
            "recorded_at": now,
        },
    )
    case_event_record(
        case=case,
        kind="measures.home_designated",
        summary=f"不动产{property_ref}{'认定为生活必需住房' if necessary_home else '非生活必需住房'}",
        actor=actor,
        now=now,
        data={"party": party.pk, "property_ref": property_ref, "necessary_home": necessary_home},
        legal_basis=LegalBasis(rules.SEIZURE_RULES, "2020", "4"),
    )
    return home


@transaction.atomic
def guardrail_override_grant(
    *, actor: User, case: Case, party: Party, rule: str, proposal_kind: str, reason: str, now: datetime
) -> GuardrailOverride:
    """The 院长's written override of an overridable guardrail (who, when, reasons)."""
    require(actor, "approve.president", court=case.court, now=now)
    if rule not in OVERRIDABLE:
        raise ConditionsNotMet("该规则不得由院长批准突破。", unmet=["rule"], details={"rule": rule})
    if not reason.strip():
        raise ConditionsNotMet("院长书面批准须写明理由。", unmet=["reason"])
    ov = GuardrailOverride.objects.create(
        case=case,
        party=party,
        rule=rule,
        proposal_kind=proposal_kind,
        reason=reason.strip(),
        granted_by=actor,
        granted_at=now,
    )
    case_event_record(
        case=case,
        kind="measures.guardrail_override",
        summary=f"院长书面批准对{party.name}采取措施（{rule}）：{reason.strip()}"[:256],
        actor=actor,
        now=now,
        data={"party": party.pk, "rule": rule, "proposal_kind": proposal_kind, "reason": reason.strip()},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return ov


# --- proposal, approval, life ------------------------------------------------------------------


@transaction.atomic
def measure_propose(
    *,
    actor: User,
    proposal: Proposal,
    reason: str,
    now: datetime,
    acknowledge_warnings: bool = False,
    plate: str = "",
) -> Measure:
    """Propose a measure. Evaluated first (refused → nothing written; warned → needs the
    acknowledgement). Kinds without 院长 approval take effect at once.

    One pending or active measure of a kind per debtor and case (fines and vehicle seizures
    excepted): a second proposal is refused with the guardrail's duplicate reason and its legal
    basis, naming the measure already there, and nothing is written. The database constraint
    ``measure_one_active_per_kind`` holds this when proposals race; the loser gets the same
    refusal as a proposal made after the first, never the first proposer's row (it carries
    another judge's reasons and terms, which the second proposer did not write).
    """
    case, subject = proposal.case, proposal.subject
    require(actor, "measure.propose", court=case.court)
    if proposal.kind not in MeasureKind.values:
        raise ConditionsNotMet("未知的措施类型。", unmet=["kind"])
    if not reason.strip():
        raise ConditionsNotMet("请写明采取措施的事由。", unmet=["reason"])
    if not _is_debtor(case, subject):
        raise ConditionsNotMet("只能对本案被执行人采取该措施。", unmet=["subject"])
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition("案件已结案，不能采取措施。")
    evaluation = measure_evaluate(proposal, now=now)
    evaluation.require_acknowledged(acknowledge_warnings)

    rule = rules.KINDS[proposal.kind]
    try:
        with transaction.atomic():
            m = Measure.objects.create(
                court=case.court,
                case=case,
                subject=subject,
                kind=proposal.kind,
                status=MeasureStatus.PROPOSED,
                reason=reason.strip(),
                legal_basis=rule.basis.as_dict(),
                needs_president=rule.needs_president,
                amount=to_money(proposal.amount) if proposal.amount is not None else None,
                days=proposal.days,
                hours=proposal.hours,
                summons_count=proposal.summons_count,
                ground=proposal.ground,
                extension_years=proposal.extension_years,
                plate=plate,
                evaluation={
                    **evaluation.as_dict(),
                    "security_amount": str(to_money(proposal.security_amount)),
                    "controlled_value": str(to_money(proposal.controlled_value)),
                },
                warnings_acknowledged=acknowledge_warnings and evaluation.verdict == "warn",
                proposed_by=actor,
                proposed_at=now,
            )
    except IntegrityError:
        existing = duplicate_of(proposal)  # the racing proposal has committed: it is visible now
        if existing is None:
            raise
        duplicate_refuse(proposal.kind, existing_measure=existing.pk)
    case_event_record(
        case=case,
        kind="measures.proposed",
        summary=f"提请{m.get_kind_display()}：{subject.name}"
        + ("，报院长审批" if rule.needs_president else ""),
        actor=actor,
        now=now,
        data={"measure": m.pk, "kind": m.kind, "evaluation": evaluation.as_dict()},
        legal_basis=rule.basis,
    )
    if not rule.needs_president:
        _take_effect(m, actor=actor, now=now, starts_at=now)
    return m


@transaction.atomic
def measure_approve(
    *, actor: User, measure_id: int, now: datetime, document_number: str = "", note: str = ""
) -> Measure:
    """院长 approval (民事诉讼法 2023 art. 119; 限消规定 art. 5; 失信规定 art. 5). The approver holds
    ``approve.president`` and is not the proposer; the guardrails are evaluated again."""
    m = _locked_measure(measure_id, actor)
    require(actor, "approve.president", court=m.court, now=now)
    if m.proposed_by_id == actor.pk:
        raise PermissionDenied("提请人不能审批自己提请的措施。")
    if m.status != MeasureStatus.PROPOSED:
        raise InvalidTransition(f"措施当前状态为“{m.get_status_display()}”，不能审批。")
    evaluation = measure_evaluate(_proposal_of(m), now=now)
    # the proposal's own pending row is not a duplicate of itself
    evaluation = _without_duplicate(evaluation)
    evaluation.raise_if_refused()  # warnings are before the 院长, who approves knowing them
    m.status = MeasureStatus.APPROVED
    m.decided_by = actor
    m.decided_at = now
    m.decision_note = note
    m.document_number = document_number
    m.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "document_number"])
    case_event_record(
        case=m.case,
        kind="measures.approved",
        summary=f"院长批准{m.get_kind_display()}：{m.subject.name}"
        + (f"（{document_number}）" if document_number else ""),
        actor=actor,
        now=now,
        data={"measure": m.pk, "document_number": document_number, "evaluation": evaluation.as_dict()},
        legal_basis=cpl(119) if m.kind in rules.REVIEWABLE else _basis(m.kind),
    )
    # 拘传 and 拘留 take effect when carried out; the others when the decision is made.
    if m.kind not in (MeasureKind.SUMMONS_BY_FORCE, MeasureKind.DETENTION):
        _take_effect(m, actor=actor, now=now, starts_at=now)
    return m


def _without_duplicate(evaluation):  # type: ignore[no-untyped-def]
    from .guardrails import Evaluation

    reasons = tuple(r for r in evaluation.reasons if r.code != "duplicate")
    if any(r.severity == "refuse" for r in reasons):
        return Evaluation("refused", reasons)
    return Evaluation("warn" if reasons else "allowed", reasons)


def _proposal_of(m: Measure) -> Proposal:
    ev = m.evaluation or {}
    return Proposal(
        kind=m.kind,
        case=m.case,
        subject=m.subject,
        ground=m.ground,
        amount=m.amount,
        days=m.days,
        hours=m.hours,
        summons_count=m.summons_count,
        detention_may_follow=bool(m.hours and m.hours > rules.QUESTIONING_MAX_HOURS),
        extension_years=m.extension_years,
        security_amount=Decimal(ev.get("security_amount", "0")),
        controlled_value=Decimal(ev.get("controlled_value", "0")),
    )


@transaction.atomic
def measure_reject(*, actor: User, measure_id: int, note: str, now: datetime) -> Measure:
    m = _locked_measure(measure_id, actor)
    require(actor, "approve.president", court=m.court, now=now)
    if m.status != MeasureStatus.PROPOSED:
        raise InvalidTransition(f"措施当前状态为“{m.get_status_display()}”，不能审批。")
    m.status = MeasureStatus.REJECTED
    m.decided_by = actor
    m.decided_at = now
    m.decision_note = note
    m.closed_at = now
    m.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "closed_at"])
    case_event_record(
        case=m.case,
        kind="measures.rejected",
        summary=f"院长未批准{m.get_kind_display()}：{m.subject.name}",
        actor=actor,
        now=now,
        data={"measure": m.pk, "note": note},
        legal_basis=_basis(m.kind),
    )
    return m


@transaction.atomic
def measure_execute(*, actor: User, measure_id: int, starts_at: datetime, now: datetime) -> Measure:
    """Carry out an approved 拘传 or 拘留: the questioning or detention period starts."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.status != MeasureStatus.APPROVED:
        raise InvalidTransition("只有已批准的拘传、拘留可以执行。")
    _take_effect(m, actor=actor, now=now, starts_at=starts_at)
    return m


def _take_effect(m: Measure, *, actor: User, now: datetime, starts_at: datetime) -> None:
    m.status = MeasureStatus.IN_FORCE
    m.starts_at = starts_at
    fields = ["status", "starts_at"]
    if m.kind == MeasureKind.SUMMONS_BY_FORCE and m.hours:
        m.ends_at = starts_at + timedelta(hours=m.hours)
        fields.append("ends_at")
    elif m.kind == MeasureKind.DETENTION and m.days:
        m.ends_at = starts_at + timedelta(days=m.days)
        m.family_notice_due_at = starts_at + timedelta(hours=rules.FAMILY_NOTICE_HOURS)
        fields += ["ends_at", "family_notice_due_at"]
        deadline_open(
            case=m.case,
            kind="detention_family_notice",
            label=f"拘留{m.subject.name}后24小时内通知其家属",
            starts_on=local_date(starts_at),
            due_on=local_date(m.family_notice_due_at),
            legal_basis=rules.interp("180"),
        )
    m.save(update_fields=fields)
    if m.kind in rules.REVIEWABLE:
        start = local_date(starts_at)
        deadline_open(
            case=m.case,
            kind=f"measure_review_window_{m.pk}",
            label=f"{m.get_kind_display()}决定复议申请期（3日）",
            starts_on=start,
            due_on=period_end_provisional(start, rules.REVIEW_APPLY_DAYS).day,
            legal_basis=rules.interp("185"),
            provisional=period_end_provisional(start, rules.REVIEW_APPLY_DAYS).provisional,
        )
    if m.kind == MeasureKind.CONSUMPTION_RESTRICTION:
        _restriction_subjects(m)
    if m.kind == MeasureKind.DISHONEST_LISTING:
        _listing_create(m, now=now)
    case_event_record(
        case=m.case,
        kind="measures.in_force",
        summary=f"{m.get_kind_display()}生效：{m.subject.name}"
        + (
            f"，至{m.ends_at.astimezone(m.starts_at.tzinfo):%Y-%m-%d %H:%M}"
            if m.ends_at and m.starts_at
            else ""
        )
        + (f"，罚款{format_yuan(m.amount)}元" if m.amount else ""),
        actor=actor,
        now=now,
        data={"measure": m.pk, "starts_at": m.starts_at, "ends_at": m.ends_at},
        legal_basis=_basis(m.kind),
    )


def _restriction_subjects(m: Measure) -> None:
    """限消规定 2015 art. 3: for an organisation also its legal representative, principal
    responsible person and actual controller."""
    party = m.subject
    rows = [(party, SubjectCapacity.DEBTOR)]
    if not party.is_person:
        for related, capacity in (
            (party.legal_representative, SubjectCapacity.LEGAL_REPRESENTATIVE),
            (party.principal, SubjectCapacity.PRINCIPAL),
            (party.actual_controller, SubjectCapacity.ACTUAL_CONTROLLER),
        ):
            if related is not None:
                rows.append((related, capacity))
    MeasureSubject.objects.bulk_create([MeasureSubject(measure=m, party=p, capacity=c) for p, c in rows])


def _name_key(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", name).strip().replace(" ", "").upper()


def _obligation_text(case: Case) -> str:
    amount = case.amount_claimed
    if amount is None:
        return "履行生效法律文书确定的义务"
    return f"给付{format_yuan(amount)}元及相应利息、迟延履行期间的债务利息"


def _performance_text(case: Case, on: date) -> str:
    owed = debt_outstanding(case, on)
    claimed = to_money(case.amount_claimed or 0)
    if owed <= 0:
        return "全部履行"
    if claimed and owed < claimed:
        return f"部分未履行（尚欠{format_yuan(owed)}元）"
    return "全部未履行"


def _listing_create(m: Measure, *, now: datetime) -> DishonestListing:
    """失信规定 2017 art. 6: what is published; art. 2: the period; 法发〔2019〕35号: grace."""
    party, case = m.subject, m.case
    decided = local_date(now)
    from .guardrails import active_grace

    grace = active_grace(case, party, decided)
    publish_on = grace.ends_on if grace else decided
    period_end = None
    if m.ground and m.ground != DishonestGround.ABLE_BUT_REFUSES:
        period_end = period_end_provisional(
            decided, months=12 * (rules.LISTING_YEARS + m.extension_years)
        ).day
    rep = party.legal_representative or party.principal
    try:
        with transaction.atomic():
            return DishonestListing.objects.create(
                measure=m,
                court=case.court,
                case=case,
                party=party,
                status=ListingStatus.GRACE if publish_on > decided else ListingStatus.PUBLISHED,
                name=party.name,
                name_key=_name_key(party.name),
                id_key=party.id_number.upper(),
                masked_id=party_masked_id(party),
                is_person=party.is_person,
                sex=party.get_sex_display() if party.sex else "",
                birth_year=party.birth_date.year if party.birth_date else None,
                legal_representative=rep.name if rep is not None and not party.is_person else "",
                court_name=case.court.name,
                case_number=case.number,
                filed_on=local_date(case.filed_at) if case.filed_at else None,
                basis=case.parent.number if case.parent_id else "",  # type: ignore[union-attr]
                obligation=_obligation_text(case),
                performance=_performance_text(case, decided),
                conduct=str(DishonestGround(m.ground).label) if m.ground else "",
                ground=m.ground or 1,
                decided_on=decided,
                publish_on=publish_on,
                period_ends_on=period_end,
            )
    except IntegrityError:
        # listing_one_active_per_debtor_case: the debtor is already on the list for this case.
        existing = DishonestListing.objects.filter(
            case=case, party=party, status__in=[ListingStatus.GRACE, ListingStatus.PUBLISHED]
        ).first()
        if existing is None:
            raise
        duplicate_refuse(MeasureKind.DISHONEST_LISTING, existing_listing=existing.pk)


@transaction.atomic
def detention_family_notified(
    *, actor: User, measure_id: int, notified_at: datetime, now: datetime
) -> Measure:
    """Record the family notice of a detention (民诉解释 2022 art. 180: within 24 hours)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind != MeasureKind.DETENTION or m.status != MeasureStatus.IN_FORCE:
        raise InvalidTransition("只有执行中的拘留需要通知家属。")
    m.family_notified_at = notified_at
    m.save(update_fields=["family_notified_at"])
    deadline_complete(case=m.case, kind="detention_family_notice", now=now)
    late = m.family_notice_due_at is not None and notified_at > m.family_notice_due_at
    case_event_record(
        case=m.case,
        kind="measures.family_notified",
        summary=f"已通知{m.subject.name}家属拘留情况" + ("（超过24小时）" if late else ""),
        actor=actor,
        now=now,
        data={"measure": m.pk, "notified_at": notified_at, "late": late},
        legal_basis=rules.interp("180"),
    )
    return m


@transaction.atomic
def measure_lift(*, actor: User, measure_id: int, reason: str, now: datetime) -> Measure:
    """Lift a measure in force (限消规定 art. 9: must lift after full performance; early release
    from detention; release of a seized vehicle). A listing is removed with :func:`listing_remove`."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind == MeasureKind.DISHONEST_LISTING:
        raise InvalidTransition("失信名单请通过删除或撤销办理。")
    if m.status not in (MeasureStatus.IN_FORCE, MeasureStatus.APPROVED):
        raise InvalidTransition(f"措施当前状态为“{m.get_status_display()}”，不能解除。")
    if not reason.strip():
        raise ConditionsNotMet("请写明解除理由。", unmet=["reason"])
    _close(m, status=MeasureStatus.LIFTED, reason=reason, actor=actor, now=now)
    return m


def _close(m: Measure, *, status: str, reason: str, actor: User | None, now: datetime) -> None:
    m.status = status
    m.closed_at = now
    m.close_reason = reason[:256]
    m.save(update_fields=["status", "closed_at", "close_reason"])
    basis = rules.consumption("9") if m.kind == MeasureKind.CONSUMPTION_RESTRICTION else _basis(m.kind)
    case_event_record(
        case=m.case,
        kind=f"measures.{status}",
        summary=f"{m.get_kind_display()}{MeasureStatus(status).label}：{m.subject.name}（{reason}）"[:256],
        actor=actor,
        now=now,
        data={"measure": m.pk, "reason": reason},
        legal_basis=basis,
    )


def measures_expire_due(*, now: datetime) -> int:
    """Automatic expiry: measures whose end has passed expire; fixed-period listings are removed
    (失信规定 2017 art. 10: within 3 working days after the period ends — done the day after)."""
    count = 0
    for pk in Measure.objects.filter(status=MeasureStatus.IN_FORCE, ends_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            m = Measure.objects.select_for_update(of=("self",)).select_related("case", "subject").get(pk=pk)
            if m.status == MeasureStatus.IN_FORCE:
                _close(m, status=MeasureStatus.EXPIRED, reason="期限届满", actor=None, now=now)
                count += 1
    today = local_date(now)
    for pk in DishonestListing.objects.filter(
        status__in=[ListingStatus.GRACE, ListingStatus.PUBLISHED], period_ends_on__lt=today
    ).values_list("pk", flat=True):
        _listing_remove(pk, ground=RemovalGround.PERIOD_ENDED, actor=None, now=now, note="")
        count += 1
    return count


def listings_publish_due(*, now: datetime) -> int:
    """Publish listings whose grace period has ended (nothing is published during it)."""
    today = local_date(now)
    count = 0
    for pk in DishonestListing.objects.filter(status=ListingStatus.GRACE, publish_on__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            listing = (
                DishonestListing.objects.select_for_update(of=("self",))
                .select_related("case", "party")
                .get(pk=pk)
            )
            if (
                listing.status != ListingStatus.GRACE
                or listing_publishable(listing, now=now).verdict == "refused"
            ):
                continue
            listing.status = ListingStatus.PUBLISHED
            listing.save(update_fields=["status"])
            case_event_record(
                case=listing.case,
                kind="measures.listing_published",
                summary=f"宽限期届满，公布失信被执行人{listing.name}",
                actor=None,
                now=now,
                data={"listing": listing.pk},
                legal_basis=rules.dishonest("7"),
            )
            count += 1
    return count


# --- removal and correction ---------------------------------------------------------------------

_MEASURE_STATUS_FOR: dict[str, str] = {
    RemovalGround.WRONGFUL: MeasureStatus.REVOKED,
    RemovalGround.PERIOD_ENDED: MeasureStatus.EXPIRED,
}


def _listing_remove(
    listing_id: int, *, ground: str, actor: User | None, now: datetime, note: str
) -> DishonestListing:
    with transaction.atomic():
        listing = (
            DishonestListing.objects.select_for_update(of=("self",))
            .select_related("case", "measure")
            .get(pk=listing_id)
        )
        if listing.status not in (ListingStatus.GRACE, ListingStatus.PUBLISHED):
            raise InvalidTransition("该失信信息已删除或撤销。")
        # 失信规定 art. 10: fixed-period listings are not deleted on the art. 10 grounds, only at the
        # end of the period (or early for active performance, art. 2).
        if listing.period_ends_on and ground not in (
            RemovalGround.PERIOD_ENDED,
            RemovalGround.EARLY,
            RemovalGround.WRONGFUL,
        ):
            raise ConditionsNotMet(
                "有固定期限的失信信息，期限届满后删除；积极履行的可提前删除。", unmet=["fixed_period"]
            )
        today = local_date(now)
        listing.status = ListingStatus.REVOKED if ground == RemovalGround.WRONGFUL else ListingStatus.REMOVED
        listing.removed_on = today
        listing.removal_ground = ground
        if ground == RemovalGround.APPLICANT_REQUEST:
            listing.relist_blocked_until = plus_months(today, rules.RELIST_BLOCK_MONTHS)
        listing.save(update_fields=["status", "removed_on", "removal_ground", "relist_blocked_until"])
        m = Measure.objects.select_for_update().get(pk=listing.measure_id)
        if m.status in (MeasureStatus.IN_FORCE, MeasureStatus.APPROVED):
            m.status = _MEASURE_STATUS_FOR.get(ground, MeasureStatus.LIFTED)
            m.closed_at = now
            m.close_reason = str(RemovalGround(ground).label)
            m.save(update_fields=["status", "closed_at", "close_reason"])
        deadline_complete(case=listing.case, kind=f"listing_removal_{listing.pk}", now=now)
        case_event_record(
            case=listing.case,
            kind="measures.listing_removed",
            summary=("撤销" if ground == RemovalGround.WRONGFUL else "删除")
            + f"失信信息：{listing.name}（{RemovalGround(ground).label}）",
            actor=actor,
            now=now,
            data={"listing": listing.pk, "ground": ground, "note": note},
            legal_basis=rules.dishonest("9" if ground == RemovalGround.WRONGFUL else "10"),
        )
        return listing


def listing_remove(
    *, actor: User, listing_id: int, ground: str, now: datetime, note: str = "", query_count: int = 0
) -> DishonestListing:
    """Delete (失信规定 art. 10) or revoke (art. 9) a listing. Ground 4 needs two or more empty
    online queries after 终本."""
    listing = DishonestListing.objects.filter(pk=listing_id, court_id=court_id_of(actor)).first()
    if listing is None:
        raise NotFound("失信信息不存在或您无权查看。")
    require(actor, "measure.propose", court=listing.court)
    if ground not in RemovalGround.values:
        raise ConditionsNotMet("请选择删除原因。", unmet=["ground"])
    if ground == RemovalGround.ZHONGBEN_NO_PROPERTY and (
        listing.case.closing_method != "no_property" or query_count < 2
    ):
        raise ConditionsNotMet("终本后须经两次以上网络查询均未发现财产方可删除。", unmet=["queries"])
    return _listing_remove(listing_id, ground=ground, actor=actor, now=now, note=note)


def _auto_ground(case: Case, today: date) -> str | None:
    """A removal ground the platform itself knows (失信规定 art. 10)."""
    if case.status == CaseStatus.CLOSED:
        ground = {
            "completed": RemovalGround.PERFORMED,
            "terminated": RemovalGround.TERMINATED,
            "not_enforced": RemovalGround.NOT_ENFORCED,
        }.get(case.closing_method)
        if ground:
            return ground
    from lastmile.ledger.selectors import case_statement

    statement = case_statement(case=case, as_of=today)
    if statement is not None and statement.owed_total > 0 and statement.outstanding_total <= 0:
        return RemovalGround.PERFORMED
    return None


def listings_auto_remove(*, now: datetime) -> int:
    """Remove listings automatically where the platform knows a removal ground: paid in full in the
    ledger, or the case closed as 执行完毕 / 终结执行 / 不予执行 (失信规定 art. 10, within 3 working
    days: this runs daily). Consumption restrictions of a fully paid case are lifted too
    (限消规定 art. 9)."""
    today = local_date(now)
    removed = 0
    for listing in DishonestListing.objects.filter(
        status__in=[ListingStatus.GRACE, ListingStatus.PUBLISHED]
    ).select_related("case"):
        ground = _auto_ground(listing.case, today)
        if ground is None:
            continue
        if listing.period_ends_on and ground == RemovalGround.PERFORMED:
            ground = RemovalGround.EARLY
        elif listing.period_ends_on:
            continue
        _listing_remove(listing.pk, ground=ground, actor=None, now=now, note="系统自动删除")
        removed += 1
    for pk in Measure.objects.filter(
        kind=MeasureKind.CONSUMPTION_RESTRICTION, status=MeasureStatus.IN_FORCE
    ).values_list("pk", flat=True):
        with transaction.atomic():
            m = Measure.objects.select_for_update(of=("self",)).select_related("case", "subject").get(pk=pk)
            if m.status == MeasureStatus.IN_FORCE and _auto_ground(m.case, today) == RemovalGround.PERFORMED:
                _close(
                    m, status=MeasureStatus.LIFTED, reason="已全部履行，依法解除限制消费", actor=None, now=now
                )
    return removed


@transaction.atomic
def correction_request_receive(
    *, actor: User, listing_id: int, content: str, received_on: date, now: datetime
) -> CorrectionRequest:
    """A correction request: reviewed within 15 days (失信规定 2017 art. 11)."""
    listing = (
        DishonestListing.objects.select_related("case")
        .filter(pk=listing_id, court_id=court_id_of(actor))
        .first()
    )
    if listing is None:
        raise NotFound("失信信息不存在或您无权查看。")
    require(actor, "measure.propose", court=listing.court)
    if not content.strip():
        raise ConditionsNotMet("请填写纠正申请内容。", unmet=["content"])
    due = period_end_provisional(received_on, rules.CORRECTION_REVIEW_DAYS)
    req = CorrectionRequest.objects.create(
        listing=listing,
        received_on=received_on,
        review_due_on=due.day,
        content=content.strip(),
        recorded_by=actor,
    )
    deadline_open(
        case=listing.case,
        kind=f"listing_correction_{req.pk}",
        label=f"审查{listing.name}失信信息纠正申请（15日）",
        starts_on=received_on,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=rules.dishonest("11"),
    )
    case_event_record(
        case=listing.case,
        kind="measures.correction_received",
        summary=f"收到{listing.name}失信信息纠正申请",
        actor=actor,
        now=now,
        data={"listing": listing.pk, "request": req.pk},
        legal_basis=rules.dishonest("11"),
    )
    return req


@transaction.atomic
def correction_request_decide(
    *,
    actor: User,
    request_id: int,
    outcome: str,
    note: str,
    now: datetime,
    obligation: str = "",
    performance: str = "",
) -> CorrectionRequest:
    """Decide a correction request: ``corrected`` (fields fixed), ``revoked`` (wrongful listing)
    or ``rejected`` (the applicant may seek 复议 within 10 days; the listing continues)."""
    req = (
        CorrectionRequest.objects.select_for_update(of=("self",))
        .select_related("listing")
        .filter(pk=request_id)
        .first()
    )
    if req is None or req.listing.court_id != actor.court_id:
        raise NotFound("纠正申请不存在或您无权查看。")
    require(actor, "measure.propose", court=req.listing.court)
    if req.status != CorrectionStatus.PENDING:
        raise InvalidTransition("该纠正申请已处理。")
    if outcome not in (CorrectionStatus.CORRECTED, CorrectionStatus.REVOKED, CorrectionStatus.REJECTED):
        raise ConditionsNotMet("请选择处理结果。", unmet=["outcome"])
    listing = req.listing
    if outcome == CorrectionStatus.REVOKED:
        _listing_remove(listing.pk, ground=RemovalGround.WRONGFUL, actor=actor, now=now, note=note)
    elif outcome == CorrectionStatus.CORRECTED:
        listing.obligation = obligation or listing.obligation
        listing.performance = performance or listing.performance
        listing.save(update_fields=["obligation", "performance"])
    req.status = outcome
    req.decided_on = local_date(now)
    req.decision_note = note
    req.save(update_fields=["status", "decided_on", "decision_note"])
    deadline_complete(case=listing.case, kind=f"listing_correction_{req.pk}", now=now)
    case_event_record(
        case=listing.case,
        kind="measures.correction_decided",
        summary=f"失信信息纠正申请处理：{CorrectionStatus(outcome).label}",
        actor=actor,
        now=now,
        data={"request": req.pk, "outcome": outcome, "note": note},
        legal_basis=rules.dishonest("12"),
    )
    return req


@transaction.atomic
def dishonest_not_applicable_record(
    *,
    actor: User,
    case: Case,
    party: Party,
    reason: str,
    now: datetime,
    legal_basis: LegalBasis | None = None,
) -> DishonestNotApplicable:
    """Record why the debtor is not listed (read by the 终本 check, 终本规定 2016 art. 1(2))."""
    require(actor, "measure.propose", court=case.court)
    if not reason.strip():
        raise ConditionsNotMet("请写明不纳入失信名单的理由。", unmet=["reason"])
    basis = legal_basis or rules.dishonest("3")
    row = DishonestNotApplicable.objects.create(
        case=case,
        party=party,
        reason=reason.strip(),
        legal_basis=basis.as_dict(),
        recorded_by=actor,
        recorded_at=now,
    )
    case_event_record(
        case=case,
        kind="measures.dishonest_not_applicable",
        summary=f"{party.name}不符合纳入失信名单条件：{reason.strip()}"[:256],
        actor=actor,
        now=now,
        data={"party": party.pk},
        legal_basis=basis,
    )
    return row


# --- temporary lifting and 复议 -------------------------------------------------------------------


@transaction.atomic
def temporary_lift_propose(
    *,
    actor: User,
    measure_id: int,
    reason_kind: str,
    starts_on: date,
    ends_on: date,
    note: str,
    now: datetime,
) -> TemporaryLift:
    """Propose lifting a 限制消费令 for at most one month (法发〔2019〕35号; needs 院长 approval)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind != MeasureKind.CONSUMPTION_RESTRICTION or m.status != MeasureStatus.IN_FORCE:
        raise InvalidTransition("只有执行中的限制消费令可以临时解除。")
    if ends_on < starts_on or ends_on > plus_months(starts_on, rules.TEMPORARY_LIFT_MAX_MONTHS):
        raise ConditionsNotMet("临时解除期限最长不超过一个月。", unmet=["period"])
    if reason_kind not in dict(TemporaryLift._meta.get_field("reason_kind").choices or []):
        raise ConditionsNotMet("请选择临时解除事由。", unmet=["reason_kind"])
    lift = TemporaryLift.objects.create(
        measure=m,
        reason_kind=reason_kind,
        note=note,
        starts_on=starts_on,
        ends_on=ends_on,
        proposed_by=actor,
        proposed_at=now,
    )
    case_event_record(
        case=m.case,
        kind="measures.temporary_lift_proposed",
        summary=f"提请临时解除{m.subject.name}限制消费（{starts_on}至{ends_on}），报院长审批",
        actor=actor,
        now=now,
        data={"lift": lift.pk, "measure": m.pk},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return lift


@transaction.atomic
def temporary_lift_decide(*, actor: User, lift_id: int, approve: bool, now: datetime) -> TemporaryLift:
    lift = (
        TemporaryLift.objects.select_for_update(of=("self",))
        .select_related("measure__case", "measure__subject")
        .filter(pk=lift_id)
        .first()
    )
    if lift is None or lift.measure.court_id != actor.court_id:
        raise NotFound("临时解除申请不存在。")
    require(actor, "approve.president", court=lift.measure.court, now=now)
    if lift.proposed_by_id == actor.pk:
        raise PermissionDenied("提请人不能审批自己提请的事项。")
    if lift.status != LiftStatus.PROPOSED:
        raise InvalidTransition("该申请已审批。")
    lift.status = LiftStatus.APPROVED if approve else LiftStatus.REJECTED
    lift.decided_by = actor
    lift.decided_at = now
    lift.save(update_fields=["status", "decided_by", "decided_at"])
    case_event_record(
        case=lift.measure.case,
        kind="measures.temporary_lift_decided",
        summary=f"院长{'批准' if approve else '未批准'}临时解除{lift.measure.subject.name}限制消费",
        actor=actor,
        now=now,
        data={"lift": lift.pk, "approved": approve},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return lift


@transaction.atomic
def measure_review_apply(
    *, actor: User, measure_id: int, applied_on: date, grounds: str, now: datetime
) -> MeasureReview:
    """复议 against a 拘传/罚款/拘留 decision: within 3 days of receiving it, decided within 5 days;
    the measure is not suspended (民事诉讼法 2023 art. 119; 民诉解释 2022 art. 185)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind not in rules.REVIEWABLE or m.starts_at is None:
        raise InvalidTransition("该措施不适用复议或尚未生效。")
    last_day = period_end_provisional(local_date(m.starts_at), rules.REVIEW_APPLY_DAYS).day
    if applied_on > last_day:
        raise ConditionsNotMet(
            f"复议申请期已于{last_day:%Y-%m-%d}届满。", unmet=["period"], details={"last_day": str(last_day)}
        )
    if m.reviews.exists():
        raise ConditionsNotMet("复议只能申请一次。", unmet=["once"])
    due = period_end_provisional(applied_on, rules.REVIEW_DECIDE_DAYS)
    review = MeasureReview.objects.create(
        measure=m, applied_on=applied_on, decide_by=due.day, grounds=grounds, recorded_by=actor
    )
    deadline_complete(case=m.case, kind=f"measure_review_window_{m.pk}", now=now)
    deadline_open(
        case=m.case,
        kind=f"measure_review_{review.pk}",
        label=f"上级法院对{m.get_kind_display()}复议作出决定（5日）",
        starts_on=applied_on,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=rules.interp("185"),
    )
    case_event_record(
        case=m.case,
        kind="measures.review_applied",
        summary=f"{m.subject.name}对{m.get_kind_display()}决定申请复议（复议期间不停止执行）",
        actor=actor,
        now=now,
        data={"measure": m.pk, "review": review.pk},
        legal_basis=cpl(119),
    )
    return review


@transaction.atomic
def measure_review_decide(
    *, actor: User, review_id: int, outcome: str, decided_on: date, now: datetime
) -> MeasureReview:
    review = (
        MeasureReview.objects.select_for_update(of=("self",))
        .select_related("measure")
        .filter(pk=review_id)
        .first()
    )
    if review is None or review.measure.court_id != actor.court_id:
        raise NotFound("复议不存在。")
    require(actor, "measure.propose", court=review.measure.court)
    if review.outcome:
        raise InvalidTransition("复议已有结果。")
    if outcome not in (ReviewOutcome.UPHELD, ReviewOutcome.REVOKED, ReviewOutcome.MODIFIED):
        raise ConditionsNotMet("请选择复议结果。", unmet=["outcome"])
    review.outcome = outcome
    review.decided_on = decided_on
    review.save(update_fields=["outcome", "decided_on"])
    m = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("case", "subject")
        .get(pk=review.measure_id)
    )
    deadline_complete(case=m.case, kind=f"measure_review_{review.pk}", now=now)
    if outcome == ReviewOutcome.REVOKED and m.status in (MeasureStatus.IN_FORCE, MeasureStatus.APPROVED):
        _close(m, status=MeasureStatus.REVOKED, reason="复议撤销", actor=actor, now=now)
    else:
        case_event_record(
            case=m.case,
            kind="measures.review_decided",
            summary=f"{m.get_kind_display()}复议结果：{ReviewOutcome(outcome).label}",
            actor=actor,
            now=now,
            data={"review": review.pk, "outcome": outcome},
            legal_basis=cpl(119),
        )
    return review


# --- publication exports --------------------------------------------------------------------------


@transaction.atomic
def publication_export_create(
    *, actor: User, channel: str, now: datetime, limit: int = 200
) -> PublicationExport:
    """An export of the court's published list for a newspaper, WeChat article or LED screen,
    recording the person-times it publishes (失信规定 2017 art. 7)."""
    require(actor, "measure.propose", court=actor.court)
    if channel not in PublicationChannel.values:
        raise ConditionsNotMet("未知的发布渠道。", unmet=["channel"])
    today = local_date(now)
    ids = list(
        DishonestListing.objects.filter(
            court_id=court_id_of(actor), status=ListingStatus.PUBLISHED, publish_on__lte=today
        )
        .order_by("-publish_on", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    return PublicationExport.objects.create(
        court_id=court_id_of(actor),
        channel=channel,
        listing_ids=ids,
        person_times=len(ids),
        created_by=actor,
        created_at=now,
    )


# --- 拒执 referrals ----------------------------------------------------------------------------------

_REFERRAL_NEXT: dict[str, tuple[str, ...]] = {
    ReferralStatus.PREPARED: (ReferralStatus.SENT_TO_POLICE,),
    ReferralStatus.SENT_TO_POLICE: (ReferralStatus.POLICE_FILED, ReferralStatus.POLICE_DECLINED),
    ReferralStatus.POLICE_FILED: (ReferralStatus.PROCURATORATE,),
    ReferralStatus.PROCURATORATE: (ReferralStatus.PROSECUTED, ReferralStatus.PRIVATE_PROSECUTION),
    ReferralStatus.POLICE_DECLINED: (ReferralStatus.PRIVATE_PROSECUTION,),
    ReferralStatus.PROSECUTED: (ReferralStatus.JUDGED,),
    ReferralStatus.PRIVATE_PROSECUTION: (ReferralStatus.JUDGED,),
    ReferralStatus.JUDGED: (),
}


@transaction.atomic
def refusal_referral_prepare(
    *,
    actor: User,
    case: Case,
    party: Party,
    conduct: str,
    evidence: Iterable[str],
    measure_ids: Iterable[int] = (),
    now: datetime,
) -> RefusalReferral:
    """Prepare a 拒执 referral package: case, measures taken, conduct, evidence list
    (刑法 art. 313; 法释〔2024〕13号)."""
    require(actor, "measure.propose", court=case.court)
    evidence = [e.strip() for e in evidence if e and e.strip()]
    if not conduct.strip() or not evidence:
        raise ConditionsNotMet("移送材料须写明拒不执行行为并附证据清单。", unmet=["conduct", "evidence"])
    if not _is_debtor(case, party):
        raise ConditionsNotMet("只能移送本案被执行人。", unmet=["party"])
    measures = list(Measure.objects.filter(case=case, pk__in=list(measure_ids)))
    ref = RefusalReferral.objects.create(
        court=case.court,
        case=case,
        party=party,
        conduct=conduct.strip(),
        evidence=evidence,
        status=ReferralStatus.PREPARED,
        prepared_by=actor,
        prepared_at=now,
    )
    ref.measures.set(measures)
    ReferralStep.objects.create(
        referral=ref, status=ReferralStatus.PREPARED, on=local_date(now), recorded_by=actor, recorded_at=now
    )
    case_event_record(
        case=case,
        kind="measures.referral_prepared",
        summary=f"制作{party.name}涉嫌拒不执行判决、裁定罪移送材料",
        actor=actor,
        now=now,
        data={"referral": ref.pk, "measures": [m.pk for m in measures], "evidence": evidence},
        legal_basis=rules.REFUSAL_BASIS,
    )
    return ref


def _status_label(status: str) -> str:
    return str(ReferralStatus(status).label) if status in ReferralStatus.values else status


@transaction.atomic
def refusal_referral_advance(
    *, actor: User, referral_id: int, status: str, on: date, note: str = "", now: datetime
) -> RefusalReferral:
    """Record the next step of a referral. When the police decline, the applicant may bring a
    private prosecution (法释〔2024〕13号 art. 14)."""
    ref = (
        RefusalReferral.objects.select_for_update()
        .filter(pk=referral_id, court_id=court_id_of(actor))
        .first()
    )
    if ref is None:
        raise NotFound("移送记录不存在。")
    require(actor, "measure.propose", court=ref.court)
    if status not in _REFERRAL_NEXT.get(ref.status, ()):
        raise InvalidTransition(f"当前为“{ref.get_status_display()}”，不能登记为“{_status_label(status)}”。")
    ref.status = status
    ref.save(update_fields=["status"])
    ReferralStep.objects.create(
        referral=ref, status=status, on=on, note=note, recorded_by=actor, recorded_at=now
    )
    case_event_record(
        case=ref.case,
        kind="measures.referral_step",
        summary=f"拒执移送：{ReferralStatus(status).label}",
        actor=actor,
        now=now,
        data={"referral": ref.pk, "status": status, "on": on, "note": note},
        legal_basis=rules.REFUSAL_BASIS,
    )
    return ref


# --- 专项行动 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetCriteria:
    min_amount: Decimal = Decimal("0")
    person_only: bool = False
    listed_only: bool = False
    limit: int = 200


@transaction.atomic
def special_operation_create(
    *, actor: User, name: str, starts_on: date, ends_on: date, criteria: TargetCriteria, now: datetime
) -> SpecialOperation:
    """Create a special operation (e.g. 湘执利剑) and select its targets by the criteria: open
    enforcement cases of the court with at least ``min_amount`` claimed."""
    require(actor, "enforcement.dispatch", court=actor.court)
    if ends_on < starts_on:
        raise ConditionsNotMet("结束日期不能早于开始日期。", unmet=["dates"])
    try:
        with transaction.atomic():
            op = SpecialOperation.objects.create(
                court_id=court_id_of(actor),
                name=name.strip(),
                criteria={
                    "min_amount": str(criteria.min_amount),
                    "person_only": criteria.person_only,
                    "listed_only": criteria.listed_only,
                    "limit": criteria.limit,
                },
                starts_on=starts_on,
                ends_on=ends_on,
                created_by=actor,
                created_at=now,
            )
    except IntegrityError:  # operation_unique_name: the court already has one of that name
        raise Conflict("本院已有同名专项行动。", details={"name": name.strip()}) from None
    cases = Case.objects.filter(
        court_id=court_id_of(actor), type_code__in=["执", "执恢"], amount_claimed__gte=criteria.min_amount
    ).exclude(status=CaseStatus.CLOSED)
    rows = CaseParty.objects.filter(case__in=cases, role__in=DEBTOR_ROLES).select_related("party", "case")
    if criteria.person_only:
        rows = rows.filter(party__kind="person")
    if criteria.listed_only:
        listed = DishonestListing.objects.filter(status=ListingStatus.PUBLISHED)
        rows = rows.filter(
            Q(case_id__in=listed.values("case_id")) & Q(party_id__in=listed.values("party_id"))
        )
    # A debtor in two debtor roles of one case is one target (operation_target_unique).
    picked: dict[tuple[int, int], OperationTarget] = {}
    for row in rows.order_by("-case__amount_claimed", "case_id", "pk"):
        if len(picked) >= criteria.limit:
            break
        picked.setdefault(
            (row.case_id, row.party_id), OperationTarget(operation=op, case=row.case, party=row.party)
        )
    targets = list(picked.values())
    OperationTarget.objects.bulk_create(targets)
    return op


@transaction.atomic
def operation_target_assign(
    *, actor: User, target_id: int, team_id: int | None, scheduled_on: date | None, now: datetime
) -> OperationTarget:
    target = (
        OperationTarget.objects.select_for_update(of=("self",))
        .select_related("operation")
        .filter(pk=target_id)
        .first()
    )
    if target is None or target.operation.court_id != actor.court_id:
        raise NotFound("行动对象不存在。")
    require(actor, "enforcement.dispatch", court=actor.court)
    target.team_id = team_id
    target.scheduled_on = scheduled_on
    target.save(update_fields=["team", "scheduled_on"])
    return target


@transaction.atomic
def operation_target_outcome_record(
    *, actor: User, target_id: int, outcome: str, amount_recovered: Decimal, note: str, now: datetime
) -> OperationTarget:
    target = (
        OperationTarget.objects.select_for_update(of=("self",))
        .select_related("operation", "case", "party")
        .filter(pk=target_id)
        .first()
    )
    if target is None or target.operation.court_id != actor.court_id:
        raise NotFound("行动对象不存在。")
    require(actor, "measure.propose", court=actor.court)
    if outcome not in TargetOutcome.values:
        raise ConditionsNotMet("请选择行动结果。", unmet=["outcome"])
    target.outcome = outcome
    target.amount_recovered = to_money(amount_recovered)
    target.note = note
    target.save(update_fields=["outcome", "amount_recovered", "note"])
    case_event_record(
        case=target.case,
        kind="measures.operation_outcome",
        summary=f"{target.operation.name}：{target.party.name}{TargetOutcome(outcome).label}",
        actor=actor,
        now=now,
        data={"operation": target.operation_id, "outcome": outcome, "amount": target.amount_recovered},
    )
    return target
