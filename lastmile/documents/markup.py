"""Template bodies: a small line markup with Jinja placeholders, typeset as PDF (typst) and DOCX.

A template body is written once and gives both outputs. Jinja runs first (sandboxed, strict about
undefined names, since court admins edit bodies); every value it prints is marked as literal text,
so a party named ``**x**`` or ``| a`` cannot change the layout. Each non-empty line is one block:

=================  =====================================================================
``text``           a paragraph with a two-character first-line indent (court format)
``< text``         a paragraph without indent (party lines, addressees)
``> text``         right-aligned (signature block, date)
``^ text``         centred
``## text``        a bold heading line without indent
``| a | b |``      a table row; consecutive rows form one table
``---``            vertical space
``[[seal]]``       where the seal mark goes (next to the signature block)
=================  =====================================================================

``**bold**`` inside a line sets real bold (the Bold face, never a faked stroke).
Filters: ``money`` (``12,345.67``), ``cn_date`` (``二〇二五年三月三日``), ``cn_num`` (``十二``).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from django.utils import timezone
from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from lastmile.core.errors import DomainError

from .error_codes import DocumentErrorCode
from .fonts import SANS, SERIF

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around printed values


class TemplateBodyError(DomainError):
    """A template body cannot be rendered (syntax error or a missing element)."""

    code = DocumentErrorCode.TEMPLATE_ERROR


# --- Filters --------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"


def cn_num(value: int | str) -> str:
    """A count in Chinese numerals as used in document numbers and ordinals (1–9999)."""
    n = int(value)
    if n < 0 or n > 9999:
        raise ValueError("cn_num covers 0–9999")
    if n == 0:
        return "零"
    units = ["", "十", "百", "千"]
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    zero = False
    for i, d in enumerate(digits):
        place = len(digits) - 1 - i
        if d == 0:
            zero = True
            continue
        if zero and out:
            out.append("零")
        zero = False
        out.append(_CN_DIGITS[d] + units[place])
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def cn_date(value: date | datetime | str | None) -> str:
    """A date the way court documents print it: ``二〇二五年三月三日`` (year digit by digit)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    year = "".join(_CN_DIGITS[int(d)] for d in str(value.year))
    return f"{year}年{cn_num(value.month)}月{cn_num(value.day)}日"


