"""Writes of batch filing: institutions and their keys, submitting a batch, validating it and
turning its good rows into pre-suit mediation cases (民诉前调).

Guarantees:

- **Idempotent submission.** ``(client, batch id)`` identifies a batch: the same id with the same
  content returns the existing batch and creates nothing; other content is refused with
  ``batch_id_conflict``.
- **All errors of every row** are collected and kept (see :mod:`lastmile.filing.validation`);
  good rows are accepted even when others are refused.
- **Nothing half created.** A row's parties, case (number, parties, registration event), loan
  claim, electronic addresses and the row → case link are written in one savepoint: a row that
  fails leaves nothing of itself. Rows are committed in chunks for speed (one transaction per
  chunk, one savepoint per row); a transient database error (deadlock, lock timeout) retries the
  chunk.
- **Resumable.** Processing picks up rows that are valid and have no case yet, so a crash or a
  second worker never creates a case twice (the row → case link is unique, and so is a loan
  claim per contract and client).
- **Never stuck.** A batch is held by whoever works on it (``lease_until``, renewed after
  every chunk); the periodic sweep :func:`batches_reclaim` re-queues every unfinished batch whose
  hold lapsed, so a worker killed mid-batch (even ``kill -9``) only delays it.
- **Bounded reading.** The request only stores the file after a cheap check of its container
  (:func:`lastmile.filing.reading.upload_check`: an XLSX bomb is refused from its ZIP directory);
  the worker reads it streaming, with caps (:mod:`lastmile.filing.reading`).
- **Gapless numbers.** Cases are registered through :func:`lastmile.cases.services.case_register`
  in the chunk transaction, so the counter lock is held until commit and a rolled-back row gives
  its number back (法〔2015〕137号 art. 9).
"""

from __future__ import annotations

from .clients import (
    KEY_PREFIX,
    api_key_authenticate,
    api_key_issue,
    api_key_revoke,
    client_may_file,
    institution_client_upsert,
)
from .common import PRE_SUIT_MEDIATION, BatchIdConflict, BatchRefused, ProgressFn
from .creating import batch_create_cases
from .processing import (
    batch_error_list_csv,
    batch_error_report,
    batch_error_rows_iter,
    batch_finish,
    batch_process,
)
from .reclaim import batches_reclaim
from .staff import batch_submit_by_staff, institution_staff_create
from .submission import BatchSubmission, batch_submit
from .validating import batch_validate

__all__ = [
    "KEY_PREFIX",
    "PRE_SUIT_MEDIATION",
    "BatchIdConflict",
    "BatchRefused",
    "BatchSubmission",
    "ProgressFn",
    "api_key_authenticate",
    "api_key_issue",
    "api_key_revoke",
    "batch_create_cases",
    "batch_error_list_csv",
    "batch_error_report",
    "batch_error_rows_iter",
    "batch_finish",
    "batch_process",
    "batch_submit",
    "batch_submit_by_staff",
    "batch_validate",
    "batches_reclaim",
    "client_may_file",
    "institution_client_upsert",
    "institution_staff_create",
]
