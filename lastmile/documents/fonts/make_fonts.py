"""Make the three font files of this folder from Debian's ``fonts-noto-cjk`` (see README.md).

    python lastmile/documents/fonts/make_fonts.py [/usr/share/fonts/opentype/noto] [out_dir]

Each face is the SC face (index 2) of the Debian collection, subset to the code points below and
then converted from CFF (cubic) to TrueType (quadratic) outlines. The conversion is for speed:
typst's PDF export subsets and embeds the used glyphs of every document afresh, and that costs
about a fifth less with ``glyf`` outlines than with CID-keyed CFF ones (docs/benchmarks.md,
"documents"). Advance widths, kerning, the layout tables and the cmap are untouched, so the layout
is the same to the point; the curves move by at most one font unit (1/1000 em). Deterministic:
the same inputs give the same bytes (no timestamp is rewritten).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCES = {
    "NotoSerifCJK-Regular-SC.ttf": "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJK-Bold-SC.ttf": "NotoSerifCJK-Bold.ttc",
    "NotoSansCJK-Bold-SC.ttf": "NotoSansCJK-Bold.ttc",
}
SC_FACE = 2

RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x21FF),
    (0x2460, 0x24FF),
    (0x2500, 0x257F),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0x3200, 0x32FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
]
CODE_POINTS = [cp for lo, hi in RANGES for cp in range(lo, hi + 1)]

MAX_ERR = 1.0  # font units: how far a quadratic curve may stray from the cubic one


def subset_face(font: TTFont) -> None:
    opts = subset.Options()
    opts.layout_features = ["kern", "liga", "palt", "halt", "vert", "vrt2", "fwid", "hwid", "pwid"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=CODE_POINTS)
    sub.subset(font)


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by ``glyf`` ones (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:  # CFF-only vertical origins; vmtx stays
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():  # a TrueType lsb is the glyph's xMin
        advance, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    font["post"].formatType = 3.0  # no glyph names: PDFs map text through the cmap
    font.sfntVersion = "\x00\x01\x00\x00"


def make(source_dir: Path, out_dir: Path) -> None:
    for out, ttc in SOURCES.items():
        collection = TTCollection(source_dir / ttc, recalcTimestamp=False)
        font = collection.fonts[SC_FACE]
        subset_face(font)
        to_truetype(font)
        font.recalcTimestamp = False
        font.save(out_dir / out)
        print(out, (out_dir / out).stat().st_size, "bytes")


if __name__ == "__main__":
    args = sys.argv[1:]
    make(
        Path(args[0] if args else "/usr/share/fonts/opentype/noto"),
        Path(args[1] if len(args) > 1 else Path(__file__).resolve().parent),
    )
