"""The small-claims threshold: the province's published average annual wage of employed persons
of the prior year, per province and year (民事诉讼法 2023 art. 165).

- Small claims when the amount is at most **50 %** of that wage; up to **2×** the wage when the
  parties agree to the small-claims procedure (art. 165 ¶2).
- Which statistic and from when: the 湖南省高级人民法院《关于适用小额诉讼程序审理民事案件标的限额的
  通知》 (November 2023) takes "湖南省统计局发布的上年度全省城镇非私营单位就业人员年平均工资"; the
  2022 figure gives 45,707 元 (2× = 182,826 元), and each later figure applies from the first day of
  the month after the statistics bureau publishes it.

``AVERAGE_WAGES`` holds the published figures (province abbreviation → wage year → row); a
deployment adds a year's figure (or another province's) in ``LASTMILE["TRIAL"]["AVERAGE_WAGES"]``
with the same shape, without a code change. The figure applied on a day is the newest row whose
``applies_from`` is not after that day; the lawsuit records which one it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from lastmile.core.errors import ConditionsNotMet
from lastmile.core.legal import cpl

BASIS_SMALL_CLAIMS_LIMIT = cpl(165)
SHARE = Decimal("0.5")  # CPL 2023 art. 165 ¶1: 百分之五十以下
AGREED_MULTIPLE = Decimal("2")  # art. 165 ¶2: 二倍以下, by the parties' agreement

# Hunan (湘): 湖南省统计局, 城镇非私营单位就业人员年平均工资. The 2022 figure is the one the Hunan
# High Court's 2023 notice applies (45,707 / 182,826 元). The 2020 and 2021 rows apply from the month
# after publication (the statistics bureau published them on 1 June 2021 and early June 2022); the
# Hunan courts' practice before the 2023 notice is UNVERIFIED.
AVERAGE_WAGES: dict[str, dict[int, dict[str, Any]]] = {
    "湘": {
        2020: {
            "wage": "79122",
            "applies_from": "2021-07-01",
            "source": "湖南省统计局：2020年全省城镇非私营单位就业人员年平均工资79122元",
        },
        2021: {
            "wage": "85438",
            "applies_from": "2022-07-01",
            "source": "湖南省统计局：2021年全省城镇非私营单位就业人员年平均工资85438元",
        },
        2022: {
            "wage": "91413",
            "applies_from": "2023-11-13",
            "source": "湖南省高级人民法院《关于适用小额诉讼程序审理民事案件标的限额的通知》"
            "（2023年11月），依湖南省统计局2022年度数据：45707元，约定适用182826元",
        },
    },
}


@dataclass(frozen=True, slots=True)
class SmallClaimsLimit:
    """The limits applying on a day: ``limit`` (50 %) and ``agreed_limit`` (2×) in yuan."""

    province: str
    wage_year: int
    wage: Decimal
    limit: Decimal
    agreed_limit: Decimal
    source: str

    def as_dict(self) -> dict[str, str | int]:
        return {
            "province": self.province,
            "wage_year": self.wage_year,
            "wage": str(self.wage),
            "limit": str(self.limit),
            "agreed_limit": str(self.agreed_limit),
            "source": self.source,
        }


def _table() -> dict[str, dict[int, dict[str, Any]]]:
    table = {p: dict(rows) for p, rows in AVERAGE_WAGES.items()}
    extra = getattr(settings, "LASTMILE", {}).get("TRIAL", {}).get("AVERAGE_WAGES", {})
    for province, rows in extra.items():
        table.setdefault(province, {}).update({int(y): r for y, r in rows.items()})
    return table


def province_of(court_code: str) -> str:
    """The province abbreviation that starts a court code (法院代字, e.g. 湘0104 → 湘)."""
    return court_code[:1]


def small_claims_limit(*, court_code: str, on: date) -> SmallClaimsLimit:
    """The small-claims limits for a court on a day (CPL 2023 art. 165): 50 % of the newest
    published wage that applies on ``on`` (rounded to the yuan, as the Hunan notice publishes it)
    and twice the wage. Refused when no figure is configured for the province."""
    province = province_of(court_code)
    rows = _table().get(province, {})
    usable = [(y, r) for y, r in rows.items() if date.fromisoformat(str(r["applies_from"])) <= on]
    if not usable:
        raise ConditionsNotMet(
            f"未配置{province}省（区、市）适用于{on:%Y-%m-%d}的上年度就业人员年平均工资，不能确定小额诉讼标的限额"
            f"（{BASIS_SMALL_CLAIMS_LIMIT}）。",
            unmet=["average_wage"],
        )
    year, row = max(usable, key=lambda yr: yr[0])
    wage = Decimal(str(row["wage"]))
    return SmallClaimsLimit(
        province=province,
        wage_year=year,
        wage=wage,
        limit=(wage * SHARE).quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(Decimal("0.01")),
        agreed_limit=(wage * AGREED_MULTIPLE).quantize(Decimal("0.01")),
        source=str(row.get("source", "")),
    )
