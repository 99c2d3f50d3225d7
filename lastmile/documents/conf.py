"""Settings of the documents app: ``settings.LASTMILE["DOCUMENTS"]`` (see docs/documents.md)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Where issued PDFs are stored; empty = MEDIA_ROOT/documents.
    "ROOT": "",
    # 案号之一/之二 for later rulings of one case (UNVERIFIED court practice).
    "SERIES_SUFFIX": True,
    # The seal/signature adapter (a dotted path to a SignaturePort class).
    "SIGNATURE_ADAPTER": "lastmile.documents.seal.PlaceholderSealAdapter",
    # Worker tasks enqueued per batch (0: one per core of the machine), and how long a claim holds
    # before another worker may take it.
    "BATCH_WORKERS": 0,
    "BATCH_LEASE_SECONDS": 300,
    # Items a worker claims and issues together (one transaction, one render pass per chunk).
    "BATCH_CHUNK": 25,
    # An item claimed this many times without finishing (it kills its worker) fails instead.
    "BATCH_MAX_ATTEMPTS": 5,
    # A job re-queued this many times by the sweep is left for a person.
    "BATCH_MAX_RECLAIMS": 20,
}


def batch_workers() -> int:
    """Worker tasks a batch is split over: ``BATCH_WORKERS``, or one per core when it is 0."""
    return int(documents_setting("BATCH_WORKERS")) or os.cpu_count() or 1


def documents_setting(key: str) -> Any:
    configured = settings.LASTMILE.get("DOCUMENTS") or {}
    return configured.get(key, DEFAULTS[key]) if isinstance(configured, dict) else DEFAULTS[key]
