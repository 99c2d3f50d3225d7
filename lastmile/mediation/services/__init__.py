"""Writes of pre-suit mediation (诉前调解).

Flow: a 民诉前调 case is assigned to a mediator (:func:`mediation_assign`), who has 30 days from
acceptance (在线调解规则 2021 art. 24) to schedule and record online sessions. An agreement
(:func:`mediation_agreement_record`, with installments) is concluded by a judge
(:func:`mediation_conclude`) either as a judicial confirmation (诉前调确, CPL 2023 arts. 205–206)
or as a mediation statement (诉前调书), each a new case with its own number and document. The
document is served electronically (:func:`mediation_result_serve`) and takes effect when every
party is served (:func:`mediation_effective_refresh`). A failed mediation
(:func:`mediation_fail`, or the period running out, :func:`mediation_period_sweep`) goes to trial.

Installments are watched by :func:`mediation_installment_sweep`; a missed one lets the creditor
apply for enforcement at once (:func:`mediation_enforcement_file`, CPL 2023 art. 247).

One module per family of actions:

- :mod:`.sessions`: assignment and online sessions;
- :mod:`.in_suit`: mediation during a lawsuit (诉中调解);
- :mod:`.parties`: what each party does: join, sign the agreement, apply for confirmation;
- :mod:`.outcome`: the agreement with its installments, or the failure;
- :mod:`.conclusion`: the judge's confirmation ruling or statement, its service and effect;
- :mod:`.installments`: payments, missed installments and enforcement of a defaulted agreement;
- :mod:`.common`: the legal bases and helpers the families share.

Every name callers use is re-exported here, so ``from lastmile.mediation.services import X`` and
``services.X`` keep working. To replace a name in a test, patch the module that looks it up (e.g.
``lastmile.mediation.services.conclusion.document_issue``), not this one.
"""

from __future__ import annotations

from .common import BASIS_CONFIRMATION, BASIS_MEDIATION_PERIOD, BASIS_STATEMENT
from .conclusion import (
    mediation_conclude,
    mediation_effective_refresh,
    mediation_result_serve,
)
from .in_suit import IN_SUIT_DAYS, mediation_in_suit_open
from .installments import (
    BASIS_APPLY_ENFORCEMENT,
    mediation_enforcement_file,
    mediation_installment_pay,
    mediation_installment_sweep,
)
from .outcome import (
    FailRefusal,
    InstallmentIn,
    mediation_agreement_record,
    mediation_fail,
    mediation_fail_many,
    mediation_period_sweep,
    mediation_statement_repudiate,
)
from .parties import (
    CONFIRMATION_APPLY_DAYS,
    confirmation_apply_last_day,
    mediation_agreement_sign,
    mediation_agreement_sign_on_site,
    mediation_confirmation_apply,
    mediation_confirmation_apply_at_counter,
    mediation_parties,
    mediation_party_join,
)
from .sessions import mediation_assign, mediation_session_record, mediation_session_schedule

__all__ = [
    "BASIS_APPLY_ENFORCEMENT",
    "BASIS_CONFIRMATION",
    "BASIS_MEDIATION_PERIOD",
    "BASIS_STATEMENT",
    "CONFIRMATION_APPLY_DAYS",
    "IN_SUIT_DAYS",
    "FailRefusal",
    "InstallmentIn",
    "confirmation_apply_last_day",
    "mediation_agreement_record",
    "mediation_agreement_sign",
    "mediation_agreement_sign_on_site",
    "mediation_assign",
    "mediation_conclude",
    "mediation_confirmation_apply",
    "mediation_confirmation_apply_at_counter",
    "mediation_effective_refresh",
    "mediation_enforcement_file",
    "mediation_fail",
    "mediation_fail_many",
    "mediation_in_suit_open",
    "mediation_installment_pay",
    "mediation_installment_sweep",
    "mediation_parties",
    "mediation_party_join",
    "mediation_period_sweep",
    "mediation_result_serve",
    "mediation_session_record",
    "mediation_session_schedule",
    "mediation_statement_repudiate",
]
