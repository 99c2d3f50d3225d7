"""Settings of batch filing: ``settings.LASTMILE["FILING"]``, each key with a default.

docs/filing.md explains each key. None of them is a rule of law: they are plausibility bounds and
operating limits a court sets locally.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Type code of the case each accepted row becomes (民诉前调, as observed in use; 代字标准 2016,
    # docs/law.md).
    "CASE_TYPE_CODE": "民诉前调",
    # 案由 given to the cases.
    "CAUSE": "金融借款合同纠纷",
    # Rows created per database transaction (each row still in its own savepoint).
    "CHUNK_ROWS": 100,
    # Refuse files with more data rows than this, and uploads larger than this many bytes.
    "MAX_ROWS": 50_000,
    "MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    # Caps of reading a file (docs/filing.md "Limits"): columns read, characters in one cell
    # (a longer cell is an error of its row), and for an XLSX (a ZIP) the total uncompressed
    # size, the compression ratio of any part over 1 MiB, the number of parts and of shared
    # strings. Checked from the ZIP directory before anything is inflated.
    "MAX_COLUMNS": 256,
    "MAX_CELL_CHARS": 2_000,
    "MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,
    "MAX_COMPRESSION_RATIO": 200,
    "MAX_ZIP_MEMBERS": 1_000,
    "MAX_SHARED_STRINGS": 1_000_000,
    # A worker holds a batch for this long and renews the hold after every chunk; the sweep
    # (``lastmile reclaim``) re-queues a batch whose hold lapsed (its worker died).
    "LEASE_SECONDS": 300,
    # A batch re-queued this many times (it kills its worker every time) is left for a person.
    "MAX_RECLAIMS": 20,
    # Plausibility bounds for yearly rates (fractions). Not a legal cap: the 24% total-cost rule
    # for financial loans (SPC 2017 金融审判意见 para. 2, UNVERIFIED here) is for the trial to apply.
    "MAX_ANNUAL_RATE": "0.36",
    "MAX_OVERDUE_RATE": "0.54",
    # Transient database errors (deadlock, serialisation) retry a chunk this many times.
    "CHUNK_RETRIES": 3,
}


def filing_setting(key: str) -> Any:
    return getattr(settings, "LASTMILE", {}).get("FILING", {}).get(key, DEFAULTS[key])
