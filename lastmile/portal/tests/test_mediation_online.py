"""The parties take part in mediation online (issue L): a borrower's login sees its own mediation,
joins it, reads the draft agreement with its installment schedule, signs it, applies for judicial
confirmation jointly with the bank, and downloads the ruling. Deny by default: another party's
mediation is a 404 and the mediator's minutes are never shown."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lastmile.mediation import services as mediation
from lastmile.mediation.models import Agreement, PartyAct
from lastmile.portal.services import portal_account_create

BJ = timezone.get_fixed_timezone(480)
MINUTES = "调解员内部记录：被申请人还款意愿较强"
FOUR = [Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.66")]


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def online(cc_file_rows, cc_mediator, clerk, now):  # type: ignore[no-untyped-def]
    a, b = cc_file_rows([3, 6])
    m_a, m_b = mediation.mediation_assign(cases=[a, b], mediator=cc_mediator, actor=clerk, now=now)
    bank, borrower = mediation.mediation_parties(m_a)
    _bank_b, borrower_b = mediation.mediation_parties(m_b)
    accounts = {
        "bank": portal_account_create(party=bank, username="med_bank", password="pw-123456", now=now),
        "borrower": portal_account_create(
            party=borrower, username="med_borrower", password="pw-123456", now=now
        ),
        "stranger": portal_account_create(
            party=borrower_b, username="med_other", password="pw-123456", now=now
        ),
    }
    return {"m": m_a, "other": m_b, "bank": bank, "borrower": borrower, "accounts": accounts}


@pytest.mark.django_db
def test_a_party_sees_only_its_own_mediations_and_never_the_minutes(online, cc_mediator, now, clock):
    m = online["m"]
    session = mediation.mediation_session_schedule(
        mediation=m, scheduled_at=at(3, 3, 10), actor=cc_mediator, now=now, link="https://mediate.invalid/r1"
    )
    mediation.mediation_session_record(session=session, record=MINUTES, actor=cc_mediator, now=at(3, 3, 11))
    borrower = _login(online["accounts"]["borrower"].user)
    listing = borrower.get(reverse("portal:mediation_list")).content.decode()
    assert m.case.number in listing and online["other"].case.number not in listing
    page = borrower.get(reverse("portal:mediation_detail", args=[m.pk])).content.decode()
    assert m.case.number in page and "确认参加调解" in page
    assert MINUTES not in page
    # the stranger: not listed, a 404 on every door, and nothing recorded
    stranger = _login(online["accounts"]["stranger"].user)
    assert m.case.number not in stranger.get(reverse("portal:mediation_list")).content.decode()
    for name in ("portal:mediation_detail", "portal:mediation_document"):
        assert stranger.get(reverse(name, args=[m.pk])).status_code == 404
    for name in ("portal:mediation_join", "portal:mediation_sign", "portal:mediation_apply"):
        assert stranger.post(reverse(name, args=[m.pk]), {"agree": "1", "name": "x"}).status_code == 404
    assert not PartyAct.objects.exists()
    # staff logins are not parties
    assert _login(cc_mediator).get(reverse("portal:mediation_list")).status_code == 403


@pytest.mark.django_db
def test_join_sign_apply_online_and_download_the_ruling(online, cc_mediator, cc_judge, now, clock):
    m, bank, borrower = online["m"], online["bank"], online["borrower"]
    b_client = _login(online["accounts"]["borrower"].user)
    k_client = _login(online["accounts"]["bank"].user)
    detail = reverse("portal:mediation_detail", args=[m.pk])
    b_client.post(reverse("portal:mediation_join", args=[m.pk]))
    assert PartyAct.objects.filter(party=borrower, kind="joined", method="online").exists()
    mediation.mediation_agreement_record(
        mediation=m,
        terms=["申请人同意免除被申请人全部罚息；"],
        installments=[mediation.InstallmentIn(date(2025, 4 + n, 15), a) for n, a in enumerate(FOUR)],
        actor=cc_mediator,
        now=now,
    )
    page = b_client.get(detail).content.decode()
    assert "分期付款安排" in page and page.count("12,345.67") == 3 and "12,345.66" in page
    assert "确认签署" in page
    # signing needs the tick and the party's own name
    b_client.post(reverse("portal:mediation_sign", args=[m.pk]), {"name": borrower.name})
    b_client.post(reverse("portal:mediation_sign", args=[m.pk]), {"agree": "1", "name": "别人"})
    assert not PartyAct.objects.filter(kind="signed").exists()
    b_client.post(reverse("portal:mediation_sign", args=[m.pk]), {"agree": "1", "name": borrower.name})
    act = PartyAct.objects.get(party=borrower, kind="signed")
    assert act.method == "online" and act.at == now
    k_client.post(reverse("portal:mediation_join", args=[m.pk]))
    k_client.post(reverse("portal:mediation_sign", args=[m.pk]), {"agree": "1", "name": bank.name})
    agreement = Agreement.objects.get(mediation=m)
    assert agreement.effective_on == date(2025, 3, 3)
    # the joint application, online by both
    assert "申请司法确认" in b_client.get(detail).content.decode()
    b_client.post(reverse("portal:mediation_apply", args=[m.pk]))
    k_client.post(reverse("portal:mediation_apply", args=[m.pk]))
    agreement.refresh_from_db()
    assert agreement.confirmation_applied_on == date(2025, 3, 3)
    mediation.mediation_conclude(mediation=m, kind="confirmation", actor=cc_judge, now=at(3, 4))
    page = b_client.get(detail).content.decode()
    assert "司法确认裁定书" in page
    pdf = b_client.get(reverse("portal:mediation_document", args=[m.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # named by the one rule of documents: 文书字号-标题.pdf, as an attachment
    m.refresh_from_db()
    ruling = m.result_document
    assert ruling is not None
    assert unquote(pdf["Content-Disposition"]).startswith("attachment;")
    assert f"filename*=UTF-8''{ruling.number}-民事裁定书.pdf" in unquote(pdf["Content-Disposition"])
