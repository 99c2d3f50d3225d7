"""The list of measures people work from (issue M item 3): every measure of the court by kind and
status, officer, team, the day proposed and the fine's amount; search by case number, subject name
or ID number and document number; sortable columns, pages with the true total, XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.models import Role, Team, User
from lastmile.core.errors import DomainError
from lastmile.core.listing import Column, list_response, param_amount, param_date, param_int

from . import selectors
from .models import MeasureKind, MeasureStatus

_OFFICER = "case__officer__display_name"
COLUMNS: tuple[Column, ...] = (
    Column("case", "案号", lambda m: m.case.number, sort="case__number"),
    Column("kind", "措施", lambda m: m.get_kind_display(), sort="kind"),
    Column("subject", "被采取措施人", lambda m: m.subject.name, sort="subject__name"),
    Column("status", "状态", lambda m: m.get_status_display(), sort="status"),
    Column("amount", "罚款金额（元）", lambda m: m.amount, sort="amount", money=True),
    Column("proposed", "提出时间", lambda m: m.proposed_at, sort="proposed_at"),
    Column("ends", "届满时间", lambda m: m.ends_at, sort="ends_at"),
    Column("officer", "承办人", lambda m: m.case.officer.name if m.case.officer else "", sort=_OFFICER),
    Column("document", "文书字号", lambda m: m.document_number, sort="document_number"),
)
_FILTERS = (
    "q",
    "kind",
    "status",
    "officer",
    "team",
    "proposed_from",
    "proposed_to",
    "amount_min",
    "amount_max",
)


@login_required
def measure_list(request: AuthedRequest) -> HttpResponse:
    user, get = request.user, request.GET
    filters = {k: get.get(k, "").strip() for k in _FILTERS}
    try:
        qs = selectors.measures_list(
            actor=user,
            kind=filters["kind"],
            status=filters["status"],
            officer_id=param_int(filters["officer"]),
            team_id=param_int(filters["team"]),
            query=filters["q"],
            proposed_from=param_date(filters["proposed_from"]),
            proposed_to=param_date(filters["proposed_to"]),
            amount_min=param_amount(filters["amount_min"]),
            amount_max=param_amount(filters["amount_max"]),
        )
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    court_id = user.court_id or 0
    officers = User.objects.filter(
        court_id=court_id, is_active=True, role__in=[Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER]
    ).order_by("username")
    return list_response(
        request,
        qs,
        columns=COLUMNS,
        default_sort="-proposed",
        export_name="强制措施",
        template="measures/list.html",
        partial="measures/_list_rows.html",
        context={
            "filters": filters,
            "kinds": MeasureKind.choices,
            "statuses": MeasureStatus.choices,
            "officers": officers,
            "teams": Team.objects.filter(court_id=court_id).order_by("name"),
            "unit": "项",
        },
    )
