"""The staff pages reach the new acts: 诉中调解 opened by the judge from the work page's case-number
search, paper signatures and a counter application recorded on the mediation page."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lastmile.cases.models import PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.mediation import services
from lastmile.mediation.models import Agreement, Mediation, MediationStage, PartyAct


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_judge_opens_in_suit_mediation_from_the_work_page(
    cc_env, yuelu, bank, debtor, cc_mediator, cc_judge, clerk, now, clock
):
    suit = case_register(
        court=yuelu,
        type_code="民初",
        parties=[PartyInRole(bank, PartyRole.PLAINTIFF), PartyInRole(debtor, PartyRole.DEFENDANT)],
        actor=clerk,
        now=now,
        amount_claimed=Decimal("20000.00"),
    )
    judge = _client(cc_judge)
    found = judge.get(reverse("mediation:in_suit_start"), {"number": suit.number})
    assert found.status_code == 302 and found["Location"] == reverse("mediation:in_suit", args=[suit.pk])
    page = judge.get(found["Location"])
    assert "转入诉中调解" in page.content.decode()
    judge.post(found["Location"], {"procedure": "ordinary", "mediator": cc_mediator.pk})
    m = Mediation.objects.get(case=suit)
    assert m.stage == MediationStage.IN_SUIT and m.period_ends_on == date(2025, 3, 18)
    assert suit.number in _client(cc_mediator).get(reverse("mediation:work")).content.decode()


@pytest.mark.django_db
def test_mediator_records_paper_signatures_and_the_counter_records_the_application(
    cc_file_rows, cc_mediator, clerk, now, clock
):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    services.mediation_agreement_record(
        mediation=m,
        terms=["一次性付清；"],
        installments=[services.InstallmentIn(date(2025, 4, 1), Decimal("1000.00"))],
        actor=cc_mediator,
        now=now,
    )
    ids = [p.pk for p in services.mediation_parties(m)]
    mediator = _client(cc_mediator)
    mediator.post(reverse("mediation:act", args=[m.pk, "sign_on_site"]), {"party": ids})
    assert PartyAct.objects.filter(kind="signed", method="on_site").count() == 2
    mediator.post(reverse("mediation:act", args=[m.pk, "apply_counter"]), {"party": ids})
    assert Agreement.objects.get(mediation=m).confirmation_applied_on == date(2025, 3, 3)
    page = mediator.get(reverse("mediation:detail", args=[m.pk])).content.decode()
    assert "当面签字" in page and "共同申请日" in page


@pytest.mark.django_db
def test_the_api_records_signatures_and_the_application_and_refuses_a_late_one_with_a_code(
    cc_file_rows, cc_mediator, clerk, now, clock
):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    services.mediation_agreement_record(
        mediation=m,
        terms=["一次性付清；"],
        installments=[services.InstallmentIn(date(2025, 4, 1), Decimal("1000.00"))],
        actor=cc_mediator,
        now=now,
    )
    ids = [p.pk for p in services.mediation_parties(m)]
    api = _client(cc_mediator)
    r = api.post(f"/api/v1/mediation/{m.pk}/signatures", {"party_ids": ids}, content_type="application/json")
    assert r.status_code == 200, r.content
    clock.set(datetime(2025, 4, 3, 10, 0, tzinfo=now.tzinfo))  # day 31 after the agreement took effect
    late = api.post(
        f"/api/v1/mediation/{m.pk}/confirmation-application",
        {"party_ids": ids},
        content_type="application/json",
    )
    assert late.status_code >= 400 and "第二百零五条" in late.json()["message"]
    assert Agreement.objects.get(mediation=m).confirmation_applied_on is None
