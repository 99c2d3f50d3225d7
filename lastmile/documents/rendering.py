"""Rendering: template body + context → checked blocks → PDF (typst) and DOCX (docxtpl).

Nothing here touches the database or the file system (besides reading the bundled fonts), so
tests, the bench and the batch worker render the same way. One typst compiler per thread is kept
warm: fonts are parsed once and typst's own caches make repeated layouts cheap.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import typst

from lastmile.core.errors import DomainError
from lastmile.core.inputs import int_or_none

from .error_codes import DocumentErrorCode
from .fonts import describe_chars, missing_glyphs, typst_fonts
from .markup import Block, TemplateBodyError, docx_bytes, parse_blocks, render_markup, typst_source


class GlyphMissing(DomainError):
    """A character of the document has no glyph in the embedded fonts, so it would print as a box."""

    code = DocumentErrorCode.GLYPH_MISSING


@dataclass(frozen=True)
class SealMark:
    """The visible mark a seal adapter asks to be printed (e.g. ``电子签章（占位）``)."""

    court_name: str
    text: str


@dataclass(frozen=True)
class RenderedDocument:
    title: str
    number: str
    court_name: str
    blocks: list[Block]
    seal: SealMark | None
    pdf: bytes
    footer: str = ""

    def text(self) -> str:
        """Every character printed on the document, in order (header, body, seal, page footer)."""
        parts = [self.court_name, self.title, self.number]
        parts += [b.text() for b in self.blocks]
        if self.seal is not None:
            parts += [self.seal.court_name, self.seal.text]
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)

    def docx(self) -> bytes:
        return docx_bytes(
            self.blocks,
            court_name=self.court_name,
            title=self.title,
            number=self.number,
            seal_mark=self.seal.text if self.seal else "",
            footer=self.footer,
        )


_local = threading.local()


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(font_paths=typst_fonts())
        _local.compiler = compiler
    return compiler


_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_process_threads = 1


def render_threads_use(threads: int) -> None:
    """How many threads typeset the documents of one issuing call in this process (default 1).
    typst releases the GIL while it compiles, so a process that works alone on the machine (the
    court-year simulation) uses the other cores when it issues several documents at once (a day's
    notices, a case's freeze rulings). Processes that already run one per core (the document
    workers) keep 1: measured, a second thread there only adds contention (docs/benchmarks.md)."""
    global _process_threads
    _process_threads = max(1, threads)


def render_pool_size() -> int:
    """``LASTMILE_RENDER_THREADS`` when set (operators, benches), else :func:`render_threads_use`'s."""
    configured = int_or_none(os.environ.get("LASTMILE_RENDER_THREADS"))
    return max(1, configured) if configured is not None else _process_threads


def render_pool() -> ThreadPoolExecutor | None:
    """The process's render threads (each keeps its own warm compiler), or None for one."""
    global _pool, _pool_size
    size = render_pool_size()
    if size <= 1:
        return None
    with _pool_lock:
        if _pool is None or _pool_size != size:
            _pool, _pool_size = ThreadPoolExecutor(max_workers=size, thread_name_prefix="typst"), size
        return _pool


def footer_line(context: dict[str, Any]) -> str:
    """The line under every page: the court and its telephone (``court.phone`` of the context), so
    a party holding any page knows whom to call. Empty when the court has recorded no number."""
    court = context.get("court") or {}
    phone = str(court.get("phone") or "").strip() if isinstance(court, dict) else ""
    if not phone:
        return ""
    return f"{court.get('name', '')}　联系电话：{phone}"


def text_by_face(
    *,
    court_name: str,
    title: str,
    number: str,
    blocks: list[Block],
    seal: SealMark | None,
    footer: str = "",
) -> dict[str, str]:
    """What each face must print: headings in 黑体 (Sans Bold), bold runs in Serif Bold."""
    heading = [court_name, title]
    body = [number, "— 0123456789 —", footer]
    bold: list[str] = []
    for block in blocks:
        if block.kind == "table":
            runs = [r for row in block.rows for cell in row for r in cell]
        else:
            runs = block.runs
        for run in runs:
            (bold if run.bold or block.kind == "heading" else body).append(run.text)
    if seal is not None:
        heading += [seal.court_name, seal.text]
    return {"heading": "".join(heading), "body": "".join(body), "bold": "".join(bold)}


def check_glyphs(by_face: dict[str, str]) -> None:
    """Refuse a document with a character the embedded fonts cannot print (no tofu boxes)."""
    missing = missing_glyphs(by_face)
    if missing:
        raise GlyphMissing(
            f"文书中有字体未收录的字符：{describe_chars(missing)}，无法生成。"
            "请核对当事人姓名等内容，或联系管理员补充字体。",
            details={"characters": missing, "codepoints": [f"U+{ord(c):04X}" for c in missing]},
        )


def render_document(
    *,
    body: str,
    context: dict[str, Any],
    title: str,
    number: str,
    court_name: str,
    timestamp: datetime,
    seal: SealMark | None = None,
) -> RenderedDocument:
    """Render a template body to a checked PDF. ``timestamp`` is written into the PDF, so the
    same inputs give the same bytes (and the same SHA-256)."""
    blocks = parse_blocks(render_markup(body, context))
    footer = footer_line(context)
    check_glyphs(
        text_by_face(
            court_name=court_name, title=title, number=number, blocks=blocks, seal=seal, footer=footer
        )
    )
    source = typst_source(blocks, seal=(seal.court_name, seal.text) if seal else None)
    meta = json.dumps(
        {"court": court_name, "title": title, "number": number, "footer": footer}, ensure_ascii=False
    )
    try:
        pdf = _compiler().compile(
            input=source.encode(),
            format="pdf",
            sys_inputs={"meta": meta},
            timestamp=int(timestamp.timestamp()),
        )
    except typst.TypstError as exc:  # a bug in the generated source, not the user's fault
        raise TemplateBodyError(f"文书排版失败：{exc.message}", details={"error": str(exc)}) from exc
    assert isinstance(pdf, bytes)
    return RenderedDocument(
        title=title, number=number, court_name=court_name, blocks=blocks, seal=seal, pdf=pdf, footer=footer
    )


def typst_one_line(text: str = "Lastmile") -> bytes:
    """A one-line typst document with the same fonts: the bench's baseline."""
    pdf = _compiler().compile(input=f"#{json.dumps(text)}".encode(), format="pdf", sys_inputs={"meta": "{}"})
    assert isinstance(pdf, bytes)
    return pdf
