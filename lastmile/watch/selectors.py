"""Reads of 布控, each scoped to the viewer's court: the watch list, the alerts and their stream,
the cameras of the map; and the facts of other apps the watch list follows (vehicle seizures,
consumption restrictions, 失信 listings), read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, PartyRole
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.inquiry.models import AssetKind, Freeze, FreezeStatus
from lastmile.measures.models import DishonestListing, ListingStatus, Measure, MeasureKind, MeasureStatus
from lastmile.parties.models import Party

from .models import LIVE_STATUSES, Alert, Camera, DutyShift, WatchEntry, WatchKind

VIEW_CAPS = ("alerts.view", "enforcement.work")


def can_view(actor: User) -> bool:
    return any(actor_can(actor, cap) for cap in VIEW_CAPS)


def _require_view(actor: User) -> None:
    if not can_view(actor) or actor.court_id is None:
        raise PermissionDenied("您没有查看布控预警的权限。", details={"capability": "alerts.view"})


def watched_plates(*, today: date) -> list[tuple[int, str]]:
    """(entry id, plate) of every open, unexpired vehicle entry of every court: the listener's
    index."""
    return list(
        WatchEntry.objects.filter(kind=WatchKind.VEHICLE, ended_at__isnull=True, expires_on__gte=today)
        .values_list("id", "plate")
        .order_by("id")
    )


def watched_person(*, id_number: str, today: date) -> list[WatchEntry]:
    return list(
        WatchEntry.objects.filter(
            kind=WatchKind.PERSON, id_number=id_number, ended_at__isnull=True, expires_on__gte=today
        ).select_related("case", "debtor")
    )


def entries_for(*, actor: User, live_only: bool = True) -> QuerySet[WatchEntry]:
    _require_view(actor)
    qs = WatchEntry.objects.filter(court_id=actor.court_id or 0).select_related("case", "debtor", "officer")
    return qs.filter(ended_at__isnull=True) if live_only else qs


def entry_get_for(*, actor: User, entry_id: int) -> WatchEntry:
    _require_view(actor)
    entry = (
        WatchEntry.objects.filter(court_id=actor.court_id or 0, pk=entry_id).select_related("case").first()
    )
    if entry is None:
        raise NotFound("没有该布控对象。")
    return entry


def alerts_for(*, actor: User, live_only: bool = False, limit: int = 50, after_id: int = 0) -> list[Alert]:
    _require_view(actor)
    qs = Alert.objects.filter(court_id=actor.court_id or 0)
    if after_id:
        qs = qs.filter(pk__gt=after_id)
    if live_only:
        qs = qs.filter(status__in=LIVE_STATUSES)
    return list(qs.select_related("case", "entry__debtor").order_by("-id")[:limit])


def alert_get_for(*, actor: User, alert_id: int) -> Alert:
    _require_view(actor)
    alert = (
        Alert.objects.filter(court_id=actor.court_id or 0, pk=alert_id)
        .select_related("case", "entry__debtor", "entry__officer", "dispatched_by", "outcome_by")
        .first()
    )
    if alert is None:
        raise NotFound("没有该预警。")
    return alert


def alert_as_dict(alert: Alert) -> dict[str, Any]:
    """What the command center's stream sends for one alert."""
    entry = alert.entry
    return {
        "id": alert.pk,
        "kind": entry.kind,
        "status": alert.status,
        "status_label": alert.get_status_display(),
        "case_number": alert.case.number,
        "debtor": entry.debtor.name,
        "watched": entry.plate or "（证件号码匹配）",
        "observed": alert.observed,
        "distance": alert.distance,
        "confidence": round(alert.confidence, 3),
        "reason": alert.reason,
        "place": alert.place,
        "source": alert.source,
        "lat": alert.lat,
        "lng": alert.lng,
        "image_ref": alert.image_ref,
        "seen_at": alert.seen_at.isoformat(),
        "sightings": alert.sightings,
        "url": f"/watch/alerts/{alert.pk}/",
    }


