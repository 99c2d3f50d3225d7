"""The 善意文明执行 guardrails (失信规定 2017 arts. 3, 4, 10; 善意执行意见 法发〔2019〕35号; 查封规定
2020 art. 4; 执行异议复议规定 2020 art. 20): minors, 校园贷 students, a debt covered by security,
struggling enterprises, grace periods, relisting, and the family's necessary home. Each rule is one
helper returning its reasons; :func:`_good_faith` asks them all, in that order."""

from __future__ import annotations

from datetime import date

from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end_provisional

from .. import rules
from ..error_codes import GuardrailReason
from ..models import (
    DebtorProfile,
    DishonestListing,
    HomeDesignation,
    MeasureKind,
    RemovalGround,
    VacateNotice,
)
from .facts import _latest_screening, active_grace, age_on, debt_outstanding
from .proposal import AUCTION_HOME, CREDIT_KINDS, FREEZE_BASIC_ACCOUNT, PUBLISH, VACATE, Proposal, Reason


def _good_faith(p: Proposal, today: date) -> list[Reason]:
    """Every 善意文明执行 reason that applies to the proposal (refusals and warnings)."""
    out: list[Reason] = []
    out.extend(_minor_reasons(p, today))
    out.extend(_campus_loan_reasons(p))
    out.extend(_ground1_covered_reasons(p, today))
    out.extend(_enterprise_reasons(p))
    out.extend(_grace_reasons(p, today))
    out.extend(_relist_reasons(p, today))
    # 查封规定 2020 art. 4; 执行异议复议规定 art. 20: the family's necessary home.
    if p.kind in (AUCTION_HOME, VACATE):
        out.extend(_home_reasons(p, today))
    return out


def _minor_reasons(p: Proposal, today: date) -> list[Reason]:
    """失信规定 2017 art. 4: minors are never listed, whatever the ID type: an ID that carries no
    birth date (passport, other papers) needs the birth date on the party or the proposal."""
    party = p.subject
    out: list[Reason] = []
    birth = party.birth_date or p.birth_date
    minor = party.is_person and birth is not None and age_on(birth, today) < 18
    if p.kind == MeasureKind.DISHONEST_LISTING and party.is_person and birth is None:
        out.append(
            Reason(
                GuardrailReason.BIRTH_DATE_UNKNOWN,
                "被执行人的证件未载明出生日期，请先核实并填写出生日期（不得将未成年人纳入失信名单）",
                rules.dishonest("4"),
                "refuse",
            )
        )
    if p.kind == MeasureKind.DISHONEST_LISTING and minor:
        out.append(
            Reason(
                GuardrailReason.MINOR,
                "被执行人是未成年人，不得纳入失信被执行人名单",
                rules.dishonest("4"),
                "refuse",
            )
        )
    return out


def _campus_loan_reasons(p: Proposal) -> list[Reason]:
    """法发〔2019〕35号: full-time students in 校园贷 cases are generally neither listed nor
    restricted."""
    if p.kind not in CREDIT_KINDS:
        return []
    profile = DebtorProfile.objects.filter(case=p.case, party=p.subject).first()
    if not (profile and profile.full_time_student and profile.campus_loan):
        return []
    return [
        Reason(
            GuardrailReason.CAMPUS_LOAN_STUDENT,
            "全日制在校生因校园贷纠纷成为被执行人的，一般不得纳入失信名单或限制消费",
            rules.GOOD_FAITH_BASIS,
            "refuse",
        )
    ]


def _ground1_covered_reasons(p: Proposal, today: date) -> list[Reason]:
    """失信规定 2017 art. 3: no listing on ground 1 when security or controlled property covers
    the debt."""
    if not (p.kind == MeasureKind.DISHONEST_LISTING and p.ground == 1):
        return []
    debt = debt_outstanding(p.case, today)
    cover = to_money(p.security_amount) + to_money(p.controlled_value)
    if not (cover > 0 and cover >= debt):
        return []
    return [
        Reason(
            GuardrailReason.GROUND1_COVERED,
            f"已提供担保或已控制财产（{format_yuan(cover)}元）足以清偿债务（{format_yuan(debt)}元），"
            "不得以第一项情形纳入失信名单",
            rules.dishonest("3"),
            "refuse",
        )
    ]


def _enterprise_reasons(p: Proposal) -> list[Reason]:
    """法发〔2019〕35号: a struggling (not evading) enterprise gets no 失信, no 限消, no basic-account
    freeze (when the setting ``GUARD_BASIC_ACCOUNT`` binds); an unscreened one gets a warning."""
    guarded: list[str] = [str(k) for k in CREDIT_KINDS]
    if rules.measures_setting("GUARD_BASIC_ACCOUNT"):
        guarded.append(FREEZE_BASIC_ACCOUNT)
    if p.subject.is_person or p.kind not in guarded:
        return []
    screening = _latest_screening(p)
    if screening is not None and screening.struggling:
        return [
            Reason(
                GuardrailReason.ENTERPRISE_STRUGGLING,
                "经甄别该企业系暂时经营困难而非规避执行（仍在经营、稳定就业、依法纳税、部分履行），"
                "不得纳入失信名单、限制消费或冻结基本账户",
                rules.GOOD_FAITH_BASIS,
                "refuse",
            )
        ]
    if screening is None and p.kind in CREDIT_KINDS:
        return [
            Reason(
                GuardrailReason.ENTERPRISE_NOT_SCREENED,
                "尚未对该企业进行经营状况甄别",
                rules.GOOD_FAITH_BASIS,
                "warn",
            )
        ]
    return []


