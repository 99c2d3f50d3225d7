"""Issuing, numbering, correcting and template versioning."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from lastmile.accounts.models import Role
from lastmile.cases.models import CaseEvent
from lastmile.core.db import planner_statistics_refresh
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied
from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.markup import TemplateBodyError, cn_date, cn_num, money
from lastmile.documents.models import Document, DocumentTemplate, TemplateVersion
from lastmile.documents.selectors import execution_basis_recited
from lastmile.documents.services import (
    document_correct,
    document_issue,
    document_pdf,
    documents_root,
    template_version_create,
)
from lastmile.testing.factories import UserFactory

from .conftest import make_case
from .pdfcheck import pdf_text

NOTICE = TEMPLATES_BY_CODE["enforcement_notice"]
FREEZE = TEMPLATES_BY_CODE["ruling_freeze"]


def test_filters_print_court_style_dates_numbers_and_money():
    assert cn_date("2025-03-03") == "二〇二五年三月三日"
    assert cn_date("2020-10-31") == "二〇二〇年十月三十一日"
    assert [cn_num(n) for n in (1, 10, 12, 20, 105)] == ["一", "十", "十二", "二十", "一百零五"]
    assert money("91700.5") == "91,700.50"
    with pytest.raises(TypeError):
        money(1.5)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_issue_stores_the_pdf_records_its_hash_and_writes_a_case_event(case, judge, now, docs_root):
    doc = document_issue(case=case, template_code=NOTICE.code, context=NOTICE.sample, actor=judge, now=now)
    data = (documents_root() / doc.pdf_path).read_bytes()
    assert hashlib.sha256(data).hexdigest() == doc.sha256 and doc.size == len(data)
    assert doc.number == case.number == "（2025）湘0104执1号"
    assert doc.seal == {"adapter": "placeholder", "mark": "电子签章（占位）", "signed": False}
    assert "电子签章（占位）" in pdf_text(data)
    event = CaseEvent.objects.get(case=case, kind="document.issued")
    assert event.data["sha256"] == doc.sha256 and event.data["number"] == doc.number
    # Tampering with the stored file is detected.
    (documents_root() / doc.pdf_path).write_bytes(data + b"x")
    with pytest.raises(Exception, match="摘要不符"):
        document_pdf(doc)


@pytest.mark.django_db
def test_rulings_of_one_case_are_numbered_zhi_yi_zhi_er(case, judge, now, docs_root):
    numbers = [
        document_issue(
            case=case, template_code=code, context=TEMPLATES_BY_CODE[code].sample, actor=judge, now=now
        ).number
        for code in ("ruling_freeze", "ruling_deduct", "ruling_freeze")
    ]
    assert numbers == ["（2025）湘0104执1号", "（2025）湘0104执1号之一", "（2025）湘0104执1号之二"]
    # Notices are not numbered in a series: they carry the case number.
    assert (
        document_issue(
            case=case, template_code=NOTICE.code, context=NOTICE.sample, actor=judge, now=now
        ).number
        == case.number
    )


@pytest.mark.django_db
def test_issued_documents_are_immutable_and_corrections_are_new_versions(case, judge, now, docs_root):
    doc = document_issue(case=case, template_code=FREEZE.code, context=FREEZE.sample, actor=judge, now=now)
    doc.number = "篡改"
    with pytest.raises(InvalidTransition):
        doc.save()
    doc.refresh_from_db()
    fixed = document_correct(
        document=doc, context={"amount": "50000.00"}, reason="冻结金额笔误", actor=judge, now=now
    )
    assert (fixed.version, fixed.supersedes_id, fixed.number) == (2, doc.pk, doc.number)
    assert fixed.sha256 != doc.sha256 and "50,000.00" in pdf_text(document_pdf(fixed))
    assert "91,700.50" in pdf_text(document_pdf(doc))  # the original is untouched
    assert CaseEvent.objects.filter(case=case, kind="document.corrected").count() == 1
    with pytest.raises(ConditionsNotMet):
        document_correct(document=doc, context={}, reason="再次更正", actor=judge, now=now)


@pytest.mark.django_db
def test_refusals_change_nothing(case, judge, yuelu, now, docs_root):
    clerk = UserFactory(court=yuelu, role=Role.FILING_CLERK)
    events = CaseEvent.objects.count()
    with pytest.raises(PermissionDenied):
        document_issue(case=case, template_code=NOTICE.code, context=NOTICE.sample, actor=clerk, now=now)
    with pytest.raises(ConditionsNotMet) as err:
        document_issue(case=case, template_code=NOTICE.code, context={"principal": "1"}, actor=judge, now=now)
    assert "total" in err.value.unmet and "缺少文书要素" in err.value.message
    assert Document.objects.count() == 0 and CaseEvent.objects.count() == events


@pytest.mark.django_db
def test_a_court_admin_edit_is_a_new_version_used_by_later_documents_only(
    case, judge, yuelu, wuling, now, docs_root
):
    admin = UserFactory(court=yuelu, role=Role.ADMIN)
    template = DocumentTemplate.objects.get(code="closing_notice")
    spec = TEMPLATES_BY_CODE["closing_notice"]
    before = document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)
    v1 = before.template_version
    with pytest.raises(PermissionDenied):
        template_version_create(
            template=template, body="x", actor=admin, now=now
        )  # all courts: superuser only
    with pytest.raises(TemplateBodyError):
        template_version_create(template=template, body="{% if %}", actor=admin, now=now, court=yuelu)
    v2 = template_version_create(
        template=template,
        body=v1.body.replace("特此通知。", "特此通知，请知悉。"),
        actor=admin,
        now=now,
        court=yuelu,
        note="措辞",
    )
    assert v2.number == 1 and v2.court == yuelu
    after = document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)
    assert after.template_version == v2 and "请知悉" in pdf_text(document_pdf(after))
    assert before.template_version == v1 and "请知悉" not in pdf_text(document_pdf(before))
    other = make_case(wuling, UserFactory(court=wuling), now, debtor_name="武陵人", seq=77)
    assert (
        document_issue(
            case=other, template_code=spec.code, context=spec.sample, actor=None, now=now
        ).template_version
        == v1
    )
    v2.body = "改"
    with pytest.raises(InvalidTransition):
        v2.save()
    assert TemplateVersion.objects.filter(template=template).count() == 2


def test_a_built_in_template_an_installation_lacks_is_loaded_when_first_issued(case, judge, now, docs_root):
    """An installation older than a template (or a fresh one) issues it all the same: the catalog
    loads the missing built-in once; an unknown code is still refused."""
    code = "restore_notice"
    TemplateVersion.objects.filter(template__code=code).delete()
    DocumentTemplate.objects.filter(code=code).delete()
    spec = TEMPLATES_BY_CODE[code]
    doc = document_issue(case=case, template_code=code, context=spec.sample, actor=judge, now=now)
    assert doc.template.code == code and DocumentTemplate.objects.filter(code=code).count() == 1
    with pytest.raises(NotFound):
        document_issue(case=case, template_code="no_such_template", context={}, actor=judge, now=now)


@pytest.mark.django_db
def test_templates_sync_gives_changed_built_in_templates_a_new_version_never_over_an_edit(now, templates):
    """An installation loaded before a built-in text changed gets the new text as the next version
    (so fixes such as the guarantor and 负责人 lines reach it); an admin's platform edit is kept."""
    from django.contrib.auth import get_user_model

    from lastmile.documents.services import template_version_create, templates_update

    freeze, notice = (DocumentTemplate.objects.get(code=c) for c in ("ruling_freeze", "enforcement_notice"))
    TemplateVersion.objects.filter(template__in=[freeze, notice]).update(body="旧正文")  # an older install
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "x")
    template_version_create(template=notice, body="本院修改的正文", actor=admin, now=now, note="院里修改")

    assert templates_update(now=now) == 1
    latest = TemplateVersion.objects.filter(template=freeze, court=None).order_by("-number").first()
    assert latest.number == 2 and latest.body == TEMPLATES_BY_CODE["ruling_freeze"].body
    assert TemplateVersion.objects.get(template=freeze, number=1).body == "旧正文"  # history kept
    assert TemplateVersion.objects.filter(template=notice, court=None).order_by("-number").first().body == (
        "本院修改的正文"
    )
    assert templates_update(now=now) == 0


