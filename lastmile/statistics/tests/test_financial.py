"""The 岳麓 figures on a small set whose every number is worked out by hand.

Court 湘0104 (岳麓), period 2024-01-01 … 2024-06-30, cut-off 2024-06-30. Banks 甲 and 乙.

| # | bank | filed (Beijing)   | outcome                     | closed (Beijing)  | days |
|---|------|-------------------|-----------------------------|-------------------|------|
| 1 | 甲   | 2024-01-05 10:00  | 司法确认                    | 2024-01-25        | 20   |
| 2 | 甲   | 2024-01-10 10:00  | 调解不成 → 民初 → 判决       | 2024-02-24        | 45   |
| 3 | 乙   | 2024-02-01 10:00  | 调解书                      | 2024-02-28        | 27   |
| 4 | 乙   | 2024-02-03 23:30  | 司法确认                    | 2024-02-24 00:30  | 21 (20 in UTC dates) |
| 5 | —    | 2024-03-01 10:00  | 司法确认 (counter, 2 notices)| 2024-03-11        | 10   |
| 6 | 甲   | 2024-03-05 10:00  | 调解不成, not sued          | open              |      |
| 7 | 甲   | 2024-03-06 10:00  | 调解不成 → 民初, not judged   | open              |      |
| 8 | 甲   | 2024-03-07 10:00  | mediating                   | open              |      |
| 9 | 乙   | 2024-03-08 10:00  | withdrawn                   | 2024-03-13        | 5    |
|10 | 甲   | 2024-01-01 00:10  | 司法确认 (2023-12-31 in UTC) | 2024-01-31 00:10  | 30   |
|12 | 甲   | 2024-03-20 10:00  | 司法确认 after the cut-off   | 2024-07-18        |      |
|13 | 甲   | 2024-04-01 10:00  | 调解不成 → 民初 → 诉中调解书  | 2024-05-11        | 40   |

Not counted: 甲's case in 湘0702, a case filed 2023-12-31 23:50 Beijing, a 民初 case filed directly.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lastmile.accounts.models import Role
from lastmile.filing.models import InstitutionClient, IntakeBatch
from lastmile.statistics.conf import stats_config
from lastmile.statistics.financial import FinancialFilters, financial_compute
from lastmile.statistics.tests.conftest import make_case
from lastmile.statistics.tests.platform_rows import Dispute, disputes_create
from lastmile.testing.factories import OrganisationFactory, UserFactory

BJ = timezone.get_fixed_timezone(480)


def bj(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BJ)


def bank(name: str, court, other) -> tuple[InstitutionClient, IntakeBatch]:
    client = InstitutionClient.objects.create(
        party=OrganisationFactory(name=name), name=name, created_at=bj(2023, 1, 1)
    )
    client.courts.set([court, other])
    batch = IntakeBatch.objects.create(
        court=court,
        client=client,
        external_id=f"{name}-1",
        content_hash="x",
        source="xlsx",
        created_at=bj(2024, 1, 1),
    )
    return client, batch


@pytest.fixture
def platform(courts):
    yl, other = courts["湘0104"], courts["湘0702"]
    mediator = UserFactory(court=yl, role=Role.MEDIATOR)
    a, batch_a = bank("甲银行", yl, other)
    b, batch_b = bank("乙银行", yl, other)

    def by(client, batch, filed, outcome, days=0, **kw):
        return Dispute(filed=filed, outcome=outcome, client=client, batch=batch, days=days, **kw)

    disputes = [
        by(a, batch_a, bj(2024, 1, 5), "confirmed", 20),
        by(a, batch_a, bj(2024, 1, 10), "judged", 45),
        by(b, batch_b, bj(2024, 2, 1), "statement", 27),
        by(b, batch_b, bj(2024, 2, 3, 23, 30), "confirmed", 20, hours=1),
        Dispute(
            filed=bj(2024, 3, 1), outcome="confirmed", days=10, docs=("pre_suit_notice", "pre_suit_notice")
        ),
        by(a, batch_a, bj(2024, 3, 5), "failed"),
        by(a, batch_a, bj(2024, 3, 6), "sued"),
        by(a, batch_a, bj(2024, 3, 7), "mediating"),
        by(b, batch_b, bj(2024, 3, 8), "withdrawn", 5),
        by(a, batch_a, bj(2024, 1, 1, 0, 10), "confirmed", 30),
        by(a, batch_a, bj(2024, 3, 20), "confirmed", 120),
        by(a, batch_a, bj(2024, 4, 1), "in_suit", 40),
    ]
    disputes_create(disputes, court=yl, mediator=mediator)
    # not counted
    disputes_create(
        [
            by(a, batch_a, bj(2024, 1, 15), "confirmed", 20, court=other),
            by(a, batch_a, bj(2023, 12, 31, 23, 50), "confirmed", 20),
        ],
        court=yl,
        mediator=mediator,
    )
    make_case(yl, "民初", bj(2024, 2, 2), bj(2024, 2, 20))
    return {"court": yl, "other": other, "a": a, "b": b, "disputes": disputes}


def compute(platform, **kw):
    filters = FinancialFilters(
        court_ids=(platform["court"].pk,),
        start=date(2024, 1, 1),
        end=date(2024, 6, 30),
        as_of=date(2024, 6, 30),
        **kw,
    )
    return financial_compute(filters=filters, config=stats_config())


@pytest.mark.django_db
def test_totals_count_each_case_once_and_only_in_scope(platform):
    t = compute(platform).total
    assert t.counts == {
        "filed": 12,
        "batch": 11,
        "mediated": 6,  # 1, 3, 4, 5, 10 and 13 in the suit (12 agreed after the cut-off)
        "confirmed": 4,  # 1, 4, 5, 10
        "statements": 1,  # 3 (13's 调解书 is the suit's, not a 诉前调书)
        "failed": 4,  # 2, 6, 7, 13
        "sued": 3,  # 2, 7, 13
        "judged": 1,
        "closed": 8,  # 1, 2, 3, 4, 5, 9, 10, 13
    }
    assert (t.counter, t.open) == (1, 4)


@pytest.mark.django_db
def test_days_in_beijing_dates_median_mean_p90(platform):
    t = compute(platform).total
    # 5, 10, 20, 21, 27, 30, 40, 45
    assert t.days.closed == 8
    assert t.days.mean == Decimal("24.75")
    assert t.days.median == Decimal("24")  # (21 + 27) / 2
    assert t.days.p90 == 45
    assert (t.days.within_claim, t.days.within_claim_rate) == (5, Decimal("62.50"))
    # batch only: 5, 20, 21, 27, 30, 40, 45
    assert t.days_batch.closed == 7
    assert t.days_batch.mean == Decimal("26.86")
    assert t.days_batch.median == Decimal("27")
    assert t.days_batch.p90 == 45


@pytest.mark.django_db
def test_by_month_quarter_and_bank(platform):
    report = compute(platform)
    months = {r.label: r for r in report.by_period}
    assert list(months) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert [months[m].counts["filed"] for m in months] == [3, 2, 6, 1]
    jan = months["2024-01"]
    assert (jan.counts["closed"], jan.days.median, jan.days.mean) == (3, Decimal("30"), Decimal("31.67"))
    quarters = compute(platform, period="quarter").by_period
    assert [(r.label, r.counts["filed"]) for r in quarters] == [("2024年第1季度", 11), ("2024年第2季度", 1)]
    banks = {r.label: r for r in report.by_client}
    assert [r.label for r in report.by_client][-1].startswith("非批量立案")
    assert banks["甲银行"].counts["filed"] == 8 and banks["乙银行"].counts["filed"] == 3
    assert banks["乙银行"].days.median == Decimal("21") and banks["乙银行"].days.closed == 3
    assert sum(r.counts["filed"] for r in report.by_client) == 12


@pytest.mark.django_db
def test_one_bank_only(platform):
    t = compute(platform, client_id=platform["b"].pk).total
    assert (t.counts["filed"], t.counts["closed"], t.days.mean) == (3, 3, Decimal("17.67"))


@pytest.mark.django_db
def test_documents_by_kind_count_each_document_and_case(platform):
    docs = {d.code: (d.documents, d.cases) for d in compute(platform).documents}
    assert docs == {
        "pre_suit_notice": (13, 12),  # case 5 has two
        "judicial_confirmation_ruling": (4, 4),  # 12's ruling is after the cut-off
        "mediation_statement": (2, 2),  # 3's 诉前调书 and 13's 民事调解书 in its 民初 case
        "loan_judgment": (1, 1),
    }


@pytest.mark.django_db
def test_cut_off_moves_stages_and_closings(platform):
    filters = FinancialFilters(
        court_ids=(platform["court"].pk,),
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        as_of=date(2024, 7, 18),
    )
    t = financial_compute(filters=filters, config=stats_config()).total
    assert (t.counts["confirmed"], t.counts["closed"], t.counts["mediated"]) == (5, 9, 7)
    assert t.days.p90 == 120


@pytest.fixture
def yl_leader(platform):
    return UserFactory(court=platform["court"], role=Role.LEADER, username="yl_leader")


PAGE = "/stats/financial/?start=2024-01-01&end=2024-06-30&as_of=2024-06-30"


@pytest.mark.django_db
def test_page_shows_the_figures_with_charts_and_a_tab_from_the_dashboard(client, yl_leader):
    client.force_login(yl_leader)
    r = client.get(PAGE)
    assert r.status_code == 200
    html = r.content.decode()
    fig = r.context["fig"]
    assert fig.total.counts["filed"] == 12 and fig.total.days_batch.median == Decimal("27")
    assert html.count("<svg") == 2 and "甲银行" in html and "民事判决书" in html
    assert 'data-key="2024-03-01"' in html
    dash = client.get("/stats/?start=2024-01-01&end=2024-06-30").content.decode()
    assert "/stats/financial/" in dash


@pytest.mark.django_db
def test_page_by_quarter_and_one_bank(client, yl_leader, platform):
    client.force_login(yl_leader)
    r = client.get(f"{PAGE}&by=quarter&client={platform['a'].pk}")
    assert r.status_code == 200
    assert [(x.label, x.counts["filed"]) for x in r.context["fig"].by_period] == [
        ("2024年第1季度", 7),
        ("2024年第2季度", 1),
    ]


@pytest.mark.django_db
def test_bad_filters_are_a_chinese_message_not_a_500(client, yl_leader):
    client.force_login(yl_leader)
    assert client.get(f"{PAGE}&by=week").status_code == 400
    assert client.get(f"{PAGE}&client=999999").status_code == 404
    assert client.get(f"{PAGE}&as_of=2024-13-01").status_code == 400


@pytest.mark.django_db
def test_another_court_and_staff_without_stats_view_are_refused(client, yl_leader, platform):
    client.force_login(yl_leader)
    assert client.get(f"{PAGE}&court=湘0702").status_code == 403
    judge = UserFactory(court=platform["court"], role=Role.JUDGE)
    client.force_login(judge)
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE.replace("financial/", "financial.xlsx")).status_code == 403
    # a leader of the other court sees none of 岳麓's cases
    other = UserFactory(court=platform["other"], role=Role.LEADER)
    client.force_login(other)
    r = client.get(PAGE)
    assert r.status_code == 200 and r.context["fig"].total.counts["filed"] == 1


@pytest.mark.django_db
def test_xlsx_has_the_page_figures(client, yl_leader):
    client.force_login(yl_leader)
    r = client.get(PAGE.replace("financial/", "financial.xlsx"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["按月", "按金融机构", "生成文书", "口径与设置"]
    months = list(wb["按月"].iter_rows(values_only=True))
    assert months[0][:3] == ("期间", "立案", "其中批量立案")
    assert [row[0] for row in months[1:]] == ["2024-01", "2024-02", "2024-03", "2024-04", "合计"]
    total = months[-1]
    header = months[0]
    assert total[header.index("立案")] == 12
    assert total[header.index("结案")] == 8
    assert total[header.index("立案至结案天数中位数")] == 24
    assert total[header.index("P90天数")] == 45
    docs = {row[1]: row[2] for row in wb["生成文书"].iter_rows(min_row=2, values_only=True)}
    assert docs["pre_suit_notice"] == 13 and docs[None] == 20


@pytest.mark.django_db
def test_api(client, yl_leader):
    client.force_login(yl_leader)
    r = client.get("/api/v1/stats/financial?start=2024-01-01&end=2024-06-30&as_of=2024-06-30&by=year")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"]["filed"] == 12 and body["total"]["days_batch"]["median"] == "27"
    assert [p["label"] for p in body["by_period"]] == ["2024年"]
    bad = client.get("/api/v1/stats/financial?start=2024-01-01&end=2024-06-30&by=week")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_yuelu_batch_of_17631_cases(courts):
    """17,631 batch cases (bulk-built): every one counted once, per month and per bank, and the
    day figures of a known distribution (days 10..37 in turn)."""
    import time

    yl = courts["湘0104"]
    mediator = UserFactory(court=yl, role=Role.MEDIATOR)
    banks = [bank(name, yl, courts["湘0702"]) for name in ("甲银行", "乙银行", "丙银行")]
    outcomes = ("confirmed", "judged", "statement", "withdrawn", "mediating")
    disputes = [
        Dispute(
            filed=bj(2024, 1 + i % 12, 1 + i % 28),
            outcome=outcomes[i % 5],
            client=banks[i % 3][0],
            batch=banks[i % 3][1],
            days=10 + i % 28,
            docs=(),
        )
        for i in range(17_631)
    ]
    disputes_create(disputes, court=yl, mediator=mediator)
    filters = FinancialFilters(
        court_ids=(yl.pk,), start=date(2024, 1, 1), end=date(2024, 12, 31), as_of=date(2025, 3, 31)
    )
    started = time.perf_counter()
    report = financial_compute(filters=filters, config=stats_config())
    seconds = time.perf_counter() - started
    t = report.total
    closed = [d.days for d in disputes if d.outcome != "mediating"]
    assert t.counts["filed"] == t.counts["batch"] == 17_631
    assert sum(r.counts["filed"] for r in report.by_period) == 17_631 and len(report.by_period) == 12
    assert sorted(r.counts["filed"] for r in report.by_client) == [5_877, 5_877, 5_877]
    assert t.counts["closed"] == len(closed) == 14_105
    assert t.counts["confirmed"] == 3_527 and t.counts["judged"] == 3_526
    assert t.days.mean == (Decimal(sum(closed)) / len(closed)).quantize(Decimal("0.01"))
    assert t.days.p90 == sorted(closed)[math.ceil(len(closed) * 9 / 10) - 1]
    assert seconds < 10, seconds
