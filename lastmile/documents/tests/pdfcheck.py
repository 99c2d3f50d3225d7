"""Test helpers: read PDFs back (text, fonts, pixels) without any system package."""

from __future__ import annotations

import re
import struct
import zlib

import pypdfium2 as pdfium


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def pdf_text_page(pdf: bytes, page: int) -> str:
    return pdfium.PdfDocument(pdf)[page].get_textpage().get_text_range()


def pdf_font_names(pdf: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-_]+)", pdf)}


def page_gray(pdf: bytes, scale: float = 2.0, page: int = 0) -> tuple[int, int, bytes, float]:
    """(width, height, 8-bit grey pixels, scale) of one page."""
    doc = pdfium.PdfDocument(pdf)
    bitmap = doc[page].render(scale=scale, grayscale=True)
    w, h, stride = bitmap.width, bitmap.height, bitmap.stride
    buf = bytes(bitmap.buffer)
    rows = b"".join(buf[i * stride : i * stride + w] for i in range(h))
    return w, h, rows, scale


def char_boxes(pdf: bytes, page: int = 0) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every character of a page with its box (left, bottom, right, top) in PDF points."""
    doc = pdfium.PdfDocument(pdf)
    tp = doc[page].get_textpage()
    out = []
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        out.append((ch, tp.get_charbox(i)))
    return out


def crop_glyph(
    pdf: bytes, box: tuple[float, float, float, float], scale: float = 4.0, page: int = 0
) -> bytes:
    """The ink of one character box, as thresholded bits (1 = ink)."""
    doc = pdfium.PdfDocument(pdf)
    pg = doc[page]
    height_pt = pg.get_height()
    w, h, rows, _ = page_gray(pdf, scale, page)
    left, bottom, right, top = box
    x0, x1 = int(left * scale), int(right * scale) + 1
    y0, y1 = int((height_pt - top) * scale), int((height_pt - bottom) * scale) + 1
    bits = bytearray()
    for y in range(max(y0, 0), min(y1, h)):
        for x in range(max(x0, 0), min(x1, w)):
            bits.append(1 if rows[y * w + x] < 128 else 0)
    return bytes(bits)


def png_bytes(width: int, height: int, gray: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + gray[y * width : (y + 1) * width] for y in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
