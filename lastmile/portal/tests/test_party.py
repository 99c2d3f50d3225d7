from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.errors import Conflict, InvalidTransition, NotFound
from lastmile.portal import selectors, services
from lastmile.portal.models import ReceptionBooking, ReceptionSlot
from lastmile.testing.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(yuelu, clerk, officer, bank, debtor, now):
    return case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("50000"),
        officer=officer,
        summary=f"立案登记，被执行人{debtor.name}（{debtor.id_number}）",
    )


@pytest.fixture
def slot(yuelu, officer, now):
    start = now + timedelta(days=1)
    return ReceptionSlot.objects.create(
        court=yuelu, starts_at=start, ends_at=start + timedelta(hours=2), duty_officer=officer, capacity=1
    )


def test_party_sees_own_case_with_other_party_masked(client, case, bank_account, debtor):
    client.force_login(bank_account.user)
    home = client.get(reverse("portal:party_home")).content.decode()
    assert case.number in home
    page = client.get(reverse("portal:party_case", args=[case.pk])).content.decode()
    assert "立案登记" in page
    assert debtor.id_number not in page  # neither in the parties table nor in event summaries
    assert debtor.id_number[:10] + "****" in page
    assert bank_account.party.id_number in page  # one's own identity in full


def test_party_cannot_see_a_case_it_is_not_on(client, case, now, yuelu, clerk):
    stranger = PersonFactory(name="路人甲")
    account = services.portal_account_create(party=stranger, username="stranger", password="x", now=now)
    client.force_login(account.user)
    assert client.get(reverse("portal:party_case", args=[case.pk])).status_code == 404
    assert case.number not in client.get(reverse("portal:party_home")).content.decode()


def test_party_login_cannot_use_staff_pages_or_api(client, case, bank_account):
    client.force_login(bank_account.user)
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code in (403, 404)
    r = client.get(reverse("web:workbench"))  # sent to its own portal, never a 403 loop (issue M.5)
    assert r.status_code == 302 and r.url == reverse("portal:party_home")
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 403


def test_booking_and_duty_officer_reception(client, case, bank_account, slot, officer, now, clock):
    booking = services.booking_make(
        account=bank_account, case=case, slot_id=slot.pk, topic="询问财产查控进展", now=now
    )
    assert CaseEvent.objects.filter(case=case, kind="reception.booked").count() == 1
    client.force_login(officer)
    body = client.get(reverse("portal:duty")).content.decode()
    assert case.number in body and "询问财产查控进展" in body
    services.booking_receive(officer=officer, booking_id=booking.pk, outcome="已告知进展", now=now)
    booking.refresh_from_db()
    assert booking.status == "received"


def test_full_slot_is_refused_and_nothing_changes(case, bank_account, slot, debtor, now):
    services.booking_make(account=bank_account, case=case, slot_id=slot.pk, topic="第一次", now=now)
    debtor_account = services.portal_account_create(party=debtor, username="d", password="x", now=now)
    events = CaseEvent.objects.count()
    with pytest.raises(Conflict):
        services.booking_make(account=debtor_account, case=case, slot_id=slot.pk, topic="第二次", now=now)
    assert ReceptionBooking.objects.count() == 1
    assert CaseEvent.objects.count() == events


def test_past_slot_and_foreign_case_are_refused(case, bank_account, slot, now, wuling):
    with pytest.raises(InvalidTransition):
        services.booking_make(
            account=bank_account, case=case, slot_id=slot.pk, topic="迟到", now=slot.starts_at
        )
    other_officer = UserFactory(court=wuling, role=Role.ENFORCEMENT_OFFICER)
    foreign = ReceptionSlot.objects.create(
        court=wuling,
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        duty_officer=other_officer,
    )
    with pytest.raises(NotFound):
        services.booking_make(account=bank_account, case=case, slot_id=foreign.pk, topic="x", now=now)
    assert ReceptionBooking.objects.count() == 0


def test_scrub_text_masks_ids_and_phones():
    text = "被执行人11010519491231002X，电话13807310001"
    assert selectors.scrub_text(text) == "被执行人1101051949****002X，电话138****0001"


def _filing_post(yuelu, debtor_id, **over):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "court": yuelu.pk,
        "basis_kind": "judgment",
        "basis_issuer": "长沙市岳麓区人民法院",
        "basis_number": "（2025）湘0104民初101号",
        "effective_on": "2025-01-10",
        "performance_deadline": "2025-01-20",
        "principal": "12万元",
        "costs": "1,350",
        "respondent_kind": "person",
        "respondent_name": "赵四",
        "respondent_id_number": debtor_id,
        "respondent_phone": "13900000000",
        "respondent_address": "长沙市岳麓区",
        "documents": [SimpleUploadedFile("判决书.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    }
    data.update(over)
    return data


def test_applicant_files_online_and_submits_a_clue(
    client, yuelu, bank_account, clerk, clock, settings, tmp_path, now
):
    from lastmile.cases.models import Case
    from lastmile.enforcement.models import Clue
    from lastmile.testing.factories import make_resident_id

    settings.MEDIA_ROOT = tmp_path
    client.force_login(bank_account.user)
    r = client.post(reverse("portal:party_file"), _filing_post(yuelu, make_resident_id()))
    import re

    assert r.status_code == 302, re.findall(r"class=\"error\">([^<]*)", r.content.decode())
    case = Case.objects.get(type_code="执")
    assert case.status == "received"
    assert case.amount_claimed is not None
    page = client.get(r["Location"]).content.decode()
    assert case.number in page
    from lastmile.enforcement.services import enforcement_accept

    enforcement_accept(case=case, actor=clerk, now=now)
    r = client.post(
        reverse("portal:party_clue", args=[case.pk]),
        {
            "kind": "asset",
            "description": "被执行人的挖掘机停放在雨花区某工地",
            "location": "长沙市雨花区",
            "urgent": "on",
        },
    )
    assert r.status_code == 302
    clue = Clue.objects.get(case=case)
    assert clue.urgent


def test_online_filing_with_bad_id_shows_chinese_error_and_creates_nothing(
    client, yuelu, bank_account, clock, settings, tmp_path
):
    from lastmile.cases.models import Case

    settings.MEDIA_ROOT = tmp_path
    client.force_login(bank_account.user)
    r = client.post(reverse("portal:party_file"), _filing_post(yuelu, "110105194912310021"))
    assert r.status_code == 200
    assert "校验位" in r.content.decode()
    assert Case.objects.count() == 0
    r = client.post(reverse("portal:party_file"), _filing_post(yuelu, "11010519491231002X", principal="abc"))
    assert "给付金额" in r.content.decode()
    assert Case.objects.count() == 0
