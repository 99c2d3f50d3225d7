"""The enforcement case list people work from (issue M item 3): search by party, ID, contract and
执行依据 number; filters by team, dates and amount; sorting; pages with the true total; the export
holds every filtered row."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lastmile.testing.enforcement import at, basis, file_case
from lastmile.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
__all__ = ["file_case"]  # the fixture


@pytest.fixture
def cases(file_case):
    out = []
    for i in range(30):
        debtor = PersonFactory(name=f"被执行人{i:02d}")
        out.append(
            file_case(
                at(2025, 3, 1) + timedelta(days=i),
                respondents=[debtor],
                basis=basis(principal=str(1000 * (i + 1)), number=f"（2025）湘0104民初{8000 + i}号"),
            )
        )
    return out


def _get(client, **params) -> str:
    return client.get(reverse("enforcement:case_list"), params).content.decode()


def test_pages_show_every_case_with_the_true_total_and_sort_by_amount(client, cases, officer):
    client.force_login(officer)
    page = _get(client)
    assert "共 30 件" in page and "第 1 / 2 页" in page
    second = _get(client, page="2")
    assert all(c.number in page + second for c in cases)
    page = _get(client, sort="-amount", per_page="50")
    positions = [page.find(c.number) for c in reversed(cases)]
    assert positions == sorted(positions) and -1 not in positions


def test_search_by_basis_number_party_name_and_id_and_amount_filters(client, cases, officer):
    client.force_login(officer)
    page = _get(client, q="湘0104民初8004号")
    assert "共 1 件" in page and cases[4].number in page
    page = _get(client, q="被执行人11")
    assert "共 1 件" in page and cases[11].number in page
    debtor = cases[12].case_parties.filter(role="respondent").first().party
    page = _get(client, q=debtor.id_number)
    assert "共 1 件" in page and cases[12].number in page
    assert "共 3 件" in _get(client, amount_min="2,000", amount_max="4000")
    assert "共 2 件" in _get(client, received_from="2025-03-29")
    assert "共 30 件" in _get(client, amount_min="abc", team="x", received_to="2025-02-30")


def test_the_export_holds_every_filtered_row(client, cases, officer):
    client.force_login(officer)
    params = {"export": "xlsx", "amount_min": "3000", "sort": "amount"}
    r = client.get(reverse("enforcement:case_list"), params)
    assert r.status_code == 200
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "案号" and len(rows) == 1 + 28
    assert rows[1][0] == cases[2].number and Decimal(str(rows[1][1])) == Decimal("3000")


def test_another_courts_clerk_sees_none(client, cases, other_clerk):
    client.force_login(other_clerk)
    r = client.get(reverse("enforcement:case_list"), {"q": "被执行人"})
    assert r.status_code == 403 or "共 0 件" in r.content.decode()
