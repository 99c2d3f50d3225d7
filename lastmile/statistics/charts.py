"""Small server-side SVG charts: no JavaScript, no CDN, nothing fetched at run time.

The same SVG is embedded in the dashboard page, the printable report and the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = {
    "new": "#9f1d20",
    "closed": "#2563eb",
    "执行完毕": "#047857",
    "终结本次执行程序": "#b45309",
    "终结执行": "#6d28d9",
    "销案": "#64748b",
    "不予执行": "#0e7490",
    "驳回申请": "#be185d",
    "未结": "#cbd5e1",
}
FONT = "Noto Sans CJK SC, Source Han Sans SC, sans-serif"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int]
    color: str
    kind: str = "bar"  # "bar" or "line"
    dashed: bool = False


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if v <= step * 5:
            return step * 5
    magnitude = 10 ** (len(str(int(v))) - 1)
    return float(((int(v) // magnitude) + 1) * magnitude)


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12">'
        f"<title>{escape(title)}</title>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text node is escaped


def combo_chart(
    *, labels: Sequence[str], series: Sequence[Series], title: str, width: int = 640, height: int = 260
) -> SafeString:
    """Grouped bars plus lines over the same x axis (e.g. months)."""
    left, right, top, bottom = 44, 12, 28, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((max(s.values, default=0) for s in series), default=0))
    n = max(len(labels), 1)
    slot = plot_w / n
    bars = [s for s in series if s.kind == "bar"]
    bar_w = slot * 0.8 / max(len(bars), 1)
    body: list[str] = []
    for i in range(6):
        y = top + plot_h - plot_h * i / 5
        value = top_value * i / 5
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">{value:g}</text>')
    for i, label in enumerate(labels):
        x = left + slot * i + slot / 2
        body.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="#374151">')
        body.append(f"{escape(label)}</text>")
    for b, s in enumerate(bars):
        for i, v in enumerate(s.values):
            h = plot_h * float(v) / top_value
            x = left + slot * i + slot * 0.1 + bar_w * b
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{s.color}"><title>{escape(labels[i])} {escape(s.name)}：{v}</title></rect>'
            )
    for s in series:
        if s.kind != "line" or not s.values:
            continue
        points = " ".join(
            f"{left + slot * i + slot / 2:.1f},{top + plot_h - plot_h * float(v) / top_value:.1f}"
            for i, v in enumerate(s.values)
        )
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        body.append(f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="2"{dash}/>')
    x = left
    for s in series:
        if s.kind == "bar":
            body.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{s.color}"/>')
        else:
            dash = ' stroke-dasharray="5 4"' if s.dashed else ""
            body.append(
                f'<line x1="{x}" y1="14" x2="{x + 12}" y2="14" stroke="{s.color}" stroke-width="2"{dash}/>'
            )
        body.append(f'<text x="{x + 16}" y="19" fill="#374151">{escape(s.name)}</text>')
        x += 28 + 13 * len(s.name)
    return _svg(width, height, body, title)


def stacked_bars(
    *,
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    title: str,
    width: int = 640,
    bar_height: int = 26,
) -> SafeString:
    """One horizontal 100 % bar per row, split into named segments (e.g. closing methods)."""
    left, right, top = 64, 12, 34
    height = top + len(rows) * (bar_height + 14) + 8
    plot_w = width - left - right
    body: list[str] = []
    names: list[str] = []
    for r, (label, segments) in enumerate(rows):
        y = top + r * (bar_height + 14)
        total = sum(v for _, v in segments) or 1
        body.append(
            f'<text x="{left - 8}" y="{y + bar_height / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        x = float(left)
        for name, value in segments:
            if name not in names:
                names.append(name)
            w = plot_w * value / total
            if w <= 0:
                continue
            color = PALETTE.get(name, "#94a3b8")
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{color}">'
                f"<title>{escape(label)} {escape(name)}：{value}</title></rect>"
            )
            if w > 34:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_height / 2 + 4:.1f}" text-anchor="middle" '
                    f'fill="#fff">{value}</text>'
                )
            x += w
    x = left
    for name in names:
        body.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{PALETTE.get(name, "#94a3b8")}"/>')
        body.append(f'<text x="{x + 16}" y="19" fill="#374151">{escape(name)}</text>')
        x += 26 + 13 * len(name)
    return _svg(width, height, body, title)
