"""Filing with several respondents (issue L): the party portal's online filing and the counter
form take N respondents, each checked, guarantors marked; the earlier one-respondent shape still
works."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.filing.forms import respondent_formset
from lastmile.testing.factories import make_resident_id, make_uscc

pytestmark = pytest.mark.django_db


def _rows(*rows: dict[str, str]) -> dict[str, str]:
    data = {"respondents-TOTAL_FORMS": str(len(rows)), "respondents-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"respondents-{i}-{key}"] = value
    return data


def _person(name: str, **extra: str) -> dict[str, str]:
    return {"kind": "person", "name": name, "id_number": make_resident_id(), **extra}


def _basis(yuelu) -> dict[str, object]:
    return {
        "court": yuelu.pk,
        "basis_kind": "judgment",
        "basis_issuer": "长沙市岳麓区人民法院",
        "basis_number": "（2025）湘0104民初301号",
        "effective_on": "2025-01-10",
        "performance_deadline": "2025-01-20",
        "principal": "80000",
        "costs": "",
        "documents": [SimpleUploadedFile("判决书.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    }


@pytest.fixture
def applicant(bank, now):
    from lastmile.portal.services import portal_account_create

    account = portal_account_create(party=bank, username="applicant", password="pw-123456", now=now)
    c = Client()
    c.force_login(account.user)
    return c


def _guarantors(case: Case) -> list[str]:
    return list(
        CaseParty.objects.filter(case=case, role=PartyRole.GUARANTOR)
        .order_by("position")
        .values_list("party__name", flat=True)
    )


def test_the_portal_files_against_three_respondents_one_a_guarantor(
    applicant, yuelu, clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    company = {"kind": "organisation", "name": "长沙某贸易有限公司", "id_number": make_uscc()}
    data = {
        **_basis(yuelu),
        **_rows(_person("赵四"), _person("钱五", guarantor="on"), company, _person("孙六", DELETE="on")),
    }
    page = applicant.get("/portal/party/file/").content.decode()
    assert "respondents-TOTAL_FORMS" in page and "增加被执行人" in page
    response = applicant.post("/portal/party/file/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    names = list(
        CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT)
        .order_by("position")
        .values_list("party__name", flat=True)
    )
    # the removed row is dropped; the principal debtors as 被执行人, the guarantor in its capacity
    assert names == ["赵四", "长沙某贸易有限公司"]
    assert _guarantors(case) == ["钱五"]


def test_each_respondent_is_checked_and_nothing_is_filed_on_a_bad_row(
    applicant, yuelu, clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    bad = make_resident_id()
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    data = {**_basis(yuelu), **_rows(_person("赵四"), _person("钱五"), {**_person("孙六"), "id_number": bad})}
    response = applicant.post("/portal/party/file/", data)
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    assert not Case.objects.exists()


def test_the_formset_refuses_the_same_person_twice_and_guarantors_alone():
    same = _person("赵四")
    twice = respondent_formset(_rows(same, {**same, "name": "赵四（重复）"}))
    assert not twice.is_valid() and "填写了两次" in str(twice.non_form_errors())
    alone = respondent_formset(_rows(_person("钱五", guarantor="on")))
    assert not alone.is_valid() and "主债务人" in str(alone.non_form_errors())
    empty = respondent_formset(_rows({"kind": "person", "name": "", "id_number": ""}))
    assert not empty.is_valid()


def test_the_one_respondent_shape_is_still_read():
    number = make_resident_id()
    formset = respondent_formset(
        {"respondent_kind": "person", "respondent_name": "赵四", "respondent_id_number": number}
    )
    assert formset.is_valid(), formset.errors
    assert [(r["name"], r["id_number"], r["guarantor"]) for r in formset.respondents()] == [
        ("赵四", number, False)
    ]


def _counter(yuelu, **rows: str) -> dict[str, str]:
    return {
        "basis_kind": "judgment",
        "basis_issuer": "长沙市岳麓区人民法院",
        "basis_number": "（2025）湘0104民初302号",
        "effective_on": "2025-01-10",
        "performance_deadline": "2025-01-20",
        "principal": "50000",
        "applicant_kind": "organisation",
        "applicant_name": "长沙银行股份有限公司岳麓支行",
        "applicant_id_type": "uscc",
        "applicant_id_number": make_uscc(78),
        "cause": "金融借款合同纠纷",
        **rows,
    }


def _counter_row(prefix: str, name: str, **extra: str) -> dict[str, str]:
    return {
        f"{prefix}_kind": "person",
        f"{prefix}_name": name,
        f"{prefix}_id_type": "resident_id",
        f"{prefix}_id_number": make_resident_id(),
        **{f"{prefix}_{k}": v for k, v in extra.items()},
    }


def test_the_counter_form_files_against_four_respondents_guarantors_last(client, clerk, yuelu, clock):
    client.force_login(clerk)
    page = client.get("/enforcement/file/").content.decode()
    assert "增加被执行人" in page and "respondent__n___name" in page
    rows = {
        **_counter_row("respondent", "周一", guarantor="on"),
        **_counter_row("respondent2", "吴二"),
        **_counter_row("respondent3", "郑三", guarantor="on"),
        **_counter_row("respondent5", "王五"),  # row 4 was removed on the page
    }
    response = client.post("/enforcement/file/", _counter(yuelu, **rows))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    names = list(
        CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT)
        .order_by("position")
        .values_list("party__name", flat=True)
    )
    assert names == ["吴二", "王五"]
    assert _guarantors(case) == ["周一", "郑三"]  # 被执行人 in the 担保人 role, listed after the debtors


def test_the_counter_form_refuses_a_bad_third_row_and_files_nothing(client, clerk, yuelu, clock):
    client.force_login(clerk)
    rows = {
        **_counter_row("respondent", "周一"),
        **_counter_row("respondent2", "吴二"),
        **_counter_row("respondent3", "郑三", id_number="430104198503120000"),
    }
    response = client.post("/enforcement/file/", _counter(yuelu, **rows))
    body = response.content.decode()
    assert response.status_code == 400 and "身份证" in body
    assert 'name="respondent3_name" value="郑三"' in body  # the rows typed are shown again
    assert not Case.objects.exists()
    alone = {**_counter_row("respondent", "周一", guarantor="on")}
    response = client.post("/enforcement/file/", _counter(yuelu, **alone))
    assert response.status_code == 400 and "主债务人" in response.content.decode()
