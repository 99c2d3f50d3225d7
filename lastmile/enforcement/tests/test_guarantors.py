"""A guarantor named in the filing (the forms' 担保人 box) is a 被执行人 in its guarantor capacity:
recorded in the 担保人 role (one of ``DEBTOR_ROLES``), printed as 被执行人（连带责任保证人）, served the
执行通知书 (CPL 2023 art. 251), queried by 网络查控 and open to measures like every debtor."""

from __future__ import annotations

import pytest

from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.services import document_issue, document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.enforcement.documents import step_documents_issue
from lastmile.enforcement.models import StepKind
from lastmile.enforcement.services import InvalidFiling, enforcement_file_with_parties
from lastmile.inquiry.services import inquiry_start
from lastmile.measures.services.common import _is_debtor
from lastmile.service.models import ServiceOrder
from lastmile.testing.factories import make_resident_id

from .conftest import basis


def _person(name: str, seq: int, *, guarantor: bool = False) -> dict[str, object]:
    return {
        "kind": "person",
        "name": name,
        "id_type": "resident_id",
        "id_number": make_resident_id(seq=seq),
        "guarantor": guarantor,
    }


BANK = {"kind": "organisation", "name": "长沙示范银行股份有限公司", "id_type": "uscc", "id_number": ""}


@pytest.mark.django_db
def test_a_marked_guarantor_is_filed_as_guarantor_printed_served_and_queried(yuelu, clerk, officer, now):
    from lastmile.testing.factories import make_uscc

    bank = {**BANK, "id_number": make_uscc(71)}
    case = enforcement_file_with_parties(
        court=yuelu,
        basis=basis(),
        applicants=[bank],
        respondents=[_person("王借款", 701), _person("李保证", 702, guarantor=True)],
        actor=clerk,
        now=now,
    )
    roles = dict(CaseParty.objects.filter(case=case).values_list("party__name", "role"))
    assert roles["王借款"] == PartyRole.RESPONDENT and roles["李保证"] == PartyRole.GUARANTOR
    guarantor = CaseParty.objects.get(case=case, role=PartyRole.GUARANTOR).party

    case.officer = officer
    case.save(update_fields=["officer"])
    document = step_documents_issue(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=now)
    assert document is not None
    text = "".join(pdf_text(document_pdf(document)).split())
    assert "王借款：李保证：" in text  # the notice is addressed to every debtor
    assert [(p["name"], p["capacity"]) for p in document.context["respondents"]] == [
        ("王借款", ""),
        ("李保证", "连带责任保证人"),
    ]
    ruling = TEMPLATES_BY_CODE["ruling_freeze"]
    freeze = document_issue(
        case=case, template_code=ruling.code, context=ruling.sample, actor=officer, now=now
    )
    text = "".join(pdf_text(document_pdf(freeze)).split())
    assert "被执行人：王借款" in text and "被执行人（连带责任保证人）：李保证" in text
    assert ServiceOrder.objects.filter(document=document, recipient=guarantor).exists()

    orders = inquiry_start(case=case, actor=officer, now=now)
    assert {o.party_id for o in orders} >= {guarantor.pk}
    assert _is_debtor(case, guarantor)


@pytest.mark.django_db
def test_guarantors_without_a_principal_debtor_are_refused_and_nothing_is_filed(yuelu, clerk, now):
    from lastmile.testing.factories import make_uscc

    with pytest.raises(InvalidFiling, match="主债务人"):
        enforcement_file_with_parties(
            court=yuelu,
            basis=basis(),
            applicants=[{**BANK, "id_number": make_uscc(72)}],
            respondents=[_person("李保证", 703, guarantor=True)],
            actor=clerk,
            now=now,
        )
    assert not Case.objects.exists()
