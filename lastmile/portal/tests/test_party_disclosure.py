"""What each party of an enforcement case sees in the portal and the party API (issue I.1), and
that a debtor's account cannot act as an applicant (issue I.12).

The events recorded directly below carry the kinds and the summary wording the inquiry and
measures services write (the table test proves those kinds exist in the code); clues and the
emergency action go through the real services.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.cases.kinds import EventKind
from lastmile.cases.models import Case, CaseEvent, Deadline
from lastmile.cases.services import case_event_record, deadline_open
from lastmile.core.errors import PermissionDenied
from lastmile.enforcement.kinds import EnforcementDeadline
from lastmile.enforcement.models import Clue
from lastmile.enforcement.services import (
    ExecutionBasisIn,
    clue_submit,
    emergency_action_open,
    enforcement_file,
)
from lastmile.portal import services
from lastmile.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

PLATE = "湘A8K9X2"
GARAGE = "岳麓区麓谷小区地下车库B2层"
BALANCE = "85321.50"


def _event(case, kind, summary, now, **data):
    case_event_record(
        case=case, kind=EventKind.all_kinds()[kind], summary=summary, actor=None, now=now, data=data
    )


def _served(case, now):
    """The 执行通知书 has been issued to the debtor."""
    _event(case, "enforcement.step.execution_notice", "发出执行通知书", now)


def _secrets_before_control(case, officer, bank_account, now):
    """The applicant's urgent clue, the emergency plan, pending 限消/失信/拘留 proposals and the
    balance found by 查控, with the freeze ordered but not yet landed."""
    clue = clue_submit(
        submitted_by=bank_account.party.name,
        case=case,
        kind="asset",
        description=f"被执行人车辆{PLATE}每晚停放在{GARAGE}",
        location=GARAGE,
        urgent=True,
        now=now,
    )
    emergency_action_open(
        clue=clue, actor=officer, now=now, team="执行一组（张三、李四）", planned_at=now + timedelta(hours=2)
    )
    for what in ("限制消费", "纳入失信被执行人名单", "司法拘留"):
        _event(case, "measures.proposed", f"提请{what}：王小明（拒不申报财产）", now)
    _event(case, "measures.approved", "院长批准司法拘留：王小明", now)
    _event(case, "inquiry.started", "发起网络查控（第1轮）：5家协助机构，被执行人1名", now)
    _event(case, "inquiry.assets_found", f"长沙银行反馈：查得王小明名下财产2项，余额合计{BALANCE}元", now)
    _event(case, "inquiry.freeze_ordered", f"自动冻结1个账户共{BALANCE}元（尚欠100000.00元）", now)
    return clue


def _page(client, account, case):
    client.force_login(account.user)
    response = client.get(reverse("portal:party_case", args=[case.pk]))
    return response.status_code, response.content.decode()


def _api(client, account, case):
    client.force_login(account.user)
    response = client.get(f"/api/v1/party/cases/{case.pk}")
    # decoded, so that Chinese text is compared as text and not as \\u escapes
    return response.status_code, json.dumps(response.json(), ensure_ascii=False)


SECRETS = (PLATE, GARAGE, "紧急", "执行一组", "提请", "院长批准", BALANCE, "冻结", "查控")


def test_debtor_sees_nothing_of_the_case_before_an_act_reaches_it(
    client, case, officer, bank_account, debtor_account, now
):
    _secrets_before_control(case, officer, bank_account, now)
    client.force_login(debtor_account.user)
    assert case.number not in client.get(reverse("portal:party_home")).content.decode()
    assert _page(client, debtor_account, case)[0] == 404
    status, body = _api(client, debtor_account, case)
    assert status == 404 and json.loads(body)["code"] == "not_found"
    assert json.loads(client.get("/api/v1/party/cases").content) == []


def test_debtor_is_not_tipped_off_before_the_freeze_lands(
    client, case, officer, bank_account, debtor_account, now
):
    _served(case, now)
    _secrets_before_control(case, officer, bank_account, now)
    for status, body in (_page(client, debtor_account, case), _api(client, debtor_account, case)):
        assert status == 200
        assert "已向被执行人发出执行通知书" in body
        for secret in SECRETS:
            assert secret not in body, secret
    # the clue's checking deadline names the plate: not the debtor's either
    assert Deadline.objects.filter(case=case, kind="clue").exists()
    assert "核查" not in _page(client, debtor_account, case)[1]
    # and no button to report clues on its own case
    assert reverse("portal:party_clue", args=[case.pk]) not in _page(client, debtor_account, case)[1]


def test_applicant_sees_its_clue_at_once_and_the_balance_only_after_control_lands(
    client, case, officer, bank_account, debtor_account, now
):
    _served(case, now)
    _secrets_before_control(case, officer, bank_account, now)
    status, body = _page(client, bank_account, case)
    assert status == 200
    assert GARAGE in body and "紧急" in body  # its own clue and the deadline to check it
    assert BALANCE not in body and "执行一组" not in body and "提请" not in body

    _event(case, "inquiry.frozen", f"冻结长沙银行账户{BALANCE}元（王小明），期限至2026-04-30", now)
    for status, body in (_page(client, bank_account, case), _api(client, bank_account, case)):
        assert status == 200
        assert f"余额合计{BALANCE}元" in body  # the result, now that control has landed
        assert "冻结长沙银行账户" in body
        assert "执行一组" not in body and "提请" not in body  # plans and proposals stay internal
    # the debtor is served the freeze ruling, never the inquiry result or the clue
    _, debtor_body = _page(client, debtor_account, case)
    assert "冻结长沙银行账户" in debtor_body
    assert "余额合计" not in debtor_body and PLATE not in debtor_body and GARAGE not in debtor_body


def test_results_stay_hidden_while_a_control_order_is_in_flight(case, officer, bank_account, now):
    from lastmile.cases.disclosure import APPLICANT, party_events

    _served(case, now)
    _secrets_before_control(case, officer, bank_account, now)
    _event(case, "inquiry.frozen", "冻结长沙银行账户100.00元（王小明）", now)
    texts = [e.text for e in party_events(case=case, sides=[APPLICANT], control_in_flight=True)]
    assert not any(BALANCE in t for t in texts)
    texts = [e.text for e in party_events(case=case, sides=[APPLICANT], control_in_flight=False)]
    assert any(BALANCE in t for t in texts)


def test_debtor_sees_served_acts_and_its_payment_obligations(
    client, case, officer, bank_account, debtor_account, debtor, bank, now
):
    _served(case, now)
    _event(case, "measures.proposed", "提请限制消费：王小明", now)
    _event(case, "measures.in_force", "限制消费生效：王小明", now)
    _event(case, "service.served", "执行通知书已电子送达王小明（2025-03-03）", now, recipient=debtor.pk)
    _event(case, "service.served", "受理案件通知书已电子送达长沙银行（2025-03-03）", now, recipient=bank.pk)
    _event(case, "enforcement.suspended", "中止执行：案外人异议审查", now)
    deadline_open(
        case=case,
        kind=EnforcementDeadline.SETTLEMENT_INSTALLMENT,
        label="和解第1期履行（5000.00元）",
        starts_on=now.date(),
        due_on=now.date(),
    )
    status, body = _page(client, debtor_account, case)
    assert status == 200
    assert "登记执行依据确定的金钱债务：本金100,000.00元" in body  # its payment obligation
    assert "和解第1期履行（5000.00元）" in body  # its instalment due
    assert "限制消费生效" in body and "执行已中止" in body
    assert "执行通知书已电子送达王小明" in body  # served on it
    assert "受理案件通知书" not in body  # served on the applicant: not the debtor's
    assert "提请" not in body
    # what the court must do next (issue the notice within 10 days …) is for the applicant
    assert "法院正在查询和控制被执行人财产" not in body
    assert "请按执行通知书指定的期间履行" in body
    from lastmile.cases.disclosure import DEBTOR, party_events

    kinds = {e.kind for e in party_events(case=case, sides=[DEBTOR], party_id=debtor.pk)}
    assert "measures.proposed" not in kinds and "ledger.obligation_recorded" in kinds


def test_a_party_of_another_case_sees_nothing(client, case, officer, bank_account, now, yuelu, clerk):
    _served(case, now)
    _secrets_before_control(case, officer, bank_account, now)
    other_debtor = PersonFactory(name="赵六")
    other = enforcement_file(
        court=yuelu,
        basis=ExecutionBasisIn(
            kind="judgment",
            issuer="长沙市岳麓区人民法院",
            number="（2025）湘0104民初9号",
            effective_on=date(2025, 1, 10),
            principal=Decimal("500"),
        ),
        applicants=[PersonFactory(name="钱七")],
        respondents=[other_debtor],
        actor=clerk,
        now=now,
    )
    _served(other, now)
    account = services.portal_account_create(party=other_debtor, username="zhao", password="pw-1", now=now)
    client.force_login(account.user)
    assert [c["number"] for c in json.loads(client.get("/api/v1/party/cases").content)] == [other.number]
    assert _page(client, account, case)[0] == 404
    status, body = _api(client, account, case)
    assert status == 404 and PLATE not in body and case.number not in body
    assert (
        client.post(
            f"/api/v1/party/cases/{case.pk}/clues",
            {"kind": "asset", "description": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


# --- A debtor's account cannot act as an applicant (issue I.12) -----------------------------


def _filing_post(yuelu, respondent_id):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "court": yuelu.pk,
        "basis_kind": "judgment",
        "basis_issuer": "长沙市岳麓区人民法院",
        "basis_number": "（2025）湘0104民初101号",
        "effective_on": "2025-01-10",
        "performance_deadline": "2025-01-20",
        "principal": "12000",
        "costs": "",
        "respondent_kind": "person",
        "respondent_name": "赵四",
        "respondent_id_number": respondent_id,
        "respondent_phone": "13900000000",
        "respondent_address": "长沙市岳麓区",
        "documents": [SimpleUploadedFile("判决书.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    }


def _counts():
    return (Case.objects.count(), CaseEvent.objects.count(), Deadline.objects.count(), Clue.objects.count())


def test_debtor_account_cannot_file_for_enforcement(
    client, case, debtor_account, yuelu, settings, tmp_path, clock
):
    from lastmile.testing.factories import make_resident_id

    settings.MEDIA_ROOT = tmp_path
    before = _counts()
    client.force_login(debtor_account.user)
    home = client.get(reverse("portal:party_home")).content.decode()
    assert reverse("portal:party_file") not in home
    page = client.get(reverse("portal:party_file"))
    assert page.status_code == 403 and "被执行人账号" in page.content.decode()
    r = client.post(reverse("portal:party_file"), _filing_post(yuelu, make_resident_id()))
    assert r.status_code == 403
    assert "不能以申请执行人身份申请执行" in r.content.decode()
    assert _counts() == before
    assert list(tmp_path.rglob("*")) == []  # not even the upload was stored
    with pytest.raises(PermissionDenied) as exc:
        services.party_enforcement_file(
            account=debtor_account,
            court=yuelu,
            basis=None,  # type: ignore[arg-type]  # refused before the basis is read
            respondent={},
            attachments=[],
            known_assets="",
            now=case.received_at,
        )
    assert exc.value.details == {"reason": "not_applicant"}
    assert _counts() == before


def test_debtor_account_cannot_submit_clues_page_or_api(client, case, debtor_account, now, clock):
    _served(case, now)
    before = _counts()
    client.force_login(debtor_account.user)
    url = reverse("portal:party_clue", args=[case.pk])
    assert client.get(url).status_code == 403
    r = client.post(url, {"kind": "asset", "description": "申请人隐匿了财产", "urgent": "on"})
    assert r.status_code == 403 and "被执行人账号" in r.content.decode()
    r = client.post(
        f"/api/v1/party/cases/{case.pk}/clues",
        {"kind": "asset", "description": "申请人隐匿了财产", "urgent": True},
        content_type="application/json",
    )
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "permission_denied" and body["details"]["reason"] == "not_applicant"
    assert "被执行人账号" in body["message"]
    assert _counts() == before


def test_only_the_applicant_side_of_the_case_reports_clues(case, bank_account, yuelu, clerk, now, client):
    """A guarantor (debtor side) is refused; so is a creditor of another case who is the debtor
    of this one; the applicant's clue through the API is accepted."""
    from lastmile.cases.models import CaseParty

    guarantor = PersonFactory(name="孙担保")
    CaseParty.objects.create(case=case, party=guarantor, role="guarantor", position=1)
    creditor_elsewhere = PersonFactory(name="周八")
    enforcement_file(
        court=yuelu,
        basis=ExecutionBasisIn(
            kind="judgment",
            issuer="长沙市岳麓区人民法院",
            number="（2025）湘0104民初77号",
            effective_on=date(2025, 1, 10),
            principal=Decimal("800"),
        ),
        applicants=[creditor_elsewhere],
        respondents=[PersonFactory(name="吴九")],
        actor=clerk,
        now=now,
    )
    CaseParty.objects.create(case=case, party=creditor_elsewhere, role="respondent", position=2)
    before = _counts()
    for party, username in ((guarantor, "sun"), (creditor_elsewhere, "zhou")):
        account = services.portal_account_create(party=party, username=username, password="pw-1", now=now)
        with pytest.raises(PermissionDenied):
            services.party_clue_submit(
                account=account, case=case, kind="asset", description="x", location="", urgent=False, now=now
            )
    assert _counts() == before
    client.force_login(bank_account.user)
    r = client.post(
        f"/api/v1/party/cases/{case.pk}/clues",
        {"kind": "asset", "description": "被执行人在雨花区有一台挖掘机", "location": "雨花区"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert Clue.objects.get(pk=r.json()["id"]).submitted_by == bank_account.party.name


def test_filing_against_oneself_is_refused(bank_account, yuelu, now):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.party_enforcement_file(
            account=bank_account,
            court=yuelu,
            basis=ExecutionBasisIn(
                kind="judgment", issuer="x", number="y", effective_on=date(2025, 1, 1), principal=Decimal("1")
            ),
            respondent={"kind": "organisation", "name": "x", "id_number": bank_account.party.id_number},
            attachments=[],
            known_assets="",
            now=now,
        )
    assert _counts() == before
