"""Writes of batch trial: file failed mediations as 民初, schedule hearings in batches on the
video-hearing system, issue the standard loan judgment in batch, serve it, settle the effective
date, and move an unpaid judgment into enforcement in one call.

One module per family of actions:

- :mod:`.filing`: failed mediations filed as 民初 (procedure, fee, trial time limit; CPL 2023
  arts. 126, 152, 164, 165, 168);
- :mod:`.hearings`: hearings scheduled in batches with a 传票 to every party, and recorded with
  their 庭审笔录 (notice, art. 139; the result never before the hearing);
- :mod:`.procedure`: the parties' agreement to small claims (art. 165), conversions before
  judgment (arts. 166, 169, 170) and the fee difference (民诉解释 2022 art. 199);
- :mod:`.judgments`: the standard loan judgment, one by one or in a batch, never while the suit is
  being mediated, and a suit ended by an effective 民事调解书 marked 调解结案 (arts. 100, 102);
- :mod:`.effect`: service, appeal and the effective date (arts. 165, 171; public notice after
  conversion to ordinary procedure, 民诉解释 2022 art. 140);
- :mod:`.enforcement`: performance reported, or enforcement applied for (art. 247);
- :mod:`.common`: helpers the families share.

Every name callers use is re-exported here, so ``from lastmile.trial.services import X`` and
``services.X`` keep working. To replace a name in a test, patch the module that looks it up (e.g.
``lastmile.trial.services.hearings.video_hearing_port``), not this one.
"""

from __future__ import annotations

from .effect import (
    APPEAL_DAYS_JUDGMENT,
    BASIS_APPEAL,
    BASIS_NO_NOTICE_SIMPLIFIED,
    BASIS_SMALL_CLAIMS,
    appeal_last_day,
    appeal_period_of,
    judgment_appeal_record,
    judgment_effective_refresh,
    judgment_serve,
    judgment_service_fallback,
    trial_sweep,
)
from .enforcement import BASIS_APPLY_ENFORCEMENT, judgment_enforcement_file, judgment_paid_record
from .filing import (
    BASIS_FILING,
    TIME_LIMIT_BASIS,
    TIME_LIMIT_MONTHS,
    lawsuits_file_from_mediation,
    procedure_for,
)
from .hearings import (
    BASIS_HEARING_NOTICE,
    hearing_batch_summon,
    hearing_record,
    hearings_schedule_batch,
    summons_issue,
)
from .judgments import (
    BASIS_NO_JUDGMENT_IN_MEDIATION,
    judgment_batch_progress,
    judgment_batch_run,
    judgment_context,
    judgment_issue,
    judgments_batch_create,
    lawsuit_mediation_settle,
    lawsuits_mediation_settle,
)
from .procedure import lawsuit_procedure_convert, lawsuit_small_claims_agree

__all__ = [
    "APPEAL_DAYS_JUDGMENT",
    "BASIS_APPEAL",
    "BASIS_APPLY_ENFORCEMENT",
    "BASIS_FILING",
    "BASIS_HEARING_NOTICE",
    "BASIS_NO_JUDGMENT_IN_MEDIATION",
    "BASIS_NO_NOTICE_SIMPLIFIED",
    "BASIS_SMALL_CLAIMS",
    "TIME_LIMIT_BASIS",
    "TIME_LIMIT_MONTHS",
    "appeal_last_day",
    "appeal_period_of",
    "hearing_batch_summon",
    "hearing_record",
    "hearings_schedule_batch",
    "judgment_appeal_record",
    "judgment_batch_progress",
    "judgment_batch_run",
    "judgment_context",
    "judgment_effective_refresh",
    "judgment_enforcement_file",
    "judgment_issue",
    "judgment_paid_record",
    "judgment_serve",
    "judgment_service_fallback",
    "judgments_batch_create",
    "lawsuit_mediation_settle",
    "lawsuit_procedure_convert",
    "lawsuit_small_claims_agree",
    "lawsuits_file_from_mediation",
    "lawsuits_mediation_settle",
    "procedure_for",
    "summons_issue",
    "trial_sweep",
]
