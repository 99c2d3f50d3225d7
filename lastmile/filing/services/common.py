"""What the filing services share: their errors, the legal basis of the cases, the hold on a batch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from lastmile.core.errors import Conflict, DomainError
from lastmile.core.legal import cpl

from ..conf import filing_setting
from ..error_codes import FilingErrorCode

# 先行调解: disputes suitable for mediation are mediated before filing (CPL 2023 art. 125; the
# article before 立案 art. 126; see docs/law.md).
PRE_SUIT_MEDIATION = cpl(125)

ProgressFn = Callable[[int, int], None]


class BatchIdConflict(Conflict):
    """The batch id was used before with different content."""

    code = FilingErrorCode.BATCH_ID_CONFLICT


class BatchRefused(DomainError):
    """The batch cannot be taken at all (empty, too large, columns missing, unreadable)."""

    code = FilingErrorCode.BATCH_REFUSED


def _lease() -> timedelta:
    return timedelta(seconds=int(filing_setting("LEASE_SECONDS")))
