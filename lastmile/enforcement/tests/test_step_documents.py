"""Recording the notice steps issues the documents themselves, filled from the case's records."""

from __future__ import annotations

import pytest

from lastmile.documents.models import Document
from lastmile.enforcement.models import StepKind
from lastmile.enforcement.services import procedure_step_record
from lastmile.ledger.services import case_account

from .conftest import at

pytestmark = pytest.mark.django_db


def test_notice_and_report_order_are_issued_with_the_case_amounts(file_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = file_case(at(2025, 3, 3))
    officer = case.officer
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 4))
    procedure_step_record(case=case, kind=StepKind.PROPERTY_REPORT_ORDER, actor=officer, now=at(2025, 3, 4))
    docs = {d.template_version.template.code: d for d in Document.objects.filter(case=case)}
    assert set(docs) == {"enforcement_notice", "property_report_order"}
    notice = docs["enforcement_notice"]
    assert notice.number.startswith(case.number.removesuffix("号"))
    assert notice.context["principal"] == "100000.00"
    assert notice.context["account"]["number"] == case_account(case=case).number
    assert len(notice.sha256) == 64
    # Recording the step again does not issue a second notice.
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 5))
    assert (
        Document.objects.filter(case=case, template_version__template__code="enforcement_notice").count() == 1
    )
