"""Reads of requests between courts (委托执行, 协助执行). The assisting court reads only the
requests addressed to it and what travels with them, never the rest of the requesting court's case;
the requesting court reads them on its own case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, QuerySet, Value, When

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import CaseParty, PartyRole
from lastmile.cases.selectors import cases_visible_to
from lastmile.core.errors import NotFound
from lastmile.documents.context import party_context

from .models import AssistanceRequest, AssistanceStatus, EnforcementCase

ASSISTANCE_OPEN = (AssistanceStatus.SENT, AssistanceStatus.ACCEPTED)


def court_on_platform(court: Court) -> bool:
    """Whether ``court`` works on this platform (has an active staff account): only then does it
    answer in its own account; otherwise the letter goes out through the 执行指挥管理平台."""
    return User.objects.filter(court=court, is_active=True).exclude(role="").exists()


def assistance_incoming(*, user: User) -> QuerySet[AssistanceRequest]:
    """Requests addressed to the viewer's own court that still wait for its answer, oldest first.
    Only the request reaches the assisting court, never the rest of the requesting court's case."""
    return (
        AssistanceRequest.objects.filter(to_court_id=user.court_id, status__in=ASSISTANCE_OPEN)
        .select_related("case", "case__court", "to_court", "sent_by")
        .order_by("sent_on", "pk")
    )


def assistance_received(*, user: User) -> QuerySet[AssistanceRequest]:
    """Every request addressed to the viewer's court, the open ones first."""
    return (
        AssistanceRequest.objects.filter(to_court_id=user.court_id)
        .select_related("case", "case__court", "to_court", "sent_by")
        .order_by(
            SqlCase(
                When(status__in=ASSISTANCE_OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            "-sent_on",
            "-pk",
        )
    )


@dataclass(frozen=True)
class AssistanceView:
    """A request as one of its two courts reads it. The assisting court gets what 委托执行规定
    2020 art. 5 says must travel with a commission — the letter, the execution basis, the parties'
    identity, address and phone, the requesting officer and phone — and nothing else of the case."""

    request: AssistanceRequest
    assisting: bool  # the viewer is the assisting court
    on_platform: bool
    basis: str
    applicants: list[dict[str, Any]]
    respondents: list[dict[str, Any]]
    officer: str
    officer_phone: str


def assistance_get(*, user: User, request_id: int) -> AssistanceView:
    """The request ``request_id`` if the viewer works enforcement in the assisting court, or is
    staff of the requesting court who may see the case; anyone else gets not-found."""
    row = (
        AssistanceRequest.objects.filter(pk=request_id)
        .select_related("case", "case__court", "case__officer", "to_court", "sent_by", "letter")
        .first()
    )
    if row is None:
        raise NotFound("请求不存在或您无权查看。")
    assisting = user.court_id == row.to_court_id and actor_can(user, "enforcement.work")
    if not assisting and not cases_visible_to(user).filter(pk=row.case_id).exists():
        raise NotFound("请求不存在或您无权查看。")
    ec = EnforcementCase.objects.filter(case_id=row.case_id).first()
    basis = f"{ec.basis_issuer}{ec.basis_number}{ec.get_basis_kind_display()}" if ec else ""
    sides: dict[str, list[dict[str, Any]]] = {PartyRole.APPLICANT: [], PartyRole.RESPONDENT: []}
    for cp in CaseParty.objects.filter(case_id=row.case_id, role__in=list(sides)).select_related(
        "party", "party__legal_representative", "party__principal"
    ):
        sides[cp.role].append(party_context(cp.party))
    return AssistanceView(
        request=row,
        assisting=assisting,
        on_platform=court_on_platform(row.to_court),
        basis=basis,
        applicants=sides[PartyRole.APPLICANT],
        respondents=sides[PartyRole.RESPONDENT],
        officer=row.sent_by.name,
        officer_phone=row.sent_by.phone or row.case.court.phone,
    )
