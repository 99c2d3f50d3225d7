"""The error codes of documents (文书). The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class DocumentErrorCode(StrEnum):
    TEMPLATE_ERROR = "template_error"
    GLYPH_MISSING = "glyph_missing"
    DOCUMENT_TAMPERED = "document_tampered"
