"""Reads of batch trial, scoped to the actor's court."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseParty, CaseStatus
from lastmile.core.clock import court_date
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.periods import period_end
from lastmile.mediation.models import Mediation, MediationStatus
from lastmile.parties.models import Party
from lastmile.service.selectors import document_service_state

from .models import (
    Appeal,
    Hearing,
    HearingSummons,
    Judgment,
    JudgmentBatch,
    Lawsuit,
    LawsuitStatus,
    Procedure,
)
from .wages import small_claims_limit

APPEAL_DAYS = 15  # CPL 2023 art. 171


def appeal_last_day(served_on: date) -> date:
    """Last day to appeal a judgment served on ``served_on`` (CPL 2023 arts. 85, 171)."""
    return period_end(served_on, APPEAL_DAYS)


def lawsuit_readable(actor: User | Any) -> bool:
    """Whether ``actor`` may open the court's lawsuits (the judges and the filing desk)."""
    return any(actor_can(actor, c) for c in ("trial.work", "case.file"))


def _require_reader(actor: User) -> None:
    if not lawsuit_readable(actor):
        raise PermissionDenied("您没有查看审判案件的权限。", details={"capability": "trial.work"})


def lawsuits_visible_to(actor: User) -> QuerySet[Lawsuit]:
    _require_reader(actor)
    if actor.court_id is None:
        return Lawsuit.objects.none()
    return Lawsuit.objects.filter(court_id=actor.court_id or 0).select_related("case", "judge", "loan_claim")


def lawsuit_get_for(*, actor: User, lawsuit_id: int) -> Lawsuit:
    s = lawsuits_visible_to(actor).filter(pk=lawsuit_id).first()
    if s is None:
        raise NotFound("案件不存在或您无权查看。")
    return s


def lawsuits_in_status(actor: User, status: str) -> QuerySet[Lawsuit]:
    """The court's suits in ``status``; for the open statuses, only those whose case is still open
    (a suit ended by an effective in-suit 调解书 is closed before the sweep marks it 调解结案)."""
    found = lawsuits_visible_to(actor).filter(status=status)
    if status in (LawsuitStatus.FILED, LawsuitStatus.SCHEDULED, LawsuitStatus.HEARD):
        found = found.exclude(case__status=CaseStatus.CLOSED)
    return found.order_by("pk")


def failed_mediations_to_file(actor: User) -> QuerySet[Mediation]:
    _require_reader(actor)
    return (
        Mediation.objects.filter(
            court_id=actor.court_id or 0, status=MediationStatus.FAILED, lawsuit__isnull=True
        )
        .select_related("case")
        .order_by("pk")
    )


def hearing_get_for(*, actor: User, hearing_id: int) -> Hearing:
    h = (
        Hearing.objects.filter(pk=hearing_id, lawsuit__in=lawsuits_visible_to(actor))
        .select_related("lawsuit", "lawsuit__case")
        .first()
    )
    if h is None:
        raise NotFound("庭审不存在或您无权查看。")
    return h


def judgments_visible_to(actor: User) -> QuerySet[Judgment]:
    return Judgment.objects.filter(lawsuit__in=lawsuits_visible_to(actor)).select_related(
        "lawsuit", "lawsuit__case", "document", "enforcement_case"
    )


def judgment_get_for(*, actor: User, judgment_id: int) -> Judgment:
    j = judgments_visible_to(actor).filter(pk=judgment_id).first()
    if j is None:
        raise NotFound("判决不存在或您无权查看。")
    return j


def judgment_of_lawsuit_for(*, actor: User, lawsuit: Lawsuit) -> Judgment:
    j = judgments_visible_to(actor).filter(lawsuit=lawsuit).first()
    if j is None:
        raise NotFound("该案尚未判决。")
    return j


def judgment_batch_get_for(*, actor: User, batch_id: int) -> JudgmentBatch:
    _require_reader(actor)
    b = JudgmentBatch.objects.filter(pk=batch_id, court_id=actor.court_id or 0).first()
    if b is None:
        raise NotFound("批量判决任务不存在或您无权查看。")
    return b


def heard_lawsuits(actor: User) -> QuerySet[Lawsuit]:
    return lawsuits_in_status(actor, LawsuitStatus.HEARD).filter(judgment__isnull=True)


def lawsuit_of_case(case: Case) -> Lawsuit | None:
    return Lawsuit.objects.filter(case=case).select_related("judge").first()


def procedure_of_case(case: Case) -> str | None:
    """The procedure a 民初 case is tried under (``Procedure``), or ``None`` when trial does not
    hold it. Registered with :mod:`lastmile.service.procedure` at startup so service can tell
    whether public notice is allowed (民诉解释 2022 art. 140) without importing trial."""
    procedure: str | None = Lawsuit.objects.filter(case=case).values_list("procedure", flat=True).first()
    return procedure


def judgments_of_client_party(party_id: int) -> QuerySet[Judgment]:
    """Judgments where the institution's party is a plaintiff (what a bank may act on)."""
    return Judgment.objects.filter(
        lawsuit__case__case_parties__party_id=party_id, lawsuit__case__case_parties__role="plaintiff"
    ).select_related("lawsuit", "lawsuit__case", "document", "enforcement_case")


