"""Coercive measures (强制措施) and credit punishment (信用惩戒): their rows and constraints.

One module per family of rows:

- :mod:`.measure`: :class:`Measure` (one 拘传, 罚款, 司法拘留, 限制消费, 失信 decision, 限制出境 or
  vehicle seizure, with its legal basis, approval chain, document number, start and end, and the
  guardrail evaluation it passed, 善意文明执行, 法发〔2019〕35号), its subjects, temporary lifts and
  reviews;
- :mod:`.listing`: :class:`DishonestListing`, the published 失信 entry (失信规定 2017 art. 6),
  denormalised so the public query reads one indexed table (the full ID number is kept only as a
  search key), its corrections, "not listed" records and publication exports;
- :mod:`.guardrail_inputs`: :class:`DebtorProfile` (campus loan, full-time student),
  :class:`EnterpriseScreening` (struggling vs. evading), :class:`GracePeriod`,
  :class:`HomeDesignation` (the family's necessary home), :class:`GuardrailOverride`;
- :mod:`.vacating`: :class:`VacateNotice` (腾房公告, its period and the vacating that followed);
- :mod:`.referrals`: :class:`RefusalReferral` (拒执) with its steps;
- :mod:`.operations`: :class:`SpecialOperation` (专项行动) with its targets.

Every model, choice class and constant is re-exported here, so
``from lastmile.measures.models import X`` keeps working (and Django finds the models).
"""

from __future__ import annotations

from .guardrail_inputs import (
    DebtorProfile,
    EnterpriseScreening,
    GracePeriod,
    GuardrailOverride,
    HomeDesignation,
)
from .listing import (
    LISTED_STATUSES,
    CorrectionRequest,
    CorrectionStatus,
    DishonestListing,
    DishonestNotApplicable,
    ListingStatus,
    PublicationChannel,
    PublicationExport,
    RemovalGround,
)
from .measure import (
    ACTIVE_STATUSES,
    PENDING_OR_ACTIVE,
    REPEATABLE_KINDS,
    DishonestGround,
    FinePayment,
    LiftStatus,
    Measure,
    MeasureKind,
    MeasureReview,
    MeasureStatus,
    MeasureSubject,
    ReviewOutcome,
    SubjectCapacity,
    TemporaryLift,
)
from .operations import OperationTarget, SpecialOperation, TargetOutcome
from .referrals import ReferralStatus, ReferralStep, RefusalReferral
from .vacating import VacateNotice, VacateStatus

__all__ = [
    "ACTIVE_STATUSES",
    "LISTED_STATUSES",
    "PENDING_OR_ACTIVE",
    "REPEATABLE_KINDS",
    "CorrectionRequest",
    "CorrectionStatus",
    "DebtorProfile",
    "DishonestGround",
    "DishonestListing",
    "DishonestNotApplicable",
    "EnterpriseScreening",
    "FinePayment",
    "GracePeriod",
    "GuardrailOverride",
    "HomeDesignation",
    "LiftStatus",
    "ListingStatus",
    "Measure",
    "MeasureKind",
    "MeasureReview",
    "MeasureStatus",
    "MeasureSubject",
    "OperationTarget",
    "PublicationChannel",
    "PublicationExport",
    "ReferralStatus",
    "ReferralStep",
    "RefusalReferral",
    "RemovalGround",
    "ReviewOutcome",
    "SpecialOperation",
    "SubjectCapacity",
    "TargetOutcome",
    "TemporaryLift",
    "VacateNotice",
    "VacateStatus",
]
