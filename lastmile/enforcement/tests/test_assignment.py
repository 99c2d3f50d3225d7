"""Changing the triage track and the officer by hand (issue M item 9.4): only whoever dispatches
enforcement work, only with a reason, the old and new value on the record, the deadlines follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role, Team, TeamKind
from lastmile.cases.models import CaseEvent, CaseStatus, Deadline
from lastmile.core.clock import FixedClock, use_clock
from lastmile.core.errors import InvalidTransition, PermissionDenied
from lastmile.enforcement.models import EnforcementCase, Track
from lastmile.enforcement.services import InvalidFiling, case_reassign
from lastmile.enforcement.tests.conftest import at
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 3)


@pytest.fixture
def dispatcher(yuelu):
    return UserFactory(court=yuelu, role=Role.COMMAND_CENTER, username="zhihui")


@pytest.fixture
def second_officer(yuelu):
    team = Team.objects.create(court=yuelu, name="精执团队", kind=TeamKind.COMPLEX)
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="zhixing2", team=team)


def _open_deadlines(case):
    return Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True)


def test_the_officer_changes_with_the_reason_on_record_and_the_deadlines_follow(
    file_case, dispatcher, second_officer
):
    case = file_case(NOW)
    old = case.officer
    assert _open_deadlines(case).exists()
    case_reassign(
        case=case, actor=dispatcher, now=at(2025, 3, 4), reason="原承办人长期病假", officer=second_officer
    )
    case.refresh_from_db()
    assert case.officer == second_officer and case.team == second_officer.team
    assert set(_open_deadlines(case).values_list("assignee", flat=True)) == {second_officer.pk}
    event = CaseEvent.objects.get(case=case, kind="enforcement.reassigned")
    assert event.data["old"] == old.pk and event.data["new"] == second_officer.pk
    assert event.data["reason"] == "原承办人长期病假" and event.actor == dispatcher


def test_the_track_changes_and_the_case_goes_to_the_new_team(file_case, president, second_officer):
    case = file_case(NOW)
    ec = EnforcementCase.objects.get(pk=case.pk)
    assert ec.track == Track.FAST
    case_reassign(
        case=case, actor=president, now=at(2025, 3, 4), reason="查明被执行人有多处房产", track="complex"
    )
    ec.refresh_from_db()
    case.refresh_from_db()
    assert ec.track == Track.COMPLEX
    assert case.officer == second_officer  # the only member of the complex-case team
    event = CaseEvent.objects.get(case=case, kind="enforcement.track_changed")
    assert (event.data["old"], event.data["new"]) == ("fast", "complex")
    assert CaseEvent.objects.filter(case=case, kind="enforcement.reassigned").count() == 1


def test_refused_without_the_right_or_a_reason_and_nothing_changes(
    file_case, officer, dispatcher, second_officer
):
    case = file_case(NOW)
    before = (case.officer_id, EnforcementCase.objects.get(pk=case.pk).track)
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(PermissionDenied):  # the officer cannot hand its own case on
        case_reassign(case=case, actor=officer, now=at(2025, 3, 4), reason="太忙", officer=second_officer)
    with pytest.raises(InvalidFiling):
        case_reassign(case=case, actor=dispatcher, now=at(2025, 3, 4), reason=" ", officer=second_officer)
    with pytest.raises(InvalidFiling):
        case_reassign(case=case, actor=dispatcher, now=at(2025, 3, 4), reason="x", track="pending")
    with pytest.raises(InvalidFiling):  # nothing would change
        case_reassign(case=case, actor=dispatcher, now=at(2025, 3, 4), reason="x", officer=case.officer)
    clerk = UserFactory(court=case.court, role=Role.FILING_CLERK, username="not_an_officer")
    with pytest.raises(InvalidFiling):
        case_reassign(case=case, actor=dispatcher, now=at(2025, 3, 4), reason="x", officer=clerk)
    case.refresh_from_db()
    assert (case.officer_id, EnforcementCase.objects.get(pk=case.pk).track) == before
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_closed_case_keeps_its_officer(file_case, dispatcher, second_officer):
    case = file_case(NOW)
    case.__class__.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(InvalidTransition):
        case_reassign(case=case, actor=dispatcher, now=at(2025, 3, 4), reason="x", officer=second_officer)


def test_the_overview_offers_it_to_the_dispatcher_and_the_api_does_it(
    client, file_case, dispatcher, second_officer
):
    case = file_case(NOW)
    client.force_login(case.officer)
    with use_clock(FixedClock(at(2025, 3, 4))):
        assert 'id="reassign"' not in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    client.force_login(dispatcher)
    with use_clock(FixedClock(at(2025, 3, 4))):
        assert 'id="reassign"' in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
        client.post(
            reverse("enforcement:act", args=[case.pk, "reassign"]),
            {"officer": second_officer.pk, "reason": ""},
        )
        case.refresh_from_db()
        assert case.officer != second_officer  # no reason: refused
        r = client.post(
            f"/api/v1/enforcement/cases/{case.pk}/assignment",
            {"officer_id": second_officer.pk, "reason": "均衡办案数量"},
            content_type="application/json",
        )
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.officer == second_officer
