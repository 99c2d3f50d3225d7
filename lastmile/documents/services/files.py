"""Where issued PDFs live: content-addressed storage, reading a PDF back (checked against its
recorded SHA-256), and the .docx for staff who edit."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

from lastmile.accounts.models import Court
from lastmile.core.errors import DomainError

from ..conf import documents_setting
from ..error_codes import DocumentErrorCode
from ..models import Document
from ..rendering import SealMark, render_document


def documents_root() -> Path:
    """Where PDFs live: ``LASTMILE["DOCUMENTS"]["ROOT"]`` or ``MEDIA_ROOT/documents``."""
    root = documents_setting("ROOT")
    return Path(str(root)) if root else Path(settings.MEDIA_ROOT) / "documents"


def _store(court: Court, sha: str, data: bytes) -> str:
    """Write ``data`` content-addressed (idempotent: a retry writes the same file)."""
    rel = f"court-{court.pk}/{sha[:2]}/{sha}.pdf"
    path = documents_root() / rel
    if path.exists() and path.stat().st_size == len(data):
        return rel
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return rel


def document_pdf(document: Document) -> bytes:
    """The stored PDF, verified against the recorded SHA-256."""
    data = (documents_root() / document.pdf_path).read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DomainError(
            "文书文件与出具时记录的摘要不符，可能已被篡改。", code=DocumentErrorCode.DOCUMENT_TAMPERED
        )
    return data


def document_docx(document: Document) -> bytes:
    """The document as .docx for staff who edit, rendered again from the stored elements and
    template version (the PDF remains the issued original)."""
    version = document.template_version
    seal = document.seal.get("mark", "")
    rendered = render_document(
        body=version.body,
        context=document.context,
        title=document.title,
        number=document.number,
        court_name=document.context.get("court", {}).get("name", ""),
        timestamp=document.issued_at or version.created_at,
        seal=SealMark(document.context.get("court", {}).get("name", ""), seal) if seal else None,
    )
    return rendered.docx()
