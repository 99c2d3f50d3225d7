"""The command center pages, export, report and API: who may see what, and that they show the
engine's figures."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from openpyxl import load_workbook

from lastmile.accounts.models import Role
from lastmile.testing.factories import UserFactory

YEAR = "start=2023-01-01&end=2023-12-31"


@pytest.fixture
def leader(data):
    return UserFactory(court=data["court"], role=Role.LEADER, username="wl_leader")


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_leader_sees_own_court_with_year_before(client, leader):
    r = login(client, leader).get(f"/stats/?{YEAR}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "指挥中心" in html and "常德市武陵区人民法院" in html
    tiles = {t.key: t for t in r.context["tiles"]}
    assert (tiles["accepted"].current, tiles["accepted"].previous) == (9, 3)
    assert str(tiles["closing_rate"].current) == "55.56"
    assert "<svg" in html  # charts rendered server-side
    assert "拘留" in html and "拒执移送" in html


@pytest.mark.django_db
def test_filters_by_officer_and_team(client, leader, data):
    c = login(client, leader)
    r = c.get(f"/stats/?{YEAR}&officer={data['bob'].pk}")
    assert r.context["dash"].current.accepted == 5
    r = c.get(f"/stats/?{YEAR}&team={data['team'].pk}")
    assert r.context["dash"].current.accepted == 4


@pytest.mark.django_db
def test_staff_without_stats_view_is_refused(client, data):
    r = login(client, data["alice"]).get(f"/stats/?{YEAR}")
    assert r.status_code == 403
    assert "权限" in r.content.decode()


@pytest.mark.django_db
def test_another_courts_figures_are_refused(client, leader, data):
    c = login(client, leader)
    assert c.get(f"/stats/?{YEAR}&court=湘0104").status_code == 403
    assert c.get(f"/stats/export.xlsx?{YEAR}&court=湘0104").status_code == 403
    other_team_officer = UserFactory(court=data["cases"]["A"].court.parent, role=Role.LEADER)
    assert c.get(f"/stats/?{YEAR}&officer={other_team_officer.pk}").status_code == 404


@pytest.mark.django_db
def test_intermediate_court_sees_its_subordinate_courts_only(client, data, courts):
    boss = UserFactory(court=courts["湘07"], role=Role.LEADER, username="cd_leader")
    c = login(client, boss)
    assert c.get(f"/stats/?{YEAR}&court=湘0702").context["dash"].current.accepted == 9
    assert c.get(f"/stats/?{YEAR}&court=湘0104").status_code == 403  # 长沙, another city
    r = c.get(f"/stats/?{YEAR}&court=all")
    assert r.context["dash"].current.accepted == 9
    assert {b.label for b in r.context["dash"].by_court} == {"武陵法院"}


@pytest.mark.django_db
def test_bad_period_is_a_clear_error(client, leader):
    r = login(client, leader).get("/stats/?start=2023-12-31&end=2023-01-01")
    assert r.status_code == 400
    assert "结束日期不能早于开始日期" in r.content.decode()
    for bad in ("year=99999", "year=²", "year=" + "9" * 40, "officer=" + "9" * 40, "month=2023-13"):
        r = login(client, leader).get(f"/stats/?{bad}")
        assert r.status_code == 400, bad


@pytest.mark.django_db
def test_default_period_falls_back_to_latest_year_with_data(client, leader):
    r = login(client, leader).get("/stats/")
    q = r.context["q"]
    assert q.fallback and (q.start.isoformat(), q.end.isoformat()) == ("2023-01-01", "2023-12-31")


@pytest.mark.django_db
def test_xlsx_export_holds_the_same_figures(client, leader):
    r = login(client, leader).get(f"/stats/export.xlsx?{YEAR}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = {row[1]: row for row in wb["指标"].iter_rows(min_row=2, values_only=True)}
    assert rows["受理"][2:4] == (9, 3)
    assert rows["结案率"][2] == pytest.approx(55.56)
    assert rows["实际执行到位金额"][2] == pytest.approx(18000.50)
    assert {"按月", "按团队", "按承办人", "超期未结", "口径与设置"} <= set(wb.sheetnames)
    months = list(wb["按月"].iter_rows(min_row=2, values_only=True))
    assert len(months) == 12 and sum(m[1] for m in months) == 7


@pytest.mark.django_db
def test_monthly_report_html_and_pdf(client, leader):
    c = login(client, leader)
    r = c.get("/stats/report/?month=2023-06")
    assert r.status_code == 200
    html = r.content.decode()
    assert "执行工作统计月报" in html and "2023-06-01 至 2023-06-30" in html
    r = c.get("/stats/report.pdf?month=2023-06")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(r.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "执行工作统计月报" in text and "结案率" in text


@pytest.mark.django_db
def test_api_indicators(client, leader):
    c = login(client, leader)
    r = c.get(f"/api/v1/stats/indicators?{YEAR}")
    assert r.status_code == 200
    body = r.json()
    assert body["current"]["accepted"] == 9 and body["previous"]["accepted"] == 3
    assert body["current"]["closing_rate"] == "55.56"
    r = c.get(f"/api/v1/stats/indicators?{YEAR}&court=湘0104")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
