"""Reads of mediation: for staff, scoped to the actor's court; for a party (the portal), its own
mediations only, without the mediator's minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import CREDITOR_ROLES, DEBTOR_ROLES, Case, CaseParty, CaseStatus
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.core.money import format_yuan
from lastmile.documents.models import Document
from lastmile.filing.conf import filing_setting
from lastmile.parties.models import Party

from .models import (
    Agreement,
    Installment,
    Mediation,
    MediationStage,
    MediationStatus,
    PartyAct,
    PartyActKind,
)
from .services.parties import confirmation_apply_last_day, mediation_parties


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


def mediation_queue(
    actor: User,
    *,
    query: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
) -> QuerySet[Case]:
    """The cases waiting for a mediator, filtered: ``query`` finds a case by its number, a party's
    name or ID number or the loan contract number. Every row, never a cut (the page pages it)."""
    qs = cases_awaiting_mediation(actor).select_related("officer")
    if query := query.strip()[:64]:
        partial = query.replace("(", "（").replace(")", "）")
        matching = Case.objects.filter(
            Q(number__contains=partial)
            | Q(case_parties__party__name__contains=query)
            | Q(case_parties__party__id_number=query.upper())
            | Q(loan_claim__contract_no=query)
        )
        qs = qs.filter(pk__in=matching.values("pk"))
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    if amount_min is not None:
        qs = qs.filter(amount_claimed__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount_claimed__lte=amount_max)
    return qs


def lawsuit_case_by_number(*, actor: User, number: str) -> Case:
    """A 民初 case of the actor's court, by its number, for 诉中调解."""
    _require_reader(actor)
    case = Case.objects.filter(court_id=actor.court_id or 0, number=number, type_code="民初").first()
    if case is None:
        raise NotFound("未找到本院该一审民事案件（民初），请核对案号。")
    return case


def agreements_awaiting_conclusion(actor: User) -> QuerySet[Mediation]:
    """Agreements a judge must turn into a 诉前调确 ruling or a 诉前调书."""
    return mediations_visible_to(actor).filter(status=MediationStatus.AGREED).order_by("pk")


def in_suit_mediation_pending(case: Case) -> bool:
    """Whether a 民初 case is being mediated in the suit, or its 调解书 awaits the parties' receipt:
    trial should not judge it meanwhile (CPL 2023 arts. 100, 102)."""
    return (
        Mediation.objects.filter(
            case=case,
            stage=MediationStage.IN_SUIT,
            status__in=[MediationStatus.MEDIATING, MediationStatus.AGREED],
        ).exists()
        or Mediation.objects.filter(
            case=case,
            stage=MediationStage.IN_SUIT,
            status=MediationStatus.CONCLUDED,
            effective_on__isnull=True,
        ).exists()
    )


def in_suit_statement_effective(case: Case) -> Mediation | None:
    """The in-suit mediation whose 民事调解书 has taken effect, ending the suit by mediation
    (CPL 2023 art. 100), or ``None``."""
    return (
        Mediation.objects.filter(
            case=case,
            stage=MediationStage.IN_SUIT,
            status=MediationStatus.CONCLUDED,
            effective_on__isnull=False,
        )
        .select_related("result_document")
        .first()
    )


def in_suit_statements_effective() -> QuerySet[Mediation]:
    """Every in-suit mediation whose 民事调解书 has taken effect (for the stage above to settle its rows)."""
    return Mediation.objects.filter(
        stage=MediationStage.IN_SUIT, status=MediationStatus.CONCLUDED, effective_on__isnull=False
    )


def mediation_of_case(case: Case) -> Mediation | None:
    return (
        Mediation.objects.filter(case=case).select_related("mediator", "result_case").first()
        or Mediation.objects.filter(result_case=case).select_related("mediator", "case").first()
    )


# --- the parties' side (the portal) -----------------------------------------------------------


def _party_roles() -> tuple[str, ...]:
    return (*CREDITOR_ROLES, *DEBTOR_ROLES)


def mediations_of_party(party: Party) -> QuerySet[Mediation]:
    """The mediations a party is a party to (as creditor or debtor of the mediated case), newest
    first. Deny by default: nothing else is reachable through the party's login."""
    cases = CaseParty.objects.filter(party=party, role__in=_party_roles()).values("case_id")
    return (
        Mediation.objects.filter(case_id__in=cases)
        .select_related("case", "court", "mediator", "result_document")
        .order_by("-assigned_at", "-pk")
    )


