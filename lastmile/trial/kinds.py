"""The trial app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class TrialEvent(EventKind):
    HEARING_SCHEDULED = "trial.hearing_scheduled"
    HEARD = "trial.heard"
    JUDGMENT_ISSUED = "trial.judgment_issued"
    JUDGMENT_EFFECTIVE = "trial.judgment_effective"
    APPEALED = "trial.appealed"
    PAID = "trial.paid"
    PROCEDURE_CONVERTED = "trial.procedure_converted"
    SMALL_CLAIMS_AGREED = "trial.small_claims_agreed"
    FEE_DIFFERENCE_CHARGED = "trial.fee_difference_charged"
    SUMMONED = "trial.summoned"
    ENFORCEMENT_FILED = "trial.enforcement_filed"


class TrialDeadline(DeadlineKind):
    TIME_LIMIT = "trial_time_limit", _("审理期限届满")
