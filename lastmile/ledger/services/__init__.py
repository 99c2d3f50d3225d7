"""Case-funds services, one module per family of actions:

- :mod:`.accounts`: the court's system accounts and each case's own account (一案一账号);
- :mod:`.posting`: :func:`_post`, the only writer of ledger rows;
- :mod:`.obligations`: the money debt the execution basis fixes, and pauses of doubled interest;
- :mod:`.receipts`: money arriving, claimed (认领), or booked from a bank statement;
- :mod:`.reports`: payments an officer reports, booked only once finance confirms them;
- :mod:`.deadlines`: the payout deadline of a case's oldest money not yet paid out;
- :mod:`.payouts`: request, approve, reject, settle;
- :mod:`.distributions`: sharing money among several creditors;
- :mod:`.charges`: 执行费用 and secured claims the proceeds pay first, and 以物抵债 booked;
- :mod:`.balances`: what is owed and what was received.

Every name callers use is re-exported here: ``from lastmile.ledger.services import X`` and
``services.X`` name the same object as the module that defines it.

STABLE SIGNATURES: ``obligation_record``, ``receipt_record``, ``amount_outstanding``,
``amount_received`` and the dataclasses ``InterestTerms``, ``CostItem``, ``InstallmentDue`` are
called by enforcement and later stages; new keyword arguments only ever come with defaults.

Money movements are posted by :func:`_post`, the only writer of ledger rows: it refuses an
unbalanced transaction, locks the accounts it touches in ascending id order (one global lock
order, so parallel postings never deadlock), refuses any posting that would make a balance
negative, and is idempotent on the transaction's key.

Idempotency keys (of transactions, receipts and payouts) are scoped to the court: every lookup
by key names the court, and the database holds one key per court. Another court using the same
key books its own money and learns nothing of ours.
"""

from __future__ import annotations

from ..rules import FUNDS_RULES
from .accounts import case_account, luhn_check_digit, luhn_valid, system_account, virtual_account_number
from .balances import amount_outstanding
from .bank_accounts import CheckedAccount, payee_account_check
from .charges import execution_cost_record, secured_claim_record, set_off_book
from .deadlines import (
    _complete_covered_deadlines,
    _disbursement_due,
    _open_payout_deadline,
)
from .distributions import DistributionClaim, distribution_propose
from .obligations import (
    CostItem,
    InstallmentDue,
    InterestTerms,
    obligation_continue,
    obligation_pause_end,
    obligation_pause_record,
    obligation_record,
)
from .payouts import (
    PARTY_KINDS,
    payout_account_set,
    payout_approve,
    payout_reject,
    payout_request,
    payout_settle,
)
from .posting import ZERO, _post
from .receipts import ImportResult, ReceiptRow, receipt_claim, receipt_record, receipts_import
from .reports import payment_report, payment_report_confirm, payment_report_reject

__all__ = [
    "FUNDS_RULES",
    "PARTY_KINDS",
    "ZERO",
    "CheckedAccount",
    "CostItem",
    "DistributionClaim",
    "ImportResult",
    "InstallmentDue",
    "InterestTerms",
    "ReceiptRow",
    "_complete_covered_deadlines",
    "_disbursement_due",
    "_open_payout_deadline",
    "_post",
    "amount_outstanding",
    "case_account",
    "distribution_propose",
    "execution_cost_record",
    "luhn_check_digit",
    "luhn_valid",
    "obligation_continue",
    "obligation_pause_end",
    "obligation_pause_record",
    "obligation_record",
    "payee_account_check",
    "payment_report",
    "payment_report_confirm",
    "payment_report_reject",
    "payout_account_set",
    "payout_approve",
    "payout_reject",
    "payout_request",
    "payout_settle",
    "receipt_claim",
    "receipt_record",
    "receipts_import",
    "secured_claim_record",
    "set_off_book",
    "system_account",
    "virtual_account_number",
]
