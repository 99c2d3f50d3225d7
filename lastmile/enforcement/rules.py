"""The legal rules of enforcement implementation cases, each in one place with its source.

Pure functions on dates (no database, no clock): the application period, the time limit with its
excluded periods, clue-check deadlines, requests to other courts and the post-终本 re-query plan.
Every period goes through :mod:`lastmile.core.periods` (CPL 2023 art. 85).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.periods import ProvisionalDate, period_end_provisional

INTERP = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
TIME_LIMITS = "最高人民法院关于严格执行案件审理期限制度的若干规定"
PROPERTY_INQUIRY = "最高人民法院关于民事执行中财产调查若干问题的规定"
ZHONGBEN = "最高人民法院关于严格规范终结本次执行程序的规定（试行）"
EXEC_WORK = "最高人民法院关于人民法院执行工作若干问题的规定（试行）"
SETTLEMENT = "最高人民法院关于执行和解若干问题的规定"
CONSUMPTION = "最高人民法院关于限制被执行人高消费及有关消费的若干规定"
DISHONEST = "最高人民法院关于公布失信被执行人名单信息的若干规定"
COMMISSION = "最高人民法院关于委托执行若干问题的规定"

BASIS_APPLICATION_PERIOD = cpl(250)
BASIS_LATE_ACCEPTED = LegalBasis(INTERP, "2022", "481")
BASIS_FILING_7_DAYS = LegalBasis(TIME_LIMITS, "2000", "6")
BASIS_NOTICE_10_DAYS = LegalBasis(INTERP, "2022", "480")
BASIS_REPORT_ORDER = LegalBasis(PROPERTY_INQUIRY, "2020", "3")
BASIS_CLUE_CHECK = LegalBasis(PROPERTY_INQUIRY, "2020", "2")
BASIS_TIME_LIMIT = LegalBasis(TIME_LIMITS, "2000", "5")
BASIS_TIME_LIMIT_EXCLUDED = LegalBasis(TIME_LIMITS, "2000", "9")
BASIS_CLOSING_METHODS = LegalBasis(EXEC_WORK, "2020", "64")
BASIS_ZHONGBEN = LegalBasis(ZHONGBEN, "2016", "1")
BASIS_ZHONGBEN_AFTER = LegalBasis(ZHONGBEN, "2016", "9")
BASIS_SUSPEND = cpl(267)
BASIS_TERMINATE = cpl(268)
BASIS_COMMISSION = cpl(240)
BASIS_COMMISSION_ACCEPT = LegalBasis(COMMISSION, "2020", "7")  # 受托法院7日内立案并告知承办人
BASIS_COMMISSION_MATTER = LegalBasis(COMMISSION, "2020", "2")  # 事项委托：不立案，积极协助
BASIS_COMMISSION_RETURN = LegalBasis(COMMISSION, "2020", "9")  # 退回：书面说明
BASIS_SETTLEMENT_SUSPEND = LegalBasis(SETTLEMENT, "2020", "2")
BASIS_SETTLEMENT_PERFORMED = LegalBasis(SETTLEMENT, "2020", "8")
BASIS_SETTLEMENT_RESUME = LegalBasis(SETTLEMENT, "2020", "11")
BASIS_SETTLEMENT_RELEASE = LegalBasis(SETTLEMENT, "2020", "3")  # freezes lifted only on application
BASIS_SETTLEMENT_DEDUCT = LegalBasis(INTERP, "2022", "465")
BASIS_SETTLEMENT_PERIOD = LegalBasis(INTERP, "2022", "466")
BASIS_RESTORE_AFTER_ZHONGBEN = LegalBasis(ZHONGBEN, "2016", "9")
BASIS_CONSUMPTION = LegalBasis(CONSUMPTION, "2015", "1")
BASIS_DISHONEST = LegalBasis(DISHONEST, "2017", "1")
BASIS_REPORT = cpl(252)
# 审限规定 2000 art. 9: the periods not counted in the execution time limit, item by item.
BASIS_EXCLUDED_NOTICE = LegalBasis(TIME_LIMITS, "2000", "9(2)")  # 公告
BASIS_EXCLUDED_JURISDICTION = LegalBasis(TIME_LIMITS, "2000", "9(3)")  # 管辖权异议、管辖争议
BASIS_EXCLUDED_VALUATION = LegalBasis(TIME_LIMITS, "2000", "9(4)")  # 审计、评估、资产清理
BASIS_EXCLUDED_SUSPENSION = LegalBasis(TIME_LIMITS, "2000", "9(5)")  # 中止至恢复
BASIS_EXCLUDED_SETTLEMENT_OR_SECURITY = LegalBasis(TIME_LIMITS, "2000", "9(6)")  # 和解或担保后暂缓
BASIS_EXCLUDED_DEFERRAL = LegalBasis(TIME_LIMITS, "2000", "9(7)")  # 上级法院通知暂缓
BASIS_EXCLUDED_AUCTION = LegalBasis(TIME_LIMITS, "2000", "9(8)")  # 拍卖、变卖
# 执行担保: 暂缓 needs the applicant's consent and lasts at most one year (民诉法 2023 art. 242;
# 民诉解释 2022 art. 467).
BASIS_SECURITY_DEFERRAL = cpl(242)
BASIS_SECURITY_DEFERRAL_PERIOD = LegalBasis(INTERP, "2022", "467")
SECURITY_DEFERRAL_MAX_MONTHS = 12
# The legal basis of each excluded period, by :class:`~lastmile.enforcement.models.PauseKind` value.
PAUSE_BASES: dict[str, LegalBasis] = {
    "notice": BASIS_EXCLUDED_NOTICE,
    "jurisdiction": BASIS_EXCLUDED_JURISDICTION,
    "valuation": BASIS_EXCLUDED_VALUATION,
    "suspension": BASIS_EXCLUDED_SUSPENSION,
    "settlement": BASIS_EXCLUDED_SETTLEMENT_OR_SECURITY,
    "security": BASIS_EXCLUDED_SETTLEMENT_OR_SECURITY,
    "deferral": BASIS_EXCLUDED_DEFERRAL,
    "auction": BASIS_EXCLUDED_AUCTION,
}

TIME_LIMIT_MONTHS = 6  # 审限规定 art. 5; 执行工作规定 art. 63
EXTENSION_MONTHS = 3  # 审限规定 art. 5 (院长 approval)
ZHONGBEN_MIN_MONTHS = 3  # 终本规定 art. 1(4)
REQUERY_EVERY_MONTHS = 6  # 终本规定 art. 9
REQUERY_FOR_YEARS = 5  # 终本规定 art. 9
CLUE_CHECK_DAYS = 7  # 财产调查规定 art. 2
CLUE_CHECK_DAYS_URGENT = 3
COMMISSION_START_DAYS = 15  # CPL 2023 art. 240
COMMISSION_COMPLETE_DAYS = 30  # 审限规定 art. 5
COMMISSION_ACCEPT_DAYS = 7  # 委托执行规定 2020 art. 7


DEFAULTS: dict[str, Any] = {
    # CPL 2023 art. 250: current text counts instalment judgments from the last instalment;
    # older editions counted each instalment separately (when the wording changed is UNVERIFIED).
    "APPLICATION_PERIOD_FROM_LAST_INSTALLMENT": True,
    # 终本规定 art. 3: whether an on-site investigation is required in addition to online 查控
    # (the exact wording of the list is UNVERIFIED).
    "ZHONGBEN_REQUIRE_ONSITE": False,
    # Default triage rules for a court that has not configured its own (繁简分流 is local policy).
    "TRIAGE_RULES": [
        ("amount", "500000", 2),
        ("debtors", "3", 1),
        ("organisation", None, 1),
        ("other_cases", "1", 2),
        ("known_assets", None, -1),
        ("priority_claim", None, -2),
        # 涉企绿色通道 (法发〔2019〕35号): handled first, on the fast track.
        ("green_channel", None, -3),
    ],
    "TRIAGE_COMPLEX_SCORE": 3,
}


def setting(key: str) -> Any:
    """``settings.LASTMILE["ENFORCEMENT"][key]`` with the documented default."""
    raw: Any = settings.LASTMILE.get("ENFORCEMENT") or {}
    configured: dict[str, Any] = dict(raw)
    return configured.get(key, DEFAULTS[key])


def application_period_start(
    *, effective_on: date, performance_deadline: date | None, installment_dates: Iterable[date]
) -> date:
    """Start of the 2-year application period (CPL 2023 art. 250): the last day of the performance
    period; for instalments the last instalment's; with no performance period, the effective date."""
    dates = sorted(installment_dates)
    if dates:
        return dates[-1] if setting("APPLICATION_PERIOD_FROM_LAST_INSTALLMENT") else dates[0]
    return performance_deadline or effective_on


