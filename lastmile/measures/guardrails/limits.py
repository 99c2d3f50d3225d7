"""The legal limits of each measure (民事诉讼法 2023 arts. 112, 114, 118; 民诉解释 2022 art. 482;
失信规定 2017 arts. 1–2): who may be summoned, fined or detained and within what bounds, and what a
listing must name. A measure on a person behind an organisation debtor is checked first."""

from __future__ import annotations

from datetime import date

from lastmile.core.legal import cpl
from lastmile.core.money import to_money
from lastmile.parties.models import Party

from .. import rules
from ..error_codes import GuardrailReason
from ..models import MeasureKind, SubjectCapacity
from .listing import _listing_preconditions
from .proposal import Proposal, Reason


def _people_behind(p: Proposal) -> list[Reason]:
    """Issue K item 7: a measure on a person behind an organisation debtor (民事诉讼法 2023 art. 114
    ¶2; 民诉解释 2022 art. 482). Only 拘传, 罚款 and 拘留; only a person, of an organisation; only
    in a capacity the law names for the measure; and the person must be the one the organisation's
    record names (法定代表人, 主要负责人), or found directly responsible (直接责任人员)."""
    org = p.organisation
    if org is None:
        return []
    capacities = rules.REACHING_CAPACITIES.get(p.kind)
    if capacities is None:
        return [
            Reason(
                GuardrailReason.ORGANISATION_KIND,
                "只有拘传、罚款、拘留可以对被执行单位的法定代表人、主要负责人或直接责任人员采取",
                cpl(114),
                "refuse",
            )
        ]
    basis = rules.reaching_basis(p.kind)
    out: list[Reason] = []
    if org.is_person:
        out.append(
            Reason(GuardrailReason.ORGANISATION_NOT_UNIT, f"{org.name}不是单位被执行人", basis, "refuse")
        )
    if not p.subject.is_person:
        out.append(
            Reason(
                GuardrailReason.ORGANISATION_PERSON_ONLY,
                "对单位的有关人员采取措施，对象须为自然人",
                basis,
                "refuse",
            )
        )
    if p.capacity not in capacities:
        labels = "、".join(str(SubjectCapacity(c).label) for c in capacities)
        out.append(
            Reason(
                GuardrailReason.ORGANISATION_CAPACITY,
                f"{MeasureKind(p.kind).label}只能对被执行单位的{labels}采取",
                basis,
                "refuse",
            )
        )
    elif not _linked(org, p.subject, p.capacity, p.responsibility):
        out.append(
            Reason(
                GuardrailReason.ORGANISATION_NOT_LINKED,
                f"{p.subject.name}不是{org.name}登记的{SubjectCapacity(p.capacity).label}"
                if p.capacity != SubjectCapacity.DIRECT_RESPONSIBLE
                else f"须写明{p.subject.name}作为{org.name}直接责任人员的事实",
                basis,
                "refuse",
            )
        )
    return out


def _linked(org: Party, person: Party, capacity: str, responsibility: str) -> bool:
    if capacity == SubjectCapacity.LEGAL_REPRESENTATIVE:
        return org.legal_representative_id == person.pk
    if capacity == SubjectCapacity.PRINCIPAL:
        return org.principal_id == person.pk or org.legal_representative_id == person.pk
    return bool(responsibility.strip())


def _limits(p: Proposal, today: date) -> list[Reason]:
    """Legal limits of each measure (CPL 2023 arts. 112, 114, 118; 民诉解释 art. 482; 失信规定
    arts. 1–2). A fine on a person behind an organisation is a fine on a person (art. 118)."""
    out: list[Reason] = _people_behind(p)
    if p.kind == MeasureKind.SUMMONS_BY_FORCE:
        out.extend(_summons_limits(p))
    elif p.kind == MeasureKind.FINE:
        out.extend(_fine_limits(p))
    elif p.kind == MeasureKind.DETENTION:
        out.extend(_detention_limits(p))
    elif p.kind == MeasureKind.DISHONEST_LISTING:
        out.extend(_listing_limits(p, today))
    return out


def _summons_limits(p: Proposal) -> list[Reason]:
    """拘传: a person, twice summoned without good reason (CPL 2023 art. 112); questioned at most 8
    hours, 24 when detention may follow (民诉解释 2022 art. 482)."""
    out: list[Reason] = []
    if not p.subject.is_person:
        out.append(
            Reason(
                GuardrailReason.SUMMONS_PERSON_ONLY,
                "拘传只适用于自然人（单位被执行人的法定代表人或负责人）",
                cpl(112),
                "refuse",
            )
        )
    if (p.summons_count or 0) < rules.SUMMONS_MIN_COUNT:
        out.append(
            Reason(
                GuardrailReason.SUMMONS_TWICE,
                "须经两次传票传唤无正当理由拒不到场方可拘传",
                cpl(112),
                "refuse",
            )
        )
    limit = rules.QUESTIONING_MAX_HOURS_DETENTION if p.detention_may_follow else rules.QUESTIONING_MAX_HOURS
    if not p.hours or p.hours > limit:
        out.append(
            Reason(
                GuardrailReason.QUESTIONING_HOURS,
                f"拘传询问时间不得超过{limit}小时",
                rules.interp("482"),
                "refuse",
            )
        )
    return out


def _fine_limits(p: Proposal) -> list[Reason]:
    """罚款: under 100,000 yuan on a person, 50,000 to 1,000,000 yuan on a unit (CPL 2023 art. 118)."""
    person = p.subject.is_person
    amount = to_money(p.amount or 0)
    out: list[Reason] = []
    if person and not (0 < amount <= rules.FINE_MAX_PERSON):
        out.append(
            Reason(GuardrailReason.FINE_PERSON_LIMIT, "对个人的罚款金额应在十万元以下", cpl(118), "refuse")
        )
    if not person and not (rules.FINE_MIN_UNIT <= amount <= rules.FINE_MAX_UNIT):
        out.append(
            Reason(
                GuardrailReason.FINE_UNIT_LIMIT,
                "对单位的罚款金额应为五万元以上一百万元以下",
                cpl(118),
                "refuse",
            )
        )
    return out


def _detention_limits(p: Proposal) -> list[Reason]:
    """拘留: only of a person, at most 15 days (CPL 2023 art. 118)."""
    out: list[Reason] = []
    if not p.subject.is_person:
        out.append(
            Reason(
                GuardrailReason.DETENTION_PERSON_ONLY,
                "司法拘留只适用于自然人（单位的主要负责人或直接责任人员）",
                cpl(118),
                "refuse",
            )
        )
    if not p.days or not (1 <= p.days <= rules.DETENTION_MAX_DAYS):
        out.append(Reason(GuardrailReason.DETENTION_DAYS, "拘留期限为十五日以下", cpl(118), "refuse"))
    return out


def _listing_limits(p: Proposal, today: date) -> list[Reason]:
    """失信: the preconditions, one of the six grounds, and an extension of 1–3 years only on
    grounds 2–6 (失信规定 2017 arts. 1, 2, 5)."""
    out: list[Reason] = _listing_preconditions(p, today)
    if p.ground not in range(1, 7):
        out.append(
            Reason(
                GuardrailReason.LISTING_GROUND,
                "须写明失信规定第一条所列六种情形之一",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if p.extension_years and (p.ground == 1 or not 1 <= p.extension_years <= rules.LISTING_EXTENSION_MAX):
        out.append(
            Reason(
                GuardrailReason.LISTING_EXTENSION,
                "仅第二至六项情形可延长一至三年；第一项情形不设固定期限",
                rules.dishonest("2"),
                "refuse",
            )
        )
    return out
