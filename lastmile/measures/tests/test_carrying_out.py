"""Issue K item 2: the carrying out of 拘传, 拘留 and 罚款 is recorded from the case page and the API
(民诉解释 2022 arts. 178, 182, 482; 民事诉讼法 2023 art. 118); a refused record changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from lastmile.cases.models import CaseEvent
from lastmile.documents.models import Document
from lastmile.measures.kinds import MeasuresEvent
from lastmile.measures.models import FinePayment, Measure, MeasureKind, MeasureStatus

from .helpers import take

pytestmark = pytest.mark.django_db
K = MeasureKind


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _state(m: Measure):
    m.refresh_from_db()
    return (
        m.status,
        m.released_at,
        m.starts_at,
        FinePayment.objects.filter(measure=m).count(),
        CaseEvent.objects.filter(case=m.case).count(),
        Document.objects.filter(case=m.case).count(),
    )


def test_detention_carried_out_from_the_page(officer, president, case, debtor_person, now, clock):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DETENTION,
        now=now,
        days=5,
    )
    page = _client(officer).get(f"/cases/{case.pk}/").content.decode()
    assert "登记送交拘留所" in page
    url = f"/measures/{m.pk}/carry-out/"
    r = _client(officer).post(url, {"action": "execute", "custody": "长沙市公安局拘留所"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_FORCE and m.custody == "长沙市公安局拘留所" and m.starts_at == now
    assert Document.objects.filter(case=case, template__code="detention_decision").count() == 1
    page = _client(officer).get(f"/cases/{case.pk}/").content.decode()
    assert "期满解除拘留" in page and "已通知家属" in page
    _client(officer).post(url, {"action": "family_notified"})
    m.refresh_from_db()
    assert m.family_notified_at == now

    # before the term ends a release is an early release, for the 院长 (民诉解释 2022 art. 182)
    before = _state(m)
    r = _client(officer).post(url, {"action": "detention_release"}, follow=True)
    assert "期满前解除须经院长批准提前解除拘留" in r.content.decode()
    assert _state(m) == before
    r = _client(officer).post(url, {"action": "early_release", "repentance": "已具结悔过"}, follow=True)
    assert "您没有执行此操作的权限" in r.content.decode()
    assert _state(m) == before

    api = f"/api/v1/measures/{m.pk}"
    r = _client(president).post(
        api + "/early-release",
        json.dumps({"repentance": "认错悔改，已具结悔过"}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    m.refresh_from_db()
    assert m.status == MeasureStatus.LIFTED and m.released_at == now
    assert CaseEvent.objects.filter(case=case, kind=MeasuresEvent.DETENTION_EARLY_RELEASED).count() == 1
    assert Document.objects.filter(case=case, template__code="detention_early_release_decision").count() == 1


def test_detention_served_out_is_released(officer, president, case, debtor_person, now, clock):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.DETENTION,
        now=now,
        days=3,
    )
    api = f"/api/v1/measures/{m.pk}"
    r = _client(officer).post(
        api + "/execute", json.dumps({"custody": "长沙市公安局拘留所"}), content_type="application/json"
    )
    assert r.status_code == 200
    later = now + timedelta(days=3)
    clock.now = lambda: later  # type: ignore[method-assign]
    r = _client(officer).post(api + "/detention-release", json.dumps({}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == MeasureStatus.CARRIED_OUT
    assert CaseEvent.objects.filter(case=case, kind=MeasuresEvent.DETENTION_RELEASED).count() == 1


def test_summons_released_within_the_hours(officer, president, case, debtor_person, now, clock):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.SUMMONS_BY_FORCE,
        now=now,
        summons_count=2,
        hours=8,
    )
    api = f"/api/v1/measures/{m.pk}"
    brought = now - timedelta(hours=10)
    r = _client(officer).post(
        api + "/execute",
        json.dumps({"starts_at": brought.isoformat(), "place": "执行局"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    before = _state(m)
    r = _client(officer).post(
        api + "/summons-release",
        json.dumps({"questioning_record": "已询问"}),
        content_type="application/json",
    )
    assert r.status_code == 409 and "不得超过8小时" in r.json()["message"]
    assert _state(m) == before
    r = _client(officer).post(
        api + "/summons-release",
        json.dumps(
            {
                "questioning_record": "已询问财产情况",
                "released_at": (brought + timedelta(hours=6)).isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == MeasureStatus.CARRIED_OUT
    assert CaseEvent.objects.filter(case=case, kind=MeasuresEvent.SUMMONS_RELEASED).count() == 1


def test_fine_paid_with_its_receipt(officer, president, case, debtor_person, now, clock):
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=debtor_person,
        kind=K.FINE,
        now=now,
        amount=Decimal("5000"),
    )
    url = f"/measures/{m.pk}/carry-out/"
    assert "登记罚款缴纳" in _client(officer).get(f"/cases/{case.pk}/").content.decode()
    _client(officer).post(url, {"action": "fine_payment", "amount": "2000", "receipt_number": "HN2025-001"})
    m.refresh_from_db()
    assert m.status == MeasureStatus.IN_FORCE
    before = _state(m)
    r = _client(officer).post(
        f"/api/v1/measures/{m.pk}/fine-payments",
        json.dumps({"amount": "3000.01", "receipt_number": "HN2025-002"}),
        content_type="application/json",
    )
    assert r.status_code == 409 and "3,000.00" in r.json()["message"]
    assert _state(m) == before
    r = _client(officer).post(
        f"/api/v1/measures/{m.pk}/fine-payments",
        json.dumps({"amount": "3000", "receipt_number": "HN2025-002"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["paid"] == "5000.00"
    assert r.json()["status"] == MeasureStatus.CARRIED_OUT
    assert CaseEvent.objects.filter(case=case, kind=MeasuresEvent.FINE_PAID).count() == 2
    # A fine paid in full still punished the obstruction (终本规定 2016 art. 1(5) reads it).
    from lastmile.measures.selectors import obstruction_status

    assert obstruction_status(case).punished
