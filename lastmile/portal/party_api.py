"""Party API (party login): mounted at /api/v1/party.

A party reads its own cases, and of them only what :mod:`lastmile.cases.disclosure` lets its
side see; the applicant reports clues; a party lists the documents served on it and asks for its
hearing's link; the debtor offers to pay and asks for a freeze's release, and reads the answers.
Errors are JSON with a ``code`` (``permission_denied`` with ``details.reason == "not_applicant"``
when a debtor's account acts as an applicant, ``"not_debtor"`` when an applicant acts as a debtor).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from lastmile.cases.models import Case
from lastmile.core.clock import get_clock
from lastmile.core.errors import InvalidTransition

from . import selectors, services, services_requests
from .models import PartyRequest

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


# --- the parties online: served documents, hearing link, the debtor's requests ---------------------


class PartyDocumentOut(Schema):
    id: int
    case_number: str
    title: str
    number: str
    status: str
    served_on: date | None
    pdf_url: str


class PartyHearingOut(Schema):
    scheduled_at: datetime
    link: str


class PartyPaymentOfferIn(Schema):
    amount: Decimal
    installments: int = 1
    first_due_on: date
    text: str = ""


class PartyFreezeReleaseIn(Schema):
    reason: str
    text: str = ""


class PartyRequestOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    submitted_at: datetime
    answer: str
    answered_at: datetime | None


def _request_out(r: PartyRequest) -> PartyRequestOut:
    return PartyRequestOut(
        id=r.pk,
        kind=r.kind,
        kind_label=str(r.get_kind_display()),
        status=r.status,
        submitted_at=r.submitted_at,
        answer=r.answer,
        answered_at=r.answered_at,
    )


@router.get("/documents", response=list[PartyDocumentOut], summary="向我送达的文书")
def documents(request: HttpRequest):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    return [
        PartyDocumentOut(
            id=o.pk,
            case_number=o.case.number,
            title=o.document.title,
            number=o.document.number,
            status=o.status,
            served_on=o.served_on,
            pdf_url=reverse("portal:party_document_pdf", args=[o.pk]),
        )
        for o in selectors.served_documents(account=account)
    ]


@router.post("/cases/{case_id}/hearing-link", response=PartyHearingOut, summary="获取在线庭审链接")
def hearing_link(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    case = selectors.party_case_get(account=account, case_id=case_id)
    services_requests.hearing_link_request(account=account, case=case, now=get_clock().now())
    hearing = selectors.party_hearing(account=account, case=case)
    if hearing is None:  # held in the meantime
        raise InvalidTransition("本案尚未安排在线开庭，安排后可在此获取庭审链接。")
    return PartyHearingOut(scheduled_at=hearing.scheduled_at, link=hearing.link)


@router.get("/cases/{case_id}/requests", response=list[PartyRequestOut], summary="我的申请及法院答复")
def requests(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    case = selectors.party_case_get(account=account, case_id=case_id)
    return [_request_out(r) for r in selectors.party_requests(account=account, case=case)]


@router.post(
    "/cases/{case_id}/payment-offers", response={201: PartyRequestOut}, summary="提交履行方案（被执行人）"
)
def payment_offer(request: HttpRequest, case_id: int, payload: PartyPaymentOfferIn):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    case = selectors.party_case_get(account=account, case_id=case_id)
    offer = services_requests.payment_offer_submit(
        account=account,
        case=case,
        amount=payload.amount,
        installments=payload.installments,
        first_due_on=payload.first_due_on,
        text=payload.text,
        now=get_clock().now(),
    )
    return 201, _request_out(offer)


@router.post(
    "/cases/{case_id}/freeze-releases", response={201: PartyRequestOut}, summary="申请解除冻结（被执行人）"
)
def freeze_release(request: HttpRequest, case_id: int, payload: PartyFreezeReleaseIn):  # type: ignore[no-untyped-def]
    account = selectors.account_for(request.user)
    case = selectors.party_case_get(account=account, case_id=case_id)
    release = services_requests.freeze_release_request(
        account=account, case=case, reason=payload.reason, text=payload.text, now=get_clock().now()
    )
    return 201, _request_out(release)
