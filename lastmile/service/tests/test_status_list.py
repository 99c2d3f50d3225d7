"""The service status list people work from (issue M item 3): every order through pages with the
true total (no cut at 200), search by recipient, sorting and the export of every filtered row."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lastmile.accounts.models import Role
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.testing.factories import PersonFactory, UserFactory

from .test_methods import served_doc  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(served_doc, debtor):  # noqa: F811
    first = ServiceOrder.objects.get(document=served_doc, recipient=debtor)
    people = PersonFactory.create_batch(229)
    for i, person in enumerate(people):
        first.pk = None
        first.recipient = person
        first.status = OrderStatus.FAILED if i % 2 else OrderStatus.SENT
        first.save()
    return ServiceOrder.objects.filter(document=served_doc)


@pytest.fixture
def web(client, yuelu):
    client.force_login(UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="svc_lists"))
    return client


def test_every_order_through_pages_with_the_true_total(orders, web):
    total = orders.count()
    assert total > 200
    seen = set()
    for n in (1, 2, 3):
        page = web.get(reverse("service:status"), {"per_page": "100", "page": str(n)}).content.decode()
        assert f"共 {total} 件" in page
        seen |= {o.pk for o in orders if f'href="/service/orders/{o.pk}/"' in page}
    assert len(seen) == total
    person = orders.order_by("pk")[5].recipient
    page = web.get(reverse("service:status"), {"q": person.name}).content.decode()
    assert "共 1 件" in page or person.name in page
    page = web.get(reverse("service:status"), {"q": person.id_number}).content.decode()
    assert "共 1 件" in page


def test_the_export_has_every_filtered_row(orders, web):
    pending = orders.filter(status=OrderStatus.FAILED).count()
    r = web.get(reverse("service:status"), {"status": OrderStatus.FAILED, "export": "xlsx"})
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "案号" and len(rows) == 1 + pending and pending > 100