def alerts_after(*, court_id: int, after_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """Alerts of the court with an id above ``after_id``, oldest first (the stream's next page)."""
    rows = (
        Alert.objects.filter(court_id=court_id, pk__gt=after_id)
        .select_related("case", "entry__debtor")
        .order_by("id")[:limit]
    )
    return [alert_as_dict(a) for a in rows]


def latest_alert_id(*, court_id: int) -> int:
    last = Alert.objects.filter(court_id=court_id).order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


def cameras() -> list[Camera]:
    return list(Camera.objects.all()[:500])


def camera_codes() -> set[str]:
    return set(Camera.objects.values_list("code", flat=True))


# --- the facts the watch list follows (owned by inquiry and measures; read only) ------------


@dataclass(frozen=True)
class Source:
    kind: str
    source: str
    case_id: int
    court_id: int
    debtor_id: int
    plate: str
    id_number: str
    expires_on: date
    ruling_number: str
    freeze_id: int | None = None
    measure_id: int | None = None
    listing_id: int | None = None


def seized_vehicles(*, today: date) -> list[Source]:
    """Vehicles registered as seized (查封登记, held by the registry) and not yet taken: the
    vehicles a court may ask others to help find (财产调查规定 art. 16)."""
    rows = Freeze.objects.filter(
        is_money=False,
        asset__kind=AssetKind.VEHICLE,
        status=FreezeStatus.ACTIVE,
        expires_on__gte=today,
    ).select_related("asset")
    return [
        Source(
            kind=WatchKind.VEHICLE,
            source="seizure",
            case_id=f.case_id,
            court_id=f.court_id,
            debtor_id=f.asset.party_id,
            plate=f.asset.identifier,
            id_number="",
            expires_on=f.expires_on,  # type: ignore[arg-type]
            ruling_number=f.freeze_ref,
            freeze_id=f.pk,
        )
        for f in rows
    ]


def restricted_persons(*, today: date) -> list[Source]:
    """Natural-person debtors under a 限制消费令 in force or published on the 失信 list."""
    out: list[Source] = []
    restrictions = Measure.objects.filter(
        kind=MeasureKind.CONSUMPTION_RESTRICTION, status=MeasureStatus.IN_FORCE
    ).select_related("subject")
    for m in restrictions:
        if not m.subject.id_number:
            continue
        ends = m.ends_at.date() if m.ends_at else date(today.year + 1, today.month, min(today.day, 28))
        out.append(
            Source(
                kind=WatchKind.PERSON,
                source="restriction",
                case_id=m.case_id,
                court_id=m.court_id,
                debtor_id=m.subject_id,
                plate="",
                id_number=m.subject.id_number,
                expires_on=ends,
                ruling_number=m.document_number,
                measure_id=m.pk,
            )
        )
    listings = DishonestListing.objects.filter(status=ListingStatus.PUBLISHED, is_person=True).select_related(
        "party", "measure"
    )
    for li in listings:
        if not li.party.id_number:
            continue
        ends = li.measure.ends_at.date() if li.measure.ends_at else date(today.year + 1, today.month, 1)
        out.append(
            Source(
                kind=WatchKind.PERSON,
                source="dishonest",
                case_id=li.case_id,
                court_id=li.court_id,
                debtor_id=li.party_id,
                plate="",
                id_number=li.party.id_number,
                expires_on=ends,
                ruling_number=li.measure.document_number,
                listing_id=li.pk,
            )
        )
    return out


def case_debtor(case: Case) -> Party | None:
    """The case's first respondent (the debtor a plate named by the officer belongs to)."""
    cp = case.case_parties.filter(role=PartyRole.RESPONDENT).select_related("party").first()
    return cp.party if cp is not None else None


def case_for_watch(*, actor: User, number: str) -> Case:
    """A case of the actor's court by its number."""
    case = Case.objects.filter(court_id=actor.court_id or 0).filter(Q(number=number.strip())).first()
    if case is None:
        raise NotFound("本院没有该案号的案件。")
    return case


def watched_persons(*, today: date, limit: int = 200) -> list[tuple[str, str]]:
    """(ID number, name) of watched debtors (the feed simulator's travellers)."""
    return list(
        WatchEntry.objects.filter(kind=WatchKind.PERSON, ended_at__isnull=True, expires_on__gte=today)
        .values_list("id_number", "debtor__name")
        .distinct()[:limit]
    )


# --- the duty roster ---------------------------------------------------------------------------

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def on_duty(*, court_ids: set[int], on: date) -> dict[int, int]:
    """{court id: the officer on duty on ``on``} for the courts that have one: a date range
    covering the day before the weekly roster, the latest entered first."""
    out: dict[int, int] = {}
    rows = (
        DutyShift.objects.filter(court_id__in=court_ids, removed_at__isnull=True)
        .filter(Q(starts_on__lte=on, ends_on__gte=on) | Q(weekday=on.weekday()))
        .order_by("court_id", "weekday", "-id")  # the latest entered first within each kind
        .values_list("court_id", "officer_id", "weekday")
    )
    ranges: dict[int, int] = {}
    weekly: dict[int, int] = {}
    for court_id, officer_id, weekday in rows:
        (weekly if weekday is not None else ranges).setdefault(court_id, officer_id)
    for court_id in court_ids:
        officer = ranges.get(court_id) or weekly.get(court_id)
        if officer is not None:
            out[court_id] = officer
    return out


def duty_shifts_for(*, actor: User) -> list[DutyShift]:
    """The court's duty roster in force (weekly first, then the date ranges)."""
    _require_view(actor)
    return list(
        DutyShift.objects.filter(court_id=actor.court_id or 0, removed_at__isnull=True)
        .select_related("officer")
        .order_by("starts_on", "weekday", "id")
    )


def duty_candidates(*, court: Court | int) -> list[User]:
    """Staff of the court who can take an alert (record its outcome: enforcement.work)."""
    court_id = court if isinstance(court, int) else court.pk
    users = User.objects.filter(court_id=court_id, is_active=True).order_by("username")
    return [u for u in users if actor_can(u, "enforcement.work")]
