"""Writes of 布控: the watch list, the sightings that match it, the alerts and what the command
center and the officer do with them.

Legal frame (docs/law.md, "布控"): a vehicle registered as seized but not taken may be looked for
with the help of others (最高人民法院关于民事执行中财产调查若干问题的规定 2020 art. 16); taking it is
a 扣押 by ruling (民事诉讼法 2023 arts. 255–256), created here through the measures app's own
service. Debtors under a 限制消费令 or on the 失信 list are reported by the units that help enforce
them (民事诉讼法 2023 art. 266; 限制消费规定 2015 arts. 3, 6; 失信规定 2017 art. 8). A watch lasts
no longer than the seizure (民诉解释 2022 art. 485: movables 2 years) or the restriction.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import ChainEntry, audit_chain_append, case_event_record
from lastmile.core.errors import (
    ConditionsNotMet,
    InvalidIdentifier,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from lastmile.core.identifiers import validate_plate
from lastmile.core.legal import cpl
from lastmile.inquiry import rules as inquiry_rules
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import MeasureKind
from lastmile.measures.services import measure_propose

from . import selectors
from .conf import FEEDS, watch_setting
from .kinds import WatchEvent
from .matching import Match, PlateIndex, normalise_read, plate_key
from .models import (
    LIVE_STATUSES,
    Alert,
    AlertStatus,
    Camera,
    DutyShift,
    FeedMessage,
    Sighting,
    WatchEntry,
    WatchKind,
    WatchSource,
)

log = logging.getLogger(__name__)

# China's extent, roughly: a coordinate outside it is a broken message.
LAT_RANGE, LNG_RANGE = (3.0, 54.0), (73.0, 136.0)


# --- the watch list --------------------------------------------------------------------------


@dataclass
class SyncResult:
    added: int = 0
    ended: int = 0


@transaction.atomic
def watch_list_sync(*, now: datetime) -> SyncResult:
    """Bring the entries that follow other apps' rows in line with them: a vehicle seizure in
    force, a 限制消费令 in force or a published 失信 listing adds its entry; one that lapsed, was
    released or lifted ends it (a watch never outlives its legal ground). Idempotent."""
    today = timezone.localdate(now)
    result = SyncResult()
    wanted = selectors.seized_vehicles(today=today) + selectors.restricted_persons(today=today)
    open_entries = {
        (e.source, e.freeze_id, e.measure_id, e.listing_id): e
        for e in WatchEntry.objects.filter(ended_at__isnull=True).exclude(source=WatchSource.OFFICER)
    }
    seen: set[tuple[Any, ...]] = set()
    cases = {c.pk: c for c in Case.objects.filter(pk__in={s.case_id for s in wanted})}
    for s in wanted:
        key = (s.source, s.freeze_id, s.measure_id, s.listing_id)
        seen.add(key)
        plate = ""
        if s.kind == WatchKind.VEHICLE:
            try:
                plate = validate_plate(s.plate).number
            except InvalidIdentifier:
                continue
        existing = open_entries.get(key)
        if existing is not None:
            if existing.expires_on != s.expires_on:  # renewed (续行) or re-dated
                existing.expires_on = s.expires_on
                existing.save(update_fields=["expires_on"])
            continue
        case = cases[s.case_id]
        try:
            with transaction.atomic():
                entry = WatchEntry.objects.create(
                    court_id=s.court_id,
                    case=case,
                    debtor_id=s.debtor_id,
                    kind=s.kind,
                    source=s.source,
                    plate=plate,
                    plate_key=plate_key(plate) if plate else "",
                    id_number=s.id_number,
                    officer_id=case.officer_id,
                    ruling_number=s.ruling_number,
                    freeze_id=s.freeze_id,
                    measure_id=s.measure_id,
                    listing_id=s.listing_id,
                    starts_at=now,
                    expires_on=s.expires_on,
                    created_at=now,
                )
        except IntegrityError:
            continue  # the same vehicle or person is already watched in this case
        result.added += 1
        case_event_record(
            case=case,
            kind=WatchEvent.WATCH_ADDED,
            summary=f"布控：{entry.get_source_display()} {plate or '被执行人'}",
            actor=None,
            now=now,
            data={"entry": entry.pk, "source": s.source},
        )
    for key, entry in open_entries.items():
        if key not in seen:
            _entry_end(
                entry, reason="布控依据已失效（查封解除或期满、限制消费解除、失信删除）", actor=None, now=now
            )
            result.ended += 1
    expired = WatchEntry.objects.filter(ended_at__isnull=True, expires_on__lt=today)
    for entry in expired:
        _entry_end(entry, reason="布控期满", actor=None, now=now)
        result.ended += 1
    return result


@transaction.atomic
def watch_entry_add(
    *, actor: User, case: Case, plate: str, ruling_number: str, note: str, now: datetime
) -> WatchEntry:
    """The officer names a vehicle of the case's debtor to watch. Only with the seizure ruling's
    number (a vehicle is looked for only once it is seized: 财产调查规定 art. 16); the watch ends
    with the longest seizure period of a movable (民诉解释 2022 art. 485: 2 years)."""
    require(actor, "enforcement.work", court=case.court)
    number = validate_plate(plate).number
    if not ruling_number.strip():
        raise ConditionsNotMet("布控车辆须写明查封、扣押裁定的文号。", unmet=["ruling_number"])
    debtor = selectors.case_debtor(case)
    if debtor is None:
        raise ConditionsNotMet("该案没有被执行人。", unmet=["debtor"])
    today = timezone.localdate(now)
    expires = inquiry_rules.freeze_expiry(today, inquiry_rules.freeze_years("vehicle"))
    if WatchEntry.objects.filter(
        case=case, kind=WatchKind.VEHICLE, plate=number, ended_at__isnull=True
    ).exists():
        raise InvalidTransition(f"车辆{number}已在本案布控中。")
    entry = WatchEntry.objects.create(
        court=case.court,
        case=case,
        debtor=debtor,
        kind=WatchKind.VEHICLE,
        source=WatchSource.OFFICER,
        plate=number,
        plate_key=plate_key(number),
        officer=case.officer or actor,
        ruling_number=ruling_number.strip()[:64],
        note=note.strip()[:256],
        starts_at=now,
        expires_on=expires,
        created_by=actor,
        created_at=now,
    )
    case_event_record(
        case=case,
        kind=WatchEvent.WATCH_ADDED,
        summary=f"布控车辆 {number}（{entry.ruling_number}），至{expires:%Y-%m-%d}",
        actor=actor,
        now=now,
        data={"entry": entry.pk, "source": WatchSource.OFFICER},
    )
    return entry


def _entry_end(entry: WatchEntry, *, reason: str, actor: User | None, now: datetime) -> None:
    entry.ended_at = now
    entry.end_reason = reason[:128]
    entry.save(update_fields=["ended_at", "end_reason"])
    case_event_record(
        case=entry.case,
        kind=WatchEvent.WATCH_ENDED,
        summary=f"撤销布控 {entry.plate or '被执行人'}：{reason}",
        actor=actor,
        now=now,
        data={"entry": entry.pk},
    )


@transaction.atomic
def watch_entry_end(*, actor: User, entry_id: int, reason: str, now: datetime) -> WatchEntry:
    entry = WatchEntry.objects.select_for_update().select_related("case").get(pk=entry_id)
    require(actor, "enforcement.work", court=entry.case.court)
    if entry.ended_at is not None:
        raise InvalidTransition("该布控已结束。")
    _entry_end(entry, reason=reason.strip() or "承办人撤销布控", actor=actor, now=now)
    return entry


# --- the duty roster -------------------------------------------------------------------------


@transaction.atomic
def duty_shift_add(
    *,
    actor: User,
    officer_id: int,
    weekday: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    note: str = "",
    now: datetime,
) -> DutyShift:
    """The command center puts an officer of its court on duty for 布控 alerts: every week on
    ``weekday`` (0 Monday … 6 Sunday), or from ``starts_on`` to ``ends_on`` (both included)."""
    require(actor, "enforcement.dispatch", court=actor.court)
    if actor.court_id is None:
        raise PermissionDenied("您不属于任何法院。")
    officer = next((u for u in selectors.duty_candidates(court=actor.court_id) if u.pk == officer_id), None)
    if officer is None:
        raise ConditionsNotMet("值班干警须为本院承办执行事务的干警。", unmet=["officer"])
    if weekday is not None:
        if starts_on is not None or ends_on is not None:
            raise ConditionsNotMet("每周值班与日期值班只能选一种。", unmet=["weekday", "starts_on"])
        if not 0 <= weekday <= 6:
            raise ConditionsNotMet("星期无效。", unmet=["weekday"])
    else:
        if starts_on is None or ends_on is None:
            raise ConditionsNotMet(
                "请选择每周的值班日，或填写值班的起止日期。", unmet=["weekday", "starts_on", "ends_on"]
            )
        if ends_on < starts_on:
            raise ConditionsNotMet("结束日期早于开始日期。", unmet=["ends_on"])
        if ends_on < timezone.localdate(now):
            raise ConditionsNotMet("值班期间已经过去。", unmet=["ends_on"])
    return DutyShift.objects.create(
        court_id=actor.court_id,
        officer=officer,
        weekday=weekday,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip()[:128],
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def duty_shift_remove(*, actor: User, shift_id: int, now: datetime) -> DutyShift:
    """Take a shift off the roster (kept, marked removed: who was on duty stays traceable)."""
    require(actor, "enforcement.dispatch", court=actor.court)
    shift = (
        DutyShift.objects.select_for_update()
        .filter(pk=shift_id, court_id=actor.court_id or 0, removed_at__isnull=True)
        .first()
    )
    if shift is None:
        raise NotFound("没有该值班安排。")
    shift.removed_by, shift.removed_at = actor, now
    shift.save(update_fields=["removed_by", "removed_at"])
    return shift


# --- sightings -------------------------------------------------------------------------------


@dataclass(slots=True)
class Read:
    message_id: str
    plate: str
    colour: str
    seen_at: datetime
    camera: str
    place: str
    lat: float
    lng: float
    confidence: float
    image_ref: str


def read_parse(message: dict[str, Any]) -> Read | None:
    """A plate read as the cameras send it, or ``None`` when it is malformed: ``id`` (the
    camera's message id), ``plate``, ``colour``, ``time`` (ISO 8601 with offset), ``camera``,
    ``place``, ``lat``, ``lng``, ``confidence`` (0–1) and ``image`` (a reference to the picture)."""
    try:
        camera = str(message["camera"])[:64]
        message_id = f"{camera[:40]}:{str(message['id'])[:40]}"  # + "#<entry>" fits the 96 of a sighting
        plate = normalise_read(str(message["plate"]))
        seen_at = datetime.fromisoformat(str(message["time"]))
        lat, lng = float(message["lat"]), float(message["lng"])
        confidence = float(message.get("confidence", 1.0))
    except (KeyError, TypeError, ValueError):
        return None
    if plate is None or seen_at.tzinfo is None or not camera:
        return None
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]):
        return None
    if not 0.0 <= confidence <= 1.0:
        return None
    return Read(
        message_id=message_id,
        plate=plate,
        colour=str(message.get("colour", ""))[:8],
        seen_at=seen_at,
        camera=camera,
        place=str(message.get("place", ""))[:128],
        lat=lat,
        lng=lng,
        confidence=confidence,
        image_ref=str(message.get("image", ""))[:256],
    )


@dataclass
class IngestResult:
    received: int = 0
    invalid: int = 0
    low_confidence: int = 0
    matched: int = 0
    duplicates: int = 0
    alerts_new: list[int] = field(default_factory=list)
    alerts_merged: int = 0
    cameras: dict[str, Read] = field(default_factory=dict)
    camera_counts: Counter[str] = field(default_factory=Counter)


Hit = tuple[Read, int, Match]


def plate_reads_process(*, payloads: list[bytes], index: PlateIndex, now: datetime) -> IngestResult:
    """Match a batch of MQTT payloads (:func:`plate_reads_match`) and write its hits
    (:func:`plate_hits_record`) at once. Never raises on bad input."""
    result, hits = plate_reads_match(payloads=payloads, index=index)
    if hits:
        plate_hits_record(hits=hits, result=result, now=now)
    return result


def plate_reads_match(*, payloads: list[bytes], index: PlateIndex) -> tuple[IngestResult, list[Hit]]:
    """Match a batch of MQTT payloads (one read, or a JSON list of reads, each) in memory; no
    database. Every read's plate is normalised and looked up by its confusion key; a read whose
    key nobody watches is only counted for its camera (one dict lookup: no further parsing). A
    read that may match is validated in full (:func:`read_parse`); its matches are returned."""
    result = IngestResult()
    hits: list[Hit] = []
    min_conf = float(watch_setting("MIN_CONFIDENCE"))
    watched_key = index.has_key
    counts = result.camera_counts
    cameras = result.cameras
    for raw in payloads:
        try:
            decoded = orjson.loads(raw)
        except orjson.JSONDecodeError:
            result.received += 1
            result.invalid += 1
            continue
        for message in decoded if isinstance(decoded, list) else (decoded,):
            result.received += 1
            if not isinstance(message, dict):
                result.invalid += 1
                continue
            raw_plate, camera = message.get("plate"), message.get("camera")
            plate = normalise_read(raw_plate) if isinstance(raw_plate, str) else None
            if plate is None or not isinstance(camera, str) or not camera:
                result.invalid += 1
                continue
            camera = camera[:64]
            if camera in cameras and not watched_key(plate_key(plate)):
                counts[camera] += 1  # the fast path: nobody watches this plate
                continue
            read = read_parse(message)
            if read is None:
                result.invalid += 1
                continue
            counts[camera] += 1
            cameras.setdefault(camera, read)  # the camera's position, for the map
            if read.confidence < min_conf:
                result.low_confidence += 1
                continue
            for entry_id, match in index.lookup(read.plate, camera_confidence=read.confidence):
                hits.append((read, entry_id, match))
    return result, hits


@transaction.atomic
def plate_hits_record(*, hits: list[Hit], result: IngestResult, now: datetime) -> None:
    """Write the hits of one or more batches in a fixed number of statements, however many: the
    entries, the known sightings and the live alerts read once; new alerts and sightings
    inserted in bulk; one update per alert that was seen again; the new alerts' case events
    appended to each court's chain at once (the officer on duty named in them,
    :func:`on_duty_officers`)."""
    today = timezone.localdate(now)
    entries = {
        e.pk: e
        for e in WatchEntry.objects.filter(
            pk__in={h[1] for h in hits}, ended_at__isnull=True, expires_on__gte=today
        ).select_related("case__court", "debtor")
    }
    # one sighting per read and entry (two cases may watch the same car)
    keys = {f"{read.message_id}#{entry_id}" for read, entry_id, _ in hits}
    known = set(
        Sighting.objects.filter(channel="plate", message_id__in=keys).values_list("message_id", flat=True)
    )
    fresh: list[tuple[Read, WatchEntry, Match, str]] = []
    for read, entry_id, match in sorted(hits, key=lambda h: h[0].seen_at):
        entry = entries.get(entry_id)
        if entry is None:
            continue  # ended or expired since the index was loaded
        key = f"{read.message_id}#{entry_id}"
        if key in known:
            result.duplicates += 1
            continue
        known.add(key)
        fresh.append((read, entry, match, key))
    if not fresh:
        return
    result.matched += len(fresh)
    window = timedelta(minutes=int(watch_setting("DEDUP_MINUTES")))
    earliest = fresh[0][0].seen_at - window
    live: dict[int, Alert] = {}
    for alert in (
        Alert.objects.select_for_update()
        .filter(
            entry_id__in={e.pk for _, e, _, _ in fresh}, status__in=LIVE_STATUSES, last_seen_at__gte=earliest
        )
        .order_by("id")
    ):
        live[alert.entry_id] = alert  # the latest per entry
    new_alerts: list[Alert] = []
    seen_again: dict[int, tuple[Alert, int]] = {}  # alert id → (alert, sightings added)
    rows: list[tuple[Alert, Read, Match, str]] = []
    for read, entry, match, key in fresh:
        found = live.get(entry.pk)
        if found is not None and found.last_seen_at >= read.seen_at - window:
            alert = found
            if alert.pk is not None:
                prev = seen_again.get(alert.pk, (alert, 0))
                seen_again[alert.pk] = (alert, prev[1] + 1)
                result.alerts_merged += 1
            else:
                alert.sightings += 1  # a second read of a car first seen in this batch
                result.alerts_merged += 1
            if read.seen_at > alert.last_seen_at:
                alert.last_seen_at = read.seen_at
                alert.place, alert.lat, alert.lng = read.place[:128], read.lat, read.lng
                alert.image_ref, alert.source = read.image_ref[:256], read.camera[:64]
        else:
            alert = Alert(
                court_id=entry.court_id,
                case=entry.case,
                entry=entry,
                observed=read.plate[:64],
                distance=match.distance,
                confidence=match.confidence,
                reason=match.reason[:512],
                source=read.camera[:64],
                place=read.place[:128],
                lat=read.lat,
                lng=read.lng,
                image_ref=read.image_ref[:256],
                seen_at=read.seen_at,
                last_seen_at=read.seen_at,
                created_at=now,
            )
            live[entry.pk] = alert
            new_alerts.append(alert)
        rows.append((alert, read, match, key))
    if new_alerts:
        duty = on_duty_officers({a.court_id for a in new_alerts}, now=now)
        for alert in new_alerts:
            alert.notified_id = duty.get(alert.court_id) or alert.entry.officer_id
        new_alerts = Alert.objects.bulk_create(new_alerts)
        if any(a.pk is None for a in new_alerts):  # a database without RETURNING on bulk insert
            raise RuntimeError("bulk_create did not return the alerts' ids")
        result.alerts_new.extend(a.pk for a in new_alerts)
        _alert_events_record(new_alerts, now=now)
    for alert, added in seen_again.values():
        Alert.objects.filter(pk=alert.pk).update(
            sightings=F("sightings") + added,
            last_seen_at=alert.last_seen_at,
            place=alert.place,
            lat=alert.lat,
            lng=alert.lng,
            image_ref=alert.image_ref,
            source=alert.source,
        )
    Sighting.objects.bulk_create(
        [
            Sighting(
                channel="plate",
                message_id=key[:96],
                alert=alert,
                observed=read.plate[:64],
                source=read.camera[:64],
                seen_at=read.seen_at,
                payload={
                    "plate": read.plate,
                    "colour": read.colour,
                    "camera": read.camera,
                    "lat": read.lat,
                    "lng": read.lng,
                    "confidence": read.confidence,
                    "image": read.image_ref,
                    "match": match.as_dict(),
                },
                received_at=now,
            )
            for alert, read, match, key in rows
        ]
    )


def on_duty_officers(court_ids: set[int], *, now: datetime) -> dict[int, int]:
    """{court id: officer on duty now} (the duty roster, :func:`selectors.on_duty`)."""
    return selectors.on_duty(court_ids=court_ids, on=timezone.localdate(now))


def _alert_summary(alert: Alert) -> str:
    entry = alert.entry
    what = f"车辆 {entry.plate}" if entry.kind == WatchKind.VEHICLE else f"被执行人 {entry.debtor.name}"
    return f"布控预警：{what}在{alert.place or alert.source}出现（{alert.reason}）"


def _alert_event_data(alert: Alert) -> dict[str, Any]:
    return {
        "alert": alert.pk,
        "entry": alert.entry_id,
        "distance": alert.distance,
        "confidence": round(alert.confidence, 3),
        # the officer told of it (lastmile.notifications reads this key: 布控预警)
        "notify": alert.notified_id,
    }


def _alert_events_record(alerts: list[Alert], *, now: datetime) -> None:
    """The ``watch.alert`` case events of new alerts: one chain append per court."""
    by_court: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_court.setdefault(alert.court_id, []).append(alert)
    for court_alerts in by_court.values():
        audit_chain_append(
            court=court_alerts[0].case.court,
            entries=[
                ChainEntry(
                    kind=WatchEvent.ALERT,
                    summary=_alert_summary(a),
                    occurred_at=now,
                    case_id=a.case_id,
                    actor=None,
                    data=_alert_event_data(a),
                )
                for a in court_alerts
            ],
        )


def _sighting_record(
    entry: WatchEntry,
    *,
    channel: str,
    message_id: str,
    observed: str,
    source: str,
    place: str,
    lat: float | None,
    lng: float | None,
    image_ref: str,
    seen_at: datetime,
    distance: int,
    confidence: float,
    reason: str,
    payload: dict[str, Any],
    now: datetime,
) -> tuple[Alert, bool]:
    """The sighting and its alert: a live alert of the same entry seen within the window takes
    it (one car circling a car park is one alert); otherwise a new alert, and the officer is
    notified by its case event."""
    window = timedelta(minutes=int(watch_setting("DEDUP_MINUTES")))
    live = (
        Alert.objects.select_for_update()
        .filter(entry=entry, status__in=LIVE_STATUSES, last_seen_at__gte=seen_at - window)
        .order_by("-id")
        .first()
    )
    if live is not None:
        Alert.objects.filter(pk=live.pk).update(sightings=F("sightings") + 1)
        if seen_at > live.last_seen_at:
            Alert.objects.filter(pk=live.pk).update(
                last_seen_at=seen_at, place=place, lat=lat, lng=lng, image_ref=image_ref, source=source
            )
        alert, new = live, False
    else:
        alert = Alert.objects.create(
            court_id=entry.court_id,
            case=entry.case,
            entry=entry,
            observed=observed[:64],
            distance=distance,
            confidence=confidence,
            reason=reason[:512],
            source=source[:64],
            place=place[:128],
            lat=lat,
            lng=lng,
            image_ref=image_ref[:256],
            seen_at=seen_at,
            last_seen_at=seen_at,
            created_at=now,
            notified_id=on_duty_officers({entry.court_id}, now=now).get(entry.court_id) or entry.officer_id,
        )
        new = True
        _alert_events_record([alert], now=now)
    Sighting.objects.create(
        channel=channel,
        message_id=message_id[:96],
        alert=alert,
        observed=observed[:64],
        source=source[:64],
        seen_at=seen_at,
        payload=payload,
        received_at=now,
    )
    return alert, new


def cameras_touch(*, reads: dict[str, Read], counts: Counter[str], now: datetime) -> None:
    """Record the cameras the listener heard (position for the map, count of reads)."""
    known = selectors.camera_codes()
    new = [
        Camera(code=code, name=r.place or code, lat=r.lat, lng=r.lng, reads=counts[code], last_seen_at=now)
        for code, r in reads.items()
        if code not in known
    ]
    if new:
        Camera.objects.bulk_create(new, ignore_conflicts=True)
    for code, n in counts.items():
        if code in known:
            Camera.objects.filter(code=code).update(reads=F("reads") + n, last_seen_at=now)


# --- joint-punishment feeds ----------------------------------------------------------------


@transaction.atomic
def feed_receive(*, feed: str, message: dict[str, Any], now: datetime) -> tuple[FeedMessage, Alert | None]:
    """A signed message of a joint-punishment feed (railway ticket, flight booking, hotel
    check-in): stored once per message id; a person under a 限制消费令 or on the 失信 list raises
    (or joins) an alert of each case that watches them. A repeat changes nothing."""
    if feed not in FEEDS:
        raise ConditionsNotMet("未知的反馈来源。", unmet=["feed"])
    message_id = str(message.get("message_id", ""))[:96]
    id_number = str(message.get("id_number", "")).strip().upper()
    try:
        seen_at = datetime.fromisoformat(str(message.get("time", "")))
    except ValueError:
        raise ConditionsNotMet("时间格式无效。", unmet=["time"]) from None
    if not message_id or not id_number or seen_at.tzinfo is None:
        raise ConditionsNotMet("报文缺少必要字段。", unmet=["message_id", "id_number", "time"])
    stored, created = FeedMessage.objects.get_or_create(
        feed=feed, message_id=message_id, defaults={"payload": message, "received_at": now}
    )
    if not created:
        return stored, None
    alert: Alert | None = None
    place = str(message.get("place", ""))[:128]
    what = {"railway": "购买火车票", "airline": "预订机票", "hotel": "入住星级酒店"}[feed]
    detail = str(message.get("detail", ""))[:128]
    for entry in selectors.watched_person(id_number=id_number, today=timezone.localdate(now)):
        lat, lng = message.get("lat"), message.get("lng")
        alert, _ = _sighting_record(
            entry,
            channel=feed,
            message_id=f"{message_id}:{entry.pk}",
            observed=str(message.get("name", entry.debtor.name))[:64],
            source=FEEDS[feed],
            place=place,
            lat=float(lat) if isinstance(lat, int | float) else None,
            lng=float(lng) if isinstance(lng, int | float) else None,
            image_ref="",
            seen_at=seen_at,
            distance=0,
            confidence=1.0,
            reason=f"证件号码一致；{entry.get_source_display()}被执行人{what}"
            + (f"（{detail}）" if detail else ""),
            payload=message,
            now=now,
        )
        stored.matched = True
    if stored.matched:
        stored.save(update_fields=["matched"])
    return stored, alert


# --- dispatch and outcome -----------------------------------------------------------------


def _locked_alert(alert_id: int, actor: User) -> Alert:
    alert = Alert.objects.select_for_update().filter(pk=alert_id, court_id=actor.court_id or 0).first()
    if alert is None:
        raise NotFound("没有该预警。")
    return alert


@transaction.atomic
def alert_dispatch(*, actor: User, alert_id: int, note: str, now: datetime) -> Alert:
    """The command center sends officers to the place (指挥中心派警)."""
    alert = _locked_alert(alert_id, actor)
    require(actor, "enforcement.dispatch", court=alert.case.court)
    if alert.status != AlertStatus.OPEN:
        raise InvalidTransition(f"预警当前状态为“{alert.get_status_display()}”，不能派警。")
    alert.status = AlertStatus.DISPATCHED
    alert.dispatched_by, alert.dispatched_at, alert.dispatch_note = actor, now, note.strip()[:256]
    alert.save(update_fields=["status", "dispatched_by", "dispatched_at", "dispatch_note"])
    case_event_record(
        case=alert.case,
        kind=WatchEvent.DISPATCHED,
        summary=f"布控预警已派警：{alert.place or alert.source}"
        + (f"（{alert.dispatch_note}）" if note else ""),
        actor=actor,
        now=now,
        data={"alert": alert.pk},
    )
    return alert


OUTCOMES = {
    WatchKind.VEHICLE: (AlertStatus.SEIZED, AlertStatus.GONE, AlertStatus.FALSE_MATCH),
    WatchKind.PERSON: (AlertStatus.LOCATED, AlertStatus.GONE, AlertStatus.FALSE_MATCH),
}


@transaction.atomic
def alert_outcome_record(
    *,
    actor: User,
    alert_id: int,
    outcome: str,
    note: str,
    now: datetime,
    acknowledge_warnings: bool = False,
) -> Alert:
    """The officer on the scene records what happened. ``seized``: the vehicle is taken, and the
    扣押 measure with its 执行裁定书 is created through the measures app (民事诉讼法 2023 art. 255;
    the watch ends); ``located``: the debtor was found; ``gone``: it had left (the watch goes
    on); ``false_match``: the read was wrong (the watch goes on)."""
    alert = _locked_alert(alert_id, actor)
    entry = WatchEntry.objects.select_for_update().select_related("case", "debtor").get(pk=alert.entry_id)
    require(actor, "enforcement.work", court=entry.case.court)
    if alert.status not in LIVE_STATUSES:
        raise InvalidTransition(f"预警已处置（{alert.get_status_display()}）。")
    if outcome not in OUTCOMES[WatchKind(entry.kind)]:
        raise ConditionsNotMet("处置结果无效。", unmet=["outcome"])
    if outcome == AlertStatus.SEIZED:
        measure = measure_propose(
            actor=actor,
            proposal=Proposal(kind=MeasureKind.VEHICLE_SEIZURE, case=entry.case, subject=entry.debtor),
            reason=f"布控车辆{entry.plate}于{alert.place or alert.source}被发现，依法扣押"
            + (f"；{note.strip()}" if note.strip() else ""),
            now=now,
            acknowledge_warnings=acknowledge_warnings,
            plate=entry.plate,
        )
        alert.measure_id = measure.pk
        _entry_end(entry, reason="车辆已扣押", actor=actor, now=now)
    alert.status = outcome
    alert.outcome_by, alert.outcome_at, alert.outcome_note = actor, now, note.strip()[:256]
    alert.save(update_fields=["status", "outcome_by", "outcome_at", "outcome_note", "measure_id"])
    case_event_record(
        case=entry.case,
        kind=WatchEvent.OUTCOME,
        summary=f"布控预警处置：{alert.get_status_display()}" + (f"（{alert.outcome_note}）" if note else ""),
        actor=actor,
        now=now,
        data={"alert": alert.pk, "outcome": outcome, "measure": alert.measure_id},
        legal_basis=cpl(255) if outcome == AlertStatus.SEIZED else None,
    )
    return alert
