"""Pages and API: the same operations, Chinese errors on the page, codes in the API, and another
court's staff can neither see nor touch a case."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent, CaseStatus
from lastmile.core.clock import FixedClock, use_clock
from lastmile.core.errors import PermissionDenied
from lastmile.enforcement.models import Clue, ProcedureStep, StepKind
from lastmile.enforcement.services import clue_submit, procedure_step_record
from lastmile.enforcement.tests.conftest import at
from lastmile.testing.enforcement import enforcement_demo_staff
from lastmile.testing.factories import UserFactory, make_resident_id, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with use_clock(FixedClock(at(2025, 3, 3))) as c:
        yield c


@pytest.fixture
def case(file_case, clock):
    return file_case(at(2025, 3, 3))


@pytest.fixture
def wl_officer(wuling):
    return UserFactory(court=wuling, role=Role.ENFORCEMENT_JUDGE, username="wl_officer")


def _snapshot(case):
    case.refresh_from_db()
    return (
        case.status,
        CaseEvent.objects.filter(case=case).count(),
        ProcedureStep.objects.filter(case=case).count(),
        Clue.objects.filter(case=case).count(),
    )


def test_other_court_cannot_see_or_touch_the_case(client, case, other_clerk, wl_officer):
    before = _snapshot(case)
    for user in (other_clerk, wl_officer):
        client.force_login(user)
        assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
        listing = client.get(reverse("enforcement:case_list")).content.decode()
        assert case.number not in listing
        page = client.post(reverse("enforcement:act", args=[case.pk, "step"]), {"kind": "execution_notice"})
        assert page.status_code == 404
        api = client.get(f"/api/v1/enforcement/cases/{case.pk}")
        assert api.status_code == 404 and api.json()["code"] == "not_found"
        api = client.post(
            f"/api/v1/enforcement/cases/{case.pk}/steps",
            json.dumps({"kind": "execution_notice"}),
            content_type="application/json",
        )
        assert api.status_code == 404
        api = client.post(
            f"/api/v1/enforcement/cases/{case.pk}/close",
            json.dumps({"method": "cancelled", "reason": "x"}),
            content_type="application/json",
        )
        assert api.status_code == 404
        assert client.get("/api/v1/enforcement/cases").json() == []
    # The service itself refuses another court's staff too.
    with pytest.raises(PermissionDenied):
        procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=wl_officer, now=at(2025, 3, 4))
    assert _snapshot(case) == before


def test_case_page_shows_panel_and_only_allowed_actions(client, case, officer):
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "执行实施" in page and "终结本次执行程序条件" in page
    assert "登记执行事项" in page
    assert "恢复执行（执恢）" not in page  # only after 终本
    assert "和解未履行" not in page


def test_refused_action_on_page_shows_chinese_error_and_changes_nothing(client, case, officer):
    client.force_login(officer)
    response = client.post(reverse("enforcement:act", args=[case.pk, "close_no_property"]), follow=True)
    assert "不能终结本次执行程序" in response.content.decode()  # only from 办理中
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 3))
    before = _snapshot(case)
    response = client.post(reverse("enforcement:act", args=[case.pk, "close_no_property"]), follow=True)
    text = response.content.decode()
    assert "不符合终结本次执行程序的条件" in text
    assert "自立案之日起已超过三个月" in text
    assert _snapshot(case) == before
    # A transition the table does not allow (resume a case that is not suspended).
    response = client.post(reverse("enforcement:act", args=[case.pk, "resume"]), follow=True)
    assert "不能中止事由消除，恢复执行" in response.content.decode()
    assert _snapshot(case) == before


def test_api_refusals_carry_codes_and_change_nothing(client, case, officer):
    client.force_login(officer)
    procedure_step_record(
        case=case, kind=StepKind.ONSITE_INVESTIGATION, result="found", actor=officer, now=at(2025, 3, 3)
    )
    before = _snapshot(case)
    r = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/close",
        json.dumps({"method": "no_property"}),
        content_type="application/json",
    )
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "conditions_not_met"
    assert set(body["details"]["unmet"]) == {
        "notice_and_report",
        "restriction_and_dishonest",
        "property_investigation",
        "three_months",
        "applicant_interviewed",
        "applicant_assent",
    }
    r = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/installments/999/payments",
        json.dumps({"amount": "1", "idempotency_key": "k"}),
        content_type="application/json",
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/resume", json.dumps({}), content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert _snapshot(case) == before


def test_api_operations(client, case, officer, clock):
    client.force_login(officer)
    r = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/steps",
        json.dumps({"kind": "execution_notice"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/clues",
        json.dumps(
            {
                "kind": "asset",
                "description": "被执行人名下车辆停放在小区",
                "urgent": True,
                "location": "岳麓区",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201
    clue_id = r.json()["id"]
    assert Clue.objects.get(pk=clue_id).verify_due_on == date(2025, 3, 6)
    r = client.post(
        f"/api/v1/enforcement/clues/{clue_id}/emergency-actions",
        json.dumps({"team": "赵远、周明及法警2名", "planned_at": "2025-03-03T20:00:00+08:00"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    detail = client.get(f"/api/v1/enforcement/cases/{case.pk}").json()
    assert detail["status"] == CaseStatus.IN_PROGRESS
    assert "close_no_property" in detail["actions"]
    assert len(detail["zhongben_conditions"]) == 7  # 终本规定 2016 art. 1 (5), 约谈, 民诉解释 art. 517
    listing = client.get("/api/v1/enforcement/cases?overdue=false").json()
    assert [row["number"] for row in listing] == [case.number]
    assert client.get(f"/api/v1/enforcement/cases/{case.pk}/progress").json()["number"] == case.number
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/enforcement/cases/{case_id}/close" in schema["paths"]


def test_counter_filing_form(client, clerk, clock):
    client.force_login(clerk)
    assert client.get(reverse("enforcement:file")).status_code == 200
    form = {
        "basis_kind": "mediation",
        "basis_issuer": "长沙市岳麓区人民法院",
        "basis_number": "（2024）湘0104民初88号",
        "effective_on": "2024-12-01",
        "performance_deadline": "2024-12-31",
        "principal": "8.5万",
        "cost_acceptance": "1,000",
        "applicant_kind": "organisation",
        "applicant_name": "长沙银行股份有限公司岳麓支行",
        "applicant_id_type": "uscc",
        "applicant_id_number": make_uscc(77),
        "respondent_kind": "person",
        "respondent_name": "李玥",
        "respondent_id_type": "resident_id",
        "respondent_id_number": make_resident_id(seq=501),
        "cause": "金融借款合同纠纷",
    }
    bad = client.post(reverse("enforcement:file"), {**form, "respondent_id_number": "430104198503120000"})
    assert bad.status_code == 400
    assert "身份证" in bad.content.decode()
    ok = client.post(reverse("enforcement:file"), form)
    assert ok.status_code == 302
    page = client.get(ok["Location"]).content.decode()
    assert "已立案" in page and "民事调解书" in page and "85000.00" in page


def test_list_filters(client, case, officer, clock):
    client.force_login(officer)
    url = reverse("enforcement:case_list")
    assert case.number in client.get(url).content.decode()
    assert case.number in client.get(url, {"track": "fast", "officer": officer.pk}).content.decode()
    assert case.number not in client.get(url, {"track": "complex"}).content.decode()
    assert case.number not in client.get(url, {"overdue": "1"}).content.decode()
    with use_clock(FixedClock(at(2025, 3, 20))):
        assert case.number in client.get(url, {"overdue": "1"}, HTTP_HX_REQUEST="true").content.decode()


def test_online_clue_without_staff_actor_is_visible_on_the_page(client, case, officer, bank):
    clue_submit(
        case=case,
        kind="whereabouts",
        description="被执行人常在梅溪湖出没",
        submitted_by=bank.name,
        now=at(2025, 3, 4),
    )
    client.force_login(officer)
    assert "被执行人常在梅溪湖出没" in client.get(reverse("web:case_detail", args=[case.pk])).content.decode()


def test_every_demo_case_page_renders(client, courts):
    from datetime import datetime

    from lastmile.accounts.models import User
    from lastmile.enforcement.demo import demo_seed_enforcement
    from lastmile.enforcement.models import EnforcementCase

    enforcement_demo_staff(courts)
    now = datetime(2026, 11, 25, 10, 0, tzinfo=at(2026, 1, 1).tzinfo)
    assert demo_seed_enforcement(now=now)
    with use_clock(FixedClock(now)):
        for username, code in (("yl_zhifa", "湘0104"), ("wl_zhifa", "湘0702")):
            client.force_login(User.objects.get(username=username))
            assert client.get(reverse("enforcement:case_list")).status_code == 200
            for ec in EnforcementCase.objects.filter(case__court__code=code):
                page = client.get(reverse("web:case_detail", args=[ec.case_id]))
                assert page.status_code == 200
                assert "终结本次执行程序条件" in page.content.decode()
