"""Writes of enforcement implementation cases, from filing to closing.

Every function is keyword-only, runs in one transaction, checks the transition table
(:mod:`lastmile.enforcement.transitions`) on the locked case row, and writes its case event in the
same transaction. Refused actions raise a :class:`~lastmile.core.errors.DomainError` and change
nothing. Money is recorded through :mod:`lastmile.ledger.services`; periods through
:mod:`lastmile.enforcement.rules` (which uses :mod:`lastmile.core.periods`).

One module per family of actions; every name callers use is re-exported here, so
``from lastmile.enforcement.services import X`` keeps working. To replace a name in a test, patch
the module that looks it up (e.g. ``lastmile.enforcement.services.procedure.controls_reconcile``).
"""

from __future__ import annotations

from .assignment import CHOSEN_TRACKS, assignable_officers, case_reassign
from .assistance import (
    assistance_accept,
    assistance_reply_record,
    assistance_request_send,
    assistance_return,
    court_on_platform,
)
from .closing import TERMINATION_GROUNDS, enforcement_close, requery_record
from .clues import (
    clue_submit,
    clue_verify,
    emergency_action_close,
    emergency_action_open,
)
from .common import ENFORCEMENT_ROLES, InvalidFiling
from .filing import ExecutionBasisIn, enforcement_accept, enforcement_file, enforcement_file_with_parties
from .procedure import payment_confirm, payment_record, payment_reject, procedure_step_record
from .restore import enforcement_restore
from .settlement import (
    settlement_default_sweep,
    settlement_installment_pay,
    settlement_overdue,
    settlement_record,
    settlement_release_apply,
    settlement_release_decide,
    settlement_resume,
)
from .sweeps import enforcement_sweep, requery_sweep, time_limit_sweep
from .time_limit import (
    enforcement_resume,
    enforcement_suspend,
    time_limit_extension_decide,
    time_limit_extension_request,
    time_limit_pause_end,
    time_limit_pause_start,
)
from .triage import TriageResult, green_channel_flag, triage_rules_ensure, triage_rules_update, triage_score
from .zhongben import zhongben_opinion_record, zhongben_review_approve, zhongben_review_record

__all__ = [
    "CHOSEN_TRACKS",
    "ENFORCEMENT_ROLES",
    "TERMINATION_GROUNDS",
    "ExecutionBasisIn",
    "InvalidFiling",
    "TriageResult",
    "assignable_officers",
    "assistance_accept",
    "assistance_reply_record",
    "assistance_request_send",
    "assistance_return",
    "case_reassign",
    "clue_submit",
    "clue_verify",
    "court_on_platform",
    "emergency_action_close",
    "emergency_action_open",
    "enforcement_accept",
    "enforcement_close",
    "enforcement_file",
    "enforcement_file_with_parties",
    "enforcement_restore",
    "enforcement_resume",
    "enforcement_suspend",
    "enforcement_sweep",
    "green_channel_flag",
    "payment_confirm",
    "payment_record",
    "payment_reject",
    "procedure_step_record",
    "requery_record",
    "requery_sweep",
    "settlement_default_sweep",
    "settlement_installment_pay",
    "settlement_overdue",
    "settlement_record",
    "settlement_release_apply",
    "settlement_release_decide",
    "settlement_resume",
    "time_limit_extension_decide",
    "time_limit_extension_request",
    "time_limit_pause_end",
    "time_limit_pause_start",
    "time_limit_sweep",
    "triage_rules_ensure",
    "triage_rules_update",
    "triage_score",
    "zhongben_opinion_record",
    "zhongben_review_approve",
    "zhongben_review_record",
]
