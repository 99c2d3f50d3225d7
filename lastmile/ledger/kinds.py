"""The ledger app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class LedgerEvent(EventKind):
    TRANSACTION = "ledger.transaction"
    OBLIGATION_RECORDED = "ledger.obligation_recorded"
    OBLIGATION_AMENDED = "ledger.obligation_amended"
    PAUSE_RECORDED = "ledger.pause_recorded"
    PAUSE_ENDED = "ledger.pause_ended"
    RECEIPT = "ledger.receipt"
    RECEIPT_CLAIMED = "ledger.receipt_claimed"
    PAYOUT_REQUESTED = "ledger.payout_requested"
    PAYOUT_APPROVED = "ledger.payout_approved"
    PAYOUT_REJECTED = "ledger.payout_rejected"
    PAYOUT_PAID = "ledger.payout_paid"
    PAYOUT_ACCOUNT_SET = "ledger.payout_account_set"
    PAYMENT_REPORTED = "ledger.payment_reported"
    PAYMENT_REPORT_CONFIRMED = "ledger.payment_report_confirmed"
    PAYMENT_REPORT_REJECTED = "ledger.payment_report_rejected"
    EXECUTION_COST_RECORDED = "ledger.execution_cost_recorded"
    SECURED_CLAIM_RECORDED = "ledger.secured_claim_recorded"
    SET_OFF_BOOKED = "ledger.set_off_booked"


class LedgerDeadline(DeadlineKind):
    PAYOUT = "funds_payout", _("案款发放")  # starts on the arrival day of the oldest money not yet paid out
