"""The bank's spreadsheet names the loan's guarantors: the 司法确认裁定书 prints each as
连带责任保证人 (民法典 arts. 688, 700), after the borrower, with the bank's 负责人 or 法定代表人 on
its line (民诉解释 2022 arts. 50, 52)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lastmile.documents.services import document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.mediation import services
from lastmile.parties.models import IdType, PartyKind
from lastmile.parties.services import party_upsert
from lastmile.testing.factories import make_resident_id

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


@pytest.mark.django_db
def test_the_confirmation_ruling_prints_the_guarantor_as_jointly_liable(
    cc_file_rows, cc_mediator, cc_judge, clerk, now
):
    (case,) = cc_file_rows([10])  # bank + borrower + one guarantor
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    parties = services.mediation_parties(m)
    assert len(parties) == 3
    bank, borrower, guarantor = parties
    bank.principal = party_upsert(
        kind=PartyKind.PERSON,
        name="周行长",
        id_type=IdType.RESIDENT_ID,
        id_number=make_resident_id(seq=901),
        now=now,
    )
    bank.save(update_fields=["principal"])
    services.mediation_agreement_record(
        mediation=m,
        terms=["申请人同意免除被申请人全部罚息；"],
        installments=[services.InstallmentIn(date(2025, 4 + n, 15), Decimal("1000.00")) for n in range(2)],
        actor=cc_mediator,
        now=now,
    )
    services.mediation_agreement_sign_on_site(mediation=m, parties=parties, actor=cc_mediator, now=now)
    services.mediation_confirmation_apply_at_counter(
        mediation=m, parties=parties, actor=cc_mediator, now=at(3, 4)
    )
    m = services.mediation_conclude(mediation=m, kind="confirmation", actor=cc_judge, now=at(3, 5))
    assert m.result_document is not None
    text = "".join(pdf_text(document_pdf(m.result_document)).split())
    assert f"申请人：{borrower.name}" in text
    assert f"申请人（连带责任保证人）：{guarantor.name}" in text
    assert f"申请人（连带责任保证人）：{borrower.name}" not in text
    assert text.index(borrower.name) < text.index(guarantor.name)
    assert f"负责人：{bank.principal.name}" in text  # a branch: its 负责人, not a 法定代表人
    assert [p["name"] for p in m.result_document.context["guarantors"]] == [guarantor.name]
