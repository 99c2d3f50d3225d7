"""The case list people work from (issue M item 3): filters, search by contract and 执行依据
number, sorting, pages with the true total, and the same rows in an XLSX export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lastmile.enforcement.models import Track
from lastmile.testing.enforcement import at, basis, file_case
from lastmile.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
__all__ = ["file_case"]  # the fixture


@pytest.fixture
def cases(file_case):
    out = []
    for i in range(30):
        debtor = PersonFactory(name=f"债务人{i:02d}")
        out.append(
            file_case(
                at(2025, 3, 1) + timedelta(days=i),
                respondents=[debtor],
                basis=basis(principal=str(1000 * (i + 1)), number=f"（2025）湘0104民初{7000 + i}号"),
            )
        )
    return out


def _numbers(page: str, cases) -> list[str]:
    return [c.number for c in sorted(cases, key=lambda c: page.find(c.number)) if c.number in page]


def test_the_list_pages_with_its_true_total_and_sorts(client, cases, officer):
    client.force_login(officer)
    page = client.get(reverse("web:case_list")).content.decode()
    assert "共 30 件" in page and "第 1 / 2 页" in page
    assert _numbers(page, cases)[0] == cases[-1].number  # newest first by default
    page = client.get(reverse("web:case_list"), {"sort": "amount", "per_page": "50"}).content.decode()
    assert _numbers(page, cases) == [c.number for c in cases]  # all 30 on one page, smallest first
    assert "1,000.00" in page and "30,000.00" in page  # thousands separators


def test_filters_and_search_by_the_basis_number_and_party(client, cases, officer):
    client.force_login(officer)
    get = lambda **p: client.get(reverse("web:case_list"), p).content.decode()  # noqa: E731
    page = get(q="湘0104民初7003号")
    assert "共 1 件" in page and cases[3].number in page
    page = get(q="债务人07")
    assert "共 1 件" in page and cases[7].number in page
    page = get(amount_min="10000", amount_max="12,000")
    assert "共 3 件" in page
    page = get(received_from="2025-03-29")
    assert "共 2 件" in page
    page = get(track=Track.COMPLEX, status="nonsense", officer="x", received_to="2025-13-01")
    assert "没有符合条件的案件" in page or "共" in page  # bad values are ignored, never a 500


def test_the_export_has_every_filtered_row_not_just_the_page(client, cases, officer):
    client.force_login(officer)
    r = client.get(reverse("web:case_list"), {"export": "xlsx", "amount_min": "5000", "sort": "amount"})
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    sheet = load_workbook(BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案号" and len(rows) == 1 + 26
    assert rows[1][0] == cases[4].number and Decimal(str(rows[1][2])) == Decimal("5000")


def test_another_courts_cases_never_appear(client, cases, other_clerk):
    client.force_login(other_clerk)
    page = client.get(reverse("web:case_list"), {"q": "债务人"}).content.decode()
    assert "共 0 件" in page
