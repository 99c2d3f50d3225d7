"""The enforcement app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class EnforcementEvent(EventKind):
    FILED = "enforcement.filed"
    RECEIVED_ONLINE = "enforcement.received_online"
    ACCEPTED = "enforcement.accepted"
    LATE_APPLICATION = "enforcement.late_application"
    TRIAGED = "enforcement.triaged"
    # 涉企 case put on the green channel (法发〔2019〕35号): screened first, triaged first.
    GREEN_CHANNEL = "enforcement.green_channel"
    TRIAGE_RULES_UPDATED = "enforcement.triage_rules_updated"
    ASSIGNED = "enforcement.assigned"
    # changed by hand by whoever dispatches enforcement work, with the reason (services.assignment)
    TRACK_CHANGED = "enforcement.track_changed"
    REASSIGNED = "enforcement.reassigned"
    PAUSE_STARTED = "enforcement.pause_started"
    PAUSE_ENDED = "enforcement.pause_ended"
    EXTENSION_REQUESTED = "enforcement.extension_requested"
    EXTENSION_APPROVED = "enforcement.extension_approved"
    EXTENSION_REFUSED = "enforcement.extension_refused"
    STEP_EXECUTION_NOTICE = "enforcement.step.execution_notice"
    STEP_PROPERTY_REPORT_ORDER = "enforcement.step.property_report_order"
    STEP_PROPERTY_REPORT_RECEIVED = "enforcement.step.property_report_received"
    STEP_CONSUMPTION_RESTRICTION = "enforcement.step.consumption_restriction"
    STEP_DISHONEST_LISTED = "enforcement.step.dishonest_listed"
    STEP_DISHONEST_NA = "enforcement.step.dishonest_na"
    STEP_ONLINE_INQUIRY = "enforcement.step.online_inquiry"
    STEP_ONSITE_INVESTIGATION = "enforcement.step.onsite_investigation"
    STEP_DEBTOR_SEARCH = "enforcement.step.debtor_search"
    STEP_OBSTRUCTION_PUNISHED = "enforcement.step.obstruction_punished"
    STEP_APPLICANT_INTERVIEW = "enforcement.step.applicant_interview"
    CLUE_SUBMITTED = "enforcement.clue_submitted"
    CLUE_VERIFIED = "enforcement.clue_verified"
    EMERGENCY_OPENED = "enforcement.emergency_opened"
    EMERGENCY_CLOSED = "enforcement.emergency_closed"
    ASSISTANCE_SENT = "enforcement.assistance_sent"
    ASSISTANCE_ACCEPTED = "enforcement.assistance_accepted"
    ASSISTANCE_REPLIED = "enforcement.assistance_replied"
    SETTLEMENT_RECORDED = "enforcement.settlement_recorded"
    INSTALLMENT_PAID = "enforcement.installment_paid"
    SETTLEMENT_DEFAULTED = "enforcement.settlement_defaulted"
    SETTLEMENT_RELEASE_APPLIED = "enforcement.settlement_release_applied"
    SETTLEMENT_RELEASE_APPROVED = "enforcement.settlement_release_approved"
    SETTLEMENT_RELEASE_REFUSED = "enforcement.settlement_release_refused"
    SUSPENDED = "enforcement.suspended"
    RESUMED = "enforcement.resumed"
    CLOSED = "enforcement.closed"
    RESTORED = "enforcement.restored"
    REQUERY_SCHEDULED = "enforcement.requery_scheduled"
    REQUERY_DONE = "enforcement.requery_done"
    ZHONGBEN_OPINION_RECORDED = "enforcement.zhongben_opinion_recorded"
    ZHONGBEN_REVIEW_RECORDED = "enforcement.zhongben_review_recorded"
    ZHONGBEN_REVIEW_APPROVED = "enforcement.zhongben_review_approved"
    ZHONGBEN_RULING_ISSUED = "enforcement.zhongben_ruling_issued"
    TERMINATION_RULING_ISSUED = "enforcement.termination_ruling_issued"
    RESTORE_NOTICE_ISSUED = "enforcement.restore_notice_issued"
    ZHONGBEN_PUBLISHED = "enforcement.zhongben_published"


class EnforcementDeadline(DeadlineKind):
    FILING = "filing", _("审查立案")
    EXECUTION_NOTICE = "execution_notice", _("发出执行通知书")
    PROPERTY_REPORT_ORDER = "property_report_order", _("发出报告财产令")
    TIME_LIMIT = "time_limit", _("执行期限届满")
    TIME_LIMIT_WARNING = "time_limit_warning", _("执行期限即将届满")
    CLUE_CHECK = "clue", _("线索核查")  # source: the Clue
    ASSISTANCE_REPLY = "assist", _("委托/协助执行回复")  # source: the AssistanceRequest
    SETTLEMENT_INSTALLMENT = "settle", _("和解分期履行")  # source: the SettlementInstallment
    REQUERY = "requery", _("终本后财产复查")  # source: the PropertyRequery
