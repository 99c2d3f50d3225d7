"""The staff case list (issue M item 3): filters by status, type, track, officer, team, dates and
amount; search by case number, party name or ID number, loan contract number and the number of
the 执行依据; sortable columns; pagination with the true total; the same rows as XLSX.

It joins the stage apps' rows (the enforcement track and basis, the batch-filed loan contract),
so it lives on the top floor; every row is the viewer's own court's (``cases_visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict

from lastmile.accounts.models import Team, User
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.selectors import cases_visible_to
from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import parse_case_number
from lastmile.core.inputs import int_or_none
from lastmile.core.listing import Column
from lastmile.enforcement.models import Track

COLUMNS: tuple[Column, ...] = (
    Column("number", "案号", lambda c: c.number, sort="number"),
    Column("cause", "案由", lambda c: c.cause),
    Column("amount", "标的金额（元）", lambda c: c.amount_claimed, sort="amount_claimed", money=True),
    Column("status", "状态", lambda c: c.get_status_display(), sort="status"),
    Column("track", "繁简分流", lambda c: _track(c)),
    Column("officer", "承办人", lambda c: c.officer.name if c.officer else "", sort="officer__display_name"),
    Column("team", "团队", lambda c: c.team.name if c.team else ""),
    Column("received", "收案日期", lambda c: c.received_at, sort="received_at"),
    Column("closed", "结案日期", lambda c: c.closed_at, sort="closed_at"),
)


def _track(case: Case) -> str:
    ec = getattr(case, "enforcement", None)
    return ec.get_track_display() if ec is not None else ""


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    type_code: str = ""
    track: str = ""
    officer: int | None = None
    team: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    mine: bool = False

    def as_query(self) -> str:
        """The filters as URL parameters (for sort and page links and the export)."""
        q = QueryDict(mutable=True)
        for key, value in self.__dict__.items():
            if value not in (None, "", False):
                q[key] = "1" if value is True else str(value)
        return q.urlencode()


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _amount(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def filters_from(params: QueryDict) -> Filters:
    """What the viewer asked for; a value that does not parse is ignored, never an error page."""
    status = params.get("status", "")
    track = params.get("track", "")
    return Filters(
        q=params.get("q", "").strip()[:64],
        status=status if status in CaseStatus.values else "",
        type_code=params.get("type", "")[:8],
        track=track if track in Track.values else "",
        officer=int_or_none(params.get("officer")),
        team=int_or_none(params.get("team")),
        received_from=_date(params.get("received_from")),
        received_to=_date(params.get("received_to")),
        amount_min=_amount(params.get("amount_min")),
        amount_max=_amount(params.get("amount_max")),
        mine=params.get("mine") == "1",
    )


def _search(qs: QuerySet[Case], query: str) -> QuerySet[Case]:
    try:
        return qs.filter(number=str(parse_case_number(query)))
    except InvalidIdentifier:
        pass
    partial = query.replace("(", "（").replace(")", "）")
    return qs.filter(
        Q(number__contains=partial)
        | Q(case_parties__party__name__contains=query)
        | Q(case_parties__party__id_number=query.upper())
        | Q(loan_claim__contract_no=query)
        | Q(enforcement__basis_number__contains=partial)
    ).distinct()


def case_list(*, actor: User, filters: Filters) -> QuerySet[Case]:
    qs = cases_visible_to(actor).select_related("officer", "team", "enforcement")
    f = filters
    if f.q:
        qs = _search(qs, f.q)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.type_code:
        qs = qs.filter(type_code=f.type_code)
    if f.track:
        qs = qs.filter(enforcement__track=f.track)
    if f.officer:
        qs = qs.filter(officer_id=f.officer)
    if f.team:
        qs = qs.filter(team_id=f.team)
    if f.mine:
        qs = qs.filter(officer=actor)
    if f.received_from:
        qs = qs.filter(received_at__date__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_at__date__lte=f.received_to)
    if f.amount_min is not None:
        qs = qs.filter(amount_claimed__gte=f.amount_min)
    if f.amount_max is not None:
        qs = qs.filter(amount_claimed__lte=f.amount_max)
    return qs


def choices_for(actor: User) -> dict[str, Any]:
    """The officers, teams and types of the viewer's court, for the filter form."""
    court_id = actor.court_id or 0
    return {
        "officers": list(
            User.objects.filter(court_id=court_id, is_active=True)
            .exclude(role="")
            .order_by("display_name", "username")
            .values_list("pk", "display_name", "username")
        ),
        "teams": list(Team.objects.filter(court_id=court_id).order_by("name").values_list("pk", "name")),
        "types": list(
            Case.objects.filter(court_id=court_id)
            .order_by("type_code")
            .values_list("type_code", flat=True)
            .distinct()
        ),
        "statuses": CaseStatus.choices,
        "tracks": Track.choices,
    }
