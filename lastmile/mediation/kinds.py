"""The mediation app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class MediationEvent(EventKind):
    ASSIGNED = "mediation.assigned"
    SESSION_SCHEDULED = "mediation.session_scheduled"
    SESSION_RECORDED = "mediation.session_recorded"
    AGREED = "mediation.agreed"
    RESULT_ISSUED = "mediation.result_issued"
    CONCLUDED = "mediation.concluded"
    EFFECTIVE = "mediation.effective"
    FAILED = "mediation.failed"
    INSTALLMENT_PAID = "mediation.installment_paid"
    INSTALLMENT_MISSED = "mediation.installment_missed"
    ENFORCEMENT_FILED = "mediation.enforcement_filed"
    PARTY_JOINED = "mediation.party_joined"
    AGREEMENT_SIGNED = "mediation.agreement_signed"
    AGREEMENT_EFFECTIVE = "mediation.agreement_effective"
    CONFIRMATION_APPLIED = "mediation.confirmation_applied"
    IN_SUIT_OPENED = "mediation.in_suit_opened"
    RETURNED_TO_TRIAL = "mediation.returned_to_trial"


class MediationDeadline(DeadlineKind):
    PERIOD = "mediation_period", _("调解期限")
