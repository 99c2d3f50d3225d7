"""Proposal, approval and life of a measure, and the 失信 listing a decision creates.

Every proposal goes through :func:`lastmile.measures.guardrails.measure_evaluate` first: a refusal
raises :class:`~lastmile.measures.guardrails.GuardrailRefused` before anything is written; warnings
need ``acknowledge_warnings=True``. Measures that need the 院长 (拘传, 罚款, 拘留: 民事诉讼法 2023
art. 119; 限制消费令: 限消规定 art. 5; 失信决定书: 失信规定 art. 5) go proposed → approved by a
holder of ``approve.president`` who is not the proposer → in force → expired / lifted.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_event_record, deadline_complete, deadline_open
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, PermissionDenied
from lastmile.core.legal import cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end_provisional
from lastmile.measures.kinds import MeasuresDeadline, MeasuresEvent
from lastmile.parties.selectors import party_masked_id

from .. import rules
from ..documents import execution_basis as _execution_basis
from ..documents import measure_document_issue, restriction_lift_document
from ..error_codes import GuardrailReason
from ..guardrails import (
    Evaluation,
    Proposal,
    active_grace,
    debt_outstanding,
    duplicate_of,
    duplicate_refuse,
    listing_publishable,
    local_date,
    measure_evaluate,
)
from ..models import (
    DishonestGround,
    DishonestListing,
    ListingStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureSubject,
    RemovalGround,
    SubjectCapacity,
)
from ..rules import KindRule
from .common import _basis, _close, _is_debtor, _locked_measure
from .removal import _listing_remove


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
    if not _is_debtor(case, proposal.organisation or subject):
        raise ConditionsNotMet(
            "只能对本案被执行人（或单位被执行人的法定代表人、主要负责人、直接责任人员）采取该措施。",
            unmet=["subject"],
        )
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition("案件已结案，不能采取措施。")
    evaluation = measure_evaluate(proposal, now=now)
    evaluation.require_acknowledged(acknowledge_warnings)

    rule = rules.KINDS[proposal.kind]
    m = _measure_create(
        proposal,
        rule=rule,
        evaluation=evaluation,
        reason=reason,
        plate=plate,
        acknowledge_warnings=acknowledge_warnings,
        actor=actor,
        now=now,
    )
    case_event_record(
        case=case,
        kind=MeasuresEvent.PROPOSED,
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


def _measure_create(
    proposal: Proposal,
    *,
    rule: KindRule,
    evaluation: Evaluation,
    reason: str,
    plate: str,
    acknowledge_warnings: bool,
    actor: User,
    now: datetime,
) -> Measure:
    """The proposed row; a proposal that lost a race to a duplicate is refused like a later one."""
    case = proposal.case
    try:
        with transaction.atomic():
            return Measure.objects.create(
                court=case.court,
                case=case,
                subject=proposal.subject,
                organisation=proposal.organisation,
                capacity=proposal.capacity if proposal.organisation is not None else "",
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
                    "extension_fact": proposal.extension_fact,
                    "birth_date": proposal.birth_date.isoformat() if proposal.birth_date else "",
                    "controlled_value": str(to_money(proposal.controlled_value)),
                    "responsibility": proposal.responsibility,
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
        kind=MeasuresEvent.APPROVED,
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


def _without_duplicate(evaluation: Evaluation) -> Evaluation:
    reasons = tuple(r for r in evaluation.reasons if r.code != GuardrailReason.DUPLICATE)
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
        extension_fact=str(ev.get("extension_fact", "")),
        birth_date=date.fromisoformat(ev["birth_date"]) if ev.get("birth_date") else None,
        security_amount=Decimal(ev.get("security_amount", "0")),
        controlled_value=Decimal(ev.get("controlled_value", "0")),
        organisation=m.organisation,
        capacity=m.capacity,
        responsibility=str(ev.get("responsibility", "")),
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
        kind=MeasuresEvent.REJECTED,
        summary=f"院长未批准{m.get_kind_display()}：{m.subject.name}",
        actor=actor,
        now=now,
        data={"measure": m.pk, "note": note},
        legal_basis=_basis(m.kind),
    )
    return m


@transaction.atomic
def measure_execute(
    *,
    actor: User,
    measure_id: int,
    starts_at: datetime,
    now: datetime,
    place: str = "",
    custody: str = "",
) -> Measure:
    """Carry out an approved 拘传 or 拘留: the questioning or detention period starts. A 拘传 names
    where the person is brought (民诉解释 2022 art. 482); a detainee is delivered to the custody of
    the public security organ (art. 178), which the 拘留决定书 names (“当地公安机关” when none
    is given)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.status != MeasureStatus.APPROVED:
        raise InvalidTransition("只有已批准的拘传、拘留可以执行。")
    if starts_at > now:
        raise ConditionsNotMet("执行时间不能晚于当前时间。", unmet=["starts_at"])
    m.place = place.strip()[:128]
    m.custody = custody.strip()[:128]
    m.save(update_fields=["place", "custody"])
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
            kind=MeasuresDeadline.DETENTION_FAMILY_NOTICE,
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
            kind=MeasuresDeadline.REVIEW_WINDOW,
            source=m,
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
        kind=MeasuresEvent.IN_FORCE,
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
    # issue K: the measure's document, issued and served the moment it takes effect
    measure_document_issue(m, actor=actor, now=now)


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


