"""The party portal's online filing in Chromium at a phone's width: the applicant adds rows for
three respondents, marks one a guarantor, removes a fourth, and the case is filed against the
three, the guarantor listed after the principal debtors."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.portal.services import portal_account_create
from lastmile.testing.factories import make_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_files_online_against_three_respondents(
    browser, live_server, bank, yuelu, now, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        portal_account_create(party=bank, username="applicant", password="pw-123456", now=now)
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.goto(live_server.url + reverse("portal:party_login"))
    page.fill("input[name=username]", "applicant")
    page.fill("input[name=password]", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("portal:party_file"))
    page.select_option("select[name=court]", str(yuelu.pk))
    page.select_option("select[name=basis_kind]", "judgment")
    page.fill("input[name=basis_issuer]", "长沙市岳麓区人民法院")
    page.fill("input[name=basis_number]", "（2025）湘0104民初401号")
    page.fill("input[name=effective_on]", "2025-01-10")
    page.fill("input[name=principal]", "60000")
    page.set_input_files(
        "input[name=documents]",
        files=[{"name": "判决书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}],
    )
    for _ in range(3):
        page.click("[data-add-respondent]")
    assert page.locator("input[name=respondents-TOTAL_FORMS]").input_value() == "4"
    for i, name in enumerate(["赵四", "钱五", "孙六", "李七"]):
        page.fill(f"input[name=respondents-{i}-name]", name)
        page.fill(f"input[name=respondents-{i}-id_number]", make_resident_id())
    page.check("input[name=respondents-0-guarantor]")
    page.check("input[name=respondents-3-DELETE]")  # removed: the row disappears
    assert not page.locator("input[name=respondents-3-name]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("form button.primary")
    page.wait_for_url("**/portal/party/cases/*/")
    case = Case.objects.get()
    names = list(
        CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT)
        .order_by("position")
        .values_list("party__name", flat=True)
    )
    assert names == ["钱五", "孙六"]
    # the marked row is a 被执行人 in its guarantor capacity (担保人 role, on the debtor side)
    assert list(
        CaseParty.objects.filter(case=case, role=PartyRole.GUARANTOR).values_list("party__name", flat=True)
    ) == ["赵四"]
    page.close()
