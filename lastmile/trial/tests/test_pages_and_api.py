"""Pages (mediator workbench, batch trial, service status, case panels) and the API, including
the bank's one-click enforcement with its institution key."""

from __future__ import annotations

import pytest
from django.test import Client

from lastmile.filing.services import api_key_issue, institution_client_upsert
from lastmile.mediation.models import Mediation, MediationSession
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.testing.factories import make_uscc
from lastmile.trial import services
from lastmile.trial.models import JudgmentBatch

from .conftest import at


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_mediator_takes_cases_and_schedules_a_session_through_the_pages(cc_file_rows, cc_mediator, clock):
    cases = cc_file_rows([3, 6])
    web = _client(cc_mediator)
    page = web.get("/mediation/")
    assert page.status_code == 200 and cases[0].number in page.content.decode()
    response = web.post("/mediation/assign/", {"case": [c.pk for c in cases], "mediator": cc_mediator.pk})
    assert response.status_code == 302 and Mediation.objects.count() == 2
    m = Mediation.objects.order_by("pk").first()
    assert web.get(f"/mediation/{m.pk}/").status_code == 200
    web.post(
        f"/mediation/{m.pk}/schedule/", {"scheduled_at": "2025-03-05T10:00", "link": "https://m.invalid/1"}
    )
    assert MediationSession.objects.filter(mediation=m).count() == 1
    # a bad date comes back as a message, not an error page
    response = web.post(f"/mediation/{m.pk}/schedule/", {"scheduled_at": "2025-05-05T10:00"}, follow=True)
    assert "超出调解期限" in response.content.decode()
    assert MediationSession.objects.filter(mediation=m).count() == 1


@pytest.mark.django_db
def test_judge_pages_batch_progress_service_status_and_case_panels(failed_lawsuits, cc_judge, clock):
    lawsuits = failed_lawsuits([10, 12])
    web = _client(cc_judge)
    page = web.get("/trial/")
    assert page.status_code == 200 and lawsuits[0].case.number in page.content.decode()
    response = web.post(
        "/trial/batch/schedule/",
        {"id": [s.pk for s in lawsuits], "judge": cc_judge.pk, "starts_at": "2025-03-10T09:00", "slot": "20"},
    )
    assert response.status_code == 302
    hearings = [h for s in lawsuits for h in s.hearings.all()]
    assert len(hearings) == 2
    clock.set(at(3, 10, 9, 5))  # the second slot begins at 9:20
    response = web.post("/trial/batch/record/", {"id": [h.pk for h in hearings]}, follow=True)
    assert "开庭前不能记录" in response.content.decode()  # the first is recorded, the second refused
    clock.set(at(3, 10, 10))
    web.post("/trial/batch/record/", {"id": [h.pk for h in hearings]})
    response = web.post("/trial/batch/judge/", {"id": [s.pk for s in lawsuits]})
    batch = JudgmentBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/trial/judgment-batches/{batch.pk}/"
    )
    partial = web.get(f"/trial/judgment-batches/{batch.pk}/", headers={"HX-Request": "true"})
    assert "2/2" in partial.content.decode() and "hx-trigger" not in partial.content.decode()
    judgment = lawsuits[0].judgment
    services.judgment_serve(judgment=judgment, actor=cc_judge, now=at(3, 11), port=SimulatedServiceAdapter())
    status = web.get("/service/")
    assert status.status_code == 200 and "已送达" in status.content.decode()
    case_page = web.get(f"/cases/{lawsuits[0].case.pk}/")
    body = case_page.content.decode()
    assert case_page.status_code == 200 and "trial-panel" in body and "service-panel" in body
    origin = web.get(f"/cases/{lawsuits[0].case.parent_id}/")
    assert "mediation-panel" in origin.content.decode()
    assert f"/trial/lawsuits/{lawsuits[0].pk}/" in body  # the judge opens the lawsuit from the case


def test_a_reader_of_the_case_who_may_not_open_lawsuits_gets_the_summary_without_the_link(
    failed_lawsuits, president, clock
):
    lawsuit = failed_lawsuits([10])[0]
    web = _client(president)  # 院长: reads every case file of the court, not the trial desk's pages
    body = web.get(f"/cases/{lawsuit.case.pk}/").content.decode()
    assert "trial-panel" in body and f"/trial/lawsuits/{lawsuit.pk}/" not in body
    assert web.get(f"/trial/lawsuits/{lawsuit.pk}/").status_code == 404


@pytest.mark.django_db
def test_bank_files_for_enforcement_in_one_click_with_its_key(
    failed_lawsuits, cc_judge, cc_institution, yuelu, now, clock
):
    (lawsuit,) = failed_lawsuits([3])  # small claims: effective on service
    batch = services.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=cc_judge, starts_at=at(3, 10, 9), actor=cc_judge, now=at(3, 5)
    )
    services.hearing_record(hearing=batch.hearings.get(), note="", actor=cc_judge, now=at(3, 10, 9))
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 10))
    judgment = services.judgment_serve(
        judgment=judgment, actor=cc_judge, now=at(3, 11), port=SimulatedServiceAdapter()
    )
    other = institution_client_upsert(name="另一家银行", uscc=make_uscc(888), courts=[yuelu], now=now)
    url = f"/api/v1/trial/judgments/{judgment.pk}/enforcement"
    clock.set(at(3, 24))  # after the payment period (3-21)
    foreign = Client(headers={"X-Api-Key": api_key_issue(client=other, now=now)[1]}).post(url)
    assert foreign.status_code == 404
    bank = Client(headers={"X-Api-Key": api_key_issue(client=cc_institution, now=now)[1]})
    response = bank.post(url)
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("（2025）湘0104执")
    again = bank.post(url)
    assert again.status_code == 409 and again.json()["code"] == "conflict"


@pytest.mark.django_db
def test_another_courts_staff_see_nothing(failed_lawsuits, cc_judge, wuling, clock):
    from lastmile.accounts.models import Role
    from lastmile.testing.factories import UserFactory

    (lawsuit,) = failed_lawsuits([10])
    mediation = lawsuit.mediation
    outsider = UserFactory(court=wuling, role=Role.JUDGE)
    web = _client(outsider)
    assert web.get(f"/mediation/{mediation.pk}/").status_code == 404
    assert lawsuit.case.number not in web.get("/trial/").content.decode()
    api = web.post(
        "/api/v1/trial/hearing-batches",
        {
            "lawsuit_ids": [lawsuit.pk],
            "judge_id": outsider.pk,
            "starts_at": "2025-03-20T09:00:00+08:00",
        },
        content_type="application/json",
    )
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    lawsuit.refresh_from_db()
    assert lawsuit.status == "filed"
