"""Party API (party login): mounted at /api/v1/party.

A party reads its own cases, and of them only what :mod:`lastmile.cases.disclosure` lets its
side see; the applicant reports clues. Errors are JSON with a ``code`` (``permission_denied``
with ``details.reason == "not_applicant"`` when a debtor's account acts as an applicant).
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from lastmile.cases.models import Case
from lastmile.core.clock import get_clock

from . import selectors, services

router = Router()


class PartyCaseOut(Schema):
    id: int
    number: str
    court: str
    status: str
    status_label: str


class PartyEventOut(Schema):
    at: datetime
    text: str


class PartyStepOut(Schema):
    text: str
    due_on: date


class PartyProgressOut(Schema):
    id: int
    number: str
    court: str
    status: str
    status_label: str
    officer: str
    court_phone: str
    events: list[PartyEventOut]
    next_steps: list[PartyStepOut]
    guidance: list[str]


class PartyClueIn(Schema):
    kind: str
    description: str
    location: str = ""
    urgent: bool = False


class PartyClueOut(Schema):
    id: int
    verify_due_on: date


def _case_out(case: Case) -> PartyCaseOut:
    return PartyCaseOut(
        id=case.pk,
        number=case.number,
        court=case.court.name,
        status=case.status,
        status_label=str(case.get_status_display()),
    )


@router.get("/cases", response=list[PartyCaseOut], summary="我的案件（当事人）")
def cases(request: HttpRequest):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    return [_case_out(c) for c in selectors.party_cases(account=account)]


@router.get("/cases/{case_id}", response=PartyProgressOut, summary="案件进展（当事人可见部分）")
def case_progress(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    case = selectors.party_case_get(account=account, case_id=case_id)
    progress = selectors.case_progress(account=account, case=case)
    return PartyProgressOut(
        **_case_out(case).dict(),
        officer=progress.officer_name,
        court_phone=progress.court_phone,
        events=[PartyEventOut(at=e.at, text=e.summary) for e in progress.events],
        next_steps=[PartyStepOut(text=text, due_on=due) for text, due in progress.next_steps],
        guidance=progress.guidance,
    )


@router.post(
    "/cases/{case_id}/clues", response={201: PartyClueOut}, summary="提交财产或下落线索（申请执行人）"
)
def clue_submit(request: HttpRequest, case_id: int, payload: PartyClueIn):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    case = selectors.party_case_get(account=account, case_id=case_id)
    clue = services.party_clue_submit(
        account=account,
        case=case,
        kind=payload.kind,
        description=payload.description,
        location=payload.location,
        urgent=payload.urgent,
        now=get_clock().now(),
    )
    return 201, PartyClueOut(id=clue.pk, verify_due_on=clue.verify_due_on)
