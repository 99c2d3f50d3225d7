"""Pages, API and CLI: the case panel, downloads, batch progress (htmx) and the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.demo import demo_seed_documents
from lastmile.documents.models import Document
from lastmile.documents.services import batch_create, document_issue
from lastmile.testing.factories import UserFactory

NOTICE = TEMPLATES_BY_CODE["enforcement_notice"]


@pytest.mark.django_db
def test_downloads_and_batch_page_are_scoped_to_the_court(client, case, judge, wuling, now, docs_root):
    doc = document_issue(case=case, template_code=NOTICE.code, context=NOTICE.sample, actor=judge, now=now)
    job = batch_create(
        court=case.court,
        template_code=NOTICE.code,
        cases=[case],
        actor=judge,
        now=now,
        context=NOTICE.sample,
        enqueue=False,
    )
    client.force_login(judge)
    pdf = client.get(f"/documents/{doc.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/documents/{doc.pk}/docx/").content[:2] == b"PK"
    page = client.get(f"/documents/batches/{job.pk}/")
    assert "0 / 1" in page.content.decode() and 'hx-trigger="every 2s"' in page.content.decode()
    partial = client.get(f"/documents/batches/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    api = client.get(f"/api/v1/documents/cases/{case.pk}")
    assert api.json()[0]["number"] == case.number

    client.force_login(UserFactory(court=wuling))
    assert client.get(f"/documents/{doc.pk}/pdf/").status_code in (403, 404)
    assert client.get(f"/documents/batches/{job.pk}/").status_code in (403, 404)


@pytest.mark.django_db
def test_cli_runs_a_batch_with_a_progress_bar_and_reports_status(case, judge, now, docs_root):
    job = batch_create(
        court=case.court,
        template_code=NOTICE.code,
        cases=[case],
        actor=judge,
        now=now,
        context=NOTICE.sample,
        enqueue=False,
    )
    out = io.StringIO()
    call_command("documents", "batch-status", str(job.pk), stdout=out)
    assert "0/1" in out.getvalue()
    out = io.StringIO()
    call_command("documents", "batch-run", str(job.pk), stdout=out)
    assert "[##############################] 1/1 100%" in out.getvalue()
    out = io.StringIO()
    call_command("documents", "batch-status", str(job.pk), stdout=out)
    assert "已完成" in out.getvalue() and "1/1" in out.getvalue()


@pytest.mark.django_db
def test_demo_seed_documents_is_idempotent(case, judge, now, docs_root):
    first = demo_seed_documents(now=now)
    assert first == 3 and Document.objects.filter(case=case).count() == 3
    assert demo_seed_documents(now=now) == 0
    assert Document.objects.count() == 3


@pytest.mark.django_db
def test_downloads_are_named_by_document_number_and_title(client, case, judge, now, docs_root):
    """``<文书字号>-<文书标题>.pdf`` as RFC 5987 ``filename*`` (not ``document-2737.pdf``); a later
    ruling of the case carries its 之一, a correction its version."""
    from urllib.parse import quote, unquote

    from lastmile.documents.services import document_correct

    notice = document_issue(case=case, template_code=NOTICE.code, context=NOTICE.sample, actor=judge, now=now)
    freeze = TEMPLATES_BY_CODE["ruling_freeze"]
    first = document_issue(case=case, template_code=freeze.code, context=freeze.sample, actor=judge, now=now)
    second = document_issue(case=case, template_code=freeze.code, context=freeze.sample, actor=judge, now=now)
    fixed = document_correct(
        document=second, context={"amount": "100.00"}, reason="金额笔误", actor=judge, now=now
    )
    client.force_login(judge)

    def name(doc, kind="pdf"):
        header = client.get(f"/documents/{doc.pk}/{kind}/")["Content-Disposition"]
        assert f'filename="document-{doc.pk}.{kind}"' in header  # the ASCII fallback
        encoded = header.split("filename*=UTF-8''", 1)[1]
        assert encoded == quote(unquote(encoded), safe="")  # percent-encoded, nothing raw
        return unquote(encoded)

    assert name(notice) == f"{case.number}-执行通知书.pdf"
    assert name(first) == f"{case.number}-执行裁定书.pdf"
    assert name(second) == f"{case.number}之一-执行裁定书.pdf"
    assert name(fixed) == f"{case.number}之一-执行裁定书-第2版.pdf"
    assert name(notice, "docx") == f"{case.number}-执行通知书.docx"
    assert client.get(f"/documents/{notice.pk}/docx/")["Content-Disposition"].startswith("attachment;")
