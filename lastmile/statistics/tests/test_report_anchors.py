"""The monthly report prints each court's latest audit-chain anchor (issue I.7)."""

from __future__ import annotations

import pypdfium2
import pytest

from lastmile.accounts.models import Role
from lastmile.cases.services import audit_anchor_write, case_event_record
from lastmile.testing.factories import UserFactory
from lastmile.testing.kinds import TestEvent

from .conftest import bj

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchors_dir(settings, tmp_path):
    settings.LASTMILE = {**settings.LASTMILE, "AUDIT": {"KEY": "r" * 40, "ANCHORS_DIR": str(tmp_path)}}


def test_report_prints_the_latest_anchor_of_the_period(client, data):
    court = data["court"]
    for day in (3, 20):
        case_event_record(
            case=None, court=court, kind=TestEvent.NOTE, summary="记", actor=None, now=bj(2023, 6, day)
        )
        audit_anchor_write(now=bj(2023, 6, day, 18))
    case_event_record(
        case=None, court=court, kind=TestEvent.NOTE, summary="记", actor=None, now=bj(2023, 7, 2)
    )
    (july,) = audit_anchor_write(now=bj(2023, 7, 2, 18), court=court)
    june = next(a for a in _anchors(court.code) if a.index == july.anchor.index - 1)
    leader = UserFactory(court=court, role=Role.LEADER, username="wl_leader")
    client.force_login(leader)
    html = client.get("/stats/report/?month=2023-06").content.decode()
    assert "审计链锚点" in html and june.head in html and june.sig in html
    assert july.anchor.head not in html
    assert "2023-06-20 18:00" in html
    pdf = pypdfium2.PdfDocument(client.get("/stats/report.pdf?month=2023-06").content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "审计链锚点" in text and june.head[:32] in text.replace("\r", "").replace("\n", "")


def test_report_says_when_a_court_has_no_anchor(client, data):
    leader = UserFactory(court=data["court"], role=Role.LEADER, username="wl_leader")
    client.force_login(leader)
    html = client.get("/stats/report/?month=2023-06").content.decode()
    assert "审计链锚点" in html and "无锚点" in html


def _anchors(code):
    from lastmile.cases.audit import anchors_read

    return anchors_read(code).anchors
