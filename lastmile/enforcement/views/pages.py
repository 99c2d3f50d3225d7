"""The enforcement case list and the enforcement panel on the case page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lastmile.accounts.models import Court, Role, User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.clock import get_clock
from lastmile.core.errors import PermissionDenied

from .. import selectors, services
from ..models import (
    OFFERED_STEP_KINDS,
    RECORDED_PAUSE_KINDS,
    AssistanceKind,
    ClosingMethod,
    ClueKind,
    InquiryResult,
    PauseKind,
    SettlementRelease,
    Track,
)
from ..transitions import ACTIONS
from .common import _actor, _error_page

# --- Case list ------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    today = get_clock().today()
    officer_raw = request.GET.get("officer", "")
    filters = {
        "status": request.GET.get("status", ""),
        "track": request.GET.get("track", ""),
        "officer": officer_raw,
        "overdue": request.GET.get("overdue") == "1",
        "q": request.GET.get("q", ""),
    }
    try:
        qs = selectors.enforcement_case_list(
            actor=actor,
            today=today,
            status=str(filters["status"]),
            track=str(filters["track"]),
            officer_id=int(officer_raw) if officer_raw.isdigit() else None,
            overdue=bool(filters["overdue"]),
            query=str(filters["q"]),
        )
    except PermissionDenied as exc:
        return _error_page(request, exc, 403)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    officers = User.objects.filter(
        court=actor.court, is_active=True, role__in=[Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER]
    ).order_by("username")
    context = {
        "page": page,
        "filters": filters,
        "statuses": CaseStatus.choices,
        "tracks": Track.choices,
        "officers": officers,
        "today": today,
        "can_file": actor_can(actor, "case.file"),
        "can_config": actor_can(actor, "config.edit"),
        "query": request.GET.urlencode(),
    }
    template = (
        "enforcement/_case_rows.html" if getattr(request, "htmx", False) else "enforcement/case_list.html"
    )
    return render(request, template, context)


# --- Panel on the case page -----------------------------------------------------------------


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """Context for the enforcement panel on the case page, or None for other kinds of case."""
    if not hasattr(case, "enforcement"):
        return None
    actor = _actor(request)
    today = get_clock().today()
    sheet = selectors.enforcement_sheet(case=case, actor=actor, today=today)
    return {
        "sheet": sheet,
        "ec": sheet.ec,
        "today": today,
        "can": set(sheet.actions),
        "labels": {name: a.label for name, a in ACTIONS.items()},
        "step_kinds": OFFERED_STEP_KINDS,
        "pending_reviews": [
            a for a in sheet.assents if a.kind == "collegial_review" and a.approved_at is None
        ],
        "inquiry_results": [c for c in InquiryResult.choices if c[0]],
        "pause_kinds": [c for c in PauseKind.choices if c[0] in RECORDED_PAUSE_KINDS],
        "clue_kinds": ClueKind.choices,
        "assistance_kinds": AssistanceKind.choices,
        "courts": Court.objects.exclude(pk=case.court_id).order_by("code"),
        "termination_grounds": services.TERMINATION_GROUNDS.items(),
        "closing_forms": [
            (f"close_{m}", label) for m, label in ClosingMethod.choices if f"close_{m}" in sheet.actions
        ],
        "pay_key": uuid.uuid4().hex,
        "open_pauses": [p for p in sheet.pauses if p.ended_on is None],
        "pending_clues": [c for c in sheet.clues if c.status == "pending"],
        "urgent_clues": [c for c in sheet.clues if c.urgent],
        "valid_clues": [c for c in sheet.clues if c.status == "valid"],
        "open_emergencies": [e for e in sheet.emergencies if e.closed_at is None],
        "unanswered": [a for a in sheet.assistance if a.replied_on is None],
        "open_requeries": [r for r in sheet.requeries if r.done_on is None][:1],
        "case_applicants": [
            cp.party for cp in case.case_parties.filter(role="applicant").select_related("party")
        ],
        "pending_releases": list(SettlementRelease.objects.filter(case=case, status="pending")),
    }
