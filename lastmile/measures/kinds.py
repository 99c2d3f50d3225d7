"""The measures app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class MeasuresEvent(EventKind):
    DEBTOR_PROFILE = "measures.debtor_profile"
    ENTERPRISE_SCREENED = "measures.enterprise_screened"
    GRACE_GRANTED = "measures.grace_granted"
    HOME_DESIGNATED = "measures.home_designated"
    GUARDRAIL_OVERRIDE = "measures.guardrail_override"
    PROPOSED = "measures.proposed"
    APPROVED = "measures.approved"
    REJECTED = "measures.rejected"
    IN_FORCE = "measures.in_force"
    EXPIRED = "measures.expired"
    LIFTED = "measures.lifted"
    REVOKED = "measures.revoked"
    FAMILY_NOTIFIED = "measures.family_notified"
    LISTING_PUBLISHED = "measures.listing_published"
    LISTING_REMOVED = "measures.listing_removed"
    LISTING_PERFORMANCE_UPDATED = "measures.listing_performance_updated"
    CORRECTION_RECEIVED = "measures.correction_received"
    CORRECTION_DECIDED = "measures.correction_decided"
    DISHONEST_NOT_APPLICABLE = "measures.dishonest_not_applicable"
    TEMPORARY_LIFT_PROPOSED = "measures.temporary_lift_proposed"
    TEMPORARY_LIFT_DECIDED = "measures.temporary_lift_decided"
    REVIEW_APPLIED = "measures.review_applied"
    REVIEW_DECIDED = "measures.review_decided"
    REFERRAL_PREPARED = "measures.referral_prepared"
    REFERRAL_STEP = "measures.referral_step"
    OPERATION_OUTCOME = "measures.operation_outcome"
    # carrying out (issue K item 2)
    SUMMONS_RELEASED = "measures.summons_released"
    DETENTION_RELEASED = "measures.detention_released"
    DETENTION_EARLY_RELEASED = "measures.detention_early_released"
    FINE_PAID = "measures.fine_paid"
    # 腾房 (民事诉讼法 2023 art. 261)
    VACATE_NOTICE_DRAFTED = "measures.vacate_notice_drafted"
    VACATE_NOTICE_ISSUED = "measures.vacate_notice_issued"
    VACATED = "measures.vacated"
    VACATE_FORCED = "measures.vacate_forced"


class MeasuresDeadline(DeadlineKind):
    DETENTION_FAMILY_NOTICE = "detention_family_notice", _("拘留后通知家属")
    REVIEW_WINDOW = "measure_review_window", _("措施复议申请期")  # source: the Measure
    REVIEW = "measure_review", _("复议审查")  # source: the MeasureReview
    LISTING_CORRECTION = "listing_correction", _("失信信息纠正审查")  # source: the CorrectionRequest
    LISTING_REMOVAL = "listing_removal", _("删除失信信息")  # source: the DishonestListing