def application_deadline(start: date) -> ProvisionalDate:
    """Last day to apply: 2 years from ``start`` (CPL 2023 art. 250), on the holiday calendar."""
    return period_end_provisional(start, months=24)


def excluded_days(pauses: Iterable[tuple[date, date | None]], *, as_of: date) -> int:
    """Days excluded from the time limit (审限规定 art. 9): the union of the pause intervals
    ``[start, end)``, an open pause running until ``as_of``. Overlapping pauses count once."""
    intervals = sorted((s, e if e is not None else max(as_of, s)) for s, e in pauses)
    total = 0
    current_start: date | None = None
    current_end: date | None = None
    for start, end in intervals:
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += (current_end - current_start).days
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_start is not None and current_end is not None:
        total += (current_end - current_start).days
    return total


def time_limit_due(*, starts_on: date, extension_months: int, excluded: int) -> ProvisionalDate:
    """Last day of the execution time limit: 6 months from filing (审限规定 art. 5), plus approved
    extensions, plus the excluded days (art. 9), rolled to a working day (CPL 2023 art. 85)."""
    return period_end_provisional(starts_on, excluded, months=TIME_LIMIT_MONTHS + extension_months)


def clue_check_due(submitted_on: date, *, urgent: bool) -> ProvisionalDate:
    """Clue check deadline: 7 days, or 3 when urgent (财产调查规定 2020 art. 2)."""
    return period_end_provisional(submitted_on, CLUE_CHECK_DAYS_URGENT if urgent else CLUE_CHECK_DAYS)


