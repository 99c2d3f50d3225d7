"""The periods of case funds, each in one place with its source.

Both the services (which open the payout deadline and stamp a payout's due day) and the
selectors (which show the due day and list late money) read the due day from here, so the
two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from lastmile.core.legal import LegalBasis
from lastmile.core.periods import ProvisionalDate, period_end_provisional

from .conf import funds_setting

ZERO = Decimal("0.00")

# Case funds are paid out within 30 days of arrival: 最高人民法院关于执行款物管理工作的规定
# (法发〔2017〕6号) 2017, article not verified, as local rules apply it; some courts use 5 days
# (嘉鱼县人民法院关于执行案款管理工作的规定（试行）2024 art. 7), hence the PAYOUT_DUE_DAYS setting.
FUNDS_RULES = LegalBasis("最高人民法院关于执行款物管理工作的规定", "2017")


def payout_due(arrived_on: date) -> ProvisionalDate:
    """The last day to pay out money that arrived on ``arrived_on``: PAYOUT_DUE_DAYS later, the
    starting day not counted, rolled over to the next working day when it falls on a holiday
    or a rest day (CPL 2023 art. 85). Provisional while that year's holiday schedule is not
    published (:func:`lastmile.core.periods.period_end_provisional`)."""
    return period_end_provisional(arrived_on, int(funds_setting("PAYOUT_DUE_DAYS")))


def oldest_unpaid_arrival(arrivals: Iterable[tuple[date, Decimal]], paid: Decimal) -> date | None:
    """The arrival day of the oldest money not yet paid out, first in first out: ``arrivals``
    are (day, amount) in order of arrival, ``paid`` is everything paid out so far."""
    covered = ZERO
    for day, amount in arrivals:
        covered += amount
        if covered > paid:
            return day
    return None


def unclaimed_claim_cutoff(today: date) -> date:
    """Unclaimed money that arrived before this day is late to be claimed for its case:
    UNCLAIMED_CLAIM_DAYS (3 days, 嘉鱼县人民法院关于执行案款管理工作的规定（试行）2024 art. 6,
    a local rule)."""
    return today - timedelta(days=int(funds_setting("UNCLAIMED_CLAIM_DAYS")))
