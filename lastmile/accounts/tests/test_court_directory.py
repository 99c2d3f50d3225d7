"""Every court in China may be asked to help (issue M item 7): the directory holds the mainland's
high, intermediate and basic courts with their 法院代字, and a court is created from it when a
request first names it."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Court
from lastmile.accounts.selectors import court_directory, court_directory_search
from lastmile.accounts.services import court_from_directory, courts_load
from lastmile.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_the_directory_covers_every_province_and_agrees_with_the_loaded_courts():
    directory = court_directory()
    assert len(directory) > 3000
    highs = [c for c in directory.values() if c.level == "high"]
    assert len(highs) == 31
    for court in courts_load():  # the platform's own courts carry the same code and name
        assert directory[court.code].name == court.name
    for c in directory.values():
        assert c.parent is None or c.parent in directory, c


def test_search_by_code_and_by_name():
    assert court_directory_search(query="京0105")[0].name == "北京市朝阳区人民法院"
    names = [c.name for c in court_directory_search(query="朝阳区")]
    assert "北京市朝阳区人民法院" in names and "长春市朝阳区人民法院" in names
    assert court_directory_search(query="") == []


def test_a_court_far_away_is_created_with_its_superiors_once():
    court = court_from_directory(code="新0102")
    assert court.name == "乌鲁木齐市天山区人民法院" and court.parent.code == "新01"
    assert court.parent.parent.code == "新" and court.parent.parent.parent is None
    assert court_from_directory(code="新0102") == court
    assert Court.objects.filter(code__startswith="新").count() == 3
    with pytest.raises(NotFound):
        court_from_directory(code="火星01")
