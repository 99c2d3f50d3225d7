"""The mediation queue people work from (issue M items 3 and 4): every waiting case through pages
with the true total (no silent cap), search, sorting and the export of every filtered row; and
调解不成 for several mediations at once, each standing alone with its refusals named."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lastmile.cases.models import Case, CaseEvent, CaseStatus
from lastmile.filing.conf import filing_setting
from lastmile.mediation import services
from lastmile.mediation.models import Mediation, MediationStatus

pytestmark = pytest.mark.django_db
BJ = timezone.get_fixed_timezone(480)


@pytest.fixture
def waiting(yuelu):
    type_code = str(filing_setting("CASE_TYPE_CODE"))
    start = datetime(2025, 3, 1, 9, tzinfo=BJ)
    return Case.objects.bulk_create(
        Case(
            court=yuelu,
            year=2025,
            type_code=type_code,
            seq=i,
            number=f"（2025）湘0104{type_code}{i}号",
            cause="金融借款合同纠纷",
            status=CaseStatus.FILED,
            received_at=start + timedelta(hours=i),
            amount_claimed=Decimal(1000 + i),
        )
        for i in range(1, 231)
    )


def test_the_queue_shows_all_230_waiting_cases_through_pages_with_the_true_total(client, waiting, clerk):
    client.force_login(clerk)
    seen = set()
    for n in (1, 2, 3):
        page = client.get(reverse("mediation:work"), {"per_page": "100", "page": str(n)}).content.decode()
        assert "共 230 件" in page and f"第 {n} / 3 页" in page
        seen |= {c.number for c in waiting if c.number + "<" in page}
    assert len(seen) == 230
    page = client.get(reverse("mediation:work"), {"sort": "-amount"}).content.decode()
    assert page.find(waiting[-1].number + "<") < page.find(waiting[-2].number + "<")
    page = client.get(reverse("mediation:work"), {"q": waiting[41].number}).content.decode()
    assert "共 1 件" in page
    assert "共 11 件" in client.get(reverse("mediation:work"), {"amount_min": "1,220"}).content.decode()


def test_the_queue_export_has_every_filtered_row(client, waiting, clerk):
    client.force_login(clerk)
    r = client.get(reverse("mediation:work"), {"export": "xlsx", "amount_min": "1010"})
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "案号" and len(rows) == 1 + 221
    assert rows[1][0] == waiting[9].number


def test_mediation_failed_for_several_at_once_each_alone_with_refusals_named(
    client, cc_file_rows, cc_mediator, clerk, now
):
    a, b, c = cc_file_rows([3, 6, 7])
    m_a, m_b, m_c = services.mediation_assign(cases=[a, b, c], mediator=cc_mediator, actor=clerk, now=now)
    services.mediation_fail(mediation=m_c, reason="被申请人下落不明", actor=cc_mediator, now=now)
    client.force_login(cc_mediator)
    events = CaseEvent.objects.count()
    r = client.post(reverse("mediation:fail_many"), {"mediation": [m_a.pk, m_b.pk], "reason": " "})
    assert CaseEvent.objects.count() == events  # no reason: nothing changes
    assert Mediation.objects.filter(status=MediationStatus.FAILED).count() == 1
    r = client.post(
        reverse("mediation:fail_many"), {"mediation": [m_a.pk, m_b.pk, m_c.pk], "reason": "双方分歧过大"}
    )
    notes = [str(m) for m in get_messages(r.wsgi_request)]
    assert "已登记调解不成2件。" in notes
    assert any(c.number in n and "已结束调解" in n for n in notes)
    for m in (m_a, m_b):
        m.refresh_from_db()
        assert m.status == MediationStatus.FAILED and m.failure_reason == "双方分歧过大"
    m_c.refresh_from_db()
    assert m_c.failure_reason == "被申请人下落不明"


def test_a_mediator_of_another_court_fails_nothing(
    client, cc_file_rows, cc_mediator, clerk, other_clerk, now
):
    (a,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[a], mediator=cc_mediator, actor=clerk, now=now)
    client.force_login(other_clerk)
    client.post(reverse("mediation:fail_many"), {"mediation": [m.pk], "reason": "x"})
    m.refresh_from_db()
    assert m.status == MediationStatus.MEDIATING