def summonses_of(lawsuit: Lawsuit) -> QuerySet[HearingSummons]:
    return (
        HearingSummons.objects.filter(hearing__lawsuit=lawsuit)
        .select_related("hearing", "party", "document")
        .order_by("hearing__scheduled_at", "pk")
    )


def appeals_of(judgment: Judgment) -> QuerySet[Appeal]:
    return Appeal.objects.filter(judgment=judgment).select_related("appellant", "document").order_by("pk")


@dataclass(frozen=True)
class LawsuitActions:
    """Which acts the law allows on a lawsuit now (the page shows only these buttons)."""

    agree_small_claims: bool
    convert_to: tuple[str, ...]
    appeal: bool
    judgment: Judgment | None


def lawsuit_actions(lawsuit: Lawsuit, *, today: date) -> LawsuitActions:
    """Small-claims agreement: simplified, no exclusion, no hearing held, no judgment, amount within
    2× the wage (CPL 2023 art. 165 ¶2). Conversion: before judgment, to a later procedure only
    (arts. 169–170). Appeal: a judgment not small claims, not effective, with a party whose period
    (15 days from service, art. 171) has not ended."""
    judgment = Judgment.objects.filter(lawsuit=lawsuit).select_related("document").first()
    agree = False
    if (
        judgment is None
        and lawsuit.procedure == Procedure.SIMPLIFIED
        and not lawsuit.exclusions
        and not lawsuit.hearings.filter(held_at__isnull=False).exists()
    ):
        try:
            limits = small_claims_limit(court_code=lawsuit.court.code, on=court_date(lawsuit.filed_at))
            agree = lawsuit.claimed <= limits.agreed_limit
        except DomainError:
            agree = False
    convert: tuple[str, ...] = ()
    if judgment is None:
        if lawsuit.procedure == Procedure.SMALL_CLAIMS:
            convert = (Procedure.SIMPLIFIED, Procedure.ORDINARY)
        elif lawsuit.procedure == Procedure.SIMPLIFIED:
            convert = (Procedure.ORDINARY,)
    appeal = False
    if judgment is not None and lawsuit.appealable and judgment.effective_on is None:
        served = document_service_state(judgment.document).served_on
        appealed = set(Appeal.objects.filter(judgment=judgment).values_list("appellant_id", flat=True))
        appeal = (
            any(d is None or today <= appeal_last_day(d) for pid, d in served.items() if pid not in appealed)
            or not served
        )
    return LawsuitActions(agree_small_claims=agree, convert_to=convert, appeal=appeal, judgment=judgment)


def party_of_lawsuit(lawsuit: Lawsuit, party_id: object) -> Party | None:
    """A party of the lawsuit's case by id (None for an empty id; NotFound for anyone else)."""
    if party_id in (None, ""):
        return None
    row = (
        CaseParty.objects.filter(case=lawsuit.case, party_id=int(str(party_id)))
        .select_related("party")
        .first()
    )
    if row is None:
        raise NotFound("上诉人不是本案当事人。")
    return row.party


WORK_STAGES = ("to_file", "to_schedule", "hearings", "heard", "judgments")


def work_stage(actor: User, stage: str) -> QuerySet[Any]:
    """The rows of one stage of the trial workbench, every one of them (the page pages them):
    failed mediations to file, lawsuits to schedule, hearings scheduled, lawsuits heard and waiting
    for judgment, judgments."""
    if stage == "to_file":
        return failed_mediations_to_file(actor)
    if stage == "to_schedule":
        return lawsuits_in_status(actor, LawsuitStatus.FILED)
    if stage == "hearings":
        return Hearing.objects.filter(
            lawsuit__in=lawsuits_in_status(actor, LawsuitStatus.SCHEDULED)
        ).select_related("lawsuit__case")
    if stage == "heard":
        return heard_lawsuits(actor)
    if stage == "judgments":
        return judgments_visible_to(actor)
    raise NotFound("未知的工作阶段。")


def work_stage_filter(
    qs: QuerySet[Any],
    *,
    case_path: str,
    query: str = "",
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> QuerySet[Any]:
    """Narrows a stage's rows by their case: ``query`` finds the case number, a party's name or ID
    number or the loan contract number; the amount claimed; the day the case was received."""
    p = f"{case_path}__"
    if query := query.strip()[:64]:
        partial = query.replace("(", "（").replace(")", "）")
        matching = Case.objects.filter(
            Q(number__contains=partial)
            | Q(case_parties__party__name__contains=query)
            | Q(case_parties__party__id_number=query.upper())
            | Q(loan_claim__contract_no=query)
        )
        qs = qs.filter(**{f"{p}in": matching.values("pk")})
    if amount_min is not None:
        qs = qs.filter(**{f"{p}amount_claimed__gte": amount_min})
    if amount_max is not None:
        qs = qs.filter(**{f"{p}amount_claimed__lte": amount_max})
    if received_from:
        qs = qs.filter(**{f"{p}received_at__date__gte": received_from})
    if received_to:
        qs = qs.filter(**{f"{p}received_at__date__lte": received_to})
    return qs
