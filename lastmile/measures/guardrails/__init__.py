"""善意文明执行: every proposed measure is evaluated here before it is taken.

:func:`measure_evaluate` is the one evaluation function. Every measure service calls it; the
future disposal and inquiry apps call it too, with the proposal kinds ``auction_home``,
``vacate`` and ``freeze_basic_account`` (see :func:`home_disposal_evaluate`), and the handover of
a sold home asks :func:`home_handover_evaluate`. It reads the
recorded facts (party birth date, :class:`DebtorProfile`, :class:`EnterpriseScreening`,
:class:`GracePeriod`, :class:`HomeDesignation`, the debt outstanding in the ledger) and returns
a verdict with each reason and its legal basis:

- ``refused``: the service raises :class:`GuardrailRefused` and writes nothing;
- ``warn``: the service proceeds only when the proposer acknowledges the warnings;
- ``allowed``.

A 院长's written :class:`GuardrailOverride` turns an overridable refusal into a warning that
names who overrode it, when and why. Minors, security covering the debt, and the family's
necessary home are never overridable.

The rules live one family per module:

- :mod:`.proposal`: the :class:`Proposal`, the :class:`Evaluation` and its :class:`Reason`, the
  errors, and the extra proposal kinds;
- :mod:`.limits`: the legal limits of each measure and of a measure on a person behind an
  organisation debtor;
- :mod:`.listing`: the preconditions of a 失信 listing;
- :mod:`.duplicates`: one pending or active measure of a kind per debtor and case;
- :mod:`.good_faith`: the 善意文明执行 rules (minors, students, enterprises, grace, the home);
- :mod:`.facts`: the recorded facts they read.

:func:`measure_evaluate` and the evaluators built on it stay here, and every name that was
importable from ``lastmile.measures.guardrails`` still is (docs/law.md names some private rules
by this path). ``measure_evaluate`` looks ``_limits``, ``_duplicates`` and ``_good_faith`` up in
this module, so a test that patches ``guardrails._duplicates`` patches what it calls.
"""

from __future__ import annotations

from datetime import datetime

from lastmile.cases.models import Case
from lastmile.core.clock import court_date as local_date
from lastmile.core.legal import LegalBasis
from lastmile.parties.models import Party

from .. import rules
from ..error_codes import GuardrailReason
from ..models import DishonestListing, HomeDesignation, VacateNotice
from .duplicates import _duplicates, duplicate_of, duplicate_reason, duplicate_refuse
from .facts import _override, active_grace, age_on, debt_outstanding
from .good_faith import _good_faith
from .limits import _limits
from .limits import _people_behind as _people_behind
from .listing import SETTLEMENT_BREACHED
from .listing import _extension_proven as _extension_proven
from .listing import _listing_preconditions as _listing_preconditions
from .proposal import (
    AUCTION_HOME,
    CREDIT_KINDS,
    EXTENSION_FACTS,
    EXTRA_KINDS,
    FREEZE_BASIC_ACCOUNT,
    OVERRIDABLE,
    PUBLISH,
    VACATE,
    Evaluation,
    GuardrailRefused,
    Proposal,
    Reason,
    Verdict,
    WarningsNotAcknowledged,
)


def measure_evaluate(proposal: Proposal, *, now: datetime) -> Evaluation:
    """Evaluate a proposed measure against the legal limits and the 善意文明执行 guardrails.

    Returns ``refused`` if any refusing rule applies (after 院长 overrides of overridable rules),
    ``warn`` if only warnings apply, else ``allowed``. Reads only; writes nothing.
    """
    today = local_date(now)
    reasons = _limits(proposal, today) + _duplicates(proposal) + _good_faith(proposal, today)
    final: list[Reason] = []
    for r in reasons:
        if r.severity == "refuse" and r.code in OVERRIDABLE:
            ov = _override(proposal, r.code)
            if ov is not None:
                r = Reason(
                    r.code,
                    r.message,
                    r.basis,
                    "warn",
                    override=f"院长{ov.granted_by}于{local_date(ov.granted_at):%Y年%m月%d日}书面批准：{ov.reason}",
                )
        final.append(r)
    verdict: Verdict = "allowed"
    if any(r.severity == "refuse" for r in final):
        verdict = "refused"
    elif final:
        verdict = "warn"
    return Evaluation(verdict, tuple(final))


def home_disposal_evaluate(
    *, case: Case, party: Party, property_ref: str, kind: str, now: datetime
) -> Evaluation:
    """For the disposal app: may this real-estate item be auctioned (``auction_home``) or its
    occupants be ordered to vacate (``vacate``)?"""
    if kind not in (AUCTION_HOME, VACATE):
        raise ValueError(kind)
    return measure_evaluate(Proposal(kind=kind, case=case, subject=party, property_ref=property_ref), now=now)


def home_handover_evaluate(*, case: Case, party: Party, property_ref: str, now: datetime) -> Evaluation:
    """For the disposal app: may this sold real-estate item be handed to the buyer now? Not while
    the family still lives in it: a home under a 腾房公告 is handed over once its occupants have
    left of their own accord or been moved out when the period ran out (民事诉讼法 2023 art. 261;
    拍卖变卖规定 2020 art. 27); the family's necessary home without a 腾房公告 is not handed over."""
    notice = VacateNotice.objects.filter(case=case, property_ref=property_ref).first()
    if notice is not None and notice.vacated:
        return Evaluation("allowed")
    home = HomeDesignation.objects.filter(case=case, party=party, property_ref=property_ref).first()
    if notice is None and not (home is not None and home.necessary_home):
        return Evaluation("allowed")
    who = notice.occupants if notice is not None else "被执行人及其所扶养家属"
    step = (
        f"腾房公告指定的期间至{notice.ends_on:%Y年%m月%d日}届满"
        if notice is not None and notice.ends_on is not None
        else "尚未签发腾房公告"
    )
    reason = Reason(
        GuardrailReason.HOME_OCCUPIED,
        f"该房屋仍由{who}居住使用（{step}），自行腾退或依法强制迁出后方可交付",
        LegalBasis(rules.SALE_RULES, "2020", "27"),
        "refuse",
    )
    return Evaluation("refused", (reason,))


def basic_account_freeze_evaluate(*, case: Case, party: Party, now: datetime) -> Evaluation:
    """For the inquiry/freeze app: may the enterprise's basic operating account be frozen?"""
    return measure_evaluate(Proposal(kind=FREEZE_BASIC_ACCOUNT, case=case, subject=party), now=now)


def listing_publishable(listing: DishonestListing, *, now: datetime) -> Evaluation:
    """Whether a decided listing may be published now (no publication during a grace period)."""
    return measure_evaluate(Proposal(kind=PUBLISH, case=listing.case, subject=listing.party), now=now)


__all__ = [
    "AUCTION_HOME",
    "CREDIT_KINDS",
    "EXTENSION_FACTS",
    "EXTRA_KINDS",
    "FREEZE_BASIC_ACCOUNT",
    "OVERRIDABLE",
    "PUBLISH",
    "SETTLEMENT_BREACHED",
    "VACATE",
    "Evaluation",
    "GuardrailRefused",
    "Proposal",
    "Reason",
    "Verdict",
    "WarningsNotAcknowledged",
    "active_grace",
    "age_on",
    "basic_account_freeze_evaluate",
    "debt_outstanding",
    "duplicate_of",
    "duplicate_reason",
    "duplicate_refuse",
    "home_disposal_evaluate",
    "home_handover_evaluate",
    "listing_publishable",
    "local_date",
    "measure_evaluate",
]
