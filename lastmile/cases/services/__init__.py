"""Writes of the case core: register a case, record an event, change status, track deadlines.

Every function here runs in a transaction and writes its case event in the same transaction
(style.md: a state change and its event row are written together). One module per family:
``chain`` (the audit chain and its anchors), ``registration`` (numbers, cases, parties, officers),
``status`` (moves between statuses) and ``deadlines``.
"""

from __future__ import annotations

from .chain import (
    AnchorOutcome,
    ChainEntry,
    audit_anchor_write,
    audit_chain_append,
    audit_chain_batch,
    audit_chain_prepare,
    case_event_record,
)
from .deadlines import (
    DeadlineOpening,
    deadline_cancel,
    deadline_complete,
    deadline_open,
    deadline_open_many,
    deadlines_open,
    deadlines_open_of_cases,
)
from .registration import (
    CaseSpec,
    PartyInRole,
    case_assign,
    case_number_allocate,
    case_numbers_allocate_block,
    case_register,
    case_register_many,
)
from .status import (
    case_enforcement_track_set,
    case_lock,
    case_status_change,
    case_time_limit_end_set,
    case_time_limit_first_pause_set,
)

__all__ = [
    "AnchorOutcome",
    "CaseSpec",
    "ChainEntry",
    "DeadlineOpening",
    "PartyInRole",
    "audit_anchor_write",
    "audit_chain_append",
    "audit_chain_batch",
    "audit_chain_prepare",
    "case_assign",
    "case_enforcement_track_set",
    "case_event_record",
    "case_lock",
    "case_number_allocate",
    "case_numbers_allocate_block",
    "case_register",
    "case_register_many",
    "case_status_change",
    "case_time_limit_end_set",
    "case_time_limit_first_pause_set",
    "deadline_cancel",
    "deadline_complete",
    "deadline_open",
    "deadline_open_many",
    "deadlines_open",
    "deadlines_open_of_cases",
]
