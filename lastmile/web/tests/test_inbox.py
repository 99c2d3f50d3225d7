"""Inboxes by role and notifications (issue M items 2 and 10): each role finds what waits for it,
oldest first, acts on it from the inbox, and the badge in the menu follows; an officer is told
of what others did on its cases, a party of what was served on it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseStatus
from lastmile.core.clock import FixedClock, use_clock
from lastmile.enforcement.models import TimeLimitExtension
from lastmile.enforcement.services import clue_submit, time_limit_extension_request
from lastmile.ledger.models import PayoutStatus
from lastmile.ledger.services import payout_request, receipt_record
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import MeasureKind, MeasureStatus, VacateStatus
from lastmile.measures.services import measure_propose, vacate_notice_draft
from lastmile.notifications.selectors import staff_notifications, staff_unread_count
from lastmile.notifications.services import notifications_mark_read
from lastmile.testing.enforcement import at, basis, file_case
from lastmile.testing.factories import UserFactory
from lastmile.web.inbox import inbox_count, inbox_for

pytestmark = pytest.mark.django_db
__all__ = ["file_case"]  # the fixture

NOW = at(2025, 3, 3)


@pytest.fixture
def finance(yuelu):
    return UserFactory(court=yuelu, role=Role.FINANCE, username="inbox_finance")


@pytest.fixture
def case(file_case):
    return file_case(NOW)


def _propose(case, officer, when):
    debtor = case.case_parties.get(role="respondent").party
    return measure_propose(
        actor=officer,
        proposal=Proposal(kind=MeasureKind.CONSUMPTION_RESTRICTION, case=case, subject=debtor),
        reason="经执行通知仍未履行",
        now=when,
        acknowledge_warnings=True,
    )


def _money(case, finance, when, key="r1"):
    receipt_record(
        case=case,
        amount=Decimal("5000.00"),
        source="debtor_transfer",
        idempotency_key=key,
        received_at=when,
        actor=finance,
    )
    return payout_request(
        case=case,
        kind="applicant",
        amount=Decimal("5000.00"),
        actor=finance,
        now=when,
        idempotency_key=f"p-{key}",
        payee_party=case.case_parties.get(role="applicant").party,
        payee_account="800012345678901",
        payee_bank="长沙银行岳麓支行",
        payee_account_name="收款人户名",
    )


def test_the_president_sees_approvals_oldest_first_and_approves_from_the_inbox(
    client, case, officer, president, finance
):
    m = _propose(case, officer, NOW)
    payout = _money(case, finance, NOW + timedelta(hours=1))
    time_limit_extension_request(case=case, actor=officer, now=NOW + timedelta(hours=2), reason="财产待处置")

    sections = {s.queue.key: s for s in inbox_for(president, now=NOW + timedelta(days=1))}
    assert [i.pk for i in sections["measure"].items] == [m.pk]
    assert [i.pk for i in sections["payout"].items] == [payout.pk]
    assert sections["extension"].total == 1
    assert inbox_count(president, now=NOW + timedelta(days=1)) == 3
    # nobody else has the 院长's queues: not the officer, not finance
    assert inbox_count(officer, now=NOW) == 0
    finance_queues = {s.queue.key for s in inbox_for(finance, now=NOW)}
    assert finance_queues == {"payout_settle", "payment_report", "receipt"}

    client.force_login(president)
    with use_clock(FixedClock(NOW + timedelta(days=1))):
        page = client.get(reverse("web:inbox")).content.decode()
        assert case.number in page and 'id="nav-inbox-count">3<' in page
        r = client.post(reverse("web:inbox_act", args=["measure", m.pk, "approve"]))
        assert r.status_code == 302
        r = client.post(reverse("web:inbox_act", args=["payout", payout.pk, "approve"]))
        page = client.get(reverse("web:inbox")).content.decode()
    m.refresh_from_db()
    payout.refresh_from_db()
    assert m.status != MeasureStatus.PROPOSED and m.decided_by == president
    assert payout.status == PayoutStatus.APPROVED
    assert 'id="nav-inbox-count">1<' in page  # the extension is still waiting
    assert inbox_count(president, now=NOW + timedelta(days=1)) == 1

    # finance now sees the approved payout and pays it out from its queue; the reference is required
    client.force_login(finance)
    with use_clock(FixedClock(NOW + timedelta(days=2))):
        client.post(reverse("web:inbox_act", args=["payout_settle", payout.pk, "settle"]))
        payout.refresh_from_db()
        assert payout.status == PayoutStatus.APPROVED  # refused: no bank reference, nothing changed
        client.post(
            reverse("web:inbox_act", args=["payout_settle", payout.pk, "settle"]), {"bank_reference": "B-77"}
        )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID


def test_a_leader_who_is_not_the_president_has_no_approvals_and_cannot_act(client, case, officer, yuelu):
    m = _propose(case, officer, NOW)
    leader = UserFactory(court=yuelu, role=Role.LEADER, username="vice")
    assert inbox_for(leader, now=NOW) == []
    client.force_login(leader)
    with use_clock(FixedClock(NOW)):
        client.post(reverse("web:inbox_act", args=["measure", m.pk, "approve"]))
    m.refresh_from_db()
    assert m.status == MeasureStatus.PROPOSED


def test_another_courts_president_sees_nothing_and_changes_nothing(client, case, officer, wuling):
    m = _propose(case, officer, NOW)
    ext = time_limit_extension_request(case=case, actor=officer, now=NOW, reason="财产待处置")
    other = UserFactory(court=wuling, role=Role.LEADER, is_president=True, username="wl_president")
    assert inbox_count(other, now=NOW) == 0
    client.force_login(other)
    with use_clock(FixedClock(NOW)):
        for queue, pk in (("measure", m.pk), ("extension", ext.pk)):
            r = client.post(reverse("web:inbox_act", args=[queue, pk, "approve"]))
            assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == MeasureStatus.PROPOSED
    assert TimeLimitExtension.objects.get(pk=ext.pk).status == "pending"


def test_an_unknown_act_is_refused_without_a_500(client, president):
    client.force_login(president)
    with use_clock(FixedClock(NOW)):
        r = client.post(reverse("web:inbox_act", args=["nonsense", 1, "approve"]), follow=True)
    assert r.status_code == 200 and "没有这项待办操作" in r.content.decode()


def test_finance_sees_unclaimed_money(finance, yuelu):
    receipt_record(
        case=None,
        court_id=yuelu.pk,
        amount=Decimal("1200.00"),
        source="debtor_transfer",
        idempotency_key="u1",
        received_at=NOW,
        actor=finance,
        payer="王小明",
    )
    sections = {s.queue.key: s for s in inbox_for(finance, now=NOW)}
    assert sections["receipt"].total == 1 and sections["receipt"].items[0].amount == Decimal("1200.00")


def test_the_clerk_accepts_an_online_application_from_the_inbox(client, case, clerk):
    case.status = CaseStatus.RECEIVED  # as an online application stands before a clerk accepts it
    case.save(update_fields=["status"])
    assert [i.pk for s in inbox_for(clerk, now=NOW) for i in s.items] == [case.pk]
    client.force_login(clerk)
    with use_clock(FixedClock(NOW)):
        client.post(reverse("web:inbox_act", args=["filing", case.pk, "accept"]))
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED
    assert inbox_count(clerk, now=NOW) == 0


def test_the_workbench_groups_deadlines_overdue_first(client, case, officer):
    client.force_login(officer)
    with use_clock(FixedClock(NOW + timedelta(days=40))):
        page = client.get(reverse("web:workbench")).content.decode()
    assert 'class="deadline-group"' in page
    assert "超期" in page
    assert '<div class="tile warn"><b>' in page  # the overdue count is shown in red while there is one
    with use_clock(FixedClock(NOW)):
        calm = client.get(reverse("web:workbench")).content.decode()
    assert "已超期事项" in calm and '<div class="tile warn">' not in calm  # and not when it is 0


def test_the_officer_is_told_of_a_new_clue_and_not_of_its_own_acts(client, case, officer):
    case.officer = officer
    case.save(update_fields=["officer"])
    today = NOW.date()
    before = staff_unread_count(officer, today=today)
    _propose(case, officer, NOW)  # its own act: no notification
    assert staff_unread_count(officer, today=today) == before
    clue_submit(
        case=case, kind="asset", description="湘A12345 常停岳麓区某小区", now=NOW, submitted_by="申请人"
    )
    assert staff_unread_count(officer, today=today) == before + 1
    assert any(n.heading == "新线索" and n.unread for n in staff_notifications(officer, today=today))

    client.force_login(officer)
    with use_clock(FixedClock(NOW)):
        page = client.get(reverse("web:notifications")).content.decode()
        assert "新线索" in page and 'id="nav-unread"' in page
        client.post(reverse("web:notifications_read"))
    notifications_mark_read(user=officer, now=NOW)
    assert staff_unread_count(officer, today=today) == 0
    assert not any(n.unread for n in staff_notifications(officer, today=today) if n.heading == "新线索")


def test_the_president_approves_several_at_once_and_a_refusal_stops_only_its_item(
    client, file_case, officer, president, yuelu
):
    first = file_case(NOW)
    second = file_case(NOW + timedelta(hours=1), basis=basis(number="（2025）湘0104民初9999号"))
    a = _propose(first, officer, NOW)
    b = _propose(second, officer, NOW)
    client.force_login(president)
    with use_clock(FixedClock(NOW + timedelta(days=1))):
        page = client.get(reverse("web:inbox")).content.decode()
        assert 'data-bulk="measure"' in page
        r = client.post(
            reverse("web:inbox_bulk", args=["measure", "approve"]),
            {"ids": [str(a.pk), str(b.pk), "999999"]},
            follow=True,
        )
    text = r.content.decode()
    assert "已办理2项" in text and "有一项未能办理" in text
    for m in (a, b):
        m.refresh_from_db()
        assert m.status != MeasureStatus.PROPOSED
    with use_clock(FixedClock(NOW)):
        r = client.post(
            reverse("web:inbox_bulk", args=["payout_settle", "settle"]), {"ids": ["1"]}, follow=True
        )
    assert "不能批量办理" in r.content.decode()


def test_the_president_signs_a_drafted_vacate_notice_from_the_inbox(client, case, officer, president):
    debtor = case.case_parties.get(role="respondent").party
    notice = vacate_notice_draft(
        actor=officer,
        case=case,
        party=debtor,
        property_ref="湘（2024）长沙市不动产权第0012345号",
        address="岳麓区枫林三路88号2栋1201",
        occupants=f"被执行人{debtor.name}及其家人",
        days=15,
        now=NOW,
    )
    assert inbox_count(officer, now=NOW) == 0
    section = {s.queue.key: s for s in inbox_for(president, now=NOW)}["vacate"]
    assert [i.pk for i in section.items] == [notice.pk] and "15日" in section.items[0].detail
    client.force_login(president)
    with use_clock(FixedClock(NOW + timedelta(days=1))):
        assert "腾房公告待签发" in client.get(reverse("web:inbox")).content.decode()
        r = client.post(reverse("web:inbox_act", args=["vacate", notice.pk, "sign"]))
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == VacateStatus.ISSUED and notice.signed_by == president and notice.document_id
    assert inbox_count(president, now=NOW + timedelta(days=1)) == 0
