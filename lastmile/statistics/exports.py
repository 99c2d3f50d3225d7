"""The dashboard as an XLSX workbook and the printable monthly report as a PDF.

The PDF is typeset by typst with the embedded open Noto CJK fonts of :mod:`lastmile.documents.fonts`
(no system font); the data goes in as JSON through ``sys.inputs`` so nothing a user typed is ever
parsed as typst markup.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import typst
from django.utils.safestring import SafeString
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lastmile.cases.selectors import audit_latest_anchors
from lastmile.core.clock import SHANGHAI
from lastmile.documents.fonts import typst_fonts

from .conf import CLOSING_METHODS
from .financial import CLAIMED_DAYS, PERIODS, FlowRow
from .indicators import Filters, monthly_trend
from .presenters import figure_rows, period_label, trend_chart
from .selectors import Dashboard, FinancialReport

_HEADER = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="9F1D20")


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER, _FILL
        cell.alignment = Alignment(horizontal="center")
    for r in rows:
        ws.append(r)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"


def dashboard_xlsx(dash: Dashboard, *, generated_at: datetime) -> bytes:
    """One workbook: indicators beside the year before, months, teams, officers, overdue cases and
    the settings the figures were computed with."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    _sheet_indicators(wb, dash)
    _sheet_months(wb, dash)
    _sheets_breakdown(wb, dash)
    _sheet_paths(wb, dash)
    _sheet_overdue(wb, dash)
    _sheet_settings(wb, dash, generated_at=generated_at)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_FLOW_HEADER = [
    "立案",
    "其中批量立案",
    "逐件立案",
    "调解成功",
    "司法确认",
    "出具调解书",
    "调解不成",
    "转诉讼立案",
    "判决",
    "结案",
    "未结",
    "已结案件数",
    "立案至结案天数中位数",
    "平均天数",
    "P90天数",
    f"{CLAIMED_DAYS[1]}天内结案",
    f"{CLAIMED_DAYS[1]}天内结案率（%）",
    "批量案件中位数",
    "批量案件平均",
    "批量案件P90",
]


def _flow_cells(r: FlowRow) -> list[Any]:
    c, d, b = r.counts, r.days, r.days_batch
    return [
        c["filed"],
        c["batch"],
        r.counter,
        c["mediated"],
        c["confirmed"],
        c["statements"],
        c["failed"],
        c["sued"],
        c["judged"],
        c["closed"],
        r.open,
        d.closed,
        d.median,
        d.mean,
        d.p90,
        d.within_claim,
        d.within_claim_rate,
        b.median,
        b.mean,
        b.p90,
    ]


