"""The rules of the reference price (《最高人民法院关于人民法院确定财产处置参考价若干问题的规定》,
法释〔2018〕15号, effective 2018-09-01), each in one place with its article. Every period goes
through the one legal-period calculator (:mod:`lastmile.core.periods`, CPL 2023 art. 85). The
project's reference of these rules is docs/law.md."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.core.periods import period_end, period_end_years

PRICE_RULES = "最高人民法院关于人民法院确定财产处置参考价若干问题的规定"


def basis(article: str) -> LegalBasis:
    return LegalBasis(PRICE_RULES, "2018", article)


BASIS_START = basis("1")  # start within 30 days of the seizure
BASIS_METHODS = basis("2")  # 议价, 定向询价, 网络询价, 委托评估
BASIS_AGREEMENT = basis("4")  # both sides' prices must match
BASIS_DIRECTED = basis("5")  # assets with a tax base or government-set/guided price
BASIS_DIRECTED_ANSWER = basis("6")  # the body's answer within the period is the price
BASIS_ONLINE_ALL = basis("10")  # every listed platform
BASIS_ONLINE_PERIOD = basis("11")  # 3 days, one 3-day extension
BASIS_ONLINE_MEAN = basis("13")  # mean of the on-time, unchallenged reports
BASIS_APPRAISAL = basis("14")  # when required, asked for by both, or online inquiry failed
BASIS_FIRMS = basis("16")  # three firms and their order, by agreement or by lot
BASIS_APPRAISAL_PERIOD = basis("19")  # 30 days; ≤2 extensions of ≤15 days, asked 5 days ahead
BASIS_SERVICE = basis("21")  # documents to the parties within 3 days
BASIS_OBJECTION = basis("22")  # objection within 5 days of receipt
BASIS_NO_OBJECTION = basis("24")  # no objection to 议价 or 定向询价
BASIS_VALIDITY = basis("27")  # valid one year at most
BASIS_COSTS = basis("33")  # the applicant advances the cost, the debtor bears it

START_DAYS = 30
DIRECTED_DAYS = 3
ONLINE_DAYS = 3
ONLINE_EXTENSION_DAYS = 3
ONLINE_MAX_EXTENSIONS = 1
APPRAISAL_DAYS = 30
APPRAISAL_EXTENSION_MAX_DAYS = 15
APPRAISAL_MAX_EXTENSIONS = 2
APPRAISAL_EXTENSION_NOTICE_DAYS = 5
OBJECTION_DAYS = 5
SERVICE_DAYS = 3
VALIDITY_YEARS = 1
FIRM_COUNT = 3

#: Assets with a tax base or a government-set or guided price (art. 5): directed inquiry applies.
DIRECTED_KINDS = frozenset({"real_estate", "vehicle"})


def start_due(seized_on: date) -> date:
    """Last day to start the procedure after the seizure (art. 1: within 30 days)."""
    return period_end(seized_on, START_DAYS)


def answer_due(method: str, asked_on: date) -> date:
    """Last day of the answer (art. 6 directed, art. 11 online: 3 days; art. 19 appraisal: 30)."""
    days = {"directed": DIRECTED_DAYS, "online": ONLINE_DAYS, "appraisal": APPRAISAL_DAYS}[method]
    return period_end(asked_on, days)


def objection_due(received_on: date) -> date:
    """Last day of a party's objection (arts. 22–23: within 5 days of receipt)."""
    return period_end(received_on, OBJECTION_DAYS)


def valid_until(priced_on: date) -> date:
    """Last day the reference price may be used to announce the first auction (art. 27)."""
    return period_end_years(priced_on, VALIDITY_YEARS)


def online_mean(values: Iterable[Decimal]) -> Decimal | None:
    """The arithmetic mean, to the fen, of the on-time reports that were not validly challenged
    (art. 13); None when there is none (then the price is commissioned, art. 14)."""
    vals = [to_money(v) for v in values]
    if not vals:
        return None
    return to_money(sum(vals, Decimal("0")) / len(vals))


def firms_by_lot(roster: Sequence[str], *, seed: str) -> list[str]:
    """Three firms and their order drawn by lot from the roster (art. 16). The draw is
    reproducible from its recorded seed, so the parties can check it."""
    if len(roster) < FIRM_COUNT:
        raise ValueError("the roster holds fewer than three firms")
    # Reproducibility is the point (the parties re-run the draw from the seed); the seed itself is
    # drawn with uuid4 by the service.
    return random.Random(seed).sample(list(roster), FIRM_COUNT)  # noqa: S311


def answer_due_extended(due: date, days: int) -> date:
    """The answer period extended by ``days`` from its current last day (arts. 11, 19)."""
    return period_end(due, days)
