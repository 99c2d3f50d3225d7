"""Reads of batch trial, scoped to the actor's court."""

from __future__ import annotations

from django.db.models import QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.mediation.models import Mediation, MediationStatus

from .models import Hearing, Judgment, JudgmentBatch, Lawsuit, LawsuitStatus


def _require_reader(actor: User) -> None:
    if not any(actor_can(actor, c) for c in ("trial.work", "case.file")):
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
    return lawsuits_visible_to(actor).filter(status=status).order_by("pk")


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


def judgments_of_client_party(party_id: int) -> QuerySet[Judgment]:
    """Judgments where the institution's party is a plaintiff (what a bank may act on)."""
    return Judgment.objects.filter(
        lawsuit__case__case_parties__party_id=party_id, lawsuit__case__case_parties__role="plaintiff"
    ).select_related("lawsuit", "lawsuit__case", "document", "enforcement_case")
