"""The watch list follows the seizures, restrictions and listings; the officer's own entries need
a ruling; the joint-punishment feeds are signed and idempotent; duplicates are one alert; acts
are refused to those without the capability and change nothing."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from lastmile.cases.models import CaseEvent
from lastmile.core.errors import ConditionsNotMet, InvalidIdentifier, PermissionDenied
from lastmile.inquiry import protocol
from lastmile.inquiry.models import Asset, AssetKind, Freeze, FreezeStatus, Order
from lastmile.measures.models import Measure, MeasureKind
from lastmile.measures.tests.helpers import take
from lastmile.watch.conf import feed_key
from lastmile.watch.matching import PlateIndex
from lastmile.watch.models import Alert, AlertStatus, FeedMessage, WatchEntry, WatchKind, WatchSource
from lastmile.watch.services import (
    alert_dispatch,
    alert_outcome_record,
    plate_reads_process,
    watch_entry_add,
    watch_list_sync,
)

pytestmark = pytest.mark.django_db


def _seized_vehicle(case, debtor, now, plate="湘A·8B2Z5", status=FreezeStatus.ACTIVE):
    order = Order.objects.create(
        court=case.court,
        case=case,
        institution="vehicle",
        kind="seize",
        party=debtor,
        key=f"t-{plate}",
        status="done",
        created_at=now,
    )
    asset = Asset.objects.create(
        court=case.court,
        case=case,
        party=debtor,
        institution="vehicle",
        kind=AssetKind.VEHICLE,
        identifier=plate,
        label=f"小型轿车 {plate}",
        found_at=now,
        order=order,
    )
    return Freeze.objects.create(
        court=case.court,
        case=case,
        asset=asset,
        is_money=False,
        status=status,
        amount_requested=Decimal("0"),
        amount_frozen=Decimal("0"),
        amount_deducted=Decimal("0"),
        amount_released=Decimal("0"),
        amount_held=Decimal("0"),
        freeze_ref="（2025）湘0104执12号之一",
        starts_on=now.date(),
        expires_on=now.date() + timedelta(days=730),
        created_at=now,
    )


def _read(plate, msg_id, seen="2025-03-03T09:31:00+08:00", **kw):
    return json.dumps(
        {
            "id": msg_id,
            "plate": plate,
            "time": seen,
            "camera": "cam-1",
            "place": "梅溪湖停车场",
            "lat": 28.19,
            "lng": 112.88,
            "confidence": 0.9,
            "image": f"lpr://{msg_id}.jpg",
            **kw,
        }
    ).encode()


def test_a_registered_vehicle_seizure_is_watched_until_it_is_released(case, debtor_person, now):
    freeze = _seized_vehicle(case, debtor_person, now)
    assert watch_list_sync(now=now).added == 1
    entry = WatchEntry.objects.get()
    assert (entry.plate, entry.source, entry.expires_on, entry.officer_id) == (
        "湘A8B2Z5",
        WatchSource.SEIZURE,
        freeze.expires_on,
        case.officer_id,
    )
    assert watch_list_sync(now=now).added == 0  # idempotent
    Freeze.objects.filter(pk=freeze.pk).update(status=FreezeStatus.RELEASED)
    assert watch_list_sync(now=now).ended == 1
    assert WatchEntry.objects.get().ended_at == now


def test_a_watch_never_outlives_its_period(case, officer, now):
    entry = watch_entry_add(
        actor=officer, case=case, plate="湘A12345", ruling_number="（2025）湘0104执保1号", note="", now=now
    )
    assert entry.expires_on == date(2027, 3, 2)  # 民诉解释 2022 art. 485: movables 2 years
    later = now + timedelta(days=731)
    assert watch_list_sync(now=later).ended == 1
    assert WatchEntry.objects.get().end_reason == "布控期满"


def test_the_officer_needs_a_valid_plate_and_the_seizure_ruling(case, officer, clerk, now):
    before = (WatchEntry.objects.count(), CaseEvent.objects.count())
    with pytest.raises(InvalidIdentifier):
        watch_entry_add(actor=officer, case=case, plate="湘A1234O", ruling_number="x", note="", now=now)
    with pytest.raises(ConditionsNotMet):
        watch_entry_add(actor=officer, case=case, plate="湘A12345", ruling_number=" ", note="", now=now)
    with pytest.raises(PermissionDenied):
        watch_entry_add(actor=clerk, case=case, plate="湘A12345", ruling_number="x", note="", now=now)
    assert (WatchEntry.objects.count(), CaseEvent.objects.count()) == before


def test_reads_within_the_window_are_one_alert_and_later_ones_a_new_alert(case, officer, now, settings):
    entry = watch_entry_add(actor=officer, case=case, plate="湘A12345", ruling_number="r", note="", now=now)
    index = PlateIndex([(entry.pk, entry.plate)])
    plate_reads_process(
        payloads=[_read("湘AI2345", "a"), _read("湘A12345", "b", "2025-03-03T09:35:00+08:00")],
        index=index,
        now=now,
    )
    assert Alert.objects.count() == 1 and Alert.objects.get().sightings == 2
    plate_reads_process(payloads=[_read("湘A12345", "c", "2025-03-03T10:30:00+08:00")], index=index, now=now)
    assert Alert.objects.count() == 2
    assert CaseEvent.objects.filter(kind="watch.alert").count() == 2


def test_bad_reads_are_counted_never_raised_and_write_nothing(case, officer, now):
    entry = watch_entry_add(actor=officer, case=case, plate="湘A12345", ruling_number="r", note="", now=now)
    index = PlateIndex([(entry.pk, entry.plate)])
    bad = [
        b"not json",
        b"[1, 2]",
        _read("湘A12345", "x", seen="2025-03-03T09:31:00"),  # no offset
        _read("湘A12345", "y", lat=91.0),
        _read("ABC", "z"),
        _read("湘A12345", "w", confidence=0.1),
    ]
    result = plate_reads_process(payloads=bad, index=index, now=now)
    assert (result.received, result.invalid, result.low_confidence) == (7, 6, 1)
    assert Alert.objects.count() == 0


def _post_feed(client, feed, message, secret, *, path=None):
    body = protocol.dumps(message)
    path = path or f"/watch/feed/{feed}/"
    headers = protocol.signed_headers(
        institution_code=f"feed:{feed}",
        secret=secret,
        method="POST",
        path=path,
        key=message["message_id"],
        body=body,
        now=time.time(),
    )
    return client.post(
        path,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_a_restricted_debtor_buying_a_train_ticket_raises_one_alert(
    case, officer, president, debtor_person, clock, now, settings
):
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": False, "WATCH": {"FEED_KEYS": {"railway": "k-rail"}}}
    take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=MeasureKind.CONSUMPTION_RESTRICTION,
        now=now,
        ack=True,
    )
    assert watch_list_sync(now=now).added == 1
    assert WatchEntry.objects.get().kind == WatchKind.PERSON
    client = Client()
    message = {
        "message_id": "t-1",
        "id_number": debtor_person.id_number,
        "name": debtor_person.name,
        "time": "2025-03-03T09:40:00+08:00",
        "place": "长沙南站",
        "detail": "G6012 二等座",
    }
    # unsigned or wrongly signed: refused, nothing stored
    assert _post_feed(client, "railway", message, "wrong").status_code == 401
    assert FeedMessage.objects.count() == 0
    for _ in range(2):  # the repeat changes nothing
        r = _post_feed(client, "railway", message, "k-rail")
        assert r.status_code == 200
    assert FeedMessage.objects.count() == 1
    alert = Alert.objects.get()
    assert alert.entry.kind == WatchKind.PERSON and "购买火车票" in alert.reason
    assert feed_key("railway") == "k-rail" and feed_key("unknown") is None


def test_dispatch_and_outcome_are_refused_to_the_wrong_roles_and_change_nothing(
    case, officer, clerk, command_center, now
):
    entry = watch_entry_add(actor=officer, case=case, plate="湘A12345", ruling_number="r", note="", now=now)
    plate_reads_process(
        payloads=[_read("湘A12345", "a")], index=PlateIndex([(entry.pk, entry.plate)]), now=now
    )
    alert = Alert.objects.get()
    with pytest.raises(PermissionDenied):
        alert_dispatch(actor=officer, alert_id=alert.pk, note="", now=now)  # the officer does not dispatch
    with pytest.raises(PermissionDenied):
        alert_outcome_record(actor=command_center, alert_id=alert.pk, outcome="seized", note="", now=now)
    with pytest.raises(ConditionsNotMet):
        alert_outcome_record(actor=officer, alert_id=alert.pk, outcome="located", note="", now=now)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and not Measure.objects.exists()
    alert_outcome_record(actor=officer, alert_id=alert.pk, outcome="false_match", note="车型不符", now=now)
    assert WatchEntry.objects.get().ended_at is None  # a false match keeps the watch


def test_the_pages_show_the_court_its_own_alerts_only(case, officer, command_center, now, wuling):
    from lastmile.accounts.models import Role
    from lastmile.testing.factories import UserFactory

    entry = watch_entry_add(actor=officer, case=case, plate="湘A12345", ruling_number="r", note="", now=now)
    plate_reads_process(
        payloads=[_read("湘A12345", "a")], index=PlateIndex([(entry.pk, entry.plate)]), now=now
    )
    alert = Alert.objects.get()
    ours, theirs = Client(), Client()
    ours.force_login(command_center)
    theirs.force_login(UserFactory(court=wuling, role=Role.COMMAND_CENTER, username="wl_cc"))
    page = ours.get("/watch/").content.decode()
    assert "湘A12345" in page and case.number in page
    assert "湘A12345" not in theirs.get("/watch/").content.decode()
    assert theirs.get(f"/watch/alerts/{alert.pk}/").status_code == 404
    stream = ours.get("/watch/stream/?after=0").content.decode()
    assert f"id: {alert.pk}" in stream and "梅溪湖停车场" in stream
    assert f"id: {alert.pk}" not in theirs.get("/watch/stream/?after=0").content.decode()
    r = ours.post(f"/watch/alerts/{alert.pk}/dispatch", {"note": "派一中队"})
    assert r.status_code == 302 and Alert.objects.get().status == AlertStatus.DISPATCHED