def money(value: Decimal | int | str | None) -> str:
    """An amount in yuan with thousands separators and two decimals; floats are refused."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        raise TypeError("money amounts must not be floats")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{amount.quantize(Decimal('0.01')):,}"


def _finalize(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\r", " ").replace("\n", " ").replace(_OPEN, "").replace(_CLOSE, "")
    return f"{_OPEN}{text}{_CLOSE}"


@cache
def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cn_date=cn_date, money=money, cn_num=cn_num)
    return env


@lru_cache(maxsize=256)
def _compiled(body: str) -> Template:
    return _env().from_string(body)


def render_markup(body: str, context: dict[str, Any]) -> str:
    """Run Jinja over ``body``; raises :class:`TemplateBodyError` with the reason in Chinese.
    Compiled bodies are cached (a version's body never changes)."""
    try:
        return _compiled(body).render(**context)
    except TemplateError as exc:
        raise TemplateBodyError(
            f"文书模板无法生成：{exc.message or exc}", details={"error": str(exc)}
        ) from exc


# --- Blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False


@dataclass
class Block:
    kind: str  # para, left, right, center, heading, table, space, seal
    runs: list[Run] = field(default_factory=list)
    rows: list[list[list[Run]]] = field(default_factory=list)

    def text(self) -> str:
        if self.kind == "table":
            return "".join(r.text for row in self.rows for cell in row for r in cell)
        return "".join(r.text for r in self.runs)


def _segments(line: str) -> list[tuple[bool, str]]:
    """Split a rendered line into (literal?, text) segments."""
    out: list[tuple[bool, str]] = []
    rest = line
    while rest:
        start = rest.find(_OPEN)
        if start < 0:
            out.append((False, rest))
            break
        if start:
            out.append((False, rest[:start]))
        end = rest.find(_CLOSE, start)
        end = len(rest) if end < 0 else end
        out.append((True, rest[start + 1 : end]))
        rest = rest[end + 1 :]
    return out


def _runs(segments: list[tuple[bool, str]]) -> list[Run]:
    runs: list[Run] = []
    bold = False
    for literal, text in segments:
        parts = [text] if literal else text.split("**")
        for i, part in enumerate(parts):
            if i:
                bold = not bold
            if part:
                if runs and runs[-1].bold == bold:
                    runs[-1] = Run(runs[-1].text + part, bold)
                else:
                    runs.append(Run(part, bold))
    return runs


def _strip(segments: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    segs = [s for s in segments if s[1]]
    if segs and not segs[0][0]:
        segs[0] = (False, segs[0][1].lstrip())
    if segs and not segs[-1][0]:
        segs[-1] = (False, segs[-1][1].rstrip())
    return [s for s in segs if s[1]]


def _cells(segments: list[tuple[bool, str]]) -> list[list[Run]]:
    cells: list[list[tuple[bool, str]]] = [[]]
    for literal, text in segments:
        if literal:
            cells[-1].append((True, text))
            continue
        pieces = text.split("|")
        for i, piece in enumerate(pieces):
            if i:
                cells.append([])
            cells[-1].append((False, piece))
    cells = [_strip(c) for c in cells]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return [_runs(c) for c in cells]


_PREFIXES = (("## ", "heading"), ("< ", "left"), ("> ", "right"), ("^ ", "center"))


def parse_blocks(rendered: str) -> list[Block]:
    """Turn rendered markup into blocks (see the module docstring)."""
    blocks: list[Block] = []
    for raw in rendered.splitlines():
        segs = _segments(raw)
        head = segs[0][1].lstrip() if segs and not segs[0][0] else ""
        if segs and not segs[0][0]:
            segs[0] = (False, head)
        if not "".join(t for _, t in segs).strip():
            continue
        if head == "---" and len(segs) == 1:
            blocks.append(Block("space"))
            continue
        if head == "[[seal]]" and len(segs) == 1:
            blocks.append(Block("seal"))
            continue
        if head.startswith("|"):
            row = _cells(segs)
            if all(set("".join(r.text for r in cell)) <= set("-: ") for cell in row):
                continue  # a Markdown-style separator row
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(row)
            else:
                blocks.append(Block("table", rows=[row]))
            continue
        kind = "para"
        for prefix, name in _PREFIXES:
            if head.startswith(prefix):
                kind = name
                segs[0] = (False, head[len(prefix) :])
                break
        blocks.append(Block(kind, runs=_runs(_strip(segs))))
    return blocks


# --- Typst ----------------------------------------------------------------------------------

TYPST_PREAMBLE = f"""
#let meta = json(bytes(sys.inputs.meta))
#set document(title: meta.title)
#set page(
  paper: "a4",
  margin: (top: 3.2cm, bottom: 3cm, left: 2.8cm, right: 2.6cm),
  footer: context {{
    set par(first-line-indent: 0em, justify: false, spacing: 0.4em)
    if meta.at("footer", default: "") != "" {{ align(center, text(size: 9pt, meta.footer)) }}
    align(center, text(size: 10.5pt)[— #counter(page).display() —])
  }},
)
#set text(font: "{SERIF}", size: 14pt, lang: "zh", region: "cn")
#set par(leading: 0.9em, spacing: 0.9em, justify: true, first-line-indent: (amount: 2em, all: true))
#let hei(size, body) = text(font: "{SANS}", weight: "bold", size: size, body)
#align(center, hei(18pt, meta.court))
#v(0.4em)
#align(center, hei(24pt, text(tracking: 0.25em, meta.title)))
#v(0.3em)
#if meta.number != "" {{ align(right, meta.number) }}
#v(0.6em)
#let red = rgb("#c00000")
#let seal(court, mark) = place(right, dx: -1.2cm, dy: -2.2cm,
  circle(radius: 2.1cm, stroke: 2pt + red, align(center + horizon,
    text(fill: red, font: "{SANS}", weight: "bold", size: 10pt)[#court \\ #mark])))
"""


def _typst_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid typst string literal


# A run of Latin letters and digits this long that holds a digit (an ID number, a 统一社会信用代码,
# an account number) may break between any two characters: otherwise it moves to the next line as
# one word and the justified line it leaves is stretched into letter-spaced gaps.
LONG_CODE_RE = re.compile(r"[0-9A-Za-z]*[0-9][0-9A-Za-z]*")
LONG_CODE_MIN = 10


def _typst_text(text: str) -> str:
    """``text`` as typst markup. Each inner character of a long code is set in its own inline box:
    a box is a line-break opportunity, yet prints no character, so the PDF's text (what a clerk
    copies) is exactly the number. The first and last characters stay in the running text, which
    keeps the usual quarter-em between the code and the Chinese around it."""
    out: list[str] = []
    pos = 0
    for m in LONG_CODE_RE.finditer(text):
        code = m.group()
        if len(code) < LONG_CODE_MIN:
            continue
        if m.start() > pos:
            out.append(f"#{_typst_str(text[pos : m.start()])}")
        inner = "".join(f'#box("{c}")' for c in code[1:-1])
        out.append(f"#{_typst_str(code[0])}{inner}#{_typst_str(code[-1])}")
        pos = m.end()
    if pos < len(text) or not out:
        out.append(f"#{_typst_str(text[pos:])}")
    return "".join(out)


def _typst_runs(runs: list[Run]) -> str:
    out = []
    for run in runs:
        body = _typst_text(run.text)
        out.append(f'#text(weight: "bold")[{body}]' if run.bold else body)
    return "".join(out)


_SIGN_KINDS = frozenset({"right", "space", "seal"})
_TEXT_KINDS = frozenset({"para", "left", "heading", "center"})


def _signature_start(blocks: list[Block]) -> int:
    """Where the closing signature block (right-aligned court/judge/clerk lines, the date, the seal)
    begins, or ``len(blocks)`` when the document does not end with one."""
    start = len(blocks)
    while start > 0 and blocks[start - 1].kind in _SIGN_KINDS:
        start -= 1
    if not any(b.kind == "right" for b in blocks[start:]):
        return len(blocks)
    return start


def typst_source(blocks: list[Block], *, seal: tuple[str, str] | None) -> str:
    """The typst program for ``blocks``; the header comes from ``sys.inputs.meta``.

    The signature block is set unbreakable and the paragraph before it sticks to it, so the
    signature never starts a page alone (court practice: no page carries only the signature)."""
    sign = _signature_start(blocks)
    lead = sign - 1 if 0 < sign < len(blocks) and blocks[sign - 1].kind in _TEXT_KINDS else -1
    lines = [TYPST_PREAMBLE]
    for i, block in enumerate(blocks):
        if i == lead:
            lines.append("#block(sticky: true, width: 100%)[")
        elif i == sign:
            lines.append("#block(breakable: false, width: 100%)[")
        body = _typst_runs(block.runs)
        if block.kind == "para":
            lines.append(f"#par[{body}]")
        elif block.kind == "left":
            lines.append(f"#par(first-line-indent: 0em)[{body}]")
        elif block.kind == "heading":
            lines.append(f'#par(first-line-indent: 0em)[#text(weight: "bold")[{body}]]')
        elif block.kind == "right":
            lines.append(f"#align(right)[{body}]")
        elif block.kind == "center":
            lines.append(f"#align(center)[{body}]")
        elif block.kind == "space":
            lines.append("#v(1.2em)")
        elif block.kind == "seal":
            if seal is not None:
                lines.append(f"#seal({_typst_str(seal[0])}, {_typst_str(seal[1])})")
        elif block.kind == "table":
            width = max(len(r) for r in block.rows)
            cells: list[str] = []
            for row in block.rows:
                padded = row + [[] for _ in range(width - len(row))]
                cells.extend(f"[{_typst_runs(cell)}]" for cell in padded)
            lines.append(
                f"#block(above: 0.8em, below: 0.8em, table(columns: (auto, {'1fr, ' * (width - 1)}), "
                f"inset: 5pt, "
                f"stroke: 0.5pt, align: left, {', '.join(cells)}))"
            )
        if i == lead or (sign < len(blocks) and i == len(blocks) - 1):
            lines.append("]")
    return "\n".join(lines) + "\n"


# --- DOCX -----------------------------------------------------------------------------------


@cache
def docx_base() -> bytes:
    """The letterhead .docx that docxtpl fills: court, title and number lines, then the body."""
    from docx import Document as DocxDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = DocxDocument()
    for text, size, align in (
        ("{{ court_name }}", 18, WD_ALIGN_PARAGRAPH.CENTER),
        ("{{ title }}", 24, WD_ALIGN_PARAGRAPH.CENTER),
        ("{{ number }}", 14, WD_ALIGN_PARAGRAPH.RIGHT),
    ):
        para = doc.add_paragraph()
        para.alignment = align
        run = para.add_run(text)
        _font(run, SANS if size > 14 else SERIF, size, bold=size > 14)
    doc.add_paragraph("{{p body }}")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("{{ footer }}"), SERIF, 9, bold=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _font(run: Any, family: str, size: int, *, bold: bool) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = family
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), family)


