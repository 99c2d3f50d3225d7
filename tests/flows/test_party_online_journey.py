"""Journey, in a real headless Chromium at a phone's width (390 px): a borrower whom the bank's
batch named signs up under their real name (ID checked, phone confirmed by the SMS code the
service adapter carried), joins the bank's pre-suit mediation, signs the 4-installment agreement,
applies for judicial confirmation, and receives and downloads the 司法确认 ruling served on them
(issue L, "the parties online")."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from lastmile.mediation import services as mediation
from lastmile.mediation.models import Agreement, PartyAct
from lastmile.parties.models import ElectronicAddress
from lastmile.portal.models import PortalAccount
from lastmile.portal.tests import outbox as box
from lastmile.service.models import OrderStatus, ServiceOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("LASTMILE_SCREENSHOTS", "data/screenshots"))
FOUR = [Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.66")]
PASSWORD = "Xiangjiang-2025"


@pytest.fixture
def outbox(settings):
    box.OUTBOX.clear()
    settings.LASTMILE = {
        **settings.LASTMILE,
        "COURT_CASES": {
            **settings.LASTMILE.get("COURT_CASES", {}),
            "SERVICE_ADAPTER": "lastmile.portal.tests.outbox.OutboxAdapter",
        },
    }
    return box.OUTBOX


def _fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px phone"


def test_borrower_signs_up_mediates_signs_and_downloads_the_confirmation_ruling(
    browser, live_server, outbox, cc_file_rows, cc_mediator, cc_judge, clerk, now, clock
):
    with transaction.atomic():
        (case,) = cc_file_rows([3])
        (m,) = mediation.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
        bank, borrower = mediation.mediation_parties(m)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", accept_downloads=True)
    url = live_server.url

    # 1. Real-name sign-up: the name and ID the bank's row gave, the phone on record, the SMS code.
    page.goto(url + reverse("portal:party_login"))
    page.click("text=实名注册")
    page.wait_for_load_state()
    page.fill("input[name=name]", borrower.name)
    page.fill("input[name=id_number]", borrower.id_number)
    page.fill("input[name=phone]", borrower.phone)
    page.click("button[value=code]")
    page.wait_for_load_state()
    assert "验证码已发送" in page.locator("body").inner_text()
    (sms,) = [msg for msg in outbox if msg.channel == "sms" and msg.address == borrower.phone]
    code = re.search(r"验证码为(\d{6})", sms.title).group(1)  # type: ignore[union-attr]
    _fits_the_phone(page)
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=e_service_consent]")
    page.screenshot(path=str(SHOTS / "portal_signup_390.png"), full_page=True)
    page.click("button[value=signup]")
    page.wait_for_load_state()
    account = PortalAccount.objects.get(party=borrower)  # linked to the party the bank named
    assert account.user.username == borrower.phone
    assert ElectronicAddress.objects.get(party=borrower, channel="sms", address=borrower.phone).consent_kind
    assert "我的案件" in page.locator("body").inner_text()
    _fits_the_phone(page)

    # 2. The mediation pages (portal:mediation_*): join.
    page.goto(url + reverse("portal:mediation_list"))
    page.click(f"text={case.number}")
    page.wait_for_load_state()
    page.click("#join button")
    page.wait_for_load_state()
    assert PartyAct.objects.filter(mediation=m, party=borrower, kind="joined").exists()

    # 3. The mediator drafts the 4-installment agreement; the borrower reads and signs it.
    with transaction.atomic():
        mediation.mediation_agreement_record(
            mediation=m,
            terms=["申请人同意免除被申请人全部罚息；"],
            installments=[mediation.InstallmentIn(date(2025, 4 + n, 15), a) for n, a in enumerate(FOUR)],
            actor=cc_mediator,
            now=now,
        )
    page.reload()
    assert page.locator("#installments tbody tr").count() == 5  # four installments and the total
    _fits_the_phone(page)
    page.check("#sign input[name=agree]")
    page.fill("#sign input[name=name]", borrower.name)
    page.click("#sign button")
    page.wait_for_load_state()
    assert PartyAct.objects.get(mediation=m, party=borrower, kind="signed").method == "online"

    # 4. The bank signs in person and applies at the counter; the borrower applies online.
    with transaction.atomic():
        mediation.mediation_agreement_sign_on_site(mediation=m, parties=[bank], actor=cc_mediator, now=now)
        mediation.mediation_confirmation_apply_at_counter(mediation=m, parties=[bank], actor=clerk, now=now)
    assert Agreement.objects.get(mediation=m).effective_on == now.date()
    page.reload()
    page.click("#apply button")
    page.wait_for_load_state()
    assert Agreement.objects.get(mediation=m).confirmation_applied_on == now.date()

    # 5. The judge rules; the ruling is served electronically (the borrower consented at sign-up).
    with transaction.atomic():
        m = mediation.mediation_conclude(
            mediation=m, kind="confirmation", actor=cc_judge, now=now + timedelta(hours=2)
        )
        mediation.mediation_result_serve(mediation=m, actor=cc_judge, now=now + timedelta(hours=3))
    ruling = m.result_document
    order = ServiceOrder.objects.get(document=ruling, recipient=borrower)
    assert order.status == OrderStatus.SERVED

    # 6. The borrower finds it among the documents served on them and downloads the PDF.
    page.goto(url + reverse("portal:party_home"))
    page.click("text=我的文书")
    page.wait_for_load_state()
    text = page.locator("body").inner_text()
    assert ruling.title in text and ruling.number in text
    _fits_the_phone(page)
    page.screenshot(path=str(SHOTS / "portal_documents_390.png"), full_page=True)
    with page.expect_download() as info:
        page.click(f"a[href='{reverse('portal:party_document_pdf', args=[order.pk])}']")
    download = info.value
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    assert m.result_case.number in download.suggested_filename
    assert ruling.title in download.suggested_filename
    page.close()
