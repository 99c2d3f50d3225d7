"""Guardrail inputs: the facts the guardrails read (debtor profile, enterprise screening, grace
periods, necessary homes) and the 院长's written override."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import ConditionsNotMet
from lastmile.core.legal import LegalBasis
from lastmile.core.periods import period_end_provisional
from lastmile.measures.kinds import MeasuresEvent
from lastmile.parties.models import Party

from .. import rules
from ..guardrails import OVERRIDABLE, local_date
from ..models import DebtorProfile, EnterpriseScreening, GracePeriod, GuardrailOverride, HomeDesignation


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
        kind=MeasuresEvent.DEBTOR_PROFILE,
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
        kind=MeasuresEvent.ENTERPRISE_SCREENED,
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
        kind=MeasuresEvent.GRACE_GRANTED,
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
        kind=MeasuresEvent.HOME_DESIGNATED,
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
        kind=MeasuresEvent.GUARDRAIL_OVERRIDE,
        summary=f"院长书面批准对{party.name}采取措施（{rule}）：{reason.strip()}"[:256],
        actor=actor,
        now=now,
        data={"party": party.pk, "rule": rule, "proposal_kind": proposal_kind, "reason": reason.strip()},
        legal_basis=rules.GOOD_FAITH_BASIS,
    )
    return ov
