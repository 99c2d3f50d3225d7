"""What each measure is in law: its basis, whether the 院长 must approve, and its 复议 route.

One table (:data:`KINDS`) so pages, documents and the approval chain read the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from lastmile.core.legal import LegalBasis, cpl

from .models import MeasureKind, MeasureStatus, RemovalGround, SubjectCapacity

SPC_INTERP = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
DISHONEST_RULES = "最高人民法院关于公布失信被执行人名单信息的若干规定"
CONSUMPTION_RULES = "最高人民法院关于限制被执行人高消费及有关消费的若干规定"
GOOD_FAITH = "最高人民法院关于在执行工作中进一步强化善意文明执行理念的意见"
SEIZURE_RULES = "最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定"
OBJECTION_RULES = "最高人民法院关于人民法院办理执行异议和复议案件若干问题的规定"
SALE_RULES = "最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定"
REFUSAL_INTERP = "最高人民法院、最高人民检察院关于办理拒不执行判决、裁定刑事案件适用法律若干问题的解释"


def interp(article: str) -> LegalBasis:
    return LegalBasis(SPC_INTERP, "2022", article)


def dishonest(article: str) -> LegalBasis:
    return LegalBasis(DISHONEST_RULES, "2017", article)


def consumption(article: str) -> LegalBasis:
    return LegalBasis(CONSUMPTION_RULES, "2015", article)


GOOD_FAITH_BASIS = LegalBasis(GOOD_FAITH, "法发〔2019〕35号", "")
REFUSAL_BASIS = LegalBasis(REFUSAL_INTERP, "法释〔2024〕13号", "")


@dataclass(frozen=True)
class KindRule:
    kind: str
    basis: LegalBasis
    needs_president: bool
    review_route: str


KINDS: dict[str, KindRule] = {
    MeasureKind.SUMMONS_BY_FORCE: KindRule(
        MeasureKind.SUMMONS_BY_FORCE,
        cpl(112),
        True,
        "经院长批准（民事诉讼法第119条）；询问不超过8小时，可能采取拘留的不超过24小时（民诉解释第482条）",
    ),
    MeasureKind.FINE: KindRule(
        MeasureKind.FINE,
        cpl(118),
        True,
        "对决定不服的，可在收到决定书之日起3日内向上一级法院申请复议一次，上级法院5日内作出决定；复议期间不停止执行",
    ),
    MeasureKind.DETENTION: KindRule(
        MeasureKind.DETENTION,
        cpl(118),
        True,
        "对决定不服的，可在收到决定书之日起3日内向上一级法院申请复议一次，上级法院5日内作出决定；复议期间不停止执行",
    ),
    MeasureKind.CONSUMPTION_RESTRICTION: KindRule(
        MeasureKind.CONSUMPTION_RESTRICTION,
        consumption("1"),
        True,
        "限制消费令由院长签发；被限制人可依民事诉讼法第236条提出执行异议",
    ),
    MeasureKind.DISHONEST_LISTING: KindRule(
        MeasureKind.DISHONEST_LISTING,
        dishonest("1"),
        True,
        "决定书由院长签发；认为有错误的可申请纠正，法院15日内审查；驳回的可在10日内向上一级法院申请复议",
    ),
    MeasureKind.EXIT_RESTRICTION: KindRule(
        MeasureKind.EXIT_RESTRICTION,
        cpl(266),
        False,
        "被限制人可依民事诉讼法第236条提出执行异议",
    ),
    MeasureKind.VEHICLE_SEIZURE: KindRule(
        MeasureKind.VEHICLE_SEIZURE,
        cpl(255),
        False,
        "当事人、利害关系人可依民事诉讼法第236条提出执行异议",
    ),
}

REVIEWABLE = (MeasureKind.SUMMONS_BY_FORCE, MeasureKind.FINE, MeasureKind.DETENTION)

# Issue K item 7: the measures that reach the people behind an organisation debtor, and in what
# capacity. 民诉解释 2022 art. 482: 拘传 of the 法定代表人 or 负责人; 民事诉讼法 2023 art. 114 ¶2:
# 罚款 and 拘留 of the 主要负责人 (the 法定代表人 is one) or 直接责任人员.
REACHING_CAPACITIES: dict[str, tuple[str, ...]] = {
    MeasureKind.SUMMONS_BY_FORCE: (SubjectCapacity.LEGAL_REPRESENTATIVE, SubjectCapacity.PRINCIPAL),
    MeasureKind.FINE: (
        SubjectCapacity.LEGAL_REPRESENTATIVE,
        SubjectCapacity.PRINCIPAL,
        SubjectCapacity.DIRECT_RESPONSIBLE,
    ),
    MeasureKind.DETENTION: (
        SubjectCapacity.LEGAL_REPRESENTATIVE,
        SubjectCapacity.PRINCIPAL,
        SubjectCapacity.DIRECT_RESPONSIBLE,
    ),
}


def reaching_basis(kind: str) -> LegalBasis:
    return interp("482") if kind == MeasureKind.SUMMONS_BY_FORCE else cpl(114)


# 民事诉讼法 (2023) art. 118 and 民诉解释 (2022) arts. 180, 482, 185.
FINE_MAX_PERSON = 100_000
FINE_MIN_UNIT = 50_000
FINE_MAX_UNIT = 1_000_000
DETENTION_MAX_DAYS = 15
SUMMONS_MIN_COUNT = 2
QUESTIONING_MAX_HOURS = 8
QUESTIONING_MAX_HOURS_DETENTION = 24
FAMILY_NOTICE_HOURS = 24
REVIEW_APPLY_DAYS = 3
REVIEW_DECIDE_DAYS = 5
# The 罚款决定书 fixes a day to pay by; the law fixes none (practice, UNVERIFIED: 15 days).
FINE_PAY_DAYS = 15
# 失信规定 2017 arts. 2, 10, 11; 法发〔2019〕35号.
LISTING_YEARS = 2
LISTING_EXTENSION_MAX = 3
REMOVAL_WORKING_DAYS = 3
CORRECTION_REVIEW_DAYS = 15
RELIST_BLOCK_MONTHS = 6
GRACE_MONTHS_MIN, GRACE_MONTHS_MAX = 1, 3
TEMPORARY_LIFT_MAX_MONTHS = 1
HOME_VACATE_GRACE_MONTHS = 3
# 民事诉讼法 2023 art. 261: 强制迁出房屋由院长签发公告，责令被执行人在"指定期间"履行; the law fixes no
# number of days (nor do 拍卖变卖规定 2020 or 网络司法拍卖规定 2016). The court sets it; the form's default
# is the setting VACATE_NOTICE_DAYS (practice, UNVERIFIED). For the family's necessary home it never
# ends before the three months' grace after the 执行通知 was served (执行异议复议规定 2020 art. 20 ¶2).
VACATE_NOTICE_DAYS_MAX = 180

# What closing an enforcement case ends. The keys are ``enforcement.models.ClosingMethod`` codes
# (measures sits below enforcement and never imports it; tests/flows/test_law_closing_ends_listing.py
# checks the codes). 失信规定 2017 art. 10: 执行完毕 (items 1, 2), 不予执行 (6), 终结执行 (7);
# 终本 deletes only after two empty re-queries (item 4). 销案 and 驳回申请 are not grounds.
ZHONGBEN = "no_property"
ZHONGBEN_EMPTY_QUERIES = 2
CLOSING_REMOVAL_GROUNDS: dict[str, str] = {
    "completed": RemovalGround.PERFORMED,
    "not_enforced": RemovalGround.NOT_ENFORCED,
    "terminated": RemovalGround.TERMINATED,
}
# 限消规定 2015 art. 9: lifted after full performance; after 终结执行 or 不予执行 nothing remains to
# enforce. The reason is what the 解除限制消费令 states.
CLOSING_LIFTS_RESTRICTION: dict[str, str] = {
    "completed": "本案已执行完毕",
    "not_enforced": "本院已裁定不予执行",
    "terminated": "本院已裁定终结执行",
}
LIFTABLE_STATUSES = (MeasureStatus.IN_FORCE, MeasureStatus.APPROVED)


def measures_setting(key: str) -> object:
    """Settings for rules whose source text is not verified (UNVERIFIED in docs/measures.md)."""
    defaults: dict[str, object] = {
        # 法发〔2019〕35号: "do not freeze the basic account of an enterprise in temporary difficulty"
        # is UNVERIFIED (the item is read in secondary copies only).
        "GUARD_BASIC_ACCOUNT": True,
        # requests per window per client IP for the public dishonest-list query
        "PUBLIC_QUERY_RATE": 30,
        "PUBLIC_QUERY_WINDOW_SECONDS": 60,
        "PUBLIC_QUERY_MAX_RESULTS": 20,
        # 民事诉讼法 2023 art. 261 "指定期间": the 腾房公告's default period in days (practice, UNVERIFIED)
        "VACATE_NOTICE_DAYS": 15,
    }
    configured = getattr(settings, "LASTMILE", {}).get("MEASURES", {})
    return configured.get(key, defaults[key])
