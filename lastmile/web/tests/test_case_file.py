"""The case file as a court reads it (issue M item 6): tabs by heading, each stage's panel under
its tab, and one printable page holding the whole file."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lastmile.testing.enforcement import at, file_case
from lastmile.web.panels import TABS

pytestmark = pytest.mark.django_db
__all__ = ["file_case"]  # the fixture


def _pane(page: str, key: str) -> str:
    start = page.index(f'id="tab-{key}"')
    nxt = page.find('class="tab-pane"', start + 1)
    return page[start : nxt if nxt > 0 else len(page)]


def test_the_case_page_has_its_tabs_and_each_panel_under_its_tab(client, file_case, officer):
    case = file_case(at(2025, 3, 3))
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert re.findall(r'role="tab" data-tab="(\w+)"', page) == [key for key, _ in TABS]
    assert "王小明" in _pane(page, "parties")
    assert "王小明" not in _pane(page, "money")
    assert case.number in _pane(page, "timeline") or "立案" in _pane(page, "timeline")
    assert "执行案款" in _pane(page, "money") or "案款" in _pane(page, "money")
    assert "lastmile/tabs.js" in page


def test_the_printable_file_holds_every_tab(client, file_case, officer, wuling):
    case = file_case(at(2025, 3, 3))
    client.force_login(officer)
    page = client.get(reverse("web:case_print", args=[case.pk])).content.decode()
    assert "print-view" in page and "window.print()" in page
    for _key, label in TABS:
        assert f'<h2 class="print-heading">{label}</h2>' in page
    assert "王小明" in page


def test_another_courts_staff_cannot_print_the_file(client, file_case, other_clerk):
    case = file_case(at(2025, 3, 3))
    client.force_login(other_clerk)
    assert client.get(reverse("web:case_print", args=[case.pk])).status_code == 404
