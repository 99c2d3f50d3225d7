"""The error codes of enforcement measures (执行措施): :class:`MeasureErrorCode` are the codes of
a refused proposal; :class:`GuardrailReason` are the codes of the rules that refused or warned
(``details["reasons"][i]["code"]``). The values are the wire format."""

from __future__ import annotations

from enum import StrEnum


class MeasureErrorCode(StrEnum):
    GUARDRAIL_REFUSED = "guardrail_refused"
    GUARDRAIL_WARNINGS_UNACKNOWLEDGED = "guardrail_warnings_unacknowledged"


class GuardrailReason(StrEnum):
    CAMPUS_LOAN_STUDENT = "campus_loan_student"
    DETENTION_DAYS = "detention_days"
    DETENTION_PERSON_ONLY = "detention_person_only"
    DUPLICATE = "duplicate"
    ENTERPRISE_NOT_SCREENED = "enterprise_not_screened"
    ENTERPRISE_STRUGGLING = "enterprise_struggling"
    FINE_PERSON_LIMIT = "fine_person_limit"
    FINE_UNIT_LIMIT = "fine_unit_limit"
    GRACE_PERIOD = "grace_period"
    GRACE_PERIOD_DEFERS = "grace_period_defers"
    LISTING_EXTENSION = "listing_extension"
    LISTING_GROUND = "listing_ground"
    MINOR = "minor"
    NECESSARY_HOME = "necessary_home"
    QUESTIONING_HOURS = "questioning_hours"
    SUMMONS_PERSON_ONLY = "summons_person_only"
    SUMMONS_TWICE = "summons_twice"
    VACATE_GRACE = "vacate_grace"
    VACATE_NO_NOTICE = "vacate_no_notice"
    # 民事诉讼法 2023 art. 261: forced vacating needs the 院长's 腾房公告 and its period run out
    VACATE_NO_ANNOUNCEMENT = "vacate_no_announcement"
    VACATE_ANNOUNCEMENT_PERIOD = "vacate_announcement_period"
    VACATE_ALREADY_VACATED = "vacate_already_vacated"
    HOME_OCCUPIED = "home_occupied"
    GROUND1_COVERED = "ground1_covered"
    RELIST_WITHIN_6_MONTHS = "relist_within_6_months"
    NOTHING_OWED = "nothing_owed"
    NOTICE_NOT_SERVED = "notice_not_served"
    REPORT_ORDER_NOT_SERVED = "report_order_not_served"
    GROUND_NOT_PROVEN = "ground_not_proven"
    EXTENSION_FACTS = "extension_facts"
    BIRTH_DATE_UNKNOWN = "birth_date_unknown"
    # 民事诉讼法 2023 art. 114 ¶2; 民诉解释 2022 art. 482 (issue K item 7)
    ORGANISATION_KIND = "organisation_kind"
    ORGANISATION_NOT_UNIT = "organisation_not_unit"
    ORGANISATION_PERSON_ONLY = "organisation_person_only"
    ORGANISATION_CAPACITY = "organisation_capacity"
    ORGANISATION_NOT_LINKED = "organisation_not_linked"