def listings_performance_refresh(*, now: datetime) -> int:
    """失信规定 2017 arts. 6, 9: what the list says of the debtor's performance is kept current; a
    payment changes it the day the sweep runs (daily, inside the 3 working days of art. 9)."""
    today = local_date(now)
    changed = 0
    for pk in DishonestListing.objects.filter(
        status__in=[ListingStatus.GRACE, ListingStatus.PUBLISHED]
    ).values_list("pk", flat=True):
        with transaction.atomic():
            listing = (
                DishonestListing.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)
            )
            text = _performance_text(listing.case, today)
            if (
                listing.status not in (ListingStatus.GRACE, ListingStatus.PUBLISHED)
                or text == listing.performance
            ):
                continue
            before = listing.performance
            listing.performance = text
            listing.save(update_fields=["performance"])
            case_event_record(
                case=listing.case,
                kind=MeasuresEvent.LISTING_PERFORMANCE_UPDATED,
                summary=f"更正失信信息中的履行情况：{before} → {text}",
                actor=None,
                now=now,
                data={"listing": listing.pk, "before": before, "after": text},
                legal_basis=rules.dishonest("9"),
            )
            changed += 1
    return changed


def _birth_year(m: Measure) -> int | None:
    """The year of birth published for a person (失信规定 2017 art. 6): the party's, else the one
    given with the proposal for an ID that carries none (art. 4)."""
    if m.subject.birth_date:
        return m.subject.birth_date.year
    given = (m.evaluation or {}).get("birth_date")
    return date.fromisoformat(given).year if given else None


def _listing_create(m: Measure, *, now: datetime) -> DishonestListing:
    """失信规定 2017 art. 6: what is published; art. 2: the period; 法发〔2019〕35号: grace."""
    party, case = m.subject, m.case
    decided = local_date(now)
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
                birth_year=_birth_year(m),
                legal_representative=rep.name if rep is not None and not party.is_person else "",
                court_name=case.court.name,
                case_number=case.number,
                filed_on=local_date(case.filed_at) if case.filed_at else None,
                basis=_execution_basis(case),
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
    deadline_complete(case=m.case, kind=MeasuresDeadline.DETENTION_FAMILY_NOTICE, now=now)
    late = m.family_notice_due_at is not None and notified_at > m.family_notice_due_at
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.FAMILY_NOTIFIED,
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
    if m.kind == MeasureKind.CONSUMPTION_RESTRICTION:
        restriction_lift_document(m, reason=reason.strip(), actor=actor, now=now)
    return m


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
                kind=MeasuresEvent.LISTING_PUBLISHED,
                summary=f"宽限期届满，公布失信被执行人{listing.name}",
                actor=None,
                now=now,
                data={"listing": listing.pk},
                legal_basis=rules.dishonest("7"),
            )
            count += 1
    return count
