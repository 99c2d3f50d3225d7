"""Indicators turned into labelled rows (this period beside the same period a year before), the
one list the dashboard, the XLSX export and the monthly report all print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString

from .charts import PALETTE, Series, combo_chart, stacked_bars
from .conf import CLOSING_METHODS
from .financial import CLAIMED_DAYS, FlowRow
from .indicators import MEASURE_LABELS, Indicators, MonthPoint, PathRow

WAN = Decimal("10000")


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    unit: str
    current: int | Decimal
    previous: int | Decimal
    formula: str
    group: str

    @property
    def change(self) -> int | Decimal:
        return self.current - self.previous

    @property
    def change_text(self) -> str:
        d = self.change
        if d == 0:
            return "持平"
        sign = "+" if d > 0 else ""
        unit = "个百分点" if self.unit == "%" else self.unit
        return f"{sign}{d:,}{unit}"


def figure_rows(cur: Indicators, prev: Indicators) -> list[FigureRow]:
    def row(key: str, label: str, unit: str, formula: str, group: str) -> FigureRow:
        return FigureRow(key, label, unit, _value(cur, key), _value(prev, key), formula, group)

    rows = [
        row("carried", "旧存", "件", "期初前立案、期初未结", "收结案"),
        row("new", "新收", "件", "期内立案", "收结案"),
        row("accepted", "受理", "件", "旧存 + 新收", "收结案"),
        row("closed", "结案", "件", "期内结案", "收结案"),
        row("open", "未结", "件", "受理 - 结案", "收结案"),
        row("closing_rate", "结案率", "%", "结案 ÷ 受理", "收结案"),
    ]
    rows += [
        FigureRow(
            f"method:{m}",
            f"结案：{m}",
            "件",
            cur.closed_by_method.get(m, 0),
            prev.closed_by_method.get(m, 0),
            "期内以该方式结案",
            "结案方式",
        )
        for m in CLOSING_METHODS
    ]
    rows += [
        row("completed_rate", "执行完毕率", "%", "执行完毕 ÷ 结案", "质效"),
        row("no_property_rate", "终本率", "%", "终结本次执行程序 ÷ 结案", "质效"),
        row("actual_rate", "实际执结率", "%", "（执行完毕 + 终结执行）÷ 结案", "质效"),
        row("in_time_rate", "法定期限内结案率", "%", "期限内结案 ÷ 结案", "质效"),
        row("overdue_open", "超期未结", "件", "期末未结且已超执行期限", "质效"),
        row("avg_days", "平均结案周期", "天", "（结案日 - 立案日）之和 ÷ 结案", "质效"),
        row(
            "avg_days_net",
            "平均结案周期（扣除审限扣除期间）",
            "天",
            "（结案日 - 立案日 - 扣除期间）之和 ÷ 结案",
            "质效",
        ),
        row("amount_claimed", "申请执行标的", "元", "结案案件申请执行金额之和", "执行到位"),
        row("amount_recovered", "实际执行到位金额", "元", "上述案件期末前到账款项之和", "执行到位"),
        row("recovery_rate", "执行到位率", "%", "实际执行到位金额 ÷ 申请执行标的", "执行到位"),
    ]
    keys = list(MEASURE_LABELS) + [k for k in cur.measures if k not in MEASURE_LABELS]
    rows += [
        FigureRow(
            f"measure:{k}",
            MEASURE_LABELS.get(k, k),
            "人次" if k in ("summons_by_force", "detention", "dishonest_published") else "件",
            cur.measures.get(k, 0),
            prev.measures.get(k, 0),
            "期内生效" if k != "refusal_referrals" else "期内移送公安机关（仅制作移送材料的不计）",
            "强制措施",
        )
        for k in keys
    ]
    return rows


def _value(ind: Indicators, key: str) -> int | Decimal:
    value = getattr(ind, key)
    assert isinstance(value, int | Decimal)
    return value


def wan(amount: Decimal) -> Decimal:
    return (amount / WAN).quantize(Decimal("0.01"))


def trend_chart(cur: list[MonthPoint], prev: list[MonthPoint]) -> SafeString:
    labels = [f"{p.month.month}月" for p in cur]
    series = [
        Series("新收", [p.new for p in cur], PALETTE["new"]),
        Series("结案", [p.closed for p in cur], PALETTE["closed"]),
    ]
    if len(prev) == len(cur):
        series += [
            Series("上年同期新收", [p.new for p in prev], PALETTE["new"], kind="line", dashed=True),
            Series("上年同期结案", [p.closed for p in prev], PALETTE["closed"], kind="line", dashed=True),
        ]
    return combo_chart(labels=labels, series=series, title="新收与结案（按月）")


def paths_chart(paths: list[PathRow]) -> SafeString:
    rows = [
        (p.label, [*((m, p.by_method.get(m, 0)) for m in CLOSING_METHODS), ("未结", p.open)]) for p in paths
    ]
    return stacked_bars(rows=rows, title="新收案件去向：分流 → 结案方式")


FLOW_SERIES = (
    ("filed", "立案", "#9f1d20"),
    ("mediated", "调解成功", "#047857"),
    ("confirmed", "司法确认", "#0e7490"),
    ("judged", "判决", "#6d28d9"),
    ("closed", "结案", "#2563eb"),
)


def financial_flow_chart(rows: list[FlowRow]) -> SafeString:
    """Per period: platform cases filed and how many of them were mediated, confirmed, judged and
    closed (bars side by side)."""
    return combo_chart(
        labels=[r.label for r in rows],
        series=[Series(name, [r.counts[key] for r in rows], color) for key, name, color in FLOW_SERIES],
        title="金融案件：立案、调解、司法确认、判决、结案（按立案期间）",
    )


def financial_days_chart(rows: list[FlowRow]) -> SafeString:
    """Per period: median and 90th percentile of the days from filing to closing (bars), the mean
    (line) and the announced upper figure (dashed line)."""
    return combo_chart(
        labels=[r.label for r in rows],
        series=[
            Series("中位数", [float(r.days.median or 0) for r in rows], "#2563eb"),
            Series("P90", [r.days.p90 or 0 for r in rows], "#94a3b8"),
            Series("平均", [float(r.days.mean or 0) for r in rows], "#9f1d20", kind="line"),
            Series(
                f"宣称上限{CLAIMED_DAYS[1]}天",
                [CLAIMED_DAYS[1]] * len(rows),
                "#b45309",
                kind="line",
                dashed=True,
            ),
        ],
        title="立案至结案天数（按立案期间）",
    )


def period_label(start: date, end: date) -> str:
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return f"{start.year}年"
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
