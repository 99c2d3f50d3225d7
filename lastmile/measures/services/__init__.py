"""Writes for coercive measures and credit punishment. Every state change writes a case event.

One module per family of actions:

- :mod:`.guardrail_inputs`: debtor profile, enterprise screening, grace period, necessary home, and
  the 院长's written override of a guardrail;
- :mod:`.life`: proposal, approval, execution, lifting and expiry of a measure, and the 失信 listing
  it creates;
- :mod:`.carrying_out`: the carrying out of 拘传, 拘留 and 罚款 (release, early release, payment);
- :mod:`.removal`: removal, revocation and correction of listings, and "not listed" records;
- :mod:`.closing`: what the end of an enforcement case ends (listings deleted, 限消 lifted);
- :mod:`.review`: temporary lifting of a 限制消费令 and 复议 against 拘传, 罚款 and 拘留;
- :mod:`.exports`: exports of the published list;
- :mod:`.referrals`: 拒执 referrals;
- :mod:`.vacating`: the 腾房公告 (drafted, signed by the 院长), voluntary and forced vacating;
- :mod:`.operations`: 专项行动;
- :mod:`.common`: helpers the families share.

Every name is re-exported here, so ``from lastmile.measures.services import measure_propose`` and
``services.measure_propose`` keep working. A test that patches a name patches it in the module
that looks it up (e.g. ``lastmile.measures.services.life._take_effect``), not here.
"""

from .carrying_out import (
    detention_early_release,
    detention_release,
    fine_paid_total,
    fine_payment_record,
    summons_release,
)
from .closing import listing_removal_due, measures_case_closed, measures_requery_recorded
from .exports import publication_export_create
from .guardrail_inputs import (
    debtor_profile_record,
    enterprise_screening_record,
    grace_period_grant,
    guardrail_override_grant,
    home_designation_record,
)
from .life import (
    detention_family_notified,
    listings_performance_refresh,
    listings_publish_due,
    measure_approve,
    measure_execute,
    measure_lift,
    measure_propose,
    measure_reject,
    measures_expire_due,
)
from .operations import (
    TargetCriteria,
    operation_target_assign,
    operation_target_outcome_record,
    special_operation_create,
)
from .referrals import refusal_referral_advance, refusal_referral_prepare
from .removal import (
    correction_request_decide,
    correction_request_receive,
    dishonest_not_applicable_record,
    listing_remove,
    listings_auto_remove,
)
from .review import (
    measure_review_apply,
    measure_review_decide,
    temporary_lift_decide,
    temporary_lift_propose,
)
from .vacating import (
    vacate_notice_days_default,
    vacate_notice_draft,
    vacate_notice_sign,
    vacating_force_record,
    vacating_record,
)

__all__ = [
    "TargetCriteria",
    "correction_request_decide",
    "correction_request_receive",
    "debtor_profile_record",
    "detention_early_release",
    "detention_family_notified",
    "detention_release",
    "dishonest_not_applicable_record",
    "enterprise_screening_record",
    "fine_paid_total",
    "fine_payment_record",
    "grace_period_grant",
    "guardrail_override_grant",
    "home_designation_record",
    "listing_removal_due",
    "listing_remove",
    "listings_auto_remove",
    "listings_performance_refresh",
    "listings_publish_due",
    "measure_approve",
    "measure_execute",
    "measure_lift",
    "measure_propose",
    "measure_reject",
    "measure_review_apply",
    "measure_review_decide",
    "measures_case_closed",
    "measures_expire_due",
    "measures_requery_recorded",
    "operation_target_assign",
    "operation_target_outcome_record",
    "publication_export_create",
    "refusal_referral_advance",
    "refusal_referral_prepare",
    "special_operation_create",
    "summons_release",
    "temporary_lift_decide",
    "temporary_lift_propose",
    "vacate_notice_days_default",
    "vacate_notice_draft",
    "vacate_notice_sign",
    "vacating_force_record",
    "vacating_record",
]
