"""Every template renders to PDF and DOCX; every printed character has a glyph; page images show
real Chinese glyphs, not tofu boxes."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
import typst

from lastmile.documents.catalog import TEMPLATES
from lastmile.documents.fonts import face_cmap, typst_fonts
from lastmile.documents.models import Document
from lastmile.documents.rendering import GlyphMissing
from lastmile.documents.services import document_docx, document_issue, document_pdf

from .conftest import RARE_NAME, make_case
from .pdfcheck import (
    char_boxes,
    crop_glyph,
    page_count,
    page_gray,
    pdf_font_names,
    pdf_text,
    pdf_text_page,
    png_bytes,
)

RARE = "堃喆玥䶮〇"


COURT_PHONE = "0731-88990000"


def _case_for(spec, yuelu, judge, now):
    yuelu.phone = COURT_PHONE
    yuelu.save(update_fields=["phone"])
    type_code = "执"
    if any(key in spec.body for key in ("plaintiffs", "defendants")):
        type_code = "民初"
    if any(key in spec.body for key in ("claimants", "counterparties")):
        type_code = "民特"
    return make_case(yuelu, judge, now, debtor_name=RARE_NAME, type_code=type_code)


#: Documents addressed to someone other than the parties that do not name the debtor: the payment
#: instruction goes to the bank and names the payee.
NOT_NAMING_THE_DEBTOR = frozenset({"payout_instruction"})


def _names_given(spec) -> bool:
    """The template's sample names the people itself (e.g. a 传票's addressee, the debtor of a
    到期债权 notice), so the case's debtor need not be printed."""
    text = str(spec.sample)
    if spec.code in NOT_NAMING_THE_DEBTOR:
        return True
    return any(name in text for name in ("李四", "张三", "王五", "王小明", "张某")) or "person" in spec.sample


@pytest.mark.django_db
@pytest.mark.parametrize("spec", TEMPLATES, ids=[t.code for t in TEMPLATES])
def test_each_template_renders_to_pdf_and_docx_with_every_glyph(
    spec, yuelu, judge, now, templates, docs_root
):
    case = _case_for(spec, yuelu, judge, now)
    document = document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)

    pdf = document_pdf(document)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert document.number == case.number
    flat = "".join(text.split())
    assert case.number in flat
    if not _names_given(spec):
        assert RARE_NAME in flat
    # The court's telephone is on every page (the page footer), whatever the template's own text.
    pages = [pdf_text_page(pdf, i) for i in range(page_count(pdf))]
    assert all(f"联系电话：{COURT_PHONE}" in "".join(p.split()) for p in pages), spec.code
    # Only our embedded fonts are in the PDF (subset tags like ABCDEF+NotoSerifCJKsc-Regular).
    fonts = pdf_font_names(pdf)
    assert fonts and all("Noto" in f and "CJK" in f for f in fonts), fonts
    # Glyph coverage: every character the PDF prints exists in the embedded faces.
    union = face_cmap("body") & face_cmap("bold") & face_cmap("heading")
    printed = {c for c in text if not c.isspace() and c not in "\ufffe\uffff"}
    assert printed, "no text extracted"
    missing = sorted(c for c in printed if ord(c) not in union)
    assert not missing, missing

    docx = document_docx(document)
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml").decode()
    assert case.number in xml and spec.title in xml and "{{" not in xml
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        footers = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer"))
    assert COURT_PHONE in footers


@pytest.mark.django_db
def test_rare_name_characters_are_in_every_face_and_printed(yuelu, judge, now, templates, docs_root):
    for role in ("body", "bold", "heading"):
        assert all(ord(c) in face_cmap(role) for c in RARE)
    case = make_case(yuelu, judge, now, debtor_name="〇玥䶮")
    spec = next(t for t in TEMPLATES if t.code == "enforcement_notice")
    doc = document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)
    assert "〇玥䶮" in "".join(pdf_text(document_pdf(doc)).split())


@pytest.mark.django_db
def test_a_character_missing_from_the_fonts_refuses_the_document(yuelu, judge, now, templates, docs_root):
    case = make_case(yuelu, judge, now, debtor_name="张𠀀")  # U+20000, CJK Extension B
    spec = next(t for t in TEMPLATES if t.code == "enforcement_notice")
    events_before = case.events.count()
    with pytest.raises(GlyphMissing) as err:
        document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)
    assert "𠀀" in err.value.message and "U+20000" in err.value.message
    assert err.value.details["codepoints"] == ["U+20000"]
    assert Document.objects.count() == 0
    assert case.events.count() == events_before
    assert not docs_root.exists() or not any(docs_root.rglob("*.pdf"))


def _tofu_pdf(text: str) -> bytes:
    """Typeset characters the fonts lack, bypassing the check, to see what a box looks like."""
    compiler = typst.Compiler(font_paths=typst_fonts())
    src = f'#set text(font: "Noto Serif CJK SC", size: 40pt)\n{text}'
    pdf = compiler.compile(input=src.encode(), format="pdf")
    assert isinstance(pdf, bytes)
    return pdf


@pytest.mark.django_db
def test_rendered_page_image_shows_chinese_glyphs_not_boxes(yuelu, judge, now, templates, docs_root):
    case = make_case(yuelu, judge, now)
    spec = next(t for t in TEMPLATES if t.code == "enforcement_notice")
    doc = document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)
    pdf = document_pdf(doc)

    # Crop the ink of each title and rare-name character from the page raster.
    wanted = set("执行通知书" + RARE_NAME)
    crops: dict[str, bytes] = {}
    for ch, box in char_boxes(pdf):
        if ch in wanted and ch not in crops:
            crops[ch] = crop_glyph(pdf, box)
    assert set(crops) == wanted
    # Every glyph has ink, and no two different characters look the same (tofu boxes would).
    assert all(sum(bits) > 20 for bits in crops.values())
    patterns = list(crops.values())
    assert len(set(patterns)) == len(patterns)

    # Control: characters the fonts lack render as identical boxes (so this check can fail),
    # while two real characters typeset alone differ.
    assert page_gray(_tofu_pdf("𠀀"))[2] == page_gray(_tofu_pdf("𠀁"))[2]
    assert page_gray(_tofu_pdf("𠀀"))[2] != page_gray(_tofu_pdf(""))[2]
    assert page_gray(_tofu_pdf("堃"))[2] != page_gray(_tofu_pdf("喆"))[2]

    w, h, gray, _ = page_gray(pdf, scale=1.5)
    assert png_bytes(w, h, gray).startswith(b"\x89PNG")
    if os.environ.get("LASTMILE_WRITE_DOC_IMAGES") == "1":  # refreshes the picture in docs/documents.md
        out = Path(__file__).resolve().parents[3] / "docs" / "images"
        (out / "document-sample.png").write_bytes(png_bytes(w, h, gray))