def docx_bytes(
    blocks: list[Block], *, court_name: str, title: str, number: str, seal_mark: str, footer: str = ""
) -> bytes:
    """The document as .docx, rendered by docxtpl from :func:`docx_base`."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(docx_base()))
    sub = tpl.new_subdoc()
    aligns = {
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }
    for block in blocks:
        if block.kind == "space":
            sub.add_paragraph()
            continue
        if block.kind == "seal":
            if seal_mark:
                para = sub.add_paragraph()
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _font(para.add_run(f"〔{seal_mark}〕"), SANS, 12, bold=True)
            continue
        if block.kind == "table":
            width = max(len(r) for r in block.rows)
            table = sub.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    para = table.cell(r, c).paragraphs[0]
                    for run in cell:
                        _font(para.add_run(run.text), SERIF, 12, bold=run.bold)
            continue
        para = sub.add_paragraph()
        if block.kind in aligns:
            para.alignment = aligns[block.kind]
        if block.kind == "para":
            para.paragraph_format.first_line_indent = Pt(28)
        for run in block.runs:
            _font(para.add_run(run.text), SERIF, 14, bold=run.bold or block.kind == "heading")
    tpl.render(
        {"court_name": court_name, "title": title, "number": number, "body": sub, "footer": footer},
        autoescape=True,
    )
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
