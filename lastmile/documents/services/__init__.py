"""Writes of the documents app: templates and their versions, issuing and correcting documents,
and batch jobs. These are the functions other stages call.

An issued document is immutable: its PDF bytes are stored content-addressed and their SHA-256 is
recorded; a correction is a new version that ``supersedes`` the old one. Each issue and
correction writes a case event in the same transaction.

One module per family; every name callers use is re-exported here, so
``from lastmile.documents.services import X`` keeps working. To replace a name in a test, patch
the module that looks it up (e.g. ``lastmile.documents.services.batches.documents_issue_many``).
"""

from __future__ import annotations

from .batches import _lease, batch_claim, batch_counts, batch_create, batch_finish_if_complete, batch_run
from .files import (
    document_content_disposition,
    document_docx,
    document_filename,
    document_pdf,
    documents_root,
)
from .issue import IssueOutcome, IssueRequest, document_correct, document_issue, documents_issue_many
from .reclaim import batch_jobs_reclaim
from .render import case_document_context, document_number, document_render
from .templates import (
    template_body_check,
    template_get,
    template_version_create,
    template_version_current,
    templates_ensure,
    templates_update,
)

__all__ = [
    "IssueOutcome",
    "IssueRequest",
    "_lease",
    "batch_claim",
    "batch_counts",
    "batch_create",
    "batch_finish_if_complete",
    "batch_jobs_reclaim",
    "batch_run",
    "case_document_context",
    "document_content_disposition",
    "document_correct",
    "document_docx",
    "document_filename",
    "document_issue",
    "document_number",
    "document_pdf",
    "document_render",
    "documents_issue_many",
    "documents_root",
    "template_body_check",
    "template_get",
    "template_version_create",
    "template_version_current",
    "templates_ensure",
    "templates_update",
]
