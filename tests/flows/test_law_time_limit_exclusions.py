"""The execution time limit excludes 公告 (审限规定 2000 art. 9(2)), the handling of a jurisdiction
objection or dispute (art. 9(3)) and 暂缓 after 执行担保 (art. 9(6); 民诉法 2023 art. 242, at
most one year: 民诉解释 2022 art. 467), as it excludes valuation, auction and a higher court's
deferral (issue K item 10; docs/law.md "Time limit of an enforcement case")."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from lastmile.cases.models import Case, CaseEvent, Deadline
from lastmile.core.errors import InvalidTransition
from lastmile.enforcement.models import EnforcementCase, PauseKind, TimeLimitPause
from lastmile.enforcement.services import InvalidFiling, time_limit_pause_end, time_limit_pause_start
from lastmile.testing.enforcement import at

pytestmark = pytest.mark.django_db


def _state(case: Case) -> dict[str, Any]:
    ec = EnforcementCase.objects.get(case=case)
    return {
        "pauses": list(TimeLimitPause.objects.filter(case=case).values()),
        "due": ec.time_limit_due_on,
        "events": CaseEvent.objects.filter(case=case).count(),
        "deadlines": list(Deadline.objects.filter(case=case).values()),
    }


def _due(case: Case) -> date:
    due = EnforcementCase.objects.get(case=case).time_limit_due_on
    assert due is not None
    return due


@pytest.mark.parametrize(
    ("kind", "item"),
    [(PauseKind.PUBLIC_NOTICE, "9(2)"), (PauseKind.JURISDICTION, "9(3)"), (PauseKind.SECURITY, "9(6)")],
)
def test_art9_the_period_is_excluded_from_the_time_limit(file_case, officer, kind, item):
    case = file_case(at(2025, 3, 3))
    before = _due(case)
    pause = time_limit_pause_start(
        case=case,
        kind=kind,
        actor=officer,
        now=at(2025, 3, 10),
        reason="担保人提供房产担保，申请执行人书面同意暂缓三十日"
        if kind == PauseKind.SECURITY
        else "公告送达",
    )
    event = CaseEvent.objects.filter(case=case, kind="enforcement.pause_started").latest("pk")
    assert event.legal_basis["article"] == item
    assert "严格执行案件审理期限制度" in event.legal_basis["law"]
    time_limit_pause_end(pause=pause, actor=officer, now=at(2025, 4, 9))
    pause.refresh_from_db()
    assert (pause.ended_on - pause.started_on).days == 30
    # By hand: filed 2025-03-03, six months end 2025-09-03 (a working day); 30 days excluded
    # give 2025-10-03, in the National Day holiday, so the last day is 2025-10-09 (民诉法 2023 art. 85).
    assert before == date(2025, 9, 3)
    assert _due(case) == date(2025, 10, 9)


def test_art9_6_security_deferral_needs_the_applicants_consent(file_case, officer):
    case = file_case(at(2025, 3, 3))
    before = _state(case)
    with pytest.raises(InvalidFiling) as info:
        time_limit_pause_start(case=case, kind=PauseKind.SECURITY, actor=officer, now=at(2025, 3, 10))
    assert "第242条" in info.value.message
    assert _state(case) == before


def test_art9_6_security_deferral_excludes_at_most_one_year(file_case, officer):
    case = file_case(at(2025, 3, 3))
    pause = time_limit_pause_start(
        case=case,
        kind=PauseKind.SECURITY,
        actor=officer,
        now=at(2025, 3, 10),
        reason="保证人提供保证，申请执行人书面同意暂缓执行",
    )
    before = _state(case)
    with pytest.raises(InvalidTransition) as info:
        time_limit_pause_end(pause=pause, actor=officer, now=at(2026, 4, 1), ended_on=date(2026, 3, 11))
    assert "第467条" in info.value.message and "2026-03-10" in info.value.message
    assert _state(case) == before
    time_limit_pause_end(pause=pause, actor=officer, now=at(2026, 4, 1), ended_on=date(2026, 3, 10))


def test_the_case_page_offers_the_new_kinds(client, file_case, officer):
    case = file_case(at(2025, 3, 3))
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    for label in ("公告", "管辖权异议或管辖争议处理", "执行担保暂缓执行"):
        assert label in page
    response = client.post(
        reverse("enforcement:act", args=[case.pk, "pause"]),
        {"kind": "jurisdiction", "reason": "被执行人提出管辖权异议"},
    )
    assert response.status_code in (200, 302)
    assert TimeLimitPause.objects.filter(case=case, kind="jurisdiction", ended_on__isnull=True).exists()


def test_the_api_records_the_new_kinds(client, file_case, officer):
    case = file_case(at(2025, 3, 3))
    client.force_login(officer)
    response = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/pauses",
        {"kind": "notice", "reason": "公告送达执行通知书"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert TimeLimitPause.objects.filter(case=case, kind="notice").exists()
