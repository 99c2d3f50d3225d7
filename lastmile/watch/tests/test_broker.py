"""Through the real MQTT broker: a watched plate read with one confusable character raises one
alert (and only one, however often the car is read); 100 reads of unwatched plates raise none;
the officer's outcome creates the 扣押 measure with its ruling (issue O, must show)."""

from __future__ import annotations

import json
import time
import uuid

import paho.mqtt.client as mqtt
import pytest

from lastmile.cases.models import CaseEvent
from lastmile.documents.models import Document
from lastmile.measures.models import Measure, MeasureKind, MeasureStatus
from lastmile.notifications.selectors import staff_notifications
from lastmile.watch.listener import PlateListener, shared_topic
from lastmile.watch.models import Alert, AlertStatus, Sighting, WatchEntry
from lastmile.watch.services import alert_dispatch, alert_outcome_record, watch_entry_add

pytestmark = pytest.mark.django_db(transaction=True)


def _read(plate: str, n: int, *, msg_id: str | None = None) -> dict:
    return {
        "id": msg_id or f"r{n}",
        "plate": plate,
        "colour": "蓝",
        "time": "2025-03-03T09:31:00+08:00",
        "camera": "yl-meixihu-cam1",
        "place": "梅溪湖步步高广场停车场1号口",
        "lat": 28.1985,
        "lng": 112.8891,
        "confidence": 0.92,
        "image": f"lpr://yl-meixihu/20250303/{n}.jpg",
    }


