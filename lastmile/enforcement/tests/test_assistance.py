"""委托执行 and 协助执行 between courts: any court in China is picked from the national directory,
the assisting court answers in its own account from its own inbox, the requesting court sees the
answer and is notified; a court not on the platform gets the letter to send outside."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from lastmile.accounts.models import Court, Role
from lastmile.cases.models import CaseEvent, Deadline
from lastmile.core.clock import FixedClock, use_clock
from lastmile.core.errors import PermissionDenied
from lastmile.core.periods import period_end
from lastmile.enforcement import rules
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.enforcement.models import AssistanceRequest, AssistanceStatus
from lastmile.enforcement.selectors_assistance import assistance_incoming
from lastmile.enforcement.services import (
    InvalidFiling,
    assistance_accept,
    assistance_reply_record,
    assistance_request_send,
    assistance_return,
)
from lastmile.enforcement.tests.conftest import at
from lastmile.notifications.selectors import staff_notifications
from lastmile.testing.factories import CourtFactory, UserFactory

pytestmark = pytest.mark.django_db

OFF_PLATFORM = "粤0304"  # 深圳市福田区人民法院: in the directory, no users here


@pytest.fixture
def clock():
    with use_clock(FixedClock(at(2025, 9, 26, 10))) as c:
        yield c


@pytest.fixture
def case(file_case, officer, clock):
    c = file_case(at(2025, 9, 26))
    c.officer = officer
    c.save(update_fields=["officer"])
    return c


@pytest.fixture
def wl_officer(wuling):
    return UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_assist", phone="0736-1234567")


@pytest.fixture
def request_to_wuling(case, officer, wuling, wl_officer):
    return assistance_request_send(
        case=case,
        kind="commission",
        to_court=wuling,
        matter="执行被执行人在武陵区的房产",
        actor=officer,
        now=at(2025, 9, 26, 10),
    )


def _snapshot(req):
    req.refresh_from_db()
    return (req.status, req.reply, req.replied_by_id, CaseEvent.objects.filter(case=req.case).count())


def test_any_court_in_the_directory_is_created_on_first_use_with_its_letter(client, case, officer):
    assert not Court.objects.filter(code=OFF_PLATFORM).exists()
    client.force_login(officer)
    page = client.post(
        reverse("enforcement:act", args=[case.pk, "assistance"]),
        {"kind": "commission", "to_court": OFF_PLATFORM, "matter": "执行被执行人在深圳的房产"},
        follow=True,
    )
    assert "未接入本平台，请通过执行指挥管理平台发送" in page.content.decode()
    court = Court.objects.get(code=OFF_PLATFORM)
    assert court.name == "深圳市福田区人民法院" and court.parent.code == "粤03"
    req = AssistanceRequest.objects.get(case=case)
    assert req.letter.template.code == "enforcement_commission_letter"
    assert "深圳市福田区人民法院" in json.dumps(req.letter.context, ensure_ascii=False)
    # 委托执行规定 2020 art. 7: the commissioned court files within 7 days.
    assert (
        req.accept_due_on
        == period_end(date(2025, 9, 26), 7)
        == rules.commission_accept_due(date(2025, 9, 26)).day
    )
    # by full name too; an unknown court is refused with nothing written
    n = AssistanceRequest.objects.count()
    with pytest.raises(InvalidFiling):
        assistance_request_send(
            case=case,
            kind="assistance",
            to_court="不存在的人民法院",
            matter="x",
            actor=officer,
            now=at(2025, 9, 27),
        )
    assert AssistanceRequest.objects.count() == n
    req2 = assistance_request_send(
        case=case,
        kind="assistance",
        to_court="深圳市福田区人民法院",
        matter="协助冻结",
        actor=officer,
        now=at(2025, 9, 27),
    )
    assert req2.to_court == court and req2.accept_due_on is None
    assert req2.letter.template.code == "enforcement_assistance_letter"


def test_court_search_box_and_api(client, officer):
    client.force_login(officer)
    options = client.get(reverse("enforcement:court_search"), {"q": "福田"}).content.decode()
    assert 'value="粤0304"' in options and "深圳市福田区人民法院" in options
    api = client.get("/api/v1/enforcement/courts", {"q": "粤0304"})
    assert api.status_code == 200 and api.json()[0]["name"] == "深圳市福田区人民法院"


def test_off_platform_court_letter_is_downloadable_and_the_requester_records_the_answer(
    case, officer, client
):
    req = assistance_request_send(
        case=case,
        kind="commission",
        to_court=OFF_PLATFORM,
        matter="执行房产",
        actor=officer,
        now=at(2025, 9, 26),
    )
    client.force_login(officer)
    page = client.get(reverse("enforcement:assistance_detail", args=[req.pk])).content.decode()
    assert "该法院未接入本平台，请通过执行指挥管理平台发送" in page
    pdf = client.get(reverse("enforcement:assistance_letter", args=[req.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(
        reverse("enforcement:assistance_answer", args=[req.pk, "reply"]), {"reply": "已立案，承办人李四"}
    )
    req.refresh_from_db()
    assert req.status == AssistanceStatus.REPLIED and req.external_reply and req.replied_by == officer


def test_the_assisting_court_answers_in_its_own_inbox_and_the_requester_is_notified(
    client, case, officer, request_to_wuling, wl_officer
):
    req = request_to_wuling
    client.force_login(wl_officer)
    # its inbox lists the request, linking to the request, never to the other court's case
    assert list(assistance_incoming(user=wl_officer)) == [req]
    inbox = client.get(reverse("web:inbox")).content.decode()
    assert "委托/协助执行请求" in inbox and reverse("enforcement:assistance_detail", args=[req.pk]) in inbox
    assert reverse("web:case_detail", args=[case.pk]) not in inbox
    detail = client.get(reverse("enforcement:assistance_detail", args=[req.pk])).content.decode()
    assert "执行被执行人在武陵区的房产" in detail and "委托执行函" in detail
    assert client.get(reverse("enforcement:assistance_letter", args=[req.pk])).content.startswith(b"%PDF")
    # deny by default: the rest of the requesting court's case stays closed to it
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
    assert client.get(f"/api/v1/enforcement/cases/{case.pk}").status_code == 404
    # accept (art. 7: the officer in charge and a phone), then reply
    client.post(reverse("enforcement:assistance_answer", args=[req.pk, "accept"]), {"phone": "0736-1234567"})
    req.refresh_from_db()
    assert req.status == AssistanceStatus.ACCEPTED and req.accepted_by == wl_officer
    client.post(reverse("enforcement:assistance_answer", args=[req.pk, "reply"]), {"reply": "已查封房产一套"})
    req.refresh_from_db()
    assert req.status == AssistanceStatus.REPLIED and req.replied_by == wl_officer and not req.external_reply
    assert not assistance_incoming(user=wl_officer).exists()
    inbox = client.get(reverse("web:inbox")).content.decode()
    assert reverse("enforcement:assistance_detail", args=[req.pk]) not in inbox
    # the requesting court sees the answer on its case and is notified
    event = CaseEvent.objects.get(case=case, kind=EnforcementEvent.ASSISTANCE_REPLIED)
    assert event.actor == wl_officer and "已查封房产一套" in event.summary
    assert CaseEvent.objects.filter(case=case, kind=EnforcementEvent.ASSISTANCE_ACCEPTED).exists()
    assert Deadline.objects.get(case=case, kind="assist").done_at is not None
    notes = staff_notifications(officer, today=date(2025, 9, 28))
    assert any(n.heading == "协助回复" and "已查封房产一套" in n.text for n in notes)
    client.force_login(officer)
    assert "已查封房产一套" in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()


def test_the_requester_cannot_answer_for_a_court_on_the_platform(
    client, officer, request_to_wuling, linxiang
):
    req = request_to_wuling
    before = _snapshot(req)
    with pytest.raises(PermissionDenied):
        assistance_reply_record(request=req, actor=officer, now=at(2025, 9, 27), reply="自己回复")
    client.force_login(officer)
    client.post(reverse("enforcement:assistance_answer", args=[req.pk, "reply"]), {"reply": "自己回复"})
    api = client.post(
        f"/api/v1/enforcement/assistance/{req.pk}/reply",
        {"reply": "自己回复"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert _snapshot(req) == before
    # a third court sees nothing of it
    third = UserFactory(court=linxiang, role=Role.ENFORCEMENT_JUDGE, username="lx_judge")
    client.force_login(third)
    assert client.get(reverse("enforcement:assistance_detail", args=[req.pk])).status_code == 404
    assert client.get(reverse("enforcement:assistance_letter", args=[req.pk])).status_code == 404
    assert not assistance_incoming(user=third).exists()
    assert (
        reverse("enforcement:assistance_detail", args=[req.pk])
        not in client.get(reverse("web:inbox")).content.decode()
    )


def test_return_needs_written_reasons_and_is_final(request_to_wuling, wl_officer):
    req = request_to_wuling
    before = _snapshot(req)
    with pytest.raises(InvalidFiling):
        assistance_return(request=req, actor=wl_officer, now=at(2025, 9, 27), reason=" ")
    assert _snapshot(req) == before
    assistance_return(
        request=req, actor=wl_officer, now=at(2025, 9, 27), reason="委托材料不全，三十日内未补办"
    )
    req.refresh_from_db()
    assert req.status == AssistanceStatus.RETURNED
    event = CaseEvent.objects.filter(case=req.case, kind=EnforcementEvent.ASSISTANCE_REPLIED).get()
    assert event.data["outcome"] == "returned" and event.legal_basis["article"] == "9"
    with pytest.raises(Exception, match="已退回"):
        assistance_accept(request=req, actor=wl_officer, now=at(2025, 9, 28), phone="1")


def test_api_accept_and_incoming(client, request_to_wuling, wl_officer):
    client.force_login(wl_officer)
    rows = client.get("/api/v1/enforcement/assistance/incoming").json()
    assert [r["id"] for r in rows] == [request_to_wuling.pk] and rows[0]["from_court"]
    res = client.post(
        f"/api/v1/enforcement/assistance/{request_to_wuling.pk}/accept",
        {"phone": "0736-1"},
        content_type="application/json",
    )
    assert res.status_code == 200
    request_to_wuling.refresh_from_db()
    assert (
        request_to_wuling.status == AssistanceStatus.ACCEPTED and request_to_wuling.handler_phone == "0736-1"
    )


def test_a_court_with_no_staff_is_off_the_platform(case, officer):
    court = CourtFactory(code="湘9999")
    req = assistance_request_send(
        case=case, kind="assistance", to_court=court, matter="协助查询", actor=officer, now=at(2025, 9, 26)
    )
    event = CaseEvent.objects.get(case=case, kind=EnforcementEvent.ASSISTANCE_SENT)
    assert event.data["on_platform"] is False
    UserFactory(court=court, role=Role.ENFORCEMENT_OFFICER, username="new_staff")
    with pytest.raises(PermissionDenied):  # now on the platform: only its own staff answer
        assistance_reply_record(request=req, actor=officer, now=at(2025, 9, 27), reply="x")
