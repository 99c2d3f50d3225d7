"""The enforcement case list and the enforcement panel on the case page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from lastmile.accounts.models import Role, Team, User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.clock import get_clock
from lastmile.core.errors import PermissionDenied
from lastmile.core.listing import Column, list_response, param_amount, param_date, param_int

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


_DUE = "enforcement__time_limit_due_on"
COLUMNS: tuple[Column, ...] = (
    Column("number", "案号", lambda c: c.number, sort="number"),
    Column("amount", "申请执行标的（元）", lambda c: c.amount_claimed, sort="amount_claimed", money=True),
    Column("status", "状态", lambda c: c.get_status_display(), sort="status"),
    Column("track", "分流", lambda c: c.enforcement.get_track_display(), sort="enforcement__track"),
    Column("officer", "承办人", lambda c: c.officer.name if c.officer else "", sort="officer__display_name"),
    Column("team", "团队", lambda c: c.team.name if c.team else ""),
    Column("due", "执行期限届满", lambda c: c.enforcement.time_limit_due_on, sort=_DUE),
    Column("received", "收案日期", lambda c: c.received_at, sort="received_at"),
)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The court's enforcement cases: filters, search by party, ID, contract and 执行依据 number,
    sortable columns, pages with the true total and the filtered rows as XLSX."""
    actor = _actor(request)
    today = get_clock().today()
    get = request.GET
    filters = {
        "status": get.get("status", ""),
        "track": get.get("track", ""),
        "officer": get.get("officer", ""),
        "team": get.get("team", ""),
        "overdue": get.get("overdue") == "1",
        "q": get.get("q", "").strip(),
        "received_from": get.get("received_from", ""),
        "received_to": get.get("received_to", ""),
        "amount_min": get.get("amount_min", ""),
        "amount_max": get.get("amount_max", ""),
    }
    try:
        qs = selectors.enforcement_case_list(
            actor=actor,
            today=today,
            status=str(filters["status"]) if filters["status"] in CaseStatus.values else "",
            track=str(filters["track"]) if filters["track"] in Track.values else "",
            officer_id=param_int(get.get("officer")),
            team_id=param_int(get.get("team")),
            overdue=bool(filters["overdue"]),
            query=str(filters["q"]),
            received_from=param_date(get.get("received_from")),
            received_to=param_date(get.get("received_to")),
            amount_min=param_amount(get.get("amount_min")),
            amount_max=param_amount(get.get("amount_max")),
        )
    except PermissionDenied as exc:
        return _error_page(request, exc, 403)
    officers = User.objects.filter(
        court=actor.court, is_active=True, role__in=[Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER]
    ).order_by("username")
    context = {
        "filters": filters,
        "statuses": CaseStatus.choices,
        "tracks": Track.choices,
        "officers": officers,
        "teams": Team.objects.filter(court_id=actor.court_id or 0).order_by("name"),
        "today": today,
        "unit": "件",
        "can_file": actor_can(actor, "case.file"),
        "can_config": actor_can(actor, "config.edit"),
    }
    return list_response(
        request,
        qs,
        columns=COLUMNS,
        default_sort="-received",
        export_name="执行案件",
        template="enforcement/case_list.html",
        partial="enforcement/_case_rows.html",
        context=context,
    )


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
        "open_requeries": [r for r in sheet.requeries if r.done_on is None][:1],
        "case_applicants": [
            cp.party for cp in case.case_parties.filter(role="applicant").select_related("party")
        ],
        "pending_releases": list(SettlementRelease.objects.filter(case=case, status="pending")),
        **_dispatch_context(actor, case),
    }


def _dispatch_context(actor: User, case: Case) -> dict[str, Any]:
    """What the 改变分流或承办人 form needs, for whoever dispatches enforcement work."""
    can = actor_can(actor, "enforcement.dispatch") and case.status != CaseStatus.CLOSED
    return {
        "can_dispatch": can,
        "officers": services.assignable_officers(case=case) if can else [],
        "tracks": [(t.value, t.label) for t in services.CHOSEN_TRACKS] if can else [],
    }
