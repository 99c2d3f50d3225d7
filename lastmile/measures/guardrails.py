"""善意文明执行: every proposed measure is evaluated here before it is taken.

:func:`measure_evaluate` is the one evaluation function. Every measure service calls it; the
future disposal and inquiry apps call it too, with the proposal kinds ``auction_home``,
``vacate`` and ``freeze_basic_account`` (see :func:`home_disposal_evaluate`). It reads the
recorded facts (party birth date, :class:`DebtorProfile`, :class:`EnterpriseScreening`,
:class:`GracePeriod`, :class:`HomeDesignation`, the debt outstanding in the ledger) and returns
a verdict with each reason and its legal basis:

- ``refused``: the service raises :class:`GuardrailRefused` and writes nothing;
- ``warn``: the service proceeds only when the proposer acknowledges the warnings;
- ``allowed``.

A 院长's written :class:`GuardrailOverride` turns an overridable refusal into a warning that
names who overrode it, when and why. Minors, security covering the debt, and the family's
necessary home are never overridable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, NoReturn

from lastmile.cases.models import Case
from lastmile.core.clock import court_date as local_date
from lastmile.core.errors import DomainError
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end_provisional
from lastmile.documents.models import Document, DocumentStatus
from lastmile.parties.models import Party

from . import rules
from .error_codes import GuardrailReason, MeasureErrorCode
from .models import (
    PENDING_OR_ACTIVE,
    REPEATABLE_KINDS,
    DebtorProfile,
    DishonestListing,
    EnterpriseScreening,
    GracePeriod,
    GuardrailOverride,
    HomeDesignation,
    Measure,
    MeasureKind,
    RemovalGround,
    SubjectCapacity,
)

Verdict = Literal["allowed", "warn", "refused"]

# Settlement statuses (enforcement.models.SettlementStatus codes) that prove ground 6.
SETTLEMENT_BREACHED = ("defaulted", "resumed")

AUCTION_HOME = "auction_home"
VACATE = "vacate"
FREEZE_BASIC_ACCOUNT = "freeze_basic_account"
PUBLISH = "publish"
EXTRA_KINDS = (AUCTION_HOME, VACATE, FREEZE_BASIC_ACCOUNT, PUBLISH)

# Rules a 院长 may override in writing ("generally not", "unless the 院长 decides otherwise").
OVERRIDABLE = frozenset({GuardrailReason.CAMPUS_LOAN_STUDENT, GuardrailReason.ENTERPRISE_STRUGGLING})
CREDIT_KINDS = (MeasureKind.DISHONEST_LISTING, MeasureKind.CONSUMPTION_RESTRICTION)


class GuardrailRefused(DomainError):
    """A proposed measure was refused by a 善意文明执行 rule or a legal limit; nothing was written."""

    code = MeasureErrorCode.GUARDRAIL_REFUSED


class WarningsNotAcknowledged(DomainError):
    code = MeasureErrorCode.GUARDRAIL_WARNINGS_UNACKNOWLEDGED


@dataclass(frozen=True)
class Proposal:
    """A measure someone wants to take, with the facts the rules need."""

    kind: str
    case: Case
    subject: Party
    ground: int | None = None
    amount: Decimal | None = None
    days: int | None = None
    hours: int | None = None
    summons_count: int | None = None
    detention_may_follow: bool = False
    extension_years: int = 0
    security_amount: Decimal = Decimal("0")
    controlled_value: Decimal = Decimal("0")
    property_ref: str = ""
    # 失信规定 2017 art. 2: why a listing is extended by 1–3 years (see EXTENSION_FACTS).
    extension_fact: str = ""
    # 失信规定 2017 art. 4: the birth date when the debtor's ID does not carry one.
    birth_date: date | None = None
    # 民事诉讼法 2023 art. 114 ¶2; 民诉解释 2022 art. 482: the organisation debtor whose person
    # ``subject`` is reached, in ``capacity`` (rules.REACHING_CAPACITIES); ``responsibility`` is
    # the finding that makes a 直接责任人员 directly responsible.
    organisation: Party | None = None
    capacity: str = ""
    responsibility: str = ""


# 失信规定 2017 art. 2: the extension needs serious violence or threats (ground 2) or several
# dishonest acts.
EXTENSION_FACTS = {
    "violence": "以暴力、威胁方法妨碍、抗拒执行情节严重",
    "multiple": "具有多项失信行为",
}


@dataclass(frozen=True)
class Reason:
    code: GuardrailReason
    message: str
    basis: LegalBasis
    severity: Literal["refuse", "warn"]
    override: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "basis": self.basis.as_dict(),
            "basis_text": str(self.basis),
            "severity": self.severity,
            "override": self.override,
        }


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def refusals(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "refuse"]

    @property
    def warnings(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "warn"]

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reasons": [r.as_dict() for r in self.reasons]}

    def raise_if_refused(self, **extra: Any) -> None:
        """Raise :class:`GuardrailRefused` naming each refusing rule and its legal basis;
        ``extra`` is added to the error's details (e.g. the measure a duplicate duplicates)."""
        if self.verdict == "refused":
            text = "；".join(f"{r.message}（{r.basis}）" for r in self.refusals)
            raise GuardrailRefused(f"不得采取该措施：{text}", details={**self.as_dict(), **extra})

    def require_acknowledged(self, acknowledged: bool) -> None:
        self.raise_if_refused()
        if self.verdict == "warn" and not acknowledged:
            text = "；".join(f"{r.message}（{r.basis}）" for r in self.warnings)
            raise WarningsNotAcknowledged(f"请确认以下风险提示后再提交：{text}", details=self.as_dict())


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def debt_outstanding(case: Case, as_of: date) -> Decimal:
    """What is still owed: the ledger statement when an obligation is recorded, else the claim."""
    from lastmile.ledger.selectors import case_statement

    statement = case_statement(case=case, as_of=as_of)
    if statement is not None:
        return to_money(statement.outstanding_total)
    return to_money(case.amount_claimed or 0)


