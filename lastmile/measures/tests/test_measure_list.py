"""The list of measures people work from (issue M item 3): every measure of the court by kind and
status through pages with the true total, search by the subject, the fine's amount, sorting, and
the export of every filtered row; another court's measures never appear."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lastmile.measures.models import Measure, MeasureKind, MeasureStatus
from lastmile.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fines(case, officer, now):
    people = PersonFactory.create_batch(3)
    return Measure.objects.bulk_create(
        Measure(
            court=case.court,
            case=case,
            subject=people[i % 3],
            kind=MeasureKind.FINE,
            status=MeasureStatus.CARRIED_OUT if i % 2 else MeasureStatus.REJECTED,
            reason="拒不报告财产",
            amount=Decimal(1000 * (i + 1)),
            proposed_by=officer,
            proposed_at=now - timedelta(days=i),
        )
        for i in range(60)
    )


def test_every_measure_through_pages_with_filters_and_sorting(client, fines, officer):
    client.force_login(officer)
    get = lambda **p: client.get(reverse("measures:list"), p).content.decode()  # noqa: E731
    page = get()
    assert "共 60 项" in page and "第 1 / 3 页" in page
    assert "共 30 项" in get(status=MeasureStatus.CARRIED_OUT)
    assert "共 20 项" in get(q=fines[0].subject.name)
    assert "共 20 项" in get(q=fines[1].subject.id_number)
    assert "共 11 项" in get(amount_min="50,000")
    page = get(sort="-amount", per_page="100")
    assert "60,000.00" in page and page.find("60,000.00") < page.find("59,000.00")
    assert "共 60 项" in get(kind="nonsense", amount_min="x", proposed_from="2025-02-31")


def test_the_export_has_every_filtered_row(client, fines, officer):
    client.force_login(officer)
    params = {"export": "xlsx", "status": MeasureStatus.REJECTED, "sort": "amount"}
    r = client.get(reverse("measures:list"), params)
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("案号", "措施") and len(rows) == 1 + 30
    assert Decimal(str(rows[1][4])) == Decimal("1000")


def test_another_courts_staff_see_none(client, fines, other_clerk):
    client.force_login(other_clerk)
    r = client.get(reverse("measures:list"))
    assert r.status_code == 403 or "共 0 项" in r.content.decode()
