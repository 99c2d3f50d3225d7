"""Clues to property or whereabouts: recording, verifying, and the emergency actions they start."""

from __future__ import annotations

from django.http import HttpRequest

from .. import services
from ..models import Clue, EmergencyAction
from .router import _actor, _case, _now, _row, router
from .schemas import ClueIn, EmergencyIn, IdOut, OutcomeIn, VerifyIn


@router.post("/cases/{case_id}/clues", response={201: IdOut}, summary="登记财产或下落线索")
def clue(request: HttpRequest, case_id: int, payload: ClueIn):  # type: ignore[no-untyped-def]
    row = services.clue_submit(
        case=_case(request, case_id),
        kind=payload.kind,
        description=payload.description,
        now=_now(),
        actor=_actor(request),
        submitted_by=payload.submitted_by,
        location=payload.location,
        latitude=payload.latitude,
        longitude=payload.longitude,
        seen_at=payload.seen_at,
        urgent=payload.urgent,
    )
    return 201, IdOut(id=row.pk)


@router.post("/clues/{clue_id}/verify", response=IdOut, summary="核查线索")
def clue_verify(request: HttpRequest, clue_id: int, payload: VerifyIn):  # type: ignore[no-untyped-def]
    row = services.clue_verify(
        clue=_row(request, Clue, clue_id),
        actor=_actor(request),
        now=_now(),
        valid=payload.valid,
        note=payload.note,
    )
    return IdOut(id=row.pk)


@router.post("/clues/{clue_id}/emergency-actions", response={201: IdOut}, summary="依紧急线索启动紧急行动")
def emergency_open(request: HttpRequest, clue_id: int, payload: EmergencyIn):  # type: ignore[no-untyped-def]
    row = services.emergency_action_open(
        clue=_row(request, Clue, clue_id),
        actor=_actor(request),
        now=_now(),
        team=payload.team,
        planned_at=payload.planned_at,
    )
    return 201, IdOut(id=row.pk)


@router.post("/emergency-actions/{action_id}/close", response=IdOut, summary="登记紧急行动结果")
def emergency_close(request: HttpRequest, action_id: int, payload: OutcomeIn):  # type: ignore[no-untyped-def]
    row = services.emergency_action_close(
        action=_row(request, EmergencyAction, action_id),
        actor=_actor(request),
        now=_now(),
        outcome=payload.outcome,
    )
    return IdOut(id=row.pk)