def _override(proposal: Proposal, rule: str) -> GuardrailOverride | None:
    return (
        GuardrailOverride.objects.filter(
            case=proposal.case, party=proposal.subject, rule=rule, proposal_kind=proposal.kind
        )
        .select_related("granted_by")
        .order_by("-granted_at")
        .first()
    )


def _latest_screening(proposal: Proposal) -> EnterpriseScreening | None:
    return (
        EnterpriseScreening.objects.filter(case=proposal.case, party=proposal.subject)
        .order_by("-screened_at", "-id")
        .first()
    )


def active_grace(case: Case, party: Party, on: date) -> GracePeriod | None:
    return (
        GracePeriod.objects.filter(case=case, party=party, starts_on__lte=on, ends_on__gt=on)
        .order_by("-ends_on")
        .first()
    )


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
    person = p.subject.is_person
    if p.kind == MeasureKind.SUMMONS_BY_FORCE:
        if not person:
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
        limit = (
            rules.QUESTIONING_MAX_HOURS_DETENTION if p.detention_may_follow else rules.QUESTIONING_MAX_HOURS
        )
        if not p.hours or p.hours > limit:
            out.append(
                Reason(
                    GuardrailReason.QUESTIONING_HOURS,
                    f"拘传询问时间不得超过{limit}小时",
                    rules.interp("482"),
                    "refuse",
                )
            )
    elif p.kind == MeasureKind.FINE:
        amount = to_money(p.amount or 0)
        if person and not (0 < amount <= rules.FINE_MAX_PERSON):
            out.append(
                Reason(
                    GuardrailReason.FINE_PERSON_LIMIT, "对个人的罚款金额应在十万元以下", cpl(118), "refuse"
                )
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
    elif p.kind == MeasureKind.DETENTION:
        if not person:
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
    elif p.kind == MeasureKind.DISHONEST_LISTING:
        out.extend(_listing_preconditions(p, today))
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


def _served(case: Case, party: Party, template_code: str, today: date) -> bool:
    """Whether the case's document ``template_code`` has been served on ``party`` by ``today``.
    The service orders are read through the document (the service app sits beside measures)."""
    for doc in Document.objects.filter(case=case, template__code=template_code, status=DocumentStatus.ISSUED):
        if doc.service_orders.filter(recipient=party, served_on__isnull=False, served_on__lte=today).exists():
            return True
    return False


def _nothing_owed(case: Case, today: date) -> bool:
    """失信规定 2017 art. 1: only a debtor who has not performed. The ledger's statement when an
    obligation is recorded; else the claim (a case without a money claim is not judged here)."""
    from lastmile.ledger.selectors import case_statement

    statement = case_statement(case=case, as_of=today)
    if statement is not None:
        return statement.outstanding_total <= 0
    return case.amount_claimed is not None and to_money(case.amount_claimed) <= 0


def _ground_proven(p: Proposal) -> bool:
    """Grounds 5 and 6 need their record: a 限制消费令 that took effect on this debtor in this
    case (ground 5); a settlement of this case (or of the case it resumes) not performed (ground 6)."""
    if p.ground == 5:
        return Measure.objects.filter(
            case=p.case,
            subject=p.subject,
            kind=MeasureKind.CONSUMPTION_RESTRICTION,
            starts_at__isnull=False,
        ).exists()
    if p.ground == 6:
        cases = [c for c in (p.case, p.case.parent) if c is not None]
        return any(c.settlements.filter(status__in=SETTLEMENT_BREACHED).exists() for c in cases)
    return True


def _extension_proven(p: Proposal) -> bool:
    if p.extension_fact == "violence":
        return p.ground == 2
    if p.extension_fact == "multiple":
        return (
            DishonestListing.objects.filter(party=p.subject).exclude(case=p.case).exists()
            or Measure.objects.filter(
                case=p.case,
                subject=p.subject,
                kind__in=(MeasureKind.FINE, MeasureKind.DETENTION),
                starts_at__isnull=False,
            ).exists()
        )
    return False


def _listing_preconditions(p: Proposal, today: date) -> list[Reason]:
    """What must be true before anyone is listed (失信规定 2017 arts. 1, 2, 5)."""
    out: list[Reason] = []
    if _nothing_owed(p.case, today):
        out.append(
            Reason(
                GuardrailReason.NOTHING_OWED,
                "被执行人已无未履行的义务，不得纳入失信被执行人名单",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if not _served(p.case, p.subject, "enforcement_notice", today):
        out.append(
            Reason(
                GuardrailReason.NOTICE_NOT_SERVED,
                "载有失信风险提示的执行通知书尚未送达被执行人",
                rules.dishonest("5"),
                "refuse",
            )
        )
    if p.ground == 4 and not _served(p.case, p.subject, "property_report_order", today):
        out.append(
            Reason(
                GuardrailReason.REPORT_ORDER_NOT_SERVED,
                "报告财产令尚未送达被执行人，不能认定违反财产报告制度",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if p.ground in (5, 6) and not _ground_proven(p):
        out.append(
            Reason(
                GuardrailReason.GROUND_NOT_PROVEN,
                "本案没有已生效的限制消费令" if p.ground == 5 else "本案没有未按期履行的执行和解协议记录",
                rules.dishonest("1"),
                "refuse",
            )
        )
    if p.extension_years and p.ground != 1 and not _extension_proven(p):
        out.append(
            Reason(
                GuardrailReason.EXTENSION_FACTS,
                "延长纳入期限须有以暴力、威胁方法妨碍、抗拒执行情节严重（第二项情形）"
                "或具有多项失信行为的记录",
                rules.dishonest("2"),
                "refuse",
            )
        )
    return out


def duplicate_of(p: Proposal) -> Measure | None:
    """The pending or active measure of the proposal's kind for its debtor and case, if any.
    This read gives the early, friendly refusal; the database constraint
    ``measure_one_active_per_kind`` is what holds the rule when proposals race."""
    if p.kind not in MeasureKind.values or p.kind in REPEATABLE_KINDS:
        return None
    return (
        Measure.objects.filter(case=p.case, subject=p.subject, kind=p.kind, status__in=PENDING_OR_ACTIVE)
        .order_by("pk")
        .first()
    )


def duplicate_reason(kind: str) -> Reason:
    return Reason(
        GuardrailReason.DUPLICATE,
        "该被执行人在本案已有相同措施正在审批或执行中",
        rules.KINDS[kind].basis,
        "refuse",
    )


def duplicate_refuse(kind: str, **existing: int) -> NoReturn:
    """Refuse a duplicate as :func:`measure_evaluate` does, naming the row already there."""
    Evaluation("refused", (duplicate_reason(kind),)).raise_if_refused(**existing)
    raise AssertionError("a refused evaluation always raises")


def _duplicates(p: Proposal) -> list[Reason]:
    return [duplicate_reason(p.kind)] if duplicate_of(p) is not None else []


def _good_faith(p: Proposal, today: date) -> list[Reason]:
    out: list[Reason] = []
    party = p.subject

    # 失信规定 2017 art. 4: minors are never listed, whatever the ID type: an ID that carries no
    # birth date (passport, other papers) needs the birth date on the party or the proposal.
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

    # 法发〔2019〕35号: full-time students in 校园贷 cases are generally neither listed nor restricted.
    if p.kind in CREDIT_KINDS:
        profile = DebtorProfile.objects.filter(case=p.case, party=party).first()
        if profile and profile.full_time_student and profile.campus_loan:
            out.append(
                Reason(
                    GuardrailReason.CAMPUS_LOAN_STUDENT,
                    "全日制在校生因校园贷纠纷成为被执行人的，一般不得纳入失信名单或限制消费",
                    rules.GOOD_FAITH_BASIS,
                    "refuse",
                )
            )

    # 失信规定 2017 art. 3: no listing on ground 1 when security or controlled property covers the debt.
    if p.kind == MeasureKind.DISHONEST_LISTING and p.ground == 1:
        debt = debt_outstanding(p.case, today)
        cover = to_money(p.security_amount) + to_money(p.controlled_value)
        if cover > 0 and cover >= debt:
            out.append(
                Reason(
                    GuardrailReason.GROUND1_COVERED,
                    f"已提供担保或已控制财产（{format_yuan(cover)}元）足以清偿债务（{format_yuan(debt)}元），"
                    "不得以第一项情形纳入失信名单",
                    rules.dishonest("3"),
                    "refuse",
                )
            )

    # 法发〔2019〕35号: a struggling (not evading) enterprise gets no 失信, no 限消, no basic-account
    # freeze.
    guarded: list[str] = [str(k) for k in CREDIT_KINDS]
    if rules.measures_setting("GUARD_BASIC_ACCOUNT"):
        guarded.append(FREEZE_BASIC_ACCOUNT)
    if not party.is_person and p.kind in guarded:
        screening = _latest_screening(p)
        if screening is not None and screening.struggling:
            out.append(
                Reason(
                    GuardrailReason.ENTERPRISE_STRUGGLING,
                    "经甄别该企业系暂时经营困难而非规避执行（仍在经营、稳定就业、依法纳税、部分履行），"
                    "不得纳入失信名单、限制消费或冻结基本账户",
                    rules.GOOD_FAITH_BASIS,
                    "refuse",
                )
            )
        elif screening is None and p.kind in CREDIT_KINDS:
            out.append(
                Reason(
                    GuardrailReason.ENTERPRISE_NOT_SCREENED,
                    "尚未对该企业进行经营状况甄别",
                    rules.GOOD_FAITH_BASIS,
                    "warn",
                )
            )

    # Grace period: nothing is published while it runs.
    grace = active_grace(p.case, party, today)
    if grace is not None:
        if p.kind == PUBLISH:
            out.append(
                Reason(
                    GuardrailReason.GRACE_PERIOD,
                    f"宽限期至{grace.ends_on:%Y年%m月%d日}届满，宽限期内不得公布",
                    rules.GOOD_FAITH_BASIS,
                    "refuse",
                )
            )
        elif p.kind in CREDIT_KINDS:
            out.append(
                Reason(
                    GuardrailReason.GRACE_PERIOD_DEFERS,
                    f"宽限期内暂不公布，届满（{grace.ends_on:%Y年%m月%d日}）后方公布",
                    rules.GOOD_FAITH_BASIS,
                    "warn",
                )
            )

    # 失信规定 art. 10: after deletion on the applicant's request, no relisting within 6 months.
    if (
        p.kind == MeasureKind.DISHONEST_LISTING
        and DishonestListing.objects.filter(
            case=p.case,
            party=party,
            removal_ground=RemovalGround.APPLICANT_REQUEST,
            relist_blocked_until__gt=today,
        ).exists()
    ):
        out.append(
            Reason(
                GuardrailReason.RELIST_WITHIN_6_MONTHS,
                "因申请执行人申请删除后六个月内，申请执行人不得申请再次纳入",
                rules.dishonest("10"),
                "warn",
            )
        )

    # 查封规定 2020 art. 4; 执行异议复议规定 art. 20: the family's necessary home.
    if p.kind in (AUCTION_HOME, VACATE):
        out.extend(_home_reasons(p, today))
    return out


def _home_reasons(p: Proposal, today: date) -> list[Reason]:
    home = HomeDesignation.objects.filter(case=p.case, party=p.subject, property_ref=p.property_ref).first()
    if home is None or not home.necessary_home:
        return []
    if p.kind == AUCTION_HOME:
        return [
            Reason(
                GuardrailReason.NECESSARY_HOME,
                "被执行人及其所扶养家属生活所必需的居住房屋，可以查封，但不得拍卖、变卖或者抵债",
                LegalBasis(rules.SEIZURE_RULES, "2020", "4"),
                "refuse",
            )
        ]
    basis = LegalBasis(rules.OBJECTION_RULES, "2020", "20")
    if home.notice_served_on is None:
        return [
            Reason(GuardrailReason.VACATE_NO_NOTICE, "执行通知尚未送达，腾退宽限期未起算", basis, "refuse")
        ]
    grace_end = period_end_provisional(home.notice_served_on, months=rules.HOME_VACATE_GRACE_MONTHS).day
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


def measure_evaluate(proposal: Proposal, *, now: datetime) -> Evaluation:
    """Evaluate a proposed measure against the legal limits and the 善意文明执行 guardrails.

    Returns ``refused`` if any refusing rule applies (after 院长 overrides of overridable rules),
    ``warn`` if only warnings apply, else ``allowed``. Reads only; writes nothing.
    """
    today = local_date(now)
    reasons = _limits(proposal, today) + _duplicates(proposal) + _good_faith(proposal, today)
    final: list[Reason] = []
    for r in reasons:
        if r.severity == "refuse" and r.code in OVERRIDABLE:
            ov = _override(proposal, r.code)
            if ov is not None:
                r = Reason(
                    r.code,
                    r.message,
                    r.basis,
                    "warn",
                    override=f"院长{ov.granted_by}于{local_date(ov.granted_at):%Y年%m月%d日}书面批准：{ov.reason}",
                )
        final.append(r)
    verdict: Verdict = "allowed"
    if any(r.severity == "refuse" for r in final):
        verdict = "refused"
    elif final:
        verdict = "warn"
    return Evaluation(verdict, tuple(final))


def home_disposal_evaluate(
    *, case: Case, party: Party, property_ref: str, kind: str, now: datetime
) -> Evaluation:
    """For the disposal app: may this real-estate item be auctioned (``auction_home``) or its
    occupants be ordered to vacate (``vacate``)?"""
    if kind not in (AUCTION_HOME, VACATE):
        raise ValueError(kind)
    return measure_evaluate(Proposal(kind=kind, case=case, subject=party, property_ref=property_ref), now=now)


def basic_account_freeze_evaluate(*, case: Case, party: Party, now: datetime) -> Evaluation:
    """For the inquiry/freeze app: may the enterprise's basic operating account be frozen?"""
    return measure_evaluate(Proposal(kind=FREEZE_BASIC_ACCOUNT, case=case, subject=party), now=now)


def listing_publishable(listing: DishonestListing, *, now: datetime) -> Evaluation:
    """Whether a decided listing may be published now (no publication during a grace period)."""
    return measure_evaluate(Proposal(kind=PUBLISH, case=listing.case, subject=listing.party), now=now)


__all__ = [
    "AUCTION_HOME",
    "FREEZE_BASIC_ACCOUNT",
    "OVERRIDABLE",
    "PUBLISH",
    "VACATE",
    "Evaluation",
    "GuardrailRefused",
    "Proposal",
    "Reason",
    "WarningsNotAcknowledged",
    "basic_account_freeze_evaluate",
    "home_disposal_evaluate",
    "listing_publishable",
    "measure_evaluate",
]
