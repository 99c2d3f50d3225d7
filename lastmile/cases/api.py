"""Case core API: search and read, scoped to the caller's court."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from . import selectors

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    number: str
    court: str
    type_code: str
    cause: str
    status: str
    status_label: str
    received_at: datetime
    closed_at: datetime | None
    closing_method: str
    amount_claimed: Decimal | None
    officer: str | None


class EventOut(Schema):
    chain_index: int
    occurred_at: datetime
    actor: str
    kind: str
    summary: str
    legal_basis: dict[str, str]


def _case_out(case) -> CaseOut:  # type: ignore[no-untyped-def]
    return CaseOut(
        id=case.pk,
        number=case.number,
        court=case.court.code,
        type_code=case.type_code,
        cause=case.cause,
        status=case.status,
        status_label=case.get_status_display(),
        received_at=case.received_at,
        closed_at=case.closed_at,
        closing_method=case.closing_method,
        amount_claimed=case.amount_claimed,
        officer=case.officer.name if case.officer else None,
    )


@router.get("", response=list[CaseOut], summary="案件检索（案号、当事人姓名或证件号）")
def case_search(request: HttpRequest, q: str = "", status: str = "", limit: int = Query(50, ge=0)):  # type: ignore[no-untyped-def]
    qs = selectors.case_search(actor=request.user, query=q, status=status)  # type: ignore[arg-type]
    return [_case_out(c) for c in qs.select_related("court", "officer")[: min(limit, 200)]]


@router.get("/{case_id}", response=CaseOut, summary="案件详情")
def case_get(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    return _case_out(selectors.case_get_for(actor=request.user, case_id=case_id))  # type: ignore[arg-type]


@router.get("/{case_id}/events", response=list[EventOut], summary="案件时间轴")
def case_events(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    case = selectors.case_get_for(actor=request.user, case_id=case_id)  # type: ignore[arg-type]
    return [
        EventOut(
            chain_index=e.chain_index,
            occurred_at=e.occurred_at,
            actor=e.actor_label,
            kind=e.kind,
            summary=e.summary,
            legal_basis=e.legal_basis or {},
        )
        for e in selectors.case_timeline(case=case)
    ]