def financial_xlsx(report: FinancialReport, *, generated_at: datetime) -> bytes:
    """The financial-case platform report as a workbook: by period (with the total), by bank, the
    documents by kind, and the scope and definitions. Same figures as the page."""
    fig = report.figures
    f = fig.filters
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    widths = [22, *([12] * len(_FLOW_HEADER))]
    for title, rows in ((PERIODS[f.period], fig.by_period), ("按金融机构", fig.by_client)):
        _sheet(
            wb,
            title,
            ["期间" if rows is fig.by_period else "金融机构", *_FLOW_HEADER],
            [[r.label, *_flow_cells(r)] for r in [*rows, fig.total]],
            widths,
        )
    _sheet(
        wb,
        "生成文书",
        ["文书标题", "模板代码", "份数", "涉及案件"],
        [[d.title, d.code, d.documents, d.cases] for d in fig.documents]
        + [["合计", "", fig.documents_total, None]],
        [20, 32, 10, 10],
    )
    _sheet(
        wb,
        "口径与设置",
        ["项目", "值"],
        [
            ["统计范围", report.scope.label + (f" · {report.client.name}" if report.client else "")],
            ["立案期间", f"{f.start.isoformat()} 至 {f.end.isoformat()}"],
            ["统计截至", f.as_of.isoformat()],
            ["统计对象", f"立案期间内立案的“{fig.type_code}”案件；批量立案 = 来自金融机构批量立案批次"],
            ["结案", "纠纷在一审阶段的最后一个案件结案：判决（民初）、司法确认、调解书或撤回"],
            ["天数", "北京时间日期之差（结案日 − 立案日）；中位数取中间两数平均；P90 为最近秩"],
            ["平台宣称", f"批量案件 {CLAIMED_DAYS[0]}–{CLAIMED_DAYS[1]} 天结案（仅作对照）"],
            ["生成时间", generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")],
        ],
        [16, 90],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_indicators(wb: Workbook, dash: Dashboard) -> None:
    """指标: each figure of the period beside the year before, with its formula."""
    cur, prev = dash.current, dash.previous
    rows = [
        [r.group, r.label, r.current, r.previous, r.change, r.unit, r.formula] for r in figure_rows(cur, prev)
    ]
    _sheet(
        wb,
        "指标",
        ["类别", "指标", f"本期（{period_label(cur.start, cur.end)}）", "上年同期", "增减", "单位", "口径"],
        rows,
        [10, 30, 22, 14, 12, 6, 40],
    )


def _sheet_months(wb: Workbook, dash: Dashboard) -> None:
    """按月: new and closed cases per month, beside the same month of the year before."""
    _sheet(
        wb,
        "按月",
        ["月份", "新收", "结案", "上年同期新收", "上年同期结案"],
        [
            [
                p.month.strftime("%Y-%m"),
                p.new,
                p.closed,
                *((q.new, q.closed) if (q := _at(dash.trend_previous, i)) else (None, None)),
            ]
            for i, p in enumerate(dash.trend)
        ],
        [10, 10, 10, 14, 14],
    )


def _sheets_breakdown(wb: Workbook, dash: Dashboard) -> None:
    """按法院, 按团队, 按承办人: one sheet for each breakdown the dashboard has rows for."""
    header = ["名称", "受理", "结案", "未结", "结案率（%）", "执行完毕", "终本", "平均结案周期（天）"]
    for title, brows in (("按法院", dash.by_court), ("按团队", dash.by_team), ("按承办人", dash.by_officer)):
        if brows:
            _sheet(
                wb,
                title,
                header,
                [
                    [
                        b.label,
                        b.accepted,
                        b.closed,
                        b.open,
                        b.closing_rate,
                        b.completed,
                        b.no_property,
                        b.avg_days,
                    ]
                    for b in brows
                ],
                [22, 10, 10, 10, 12, 10, 10, 16],
            )


def _sheet_paths(wb: Workbook, dash: Dashboard) -> None:
    """新收案件去向: where the period's new cases went, by closing method."""
    _sheet(
        wb,
        "新收案件去向",
        ["分流", "合计", *CLOSING_METHODS, "未结"],
        [[p.label, p.total, *(p.by_method.get(m, 0) for m in CLOSING_METHODS), p.open] for p in dash.paths],
        [10, 10, *([14] * len(CLOSING_METHODS)), 10],
    )


def _sheet_overdue(wb: Workbook, dash: Dashboard) -> None:
    """超期未结: the open cases past their time limit."""
    _sheet(
        wb,
        "超期未结",
        ["案号", "承办人", "立案日期", "标的（元）", "超期天数"],
        [
            [
                c.number,
                c.officer.name if c.officer else "",
                c.filed_at.date().isoformat() if c.filed_at else "",
                c.amount_claimed,
                getattr(c, "late_days", None),
            ]
            for c in dash.overdue
        ],
        [32, 12, 12, 14, 10],
    )


def _sheet_settings(wb: Workbook, dash: Dashboard, *, generated_at: datetime) -> None:
    """口径与设置: the scope, the periods and the settings the figures were computed with."""
    cur, prev = dash.current, dash.previous
    cfg = dash.config
    _sheet(
        wb,
        "口径与设置",
        ["项目", "值"],
        [
            ["统计范围", dash.scope.label],
            ["统计期间", f"{cur.start.isoformat()} 至 {cur.end.isoformat()}"],
            ["上年同期", f"{prev.start.isoformat()} 至 {prev.end.isoformat()}"],
            ["计入的案件类型代字", "、".join(cfg.type_codes)],
            ["百分比取舍", "四舍五入" if cfg.rounding == "half_up" else "截尾（舍去）"],
            ["实际执结的结案方式", "、".join(cfg.actual_closing_methods)],
            ["执行到位率口径", "期内结案案件" if cfg.money_basis == "closed" else "受理案件（旧存 + 新收）"],
            ["强制措施数据来源", "强制措施模块的措施记录"],
            ["生成时间", generated_at.strftime("%Y-%m-%d %H:%M")],
        ],
        [22, 80],
    )


def _at(items: list[Any], i: int) -> Any:
    return items[i] if i < len(items) else None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:,}" if abs(value) >= 1000 else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return value


_REPORT = r"""
#let d = json(bytes(sys.inputs.data))
#set page(paper: "a4", margin: (x: 18mm, y: 16mm), footer: context [
  #set text(size: 8pt, fill: luma(110))
  #d.court · #d.title #h(1fr) 第 #counter(page).display() 页
])
#set text(font: "Noto Serif CJK SC", size: 10pt, lang: "zh", region: "cn")
#show heading: set text(font: "Noto Sans CJK SC", weight: "bold")
#align(center)[
  #text(font: "Noto Sans CJK SC", weight: "bold", size: 16pt)[#d.court]
  #v(2pt)
  #text(font: "Noto Sans CJK SC", weight: "bold", size: 14pt)[#d.title]
  #v(2pt)
  #text(size: 9pt, fill: luma(90))[统计期间：#d.period　上年同期：#d.previous　生成：#d.generated]
]
#v(6pt)
#for section in d.sections [
  == #section.name
  #table(
    columns: (2.3fr, 1.3fr, 1.3fr, 1.7fr, 2.4fr),
    stroke: 0.4pt + luma(170),
    inset: 4pt,
    align: (left, right, right, right, left),
    table.header([*指标*], [*本期*], [*上年同期*], [*增减*], [*口径*]),
    ..section.rows.map(r => (r.label, r.current, r.previous, r.change, text(size: 8pt, r.formula))).flatten()
  )
]
== 本年新收与结案（按月）
#image(bytes(sys.inputs.chart), format: "svg", width: 100%)
#text(size: 8pt, fill: luma(90))[口径：#d.basis]
== 审计链锚点
#text(size: 8pt, fill: luma(90))[#d.anchors_note]
#table(
  columns: (1.6fr, 0.9fr, 0.9fr, 1.6fr, 4fr),
  stroke: 0.4pt + luma(170),
  inset: 3pt,
  align: (left, right, right, left, left),
  table.header([*法院*], [*链序号*], [*记录数*], [*锚定时间*], [*链头哈希 / 签名*]),
  ..d.anchors.map(a => (
    a.court, a.index, a.count, a.at,
    text(font: "Noto Sans CJK SC", size: 6.5pt)[#a.head #linebreak() #a.sig #a.problem],
  )).flatten()
)
"""


def monthly_report_data(dash: Dashboard, *, generated_at: datetime) -> dict[str, Any]:
    cur, prev = dash.current, dash.previous
    sections: dict[str, list[dict[str, str]]] = {}
    for r in figure_rows(cur, prev):
        sections.setdefault(r.group, []).append(
            {
                "label": r.label,
                "current": f"{_plain(r.current)}{'%' if r.unit == '%' else ''}",
                "previous": f"{_plain(r.previous)}{'%' if r.unit == '%' else ''}",
                "change": r.change_text,
                "formula": r.formula,
            }
        )
    cfg = dash.config
    return {
        "court": dash.scope.label,
        "title": f"执行工作统计月报（{period_label(cur.start, cur.end)}）",
        "period": f"{cur.start.isoformat()} 至 {cur.end.isoformat()}",
        "previous": f"{prev.start.isoformat()} 至 {prev.end.isoformat()}",
        "generated": generated_at.strftime("%Y-%m-%d %H:%M"),
        "sections": [{"name": k, "rows": v} for k, v in sections.items()],
        "basis": (
            f"计入类型代字：{'、'.join(cfg.type_codes)}；百分比"
            f"{'四舍五入' if cfg.rounding == 'half_up' else '截尾'}保留{cfg.percent_places}位；"
            f"执行到位率以{'期内结案案件' if cfg.money_basis == 'closed' else '受理案件'}为口径。"
        ),
        "anchors": anchor_rows(dash, generated_at=generated_at),
        "anchors_note": (
            "各院审计链在统计期末前最后一次锚定的链头（保存在数据库之外、以审计密钥签名）。"
            "日后执行 lastmile audit verify 时，数据库中的审计链必须仍包含这些链头。"
        ),
    }


def anchor_rows(dash: Dashboard, *, generated_at: datetime) -> list[dict[str, str]]:
    """Each counted court's latest audit-chain anchor taken by the end of the period (or now):
    printed so that a later ``lastmile audit verify`` can be checked against paper."""
    period_end = datetime.combine(dash.filters.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    until = min(period_end, generated_at)
    rows = []
    for item in audit_latest_anchors(court_ids=list(dash.scope.court_ids), until=until):
        a = item.anchor
        rows.append(
            {
                "court": f"{item.court.name}（{item.court.code}）",
                "index": str(a.index) if a else "—",
                "count": str(a.count) if a else "—",
                "at": a.taken_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if a else "无锚点",
                "head": a.head if a else "",
                "sig": f"签名 {a.sig}（密钥 {a.key_id}）" if a else "",
                "problem": f"锚点文件异常：{item.problem}" if item.problem else "",
            }
        )
    return rows


def year_to_date_chart(dash: Dashboard) -> SafeString:
    """新收 and 结案 per month from 1 January to the end of the report's period, beside last year."""
    f = dash.filters
    ytd = Filters(
        court_ids=f.court_ids,
        start=date(f.end.year, 1, 1),
        end=f.end,
        team_id=f.team_id,
        officer_id=f.officer_id,
    )
    return trend_chart(
        monthly_trend(filters=ytd, config=dash.config),
        monthly_trend(filters=ytd.year_before(), config=dash.config),
    )


def monthly_report_pdf(dash: Dashboard, *, generated_at: datetime) -> bytes:
    """The printable report as PDF (typst, embedded fonts, same inputs → same bytes)."""
    data = monthly_report_data(dash, generated_at=generated_at)
    chart = str(year_to_date_chart(dash))
    compiler = typst.Compiler(font_paths=typst_fonts())
    pdf = compiler.compile(
        input=_REPORT.encode(),
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False), "chart": chart},
        timestamp=int(generated_at.timestamp()),
    )
    assert isinstance(pdf, bytes)
    return pdf