def test_the_execution_basis_is_read_as_the_latest_notice_recites_it(case, judge, now, docs_root):
    assert execution_basis_recited(case) == ""
    context = {**NOTICE.sample, "source_document": "（2023）湘0104民初5号民事判决书"}
    document_issue(case=case, template_code=NOTICE.code, context=context, actor=judge, now=now)
    assert execution_basis_recited(case) == "（2023）湘0104民初5号民事判决书"
    context = {**NOTICE.sample, "source_document": "2023"}  # a value JSON would read as a number
    document_issue(case=case, template_code=NOTICE.code, context=context, actor=judge, now=now)
    assert execution_basis_recited(case) == "2023"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics")
def test_the_notice_of_a_case_is_found_through_its_case_once_the_planner_has_statistics(
    yuelu, judge, now, docs_root, templates
):
    cases = [make_case(yuelu, judge, now, seq=i) for i in range(1, 4)]
    for case in cases:
        for _ in range(2):
            document_issue(case=case, template_code=NOTICE.code, context=NOTICE.sample, actor=judge, now=now)
    query = (
        Document.objects.filter(case=cases[0], template__code=NOTICE.code, status="issued")
        .order_by("-version", "-pk")
        .values_list("pk")[:1]
    )
    sql, params = query.query.sql_with_params()

    def plan() -> str:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed_before = cursor.fetchone()[0]
    if not analysed_before:  # another test of this session may have analysed the database
        assert "documents_document_template_id" in plan()  # blind: every case's notices are read
    assert planner_statistics_refresh()
    assert "documents_document_case_id" in plan()
    assert execution_basis_recited(cases[0]) == NOTICE.sample["source_document"]