def _grace_reasons(p: Proposal, today: date) -> list[Reason]:
    """Grace period (法发〔2019〕35号): nothing is published while it runs."""
    grace = active_grace(p.case, p.subject, today)
    if grace is None:
        return []
    if p.kind == PUBLISH:
        return [
            Reason(
                GuardrailReason.GRACE_PERIOD,
                f"宽限期至{grace.ends_on:%Y年%m月%d日}届满，宽限期内不得公布",
                rules.GOOD_FAITH_BASIS,
                "refuse",
            )
        ]
    if p.kind in CREDIT_KINDS:
        return [
            Reason(
                GuardrailReason.GRACE_PERIOD_DEFERS,
                f"宽限期内暂不公布，届满（{grace.ends_on:%Y年%m月%d日}）后方公布",
                rules.GOOD_FAITH_BASIS,
                "warn",
            )
        ]
    return []


def _relist_reasons(p: Proposal, today: date) -> list[Reason]:
    """失信规定 art. 10: after deletion on the applicant's request, no relisting within 6 months."""
    if not (
        p.kind == MeasureKind.DISHONEST_LISTING
        and DishonestListing.objects.filter(
            case=p.case,
            party=p.subject,
            removal_ground=RemovalGround.APPLICANT_REQUEST,
            relist_blocked_until__gt=today,
        ).exists()
    ):
        return []
    return [
        Reason(
            GuardrailReason.RELIST_WITHIN_6_MONTHS,
            "因申请执行人申请删除后六个月内，申请执行人不得申请再次纳入",
            rules.dishonest("10"),
            "warn",
        )
    ]


def _home_reasons(p: Proposal, today: date) -> list[Reason]:
    """The home: 查封规定 2020 art. 4 (the family's necessary home is never auctioned, sold or taken
    in payment) unless the applicant provides the family a home (执行异议复议规定 2020 art. 20 ¶1(3)),
    as the 腾房公告 or the recorded vacating says; forced vacating (民事诉讼法 2023 art. 261) needs
    the 院长's 腾房公告 and its period run out, and for the necessary home the three months' grace
    after the 执行通知 (art. 20 ¶2); nobody is forced out of a home already left."""
    home = HomeDesignation.objects.filter(case=p.case, party=p.subject, property_ref=p.property_ref).first()
    notice = VacateNotice.objects.filter(case=p.case, property_ref=p.property_ref).first()
    necessary = home is not None and home.necessary_home
    if p.kind == AUCTION_HOME:
        if not necessary or (notice is not None and notice.housing_provided):
            return []
        return [
            Reason(
                GuardrailReason.NECESSARY_HOME,
                "被执行人及其所扶养家属生活所必需的居住房屋，可以查封，但不得拍卖、变卖或者抵债"
                "（申请执行人为其提供居住房屋的除外）",
                LegalBasis(rules.SEIZURE_RULES, "2020", "4"),
                "refuse",
            )
        ]
    out: list[Reason] = []
    if notice is not None and notice.vacated:
        return [
            Reason(
                GuardrailReason.VACATE_ALREADY_VACATED,
                "占有人已经腾退，无需强制迁出",
                cpl(261),
                "refuse",
            )
        ]
    if necessary:
        out.extend(_home_grace_reasons(home, today))  # type: ignore[arg-type]
    if notice is None or notice.ends_on is None:
        out.append(
            Reason(
                GuardrailReason.VACATE_NO_ANNOUNCEMENT,
                "强制迁出房屋应当由院长签发腾房公告，责令在指定期间内迁出",
                cpl(261),
                "refuse",
            )
        )
    elif today <= notice.ends_on:
        out.append(
            Reason(
                GuardrailReason.VACATE_ANNOUNCEMENT_PERIOD,
                f"腾房公告指定的期间至{notice.ends_on:%Y年%m月%d日}届满，期间内不得强制迁出",
                cpl(261),
                "refuse",
            )
        )
    return out


def _home_grace_reasons(home: HomeDesignation, today: date) -> list[Reason]:
    basis = LegalBasis(rules.OBJECTION_RULES, "2020", "20")
    if home.notice_served_on is None:
        return [
            Reason(GuardrailReason.VACATE_NO_NOTICE, "执行通知尚未送达，腾退宽限期未起算", basis, "refuse")
        ]
    grace_end = home_grace_end(home)
    if today <= grace_end:
        return [
            Reason(
                GuardrailReason.VACATE_GRACE,
                f"腾退生活必需住房应给予三个月宽限期（至{grace_end:%Y年%m月%d日}）",
                basis,
                "refuse",
            )
        ]
    return []


def home_grace_end(home: HomeDesignation) -> date:
    """The last day of the three months' grace after the 执行通知 was served (执行异议复议规定
    2020 art. 20 ¶2); the caller checks that it was served."""
    assert home.notice_served_on is not None
    return period_end_provisional(home.notice_served_on, months=rules.HOME_VACATE_GRACE_MONTHS).day
