"""The filing API: bank keys, replays, conflicts, court limits, scoping and error endpoints."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from lastmile.cases.models import Case
from lastmile.filing.models import InstitutionApiKey, IntakeBatch, LoanClaim
from lastmile.filing.samples import bad_rows, rows_to_csv, sample_rows
from lastmile.filing.services import api_key_issue, api_key_revoke

URL = "/api/v1/filing/batches"


def _json_rows(rows):
    return [{k: ("" if v is None else str(v)) for k, v in r.items()} for r in rows]


@pytest.fixture
def bank(api_key):
    return Client(headers={"X-Api-Key": api_key})


@pytest.mark.django_db
def test_bank_files_json_rows_and_a_replay_changes_nothing(bank, clock, today, yuelu, worker):
    body = {"batch_id": "API-1", "court": "湘0104", "rows": _json_rows(sample_rows(3, today=today))}
    first = bank.post(URL, body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "received" and Case.objects.count() == 0  # the worker files
    worker()
    data = bank.get(f"{URL}/{first.json()['id']}").json()
    assert data["status"] == "accepted" and data["created_cases"] == 3 and not data["replayed"]
    cases = Case.objects.count()
    again = bank.post(URL, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["replayed"] and again.json()["id"] == data["id"]
    assert Case.objects.count() == cases and IntakeBatch.objects.count() == 1

    status = bank.get(f"{URL}/{data['id']}").json()
    assert status["progress_done"] == status["progress_total"] == 3 and status["percent"] == 100
    created = bank.get(f"{URL}/{data['id']}/cases").json()
    assert [c["row"] for c in created] == [1, 2, 3] and all("民诉前调" in c["case_number"] for c in created)


@pytest.mark.django_db
def test_reused_batch_id_with_other_content_is_a_409_conflict(bank, clock, today):
    bank.post(
        URL,
        {"batch_id": "API-2", "rows": _json_rows(sample_rows(1, today=today))},
        content_type="application/json",
    )
    before = (Case.objects.count(), IntakeBatch.objects.count())
    response = bank.post(
        URL,
        {"batch_id": "API-2", "rows": _json_rows(sample_rows(2, today=today))},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "batch_id_conflict"
    assert (Case.objects.count(), IntakeBatch.objects.count()) == before


@pytest.mark.django_db
def test_bank_uploads_a_gbk_csv_and_reads_the_errors(bank, clock, today, worker):
    rows = sample_rows(2, today=today) + [r for _, r in bad_rows(today=today)]
    upload = io.BytesIO(rows_to_csv(rows, encoding="gbk"))
    upload.name = "借款.csv"
    response = bank.post(URL, {"file": upload, "batch_id": "API-3", "court": "湘0104"})
    assert response.status_code == 201, response.content
    worker()
    data = bank.get(f"{URL}/{response.json()['id']}").json()
    assert data["status"] == "partially_accepted" and data["created_cases"] == 2
    errors = bank.get(f"{URL}/{data['id']}/errors").json()
    assert len(errors) == data["error_rows"] == len(bad_rows(today=today))
    assert all(e["errors"] and e["errors"][0]["code"] and e["errors"][0]["message"] for e in errors)
    report = bank.get(f"{URL}/{data['id']}/errors.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet.max_row == len(errors) + 1


@pytest.mark.django_db
def test_bank_key_cannot_file_into_another_court(bank, clock, today, wuling):
    response = bank.post(
        URL,
        {"batch_id": "API-4", "court": "湘0702", "rows": _json_rows(sample_rows(1, today=today))},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "court_not_allowed"
    assert IntakeBatch.objects.count() == 0 and Case.objects.count() == 0


@pytest.mark.django_db
def test_unknown_or_revoked_key_is_refused(api_key, institution, clock, now, today):
    body = {"batch_id": "API-5", "rows": _json_rows(sample_rows(1, today=today))}
    wrong = Client(headers={"X-Api-Key": api_key[:-2] + "xx"}).post(
        URL, body, content_type="application/json"
    )
    assert wrong.status_code == 401
    api_key_revoke(api_key=InstitutionApiKey.objects.get(client=institution), now=now)
    revoked = Client(headers={"X-Api-Key": api_key}).post(URL, body, content_type="application/json")
    assert revoked.status_code == 401
    assert IntakeBatch.objects.count() == 0


@pytest.mark.django_db
def test_key_is_stored_only_as_a_digest(institution, now):
    row, key = api_key_issue(client=institution, now=now)
    stored = InstitutionApiKey.objects.filter(pk=row.pk).values_list("prefix", "digest").get()
    secret = key.split("_", 2)[2]  # lmk_<prefix>_<secret>; the secret itself may contain "_"
    assert key not in stored and secret not in "".join(stored)


@pytest.mark.django_db
def test_another_bank_and_another_courts_clerk_see_nothing(bank, clock, now, today, other_clerk, wuling):
    data = bank.post(
        URL,
        {"batch_id": "API-6", "rows": _json_rows(sample_rows(1, today=today))},
        content_type="application/json",
    ).json()
    from lastmile.filing.services import institution_client_upsert
    from lastmile.testing.factories import make_uscc

    other_bank = institution_client_upsert(name="另一家银行", uscc=make_uscc(), courts=[wuling], now=now)
    _row, other_key = api_key_issue(client=other_bank, now=now)
    assert Client(headers={"X-Api-Key": other_key}).get(f"{URL}/{data['id']}").status_code == 404
    web = Client()
    web.force_login(other_clerk)
    assert web.get(f"{URL}/{data['id']}").status_code == 404
    assert web.get(f"{URL}/{data['id']}/errors").status_code == 404
    assert web.get(f"/filing/batches/{data['id']}/").status_code == 404
    assert web.get(f"/filing/batches/{data['id']}/errors.xlsx").status_code == 404


@pytest.mark.django_db
def test_clerk_files_through_the_api_on_behalf_of_a_bank(clerk, institution, clock, today, worker):
    web = Client()
    web.force_login(clerk)
    response = web.post(
        URL,
        {"batch_id": "API-7", "client": institution.pk, "rows": _json_rows(sample_rows(2, today=today))},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    worker()
    assert LoanClaim.objects.filter(batch_id=response.json()["id"]).count() == 2
    batch = IntakeBatch.objects.get()
    assert batch.uploaded_by == clerk and not batch.via_api


@pytest.mark.django_db
def test_openapi_documents_the_filing_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/filing/batches"]["post"]
    assert "批量立案" in post["summary"]
    assert set(post["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
