"""What the ledger asks of the apps above it, chosen in settings by dotted path (like the inquiry
app's good-faith guard): the ledger sits beside the documents app and may not import it."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from django.utils.module_loading import import_string

from .conf import funds_setting

if TYPE_CHECKING:
    from lastmile.accounts.models import User

    from .models import Payout


class PayoutInstructionIssuer(Protocol):
    def __call__(self, *, payout: Payout, actor: User, now: datetime) -> int | None:
        """Issue the 执行款发放审批表 / 付款指令 of an approved payout; returns the document's id."""


def _none(*, payout: Payout, actor: User, now: datetime) -> int | None:
    return None


@lru_cache(maxsize=4)
def _issuer(path: str) -> PayoutInstructionIssuer:
    return import_string(path) if path else _none  # type: ignore[no-any-return]


def payout_instruction_issuer() -> PayoutInstructionIssuer:
    """The configured issuer (``LASTMILE["FUNDS"]["PAYOUT_INSTRUCTION_ISSUER"]``; none when empty)."""
    return _issuer(str(funds_setting("PAYOUT_INSTRUCTION_ISSUER") or ""))
