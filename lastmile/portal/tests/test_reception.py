"""The reception desk (执行值班接待): staff open and close duty slots (a closed slot's bookings are
cancelled and each party told, never silently), and walk-in visitors are recorded with a checked
ID number, listed by day and counted on the duty page."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.errors import InvalidIdentifier, InvalidTransition, NotFound, PermissionDenied
from lastmile.portal import selectors, services
from lastmile.portal.models import BookingStatus, ReceptionBooking, ReceptionSlot, WalkInVisit
from lastmile.portal.services_reception import (
    SlotPlan,
    WalkInIn,
    reception_slot_close,
    reception_slots_create,
    walk_in_record,
)
from lastmile.portal.tests.test_signup import outbox  # noqa: F401  (fixture)
from lastmile.testing.factories import UserFactory, make_resident_id

pytestmark = pytest.mark.django_db

TOMORROW = date(2025, 3, 4)  # FIXED_NOW is Monday 2025-03-03 09:30 Beijing


@pytest.fixture
def case(yuelu, clerk, officer, bank, debtor, now):
    return case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
        officer=officer,
    )


def _plan(**kw):
    params = {
        "day_from": TOMORROW,
        "day_to": TOMORROW + timedelta(days=6),
        "hours": [(time(9), time(11, 30)), (time(14, 30), time(17))],
        "capacity": 3,
        "place": "执行局接待大厅",
    }
    params.update(kw)
    return SlotPlan(**params)


def test_staff_open_slots_for_working_days_and_hours_once(officer, clerk, now):
    created = reception_slots_create(actor=officer, plan=_plan(), duty_officer=officer, now=now)
    # Tue 4 – Mon 10 March: five working days (8, 9 March are a weekend), two slots each
    assert len(created) == 10
    assert {s.starts_at.date() for s in created} == {date(2025, 3, d) for d in (4, 5, 6, 7, 10)}
    # again: nothing doubled; a filing clerk (case.file) may open slots too
    assert reception_slots_create(actor=clerk, plan=_plan(), duty_officer=officer, now=now) == []
    assert ReceptionSlot.objects.count() == 10


def test_opening_is_refused_whole_for_bad_plans_and_outsiders(officer, now, wuling):
    for bad in (
        _plan(day_from=date(2025, 3, 3), hours=[(time(8), time(9))]),  # already past
        _plan(hours=[(time(11), time(10))]),
        _plan(capacity=0),
        _plan(day_to=TOMORROW - timedelta(days=1)),
    ):
        with pytest.raises(InvalidTransition):
            reception_slots_create(actor=officer, plan=bad, duty_officer=officer, now=now)
    other = UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_duty")
    with pytest.raises(PermissionDenied):
        reception_slots_create(actor=officer, plan=_plan(), duty_officer=other, now=now)
    finance = UserFactory(court=officer.court, role=Role.FINANCE, username="fin_duty")
    with pytest.raises(PermissionDenied):
        reception_slots_create(actor=finance, plan=_plan(), duty_officer=officer, now=now)
    assert not ReceptionSlot.objects.exists()


def test_closing_a_slot_cancels_its_bookings_and_tells_each_party(
    client,
    case,
    bank,
    officer,
    now,
    clock,
    outbox,  # noqa: F811
):
    bank.phone = "13800138000"
    bank.save(update_fields=["phone"])
    account = services.portal_account_create(party=bank, username="bank_rc", password="pw-123456", now=now)
    slot = reception_slots_create(actor=officer, plan=_plan(day_to=TOMORROW), duty_officer=officer, now=now)[
        0
    ]
    booking = services.booking_make(account=account, case=case, slot_id=slot.pk, topic="询问进展", now=now)
    with pytest.raises(InvalidTransition):  # never silently: a reason is required
        reception_slot_close(actor=officer, slot_id=slot.pk, reason=" ", now=now)
    client.force_login(officer)
    page = client.post(
        reverse("portal:reception_slot_close", args=[slot.pk]),
        {"reason": "值班干警外出执行", "day": "2025-03-04"},
    )
    assert page.status_code == 302
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert slot.closed_at is not None and booking.status == BookingStatus.CANCELLED
    assert "值班干警外出执行" in booking.cancel_reason
    assert any(m.address == "13800138000" and "值班干警外出执行" in m.title for m in outbox)
    event = CaseEvent.objects.get(case=case, kind="reception.cancelled")
    assert event.data["by_court"] is True and event.actor == officer
    # the party reads why on its case page, and the closed slot is no longer offered or bookable
    client.force_login(account.user)
    assert "值班干警外出执行" in client.get(reverse("portal:party_case", args=[case.pk])).content.decode()
    assert all(s.pk != slot.pk for s, _left in selectors.slots_open(case=case, now=now))
    with pytest.raises(InvalidTransition):
        services.booking_make(account=account, case=case, slot_id=slot.pk, topic="再约", now=now)


def test_walk_in_visits_are_checked_listed_by_day_and_counted(
    client, case, officer, clerk, now, clock, wuling
):
    good = WalkInIn(
        name="张三",
        id_number=make_resident_id(),
        phone="13900139000",
        topic="询问执行款发放",
        outcome="已告知审批进度",
        case_number=case.number,
    )
    for bad, error in (
        (WalkInIn(**{**good.__dict__, "id_number": "430104199001011235"}), InvalidIdentifier),
        (WalkInIn(**{**good.__dict__, "phone": "12345"}), InvalidTransition),
        (WalkInIn(**{**good.__dict__, "case_number": "（2099）湘0104执1号"}), NotFound),
        (WalkInIn(**{**good.__dict__, "outcome": ""}), InvalidTransition),
    ):
        with pytest.raises(error):
            walk_in_record(actor=clerk, visit=bad, now=now)
    assert not WalkInVisit.objects.exists()
    visit = walk_in_record(actor=clerk, visit=good, now=now)
    assert visit.case == case and visit.handled_by == clerk
    assert CaseEvent.objects.filter(case=case, kind="reception.walk_in").count() == 1
    # through the page, without a case
    client.force_login(officer)
    client.post(
        reverse("portal:reception_walk_in"),
        {
            "name": "李四",
            "id_number": make_resident_id(),
            "phone": "0731-88880000",
            "topic": "咨询",
            "outcome": "已解答",
        },
    )
    desk = client.get(reverse("portal:reception"), {"day": "2025-03-03"}).content.decode()
    assert "张三" in desk and "李四" in desk and 'data-count="walk_ins">2<' in desk
    assert selectors.reception_day(actor=officer, day=date(2025, 3, 3)).counts["walk_ins"] == 2
    assert "来访登记 <b>2</b>" in client.get(reverse("portal:duty")).content.decode()
    # the case search box finds the court's own cases only
    options = client.get(reverse("portal:reception_case_search"), {"q": case.number[:8]}).content.decode()
    assert case.number in options
    stranger = UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_desk")
    client.force_login(stranger)
    assert "张三" not in client.get(reverse("portal:reception"), {"day": "2025-03-03"}).content.decode()
    assert (
        case.number
        not in client.get(reverse("portal:reception_case_search"), {"q": case.number[:8]}).content.decode()
    )


def test_the_desk_page_opens_slots(client, officer, now, clock):
    client.force_login(officer)
    client.post(
        reverse("portal:reception_slots"),
        {
            "day_from": "2025-03-04",
            "day_to": "2025-03-05",
            "hours": "09:00-11:30, 14:30-17:00",
            "capacity": "2",
            "duty_officer": str(officer.pk),
            "place": "接待室",
        },
    )
    assert ReceptionSlot.objects.filter(court=officer.court, capacity=2, place="接待室").count() == 4
    desk = client.get(reverse("portal:reception"), {"day": "2025-03-04"}).content.decode()
    assert 'data-count="slots_open">2<' in desk
    assert not ReceptionBooking.objects.exists()


def test_the_desk_links_to_duty_bookings_only_for_who_may_open_them(client, officer, clerk, clock):
    duty = reverse("portal:duty")
    client.force_login(officer)
    assert duty in client.get(reverse("portal:reception")).content.decode()
    assert client.get(duty).status_code == 200
    client.force_login(clerk)  # the filing clerk keeps the desk but has no duty reception
    assert duty not in client.get(reverse("portal:reception")).content.decode()
    assert client.get(duty).status_code == 403
