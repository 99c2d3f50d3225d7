"""The duty roster: a new alert notifies the officer on duty (a date range before the weekly
roster), else the case officer; the command center keeps the roster on its page; others cannot."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.notifications.selectors import staff_notifications, staff_unread_count
from lastmile.testing.factories import UserFactory
from lastmile.watch.matching import PlateIndex
from lastmile.watch.models import Alert, DutyShift
from lastmile.watch.selectors import on_duty
from lastmile.watch.services import duty_shift_add, duty_shift_remove, plate_reads_process, watch_entry_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty_officer(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="duty_officer")


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


def _alert_for(case, officer, now) -> Alert:
    entry = watch_entry_add(actor=officer, case=case, plate="湘A12345", ruling_number="r", note="", now=now)
    result = plate_reads_process(
        payloads=[_read("湘A12345", "m1")], index=PlateIndex([(entry.pk, entry.plate)]), now=now
    )
    return Alert.objects.get(pk=result.alerts_new[0])


def test_the_officer_on_duty_is_notified_and_the_case_officer_still_sees_its_case(
    case, officer, duty_officer, command_center, now
):
    duty_shift_add(actor=command_center, officer_id=duty_officer.pk, weekday=now.weekday(), now=now)
    alert = _alert_for(case, officer, now)
    assert alert.notified_id == duty_officer.pk
    event = CaseEvent.objects.get(kind="watch.alert")
    assert event.data["notify"] == duty_officer.pk
    today = now.date()
    assert [n.heading for n in staff_notifications(duty_officer, today=today)] == ["布控预警"]
    assert staff_unread_count(duty_officer, today=today) == 1
    assert "布控预警" in [n.heading for n in staff_notifications(officer, today=today)]


def test_without_anyone_on_duty_the_case_officer_is_notified(
    case, officer, duty_officer, command_center, now
):
    # a weekly shift on another day and a date range that has ended do not cover today
    duty_shift_add(actor=command_center, officer_id=duty_officer.pk, weekday=(now.weekday() + 1) % 7, now=now)
    alert = _alert_for(case, officer, now)
    assert alert.notified_id == officer.pk
    assert staff_notifications(duty_officer, today=now.date()) == []


def test_a_date_range_comes_before_the_weekly_roster_and_a_removed_shift_counts_no_more(
    yuelu, officer, duty_officer, command_center, now
):
    today = now.date()
    duty_shift_add(actor=command_center, officer_id=duty_officer.pk, weekday=today.weekday(), now=now)
    ranged = duty_shift_add(
        actor=command_center,
        officer_id=officer.pk,
        starts_on=today,
        ends_on=today + timedelta(days=2),
        now=now,
    )
    assert on_duty(court_ids={yuelu.pk}, on=today) == {yuelu.pk: officer.pk}
    assert on_duty(court_ids={yuelu.pk}, on=today + timedelta(days=7)) == {yuelu.pk: duty_officer.pk}
    duty_shift_remove(actor=command_center, shift_id=ranged.pk, now=now)
    assert on_duty(court_ids={yuelu.pk}, on=today) == {yuelu.pk: duty_officer.pk}
    assert DutyShift.objects.filter(removed_at__isnull=False).count() == 1  # kept, marked removed


def test_the_roster_is_kept_by_the_command_center_only_and_checked(
    yuelu, wuling, officer, clerk, duty_officer, command_center, now
):
    today = now.date()
    with pytest.raises(PermissionDenied):
        duty_shift_add(actor=officer, officer_id=duty_officer.pk, weekday=1, now=now)
    with pytest.raises(ConditionsNotMet):  # a clerk cannot take an alert
        duty_shift_add(actor=command_center, officer_id=clerk.pk, weekday=1, now=now)
    stranger = UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_judge")
    with pytest.raises(ConditionsNotMet):  # another court's officer
        duty_shift_add(actor=command_center, officer_id=stranger.pk, weekday=1, now=now)
    with pytest.raises(ConditionsNotMet):
        duty_shift_add(actor=command_center, officer_id=duty_officer.pk, now=now)
    with pytest.raises(ConditionsNotMet):
        duty_shift_add(
            actor=command_center,
            officer_id=duty_officer.pk,
            starts_on=today,
            ends_on=today - timedelta(days=1),
            now=now,
        )
    with pytest.raises(ConditionsNotMet):
        duty_shift_add(actor=command_center, officer_id=duty_officer.pk, weekday=7, now=now)
    assert DutyShift.objects.count() == 0


def test_the_duty_page_adds_and_removes_shifts(yuelu, officer, duty_officer, command_center, clock, now):
    client = Client()
    client.force_login(command_center)
    page = client.get("/watch/duty/")
    assert page.status_code == 200 and "安排值班" in page.content.decode()
    today = now.date()
    response = client.post(
        "/watch/duty/",
        {
            "officer": duty_officer.pk,
            "weekday": "",
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert (shift.officer_id, shift.starts_on, shift.weekday) == (duty_officer.pk, today, None)
    assert "今日值班" in client.get("/watch/").content.decode()
    # bad input is a message, never a 500
    for bad in (
        {"officer": "x"},
        {"officer": "²"},
        {"officer": "9" * 40},
        {"officer": duty_officer.pk, "weekday": "²"},
        {"officer": duty_officer.pk, "starts_on": "2025-13-01", "ends_on": "x"},
    ):
        assert client.post("/watch/duty/", bad).status_code == 302
    assert client.post(f"/watch/duty/{shift.pk}/remove").status_code == 302
    assert DutyShift.objects.get().removed_at is not None
    # an officer sees the roster but cannot change it
    client.force_login(officer)
    page = client.get("/watch/duty/")
    assert page.status_code == 200 and "安排值班" not in page.content.decode()
    client.post("/watch/duty/", {"officer": duty_officer.pk, "weekday": "1"})
    assert DutyShift.objects.filter(removed_at__isnull=True).count() == 0
