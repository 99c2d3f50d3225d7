"""Network inquiry and control (网络查控): send orders, take in signed answers, freeze what is
owed and no more, deduct into the case account, release, renew, and record lapses.

Locks are always taken in one order: the case's :class:`Control` row, then the debtors' Party
rows (when freezing is decided: the living allowance is per debtor across cases), then orders,
then freezes, then (through the ledger) accounts and the court's audit chain head. Every
decision about how much to freeze is taken while the Control row is locked, so results that
arrive at the same moment are decided one after the other against the same budget:

    budget = what is owed today (ledger) − Σ held by pending and active money freezes

A pending freeze holds its requested amount; a partial or failed freeze gives the rest back.

One module per family of actions; import from this package, which re-exports them all:

- :mod:`.start` — 一键查控 (``inquiry_start``);
- :mod:`.sending` — the dispatcher, outcomes of a send, the resend of a failed order;
- :mod:`.inbox` — signed answers from institutions (stored by the callback, applied in batches
  per case by the inquiry worker) and what each result does;
- :mod:`.held` — deduction results kept out of the books for review;
- :mod:`.policy` — how much to freeze and what to release (the budget above);
- :mod:`.freezes` — the officer's actions on one freeze or asset;
- :mod:`.sweep` — the worker's periodic sweep and lapses;
- :mod:`.common` — what they share (the Control row lock, events, keys).

A test that replaces a private helper patches the module that looks it up (for instance
``policy._on_commit_dispatch`` for the freezes ``_plan`` orders), not this package.
"""

from __future__ import annotations

from .common import _control_lock as _control_lock
from .common import _on_commit_dispatch as _on_commit_dispatch
from .freezes import DeductRefusal, asset_seize, case_deduct_all, freeze_deduct, freeze_release, freeze_renew
from .held import held_result_review
from .inbox import InboxReport, inbox_apply, inbox_process, inbox_receive, inbox_store
from .policy import _plan as _plan
from .policy import controls_reconcile, controls_release_all
from .sending import DispatchReport, order_outcome_apply, order_resend, orders_dispatch
from .start import inquiry_start
from .sweep import SweepReport, freezes_lapse, inquiry_sweep

__all__ = [
    "DeductRefusal",
    "DispatchReport",
    "InboxReport",
    "SweepReport",
    "asset_seize",
    "case_deduct_all",
    "controls_reconcile",
    "controls_release_all",
    "freeze_deduct",
    "freeze_release",
    "freeze_renew",
    "freezes_lapse",
    "held_result_review",
    "inbox_apply",
    "inbox_process",
    "inbox_receive",
    "inbox_store",
    "inquiry_start",
    "inquiry_sweep",
    "order_outcome_apply",
    "order_resend",
    "orders_dispatch",
]
