"""A party sees the documents served on it (only those) and downloads them as PDF; it asks for the
link of its online hearing and sees it once given."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse

from lastmile.cases.models import CaseEvent
from lastmile.core.errors import InvalidTransition
from lastmile.mediation import services as mediation
from lastmile.parties.services import e_address_record
from lastmile.portal import selectors, services
from lastmile.portal.services_requests import hearing_link_request
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.trial import services as trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawsuit(cc_file_rows, cc_mediator, cc_judge, clerk, now):
    """A failed mediation filed as 民初: the bank against the borrower, who agreed to e-service."""
    (case,) = cc_file_rows([3])
    (m,) = mediation.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    m = mediation.mediation_fail(mediation=m, reason="被申请人拒绝调解", actor=cc_mediator, now=now)
    (suit,) = trial.lawsuits_file_from_mediation(mediations=[m], actor=clerk, now=now)
    borrower = suit.case.case_parties.get(role="defendant").party
    e_address_record(
        party=borrower, channel="sms", address="13807310009", now=now, consent_kind="express", confirmed=True
    )
    return suit


@pytest.fixture
def accounts(lawsuit, now):
    parties = {cp.role: cp.party for cp in lawsuit.case.case_parties.all()}
    return (
        services.portal_account_create(
            party=parties["defendant"], username="b", password="pw-123456", now=now
        ),
        services.portal_account_create(
            party=parties["plaintiff"], username="k", password="pw-123456", now=now
        ),
    )


def _schedule(lawsuit, cc_judge, now):
    return trial.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=cc_judge, starts_at=now + timedelta(days=5), actor=cc_judge, now=now
    )


def test_hearing_link_is_refused_before_scheduling_and_given_after(lawsuit, accounts, cc_judge, now):
    borrower, bank = accounts
    case = lawsuit.case
    with pytest.raises(InvalidTransition, match="尚未安排"):
        hearing_link_request(account=borrower, case=case, now=now)
    _schedule(lawsuit, cc_judge, now)
    assert selectors.party_hearing(account=borrower, case=case).link == ""  # not asked yet
    first = hearing_link_request(account=borrower, case=case, now=now)
    again = hearing_link_request(account=borrower, case=case, now=now + timedelta(hours=1))
    assert first.pk == again.pk
    hearing = lawsuit.hearings.get()
    assert selectors.party_hearing(account=borrower, case=case).link == hearing.link != ""
    assert selectors.party_hearing(account=bank, case=case).link == ""  # the bank has not asked
    event = CaseEvent.objects.get(case=case, kind="portal.hearing_link_given")
    assert event.data["recipient"] == borrower.party_id


def test_hearing_link_on_the_case_page(client, lawsuit, accounts, cc_judge, now, clock):
    borrower, _ = accounts
    _schedule(lawsuit, cc_judge, now)
    hearing = lawsuit.hearings.get()
    client.force_login(borrower.user)
    url = reverse("portal:party_case", args=[lawsuit.case.pk])
    page = client.get(url).content.decode()
    assert "获取庭审链接" in page and hearing.link not in page
    client.post(reverse("portal:party_hearing_link", args=[lawsuit.case.pk]))
    assert hearing.link in client.get(url).content.decode()


def test_party_sees_and_downloads_only_the_documents_served_on_it(
    client, lawsuit, accounts, cc_judge, now, clock
):
    borrower, bank = accounts
    _schedule(lawsuit, cc_judge, now)
    mine = list(selectors.served_documents(account=borrower))
    assert mine, "the 传票 served on the borrower"
    assert all(o.recipient_id == borrower.party_id for o in mine)
    order = mine[0]
    client.force_login(borrower.user)
    listing = client.get(reverse("portal:party_documents")).content.decode()
    assert order.document.title in listing and order.document.number in listing
    response = client.get(reverse("portal:party_document_pdf", args=[order.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    disposition = unquote(response["Content-Disposition"])
    assert lawsuit.case.number in disposition and order.document.title in disposition

    # Another party's served document is not found, even by its id.
    client.force_login(bank.user)
    assert client.get(reverse("portal:party_document_pdf", args=[order.pk])).status_code == 404
    assert order.document.number not in client.get(reverse("portal:party_documents")).content.decode()


def test_a_failed_service_shows_nothing(client, lawsuit, accounts, cc_judge, now, clock):
    borrower, _ = accounts
    _schedule(lawsuit, cc_judge, now)
    orders = ServiceOrder.objects.filter(recipient_id=borrower.party_id)
    order = orders.first()
    ServiceOrder.objects.filter(pk=order.pk).update(status=OrderStatus.FAILED)
    assert order.pk not in {o.pk for o in selectors.served_documents(account=borrower)}
    client.force_login(borrower.user)
    assert client.get(reverse("portal:party_document_pdf", args=[order.pk])).status_code == 404


def test_api_documents_and_hearing_link(client, lawsuit, accounts, cc_judge, now, clock):
    borrower, bank = accounts
    client.force_login(borrower.user)
    refused = client.post(f"/api/v1/party/cases/{lawsuit.case.pk}/hearing-link")
    assert refused.status_code == 404  # the defendant sees the case only once a hearing is scheduled
    _schedule(lawsuit, cc_judge, now)
    given = client.post(f"/api/v1/party/cases/{lawsuit.case.pk}/hearing-link")
    assert given.status_code == 200 and given.json()["link"] == lawsuit.hearings.get().link
    docs = client.get("/api/v1/party/documents").json()
    assert docs and all(d["pdf_url"].startswith("/portal/party/documents/") for d in docs)
    assert client.get(docs[0]["pdf_url"]).content.startswith(b"%PDF")
    client.force_login(bank.user)
    assert all(d["id"] not in {x["id"] for x in docs} for d in client.get("/api/v1/party/documents").json())