def _drain(listener: PlateListener, expected: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while listener.stats.received < expected and time.monotonic() < deadline:
        listener.process_once(timeout=0.05)
    assert listener.stats.received == expected, listener.stats


def test_a_misread_watched_plate_raises_one_alert_and_the_outcome_seizes_the_car(
    mqtt_broker, case, officer, command_center, templates, clock, now
):
    entry = watch_entry_add(
        actor=officer, case=case, plate="湘A·5D802", ruling_number="（2025）湘0104执保12号", note="", now=now
    )
    topic = f"lastmile/test/{uuid.uuid4().hex[:8]}/#"
    listener = PlateListener(broker_url=f"mqtt://{mqtt_broker[0]}:{mqtt_broker[1]}", topic=topic, sync=False)
    listener.reload()
    listener.connect()
    try:
        assert listener.subscribed.wait(5), "the listener did not subscribe"
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        pub.connect(*mqtt_broker)
        pub.loop_start()
        base = topic[:-2]
        # 100 unwatched plates, none of them a confusion of the watched one
        for n in range(100):
            pub.publish(f"{base}/lot/cam1", json.dumps(_read(f"湘A7{n:04d}", n)), qos=1)
        _drain(listener, 100)
        assert Alert.objects.count() == 0 and Sighting.objects.count() == 0
        # the watched car, its 0 read as O; then read again (another message) and the same
        # message delivered twice (QoS 1 is at least once)
        for msg_id in ("hit-1", "hit-2", "hit-2"):
            pub.publish(
                f"{base}/lot/cam1", json.dumps(_read("湘A5D8O2", 0, msg_id=msg_id)), qos=1
            ).wait_for_publish()
        _drain(listener, 103)
        pub.loop_stop()
        pub.disconnect()
    finally:
        listener.stop()
        listener.close()
    alert = Alert.objects.get()
    assert (alert.entry_id, alert.observed, alert.distance) == (entry.pk, "湘A5D8O2", 1)
    assert alert.sightings == 2 and Sighting.objects.count() == 2  # the duplicate message changed nothing
    assert "第6位" in alert.reason and alert.image_ref.startswith("lpr://")
    event = CaseEvent.objects.get(kind="watch.alert")
    assert event.case_id == case.pk and event.data["alert"] == alert.pk
    # the case officer is notified under 布控预警
    notes = staff_notifications(officer, today=now.date())
    assert [n.heading for n in notes].count("布控预警") == 1, notes

    alert_dispatch(actor=command_center, alert_id=alert.pk, note="派岳麓中队", now=now)
    alert = alert_outcome_record(
        actor=officer,
        alert_id=alert.pk,
        outcome=AlertStatus.SEIZED,
        note="车辆已拖至停车场",
        now=now,
        acknowledge_warnings=True,
    )
    measure = Measure.objects.get(pk=alert.measure_id)
    assert (measure.kind, measure.status, measure.plate) == (
        MeasureKind.VEHICLE_SEIZURE,
        MeasureStatus.IN_FORCE,
        "湘A5D802",
    )
    assert Document.objects.filter(case=case, template__code="ruling_distrain").exists()
    assert WatchEntry.objects.get(pk=entry.pk).ended_at is not None


def test_two_listeners_on_a_shared_subscription_split_the_reads_and_raise_one_alert(
    mqtt_broker, case, officer, now
):
    """WORKERS=2: the broker deals the reads out between two listeners
    on ``$share/lastmile/<topic>``; every read is processed once, the watched car is one alert."""
    watch_entry_add(actor=officer, case=case, plate="湘A5D802", ruling_number="r", note="", now=now)
    topic = f"lastmile/test/{uuid.uuid4().hex[:8]}/#"
    url = f"mqtt://{mqtt_broker[0]}:{mqtt_broker[1]}"
    listeners = [
        PlateListener(
            broker_url=url, topic=shared_topic(topic), sync=False, client_id=f"t-{uuid.uuid4().hex[:6]}"
        )
        for _ in range(2)
    ]
    for listener in listeners:
        listener.reload()
        listener.connect()
    try:
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        pub.connect(*mqtt_broker)
        pub.loop_start()
        base = topic[:-2]
        for n in range(200):
            pub.publish(f"{base}/lot/cam1", json.dumps(_read(f"湘A7{n:04d}", n)), qos=1)
        for msg_id in ("hit-a", "hit-b"):
            pub.publish(
                f"{base}/lot/cam1", json.dumps(_read("湘A5D8O2", 0, msg_id=msg_id)), qos=1
            ).wait_for_publish()
        deadline = time.monotonic() + 15
        while sum(x.stats.received for x in listeners) < 202 and time.monotonic() < deadline:
            for listener in listeners:
                listener.process_once(timeout=0.02)
        pub.loop_stop()
        pub.disconnect()
    finally:
        for listener in listeners:
            listener.close()
    counts = [x.stats.received for x in listeners]
    assert sum(counts) == 202 and min(counts) > 0, counts
    alert = Alert.objects.get()
    assert alert.sightings == 2 and Sighting.objects.count() == 2


def test_the_running_listener_writes_hits_in_its_writer_thread_and_acknowledges_after(
    mqtt_broker, case, officer, now, settings
):
    """run() as deployed: matching in the reading thread, hits written by the writer thread
    (group commit), the QoS 1 reads acknowledged once written."""
    settings.LASTMILE = {**settings.LASTMILE, "WATCH": {"REFRESH_SECONDS": 3600.0}}
    watch_entry_add(actor=officer, case=case, plate="湘A5D802", ruling_number="r", note="", now=now)
    topic = f"lastmile/test/{uuid.uuid4().hex[:8]}/#"
    listener = PlateListener(
        broker_url=f"mqtt://{mqtt_broker[0]}:{mqtt_broker[1]}", topic=topic, sync=False, client_id=""
    )
    listener.start()
    try:
        assert listener.subscribed.wait(10), "the listener did not subscribe"
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        pub.connect(*mqtt_broker)
        pub.loop_start()
        base = topic[:-2]
        for n in range(50):
            pub.publish(f"{base}/lot/cam1", json.dumps(_read(f"湘A7{n:04d}", n)), qos=1)
        for msg_id in ("hit-a", "hit-b"):
            pub.publish(
                f"{base}/lot/cam1", json.dumps(_read("湘A5D8O2", 0, msg_id=msg_id)), qos=1
            ).wait_for_publish()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (listener.stats.received < 52 or listener.stats.matched < 2):
            time.sleep(0.05)
        pub.loop_stop()
        pub.disconnect()
    finally:
        listener.stop()
    assert (listener.stats.received, listener.stats.matched, listener.stats.alerts) == (52, 2, 1)
    assert not listener._acks  # every batch acknowledged
    alert = Alert.objects.get()
    assert alert.sightings == 2 and Sighting.objects.count() == 2
