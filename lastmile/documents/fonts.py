"""The fonts every document is typeset in, and the glyph-coverage check made before issuing.

The fonts are open (SIL OFL 1.1) Noto CJK SC faces shipped in ``lastmile/documents/fonts/``:
Noto Serif CJK SC Regular and Bold (宋体-style body, with a real bold) and Noto Sans CJK SC Bold
(黑体-style headings). They are subsets of Debian's ``fonts-noto-cjk`` (see ``fonts/README.md``)
keeping Latin, punctuation, CJK symbols, CJK Unified Ideographs and Extension A, so the GB 18030
basic set and the 通用规范汉字表 (incl. 堃 喆 玥 䶮 〇) are covered, with TrueType outlines
(``fonts/make_fonts.py``: typst embeds them in each PDF faster than the original CFF ones).
No system font is ever used: typst is given only these files, so what the coverage check passes
is what the PDF shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import typst
from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"


@dataclass(frozen=True, slots=True)
class FontFace:
    role: str
    family: str
    weight: int
    file: str


FACES: dict[str, FontFace] = {
    "body": FontFace("body", SERIF, 400, "NotoSerifCJK-Regular-SC.ttf"),
    "bold": FontFace("bold", SERIF, 700, "NotoSerifCJK-Bold-SC.ttf"),
    "heading": FontFace("heading", SANS, 700, "NotoSansCJK-Bold-SC.ttf"),
}

# Characters that take no glyph (layout only).
_INVISIBLE = frozenset(" \t\r\n\u00a0\u200b\u3000")


@cache
def typst_fonts() -> typst.Fonts:
    """The only fonts typst may use: ours, never the system's or typst's built-in ones."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONT_DIR)])


@cache
def face_cmap(role: str) -> frozenset[int]:
    """The code points the face for ``role`` has a glyph for (read once per process)."""
    font = TTFont(FONT_DIR / FACES[role].file, lazy=True)
    try:
        return frozenset(font.getBestCmap().keys())
    finally:
        font.close()


def missing_glyphs(text_by_role: dict[str, str]) -> list[str]:
    """The characters (in order of first appearance) that the face set in ``role`` lacks."""
    missing: dict[str, None] = {}
    for role, text in text_by_role.items():
        # One set difference per face (the common case finds nothing); only a document that
        # does lack a glyph walks its text again to report the characters in order.
        lacking = set(text).difference(_INVISIBLE).difference(face_chars(role))
        if lacking:
            for ch in text:
                if ch in lacking:
                    missing.setdefault(ch, None)
    return list(missing)


@cache
def face_chars(role: str) -> frozenset[str]:
    """The characters the face for ``role`` has a glyph for (``face_cmap`` as characters)."""
    return frozenset(map(chr, face_cmap(role)))


def describe_chars(chars: list[str]) -> str:
    """``𠀀（U+20000）、…`` for error messages."""
    return "、".join(f"{c}（U+{ord(c):04X}）" for c in chars)
