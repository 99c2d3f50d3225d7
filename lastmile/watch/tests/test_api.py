"""The 布控 API (/api/v1/watch): court-scoped reads, role-checked writes, errors with codes."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lastmile.accounts.models import Role
from lastmile.testing.factories import UserFactory
from lastmile.watch.matching import PlateIndex
from lastmile.watch.models import Alert, AlertStatus, DutyShift
from lastmile.watch.services import plate_reads_process

pytestmark = pytest.mark.django_db

API = "/api/v1/watch"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(client: Client, path: str, body: dict):
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def _read(plate: str, msg_id: str) -> bytes:
    return json.dumps(
        {
            "id": msg_id,
            "plate": plate,
            "time": "2025-03-03T09:31:00+08:00",
            "camera": "cam-1",
            "place": "梅溪湖停车场",
            "lat": 28.19,
            "lng": 112.88,
            "confidence": 0.9,
        }
    ).encode()


def test_an_officer_watches_a_car_the_center_dispatches_and_the_officer_records_the_outcome(
    case, officer, command_center, clock, now
):
    officer_api, center_api = _client(officer), _client(command_center)
    r = _post(
        officer_api,
        "/entries",
        {"case_number": case.number, "plate": "湘A·12345", "ruling_number": "（2025）湘0104执保1号"},
    )
    assert r.status_code == 200, r.content
    entry = r.json()
    assert (entry["plate"], entry["case_id"], entry["source"]) == ("湘A12345", case.pk, "officer")
    assert [e["id"] for e in officer_api.get(f"{API}/entries").json()] == [entry["id"]]

    plate_reads_process(
        payloads=[_read("湘AI2345", "m1")], index=PlateIndex([(entry["id"], "湘A12345")]), now=now
    )
    alerts = center_api.get(f"{API}/alerts").json()
    assert len(alerts) == 1 and alerts[0]["observed"] == "湘AI2345" and alerts[0]["notified_id"] == officer.pk
    alert_id = alerts[0]["id"]
    assert center_api.get(f"{API}/alerts", {"after": alert_id}).json() == []
    assert officer_api.get(f"{API}/alerts/{alert_id}").json()["sighting_rows"][0]["observed"] == "湘AI2345"

    # the officer cannot dispatch; the command center cannot record the outcome
    assert _post(officer_api, f"/alerts/{alert_id}/dispatch", {"note": "x"}).status_code == 403
    r = _post(center_api, f"/alerts/{alert_id}/dispatch", {"note": "派岳麓中队"})
    assert r.status_code == 200 and r.json()["status"] == AlertStatus.DISPATCHED
    assert _post(center_api, f"/alerts/{alert_id}/outcome", {"outcome": "gone"}).status_code == 403
    r = _post(officer_api, f"/alerts/{alert_id}/outcome", {"outcome": "nonsense"})
    assert r.status_code == 409 and r.json()["code"]
    r = _post(officer_api, f"/alerts/{alert_id}/outcome", {"outcome": "gone", "note": "已驶离"})
    assert r.status_code == 200 and r.json()["status"] == AlertStatus.GONE
    r = _post(officer_api, f"/entries/{entry['id']}/end", {"reason": "债务已履行"})
    assert r.status_code == 200 and r.json()["ended_at"]


def test_reads_and_writes_are_scoped_to_the_callers_court(case, officer, clock, now, wuling):
    r = _post(
        _client(officer), "/entries", {"case_number": case.number, "plate": "湘A12345", "ruling_number": "r"}
    )
    entry_id = r.json()["id"]
    plate_reads_process(
        payloads=[_read("湘A12345", "m1")], index=PlateIndex([(entry_id, "湘A12345")]), now=now
    )
    alert_id = Alert.objects.get().pk
    stranger = _client(UserFactory(court=wuling, role=Role.COMMAND_CENTER, username="wl_cc"))
    assert stranger.get(f"{API}/alerts").json() == []
    assert stranger.get(f"{API}/entries").json() == []
    assert stranger.get(f"{API}/alerts/{alert_id}").status_code == 404
    assert _post(stranger, f"/alerts/{alert_id}/dispatch", {}).status_code == 404
    assert _post(stranger, f"/entries/{entry_id}/end", {}).status_code == 404
    assert (
        _post(
            stranger, "/entries", {"case_number": case.number, "plate": "湘A54321", "ruling_number": "r"}
        ).status_code
        == 404
    )
    clerk = _client(UserFactory(court=case.court, role=Role.FILING_CLERK, username="yl_clerk2"))
    assert clerk.get(f"{API}/alerts").status_code == 403
    assert Client().get(f"{API}/alerts").status_code == 401


def test_the_duty_roster_through_the_api(yuelu, officer, command_center, clock, now):
    center_api = _client(command_center)
    r = _post(center_api, "/duty", {"officer_id": officer.pk, "weekday": now.weekday()})
    assert r.status_code == 200, r.content
    shift_id = r.json()["id"]
    roster = center_api.get(f"{API}/duty").json()
    assert roster["on_duty_officer_id"] == officer.pk and [s["id"] for s in roster["shifts"]] == [shift_id]
    assert _post(_client(officer), "/duty", {"officer_id": officer.pk, "weekday": 1}).status_code == 403
    assert _post(center_api, "/duty", {"officer_id": officer.pk}).status_code == 409
    assert _post(
        center_api, "/duty", {"officer_id": officer.pk, "starts_on": "2025-02-30", "ends_on": "x"}
    ).status_code in (
        400,
        422,
    )
    assert _post(center_api, f"/duty/{shift_id}/remove", {}).status_code == 200
    assert DutyShift.objects.get().removed_at is not None
    assert center_api.get(f"{API}/duty").json()["on_duty_officer_id"] is None
