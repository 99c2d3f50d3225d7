"""The auction's public page states the asset's present state: what it is, that it is seized, and who
occupies it (网络司法拍卖规定 2016 art. 13 item (5): 拍卖财产权属、占有使用、附随义务等现状的文字说明),
read from the seizure (inquiry) and the 腾房公告 (measures), never typed again on the lot."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from lastmile.core.clock import FixedClock, use_clock
from lastmile.measures.services import vacate_notice_draft, vacate_notice_sign, vacating_record

from .conftest import HOME_REF, NOW, at
from .test_pages import rnd  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _occupancy(client, rnd) -> str:  # noqa: F811
    with use_clock(FixedClock(at(2025, 4, 10, 12))):
        page = client.get(reverse("auction:public_detail", args=[rnd.pk])).content.decode()
    return page.split('id="occupancy">', 1)[1].split("</td>", 1)[0]


def test_public_detail_shows_ownership_and_occupancy_from_the_vacate_notice(
    client,
    rnd,  # noqa: F811
    officer,
    president,
    debtor,
):
    with use_clock(FixedClock(at(2025, 4, 10, 12))):
        page = client.get(reverse("auction:public_detail", args=[rnd.pk])).content.decode()
    assert HOME_REF in page and "已由本院查封" in page and "岳麓区枫林三路88号2栋1201" in page
    assert "未发布腾房公告" in _occupancy(client, rnd)
    # The announcement served on the parties states it too, as it was when announced.
    context = rnd.announcement.context
    assert context["occupancy"] == _occupancy(client, rnd) and "已由本院查封" in context["ownership"]

    notice = vacate_notice_draft(
        actor=officer,
        case=rnd.lot.case,
        party=debtor,
        property_ref=HOME_REF,
        address="岳麓区枫林三路88号2栋1201",
        occupants=f"被执行人{debtor.name}及其家人",
        days=15,
        now=NOW + timedelta(days=1),
    )
    assert _occupancy(client, rnd) == "现由被执行人一方居住"  # a draft is not public yet
    notice = vacate_notice_sign(actor=president, notice_id=notice.pk, now=NOW + timedelta(days=2))
    assert notice.ends_on is not None
    ends = notice.ends_on
    shown = _occupancy(client, rnd)
    assert shown == f"现由被执行人一方居住，已发布腾房公告（期限至{ends.year}年{ends.month}月{ends.day}日）"
    assert debtor.name not in shown  # the public text names nobody

    vacating_record(
        actor=officer,
        notice_id=notice.pk,
        vacated_on=date(2025, 3, 10),
        moved_to="申请执行人租赁的住房",
        moved_to_applicant_housing=True,
        now=at(2025, 3, 11),
    )
    assert _occupancy(client, rnd) == "已腾空（2025年3月10日自行搬离）"
    # The lot holds no copy: the occupancy is the measures record's.
    assert "腾" not in rnd.lot.description
