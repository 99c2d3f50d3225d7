"""Where issued PDFs live: content-addressed storage, reading a PDF back (checked against its
recorded SHA-256), and the .docx for staff who edit."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

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


_UNSAFE_IN_NAME = str.maketrans(dict.fromkeys('/\\:*?"<>|', "-") | dict.fromkeys("\r\n\t", ""))


def document_filename(document: Document, *, ext: str = "pdf") -> str:
    """The name a document downloads under: ``<文书字号>-<文书标题>.<ext>``, e.g.
    ``（2025）湘0104执12号之一-执行裁定书.pdf`` (the 文书字号 is the case number, with 之一, 之二 …
    for later documents of a series); a correction adds ``-第2版``. Characters that file systems
    refuse are replaced by ``-``."""
    number = document.number or document.case.number
    version = f"-第{document.version}版" if document.version > 1 else ""
    return f"{number}-{document.title}{version}.{ext}".translate(_UNSAFE_IN_NAME)


def document_content_disposition(document: Document, *, ext: str = "pdf", attachment: bool = False) -> str:
    """A ``Content-Disposition`` value carrying :func:`document_filename` as RFC 5987/6266
    ``filename*`` (UTF-8, percent-encoded) and an ASCII ``filename`` for clients that ignore it."""
    disposition = "attachment" if attachment else "inline"
    name = quote(document_filename(document, ext=ext), safe="")
    return f"{disposition}; filename=\"document-{document.pk}.{ext}\"; filename*=UTF-8''{name}"