@dataclass(frozen=True)
class CommissionDeadlines:
    start: ProvisionalDate
    complete: ProvisionalDate


def commission_deadlines(sent_on: date) -> CommissionDeadlines:
    """The requested court starts within 15 days (CPL 2023 art. 240) and finishes, or reports the
    status, within 30 days (审限规定 art. 5)."""
    return CommissionDeadlines(
        start=period_end_provisional(sent_on, COMMISSION_START_DAYS),
        complete=period_end_provisional(sent_on, COMMISSION_COMPLETE_DAYS),
    )


def commission_accept_due(sent_on: date) -> ProvisionalDate:
    """A commissioned court files the case within 7 days of receiving the 委托执行函 and tells the
    commissioning court the officer in charge and a phone number (委托执行规定 2020 art. 7). A
    request for one act (事项委托) is not filed as a case (art. 2) and has no such deadline."""
    return period_end_provisional(sent_on, COMMISSION_ACCEPT_DAYS)


def requery_plan(closed_on: date) -> list[ProvisionalDate]:
    """The online property re-queries after 终本: every 6 months for 5 years (终本规定 art. 9)."""
    count = REQUERY_FOR_YEARS * 12 // REQUERY_EVERY_MONTHS
    return [period_end_provisional(closed_on, months=REQUERY_EVERY_MONTHS * i) for i in range(1, count + 1)]


def zhongben_earliest(filed_on: date) -> ProvisionalDate:
    """The last day of the 3 months after filing; 终本 needs a later date (终本规定 art. 1(4))."""
    return period_end_provisional(filed_on, months=ZHONGBEN_MIN_MONTHS)


def installment_last_day(due_on: date) -> ProvisionalDate:
    """An instalment due on a rest day may be paid on the next working day (CPL 2023 art. 85)."""
    return period_end_provisional(due_on, 0)


def days_after(d: date, n: int) -> date:
    return d + timedelta(days=n)
