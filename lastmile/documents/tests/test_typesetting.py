"""Documents typeset as a court's: no letter-spaced lines around long ID numbers, the signature
block kept with its text, the court's telephone on every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from lastmile.documents.catalog.common import _RULING_SIGN
from lastmile.documents.context import party_context
from lastmile.documents.rendering import SealMark, render_document
from lastmile.parties.models import IdType, Party, PartyKind, Sex
from lastmile.testing.factories import make_resident_id, make_uscc

from .pdfcheck import pdf_text

WHEN = datetime(2025, 3, 3, tzinfo=UTC)
COURT = "长沙市岳麓区人民法院"
BODY_PT = 14.0  # the body size set in the typst preamble
# A justified line is stretched by spreading its slack over the gaps between its characters. With a
# break allowed anywhere the slack is under one character spread over ~30 gaps (< 0.5 pt); a whole
# 18-digit number pushed to the next line leaves up to ~9 characters of slack (1.7–2.7 pt per gap).
MAX_GAP_PT = 1.0


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def widest_gap(pdf: bytes) -> tuple[float, str]:
    """The widest gap between two neighbouring Chinese characters of body text on one line (loose
    boxes: the glyphs' advances, so unjustified text has no gap at all), with the pair."""
    doc = pdfium.PdfDocument(pdf)
    worst, pair = 0.0, ""
    for index in range(len(doc)):
        tp = doc[index].get_textpage()
        prev: tuple[str, float, float] | None = None
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if ch.isspace() or abs(pdfium_c.FPDFText_GetFontSize(tp.raw, i) - BODY_PT) > 0.5:
                prev = None  # the header (tracked title) and the footer are not body text
                continue
            left, bottom, right, _top = tp.get_charbox(i, loose=True)
            if prev is not None and _is_han(prev[0]) and _is_han(ch) and abs(prev[2] - bottom) < 1:
                gap = left - prev[1]
                if gap > worst:
                    worst, pair = gap, prev[0] + ch
            prev = (ch, right, bottom)
    return worst, pair


def _person(name: str, address: str, seq: int) -> Party:
    """A person as the register holds one: sex and birth date as read from the ID number."""
    number = make_resident_id(seq=seq)
    return Party(
        kind=PartyKind.PERSON,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=number,
        sex=Sex.MALE,
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        address=address,
    )


def _render(body: str, context: dict, *, seal: bool = False) -> bytes:
    return render_document(
        body=body,
        context=context,
        title="执行裁定书",
        number="（2025）湘0104执1号",
        court_name=COURT,
        timestamp=WHEN,
        seal=SealMark(COURT, "电子签章（占位）") if seal else None,
    ).pdf


def test_a_party_line_with_an_id_number_is_not_letter_spaced():
    """Whatever falls before the number (names of 3 to 22 characters move it along the line one
    character at a time), the number may break inside, so the line it leaves is not stretched; the
    PDF's text still holds the whole number (what a clerk copies)."""
    body = (
        "{% for p in debtors %}< 被执行人：{{ p.desc }}\n{% endfor %}"
        "{% for p in creditors %}< 申请执行人：{{ p.desc }}\n{% endfor %}"
        "{{ lead }}本院依法冻结被执行人在中国建设银行长沙岳麓支行账号{{ account }}的存款。\n"
    )
    worst: list[tuple[float, str, int]] = []
    for pad in range(20):
        person = _person("王堃" + "玥" * pad + "喆", "长沙市岳麓区桃子湖路12号", pad)
        bank = Party(
            kind=PartyKind.ORGANISATION,
            name="长沙银行股份有限公司" + "岳" * pad + "支行",
            id_type=IdType.USCC,
            id_number=make_uscc(900 + pad),
            address="长沙市岳麓区麓山南路〇号",
        )
        ctx = {
            "debtors": [party_context(person)],
            "creditors": [party_context(bank)],
            "account": "43050183633600000123",
            "lead": "经查，" * pad,
        }
        pdf = _render(body, ctx)
        gap, pair = widest_gap(pdf)
        worst.append((gap, pair, pad))
        flat = "".join(pdf_text(pdf).split())
        assert person.id_number in flat and bank.id_number in flat and "43050183633600000123" in flat
    gap, pair, pad = max(worst)
    assert gap <= MAX_GAP_PT, f"“{pair}” set {gap:.1f} pt apart (variant {pad})"


def test_short_numbers_and_amounts_stay_whole():
    """Only long codes may break: a case number, a date or an amount is never split."""
    pdf = _render("本院于2025年3月3日冻结存款人民币{{ a }}元。" * 6 + "\n", {"a": "86,000.00"})
    lines = pdf_text(pdf).splitlines()
    assert any("86,000.00" in line for line in lines)
    assert not any(line.rstrip().endswith(("86,", "86,000.", "202")) for line in lines)


def _pages(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    return ["".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]


@pytest.mark.parametrize("paragraphs", range(8, 14))
@pytest.mark.parametrize("tail", [0, 12, 40])
def test_the_signature_block_never_starts_a_page_alone(paragraphs, tail):
    """Bodies that nearly fill a page: the judge, date, seal and 书记员 stay together, and the page
    they are on also carries the closing paragraph."""
    para = "本院经审查认为，申请人达成的调解协议，符合司法确认调解协议的法定条件，依法予以确认。\n"
    last = "当事人应当按照调解协议的约定自觉履行义务" + "义" * tail + "。"
    body = para * paragraphs + last + "\n" + _RULING_SIGN
    ctx = {"officer": {"name": "郑法"}, "doc": {"date": "2025-03-03"}, "clerk": "李书"}
    pdf = _render(body, ctx, seal=True)
    pages = _pages(pdf)
    where = [i for i, text in enumerate(pages) if "审判员" in text]
    assert len(where) == 1
    page = pages[where[0]]
    for line in ("审判员郑法", "二〇二五年三月三日", "书记员李书"):
        assert line in page, (line, len(pages))
    assert "当事人应当按照调解协议的约定自觉履行义务" in page, "signature block orphaned on its page"
    assert page.index("当事人应当") < page.index("审判员")


def test_the_court_telephone_is_printed_on_every_page():
    court = {"name": COURT, "phone": "0731-88990000"}
    pdf = _render("本院依法作出如下裁定。\n" * 60, {"court": court})
    pages = _pages(pdf)
    assert len(pages) >= 2
    assert all("联系电话：0731-88990000" in text for text in pages), pages
