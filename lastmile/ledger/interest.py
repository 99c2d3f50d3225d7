"""Interest: the doubled part of delayed-performance interest and the LPR table.

- 加倍部分债务利息 = unpaid money debt fixed by the execution basis, other than general
  interest × 0.000175 × days of delay (《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律
  若干问题的解释》法释〔2014〕8号 art. 1; CPL 2023 art. 264).
- The LPR (贷款市场报价利率) published since 2019-08-20 is data (``data/lpr.csv``), replaceable.
"""

from __future__ import annotations

import bisect
import csv
import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from lastmile.core.errors import ConditionsNotMet
from lastmile.core.legal import LegalBasis
from lastmile.core.money import MoneyInput, to_money

from .conf import lpr_file
from .error_codes import LedgerErrorCode

__all__ = ["DAILY_DOUBLED_RATE", "DOUBLED_INTEREST_BASIS", "LprTable", "doubled_interest", "lpr_table"]

DAILY_DOUBLED_RATE = Decimal("0.000175")
DOUBLED_INTEREST_BASIS = LegalBasis(
    "最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释", "2014", "1"
)


def doubled_interest(unpaid: MoneyInput, days: int) -> Decimal:
    """加倍部分债务利息 on ``unpaid`` for ``days`` days of delay, to the fen (法释〔2014〕8号 art. 1).

    ``unpaid`` is the money debt fixed by the execution basis, other than general interest, still
    unpaid. At 日万分之一点七五 (法释〔2014〕8号 art. 1), 100,000 yuan for 1 day = 17.50 yuan.
    Which days count is a documented
    setting (see :mod:`lastmile.ledger.conf`), applied by the caller.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    return to_money(to_money(unpaid) * DAILY_DOUBLED_RATE * days)


class LprUnavailable(ConditionsNotMet):
    """No LPR was published on the day asked for (before 2019-08-20). The request must name a
    fixed rate instead, so the API answers 400 (a request to change), not 409 (a state to wait
    out)."""

    code = LedgerErrorCode.LPR_UNAVAILABLE
    http_status = 400


@dataclass(frozen=True)
class LprTable:
    """LPR change points: the rate published on ``dates[i]`` applies until the next one."""

    dates: tuple[date, ...]
    one_year: tuple[Decimal, ...]  # annual, as a fraction (0.0345)
    five_year: tuple[Decimal, ...]
    valid_through: date | None
    source: str = ""

    def rate_on(self, day: date, term: str = "1y") -> Decimal:
        """The annual LPR (a fraction) in force on ``day`` for ``term`` ("1y" or "5y")."""
        i = bisect.bisect_right(self.dates, day) - 1
        if i < 0:
            raise LprUnavailable(
                f"{day:%Y年%m月%d日}早于贷款市场报价利率（LPR）首次公布日（2019年8月20日），请改用固定利率。",
                unmet=["lpr_published"],
            )
        return (self.five_year if term == "5y" else self.one_year)[i]

    def changes_between(self, first: date, last: date) -> list[date]:
        """Change dates d with first < d <= last."""
        lo = bisect.bisect_right(self.dates, first)
        hi = bisect.bisect_right(self.dates, last)
        return list(self.dates[lo:hi])

    def is_provisional(self, day: date) -> bool:
        """True when ``day`` is after the last date the table is known to cover."""
        return self.valid_through is not None and day > self.valid_through


def read_lpr_csv(path: Path) -> LprTable:
    valid_through: date | None = None
    data_lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if "valid_through:" in stripped:
                valid_through = date.fromisoformat(stripped.split("valid_through:", 1)[1].strip())
            continue
        if stripped:
            data_lines.append(stripped)
    rows = sorted(csv.DictReader(data_lines), key=lambda r: r["effective_on"])
    return LprTable(
        dates=tuple(date.fromisoformat(r["effective_on"]) for r in rows),
        one_year=tuple(Decimal(r["one_year"]) / 100 for r in rows),
        five_year=tuple(Decimal(r["five_year"]) / 100 for r in rows),
        valid_through=valid_through,
        source=str(path),
    )


@functools.cache
def _cached(path: str, mtime: float) -> LprTable:
    return read_lpr_csv(Path(path))


def lpr_table() -> LprTable:
    """The configured LPR table (re-read when the file changes)."""
    path = lpr_file()
    return _cached(str(path), path.stat().st_mtime)