def mediation_get_for_party(*, party: Party, mediation_id: int) -> Mediation:
    m = mediations_of_party(party).filter(pk=mediation_id).first()
    if m is None:
        raise NotFound("调解案件不存在或您无权查看。")
    return m


@dataclass(frozen=True)
class PartyActRow:
    name: str
    is_me: bool
    joined: PartyAct | None
    signed: PartyAct | None
    applied: PartyAct | None


@dataclass(frozen=True)
class PartySessionRow:
    scheduled_at: datetime
    link: str
    held: bool


@dataclass(frozen=True)
class PartyMediationView:
    """What a party sees of its mediation: the sessions (time and link, never the minutes), the
    draft or effective agreement with its schedule, each party's acts, and what it may do now.
    The mediator's minutes and the court's internal notes are not part of it."""

    mediation: Mediation
    case_number: str
    court_name: str
    mediator_name: str
    status_label: str
    stage_label: str
    sessions: list[PartySessionRow]
    agreement: Agreement | None
    installments: list[Installment]
    schedule: list[tuple[int, date, str]]  # (期次, 付款期限, amount as ``12,345.67``)
    total_text: str
    rows: list[PartyActRow]
    may_join: bool
    may_sign: bool
    may_apply: bool
    apply_last_day: date | None
    result_title: str
    result_number: str
    result_document_id: int | None
    effective_on: date | None


def party_mediation_view(*, party: Party, mediation: Mediation) -> PartyMediationView:
    acts: dict[tuple[int, str], PartyAct] = {
        (a.party_id, a.kind): a for a in PartyAct.objects.filter(mediation=mediation)
    }
    rows = [
        PartyActRow(
            name=p.name,
            is_me=p.pk == party.pk,
            joined=acts.get((p.pk, PartyActKind.JOINED)),
            signed=acts.get((p.pk, PartyActKind.SIGNED)),
            applied=acts.get((p.pk, PartyActKind.APPLIED)),
        )
        for p in mediation_parties(mediation)
    ]
    mine = next((r for r in rows if r.is_me), None)
    agreement = Agreement.objects.filter(mediation=mediation).first()
    open_ = mediation.status in (MediationStatus.MEDIATING, MediationStatus.AGREED)
    agreed = mediation.status == MediationStatus.AGREED and agreement is not None
    last_day = confirmation_apply_last_day(agreement) if agreement else None
    doc = mediation.result_document
    installments = list(agreement.installments.order_by("seq")) if agreement else []
    return PartyMediationView(
        mediation=mediation,
        case_number=mediation.case.number,
        court_name=mediation.court.name,
        mediator_name=mediation.mediator.name,
        status_label=str(mediation.get_status_display()),
        stage_label=str(mediation.get_stage_display()),
        sessions=[
            PartySessionRow(s.scheduled_at, s.link, s.held_at is not None)
            for s in mediation.sessions.order_by("scheduled_at")
        ],
        agreement=agreement,
        installments=installments,
        schedule=[(i.seq, i.due_on, format_yuan(i.amount)) for i in installments],
        total_text=format_yuan(agreement.total) if agreement else "",
        rows=rows,
        may_join=open_ and mine is not None and mine.joined is None,
        may_sign=agreed and mine is not None and mine.joined is not None and mine.signed is None,
        may_apply=(
            agreed
            and mediation.stage == MediationStage.PRE_SUIT
            and mine is not None
            and mine.applied is None
            and agreement is not None
            and agreement.effective_on is not None
        ),
        apply_last_day=last_day,
        result_title=doc.template.name if doc else "",
        result_number=doc.number if doc else "",
        result_document_id=doc.pk if doc else None,
        effective_on=mediation.effective_on,
    )


def party_mediation_document(*, party: Party, mediation_id: int) -> Document:
    """The 调确 ruling or 调解书 of a party's own mediation, once issued."""
    m = mediation_get_for_party(party=party, mediation_id=mediation_id)
    if m.result_document is None:
        raise NotFound("尚未出具文书。")
    return m.result_document
