"""Reads of pre-suit mediation, scoped to the actor's court."""

from __future__ import annotations

from django.db.models import QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.filing.conf import filing_setting

from .models import Mediation, MediationStatus


def _require_reader(actor: User) -> None:
    if not any(actor_can(actor, c) for c in ("mediation.work", "trial.work", "filing.batch")):
        raise PermissionDenied("您没有查看调解案件的权限。", details={"capability": "mediation.work"})


def mediations_visible_to(actor: User) -> QuerySet[Mediation]:
    _require_reader(actor)
    if actor.court_id is None:
        return Mediation.objects.none()
    return Mediation.objects.filter(court_id=actor.court_id or 0).select_related(
        "case", "mediator", "result_case", "result_document"
    )


def mediation_get_for(*, actor: User, mediation_id: int) -> Mediation:
    m = mediations_visible_to(actor).filter(pk=mediation_id).first()
    if m is None:
        raise NotFound("调解案件不存在或您无权查看。")
    return m


def mediator_workbench(actor: User) -> QuerySet[Mediation]:
    """The mediator's own open mediations, the period ending soonest first."""
    require(actor, "mediation.work")
    return (
        mediations_visible_to(actor)
        .filter(mediator=actor, status__in=[MediationStatus.MEDIATING, MediationStatus.AGREED])
        .order_by("period_ends_on", "pk")
    )


def cases_awaiting_mediation(actor: User) -> QuerySet[Case]:
    """民诉前调 cases of the court filed and not yet given to a mediator."""
    _require_reader(actor)
    return Case.objects.filter(
        court_id=actor.court_id or 0,
        type_code=str(filing_setting("CASE_TYPE_CODE")),
        status=CaseStatus.FILED,
        mediation__isnull=True,
    ).order_by("seq")


def agreements_awaiting_conclusion(actor: User) -> QuerySet[Mediation]:
    """Agreements a judge must turn into a 诉前调确 ruling or a 诉前调书."""
    return mediations_visible_to(actor).filter(status=MediationStatus.AGREED).order_by("pk")


def mediation_of_case(case: Case) -> Mediation | None:
    return (
        Mediation.objects.filter(case=case).select_related("mediator", "result_case").first()
        or Mediation.objects.filter(result_case=case).select_related("mediator", "case").first()
    )
