"""The demo's documents read as a court's: the court's telephone under every page and the 书记员
of the signing judge or officer under the signature (the demo seed gives its courts fictitious
phones and its judges and officers their clerks)."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import User
from lastmile.documents.models import Document
from lastmile.documents.services import document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.web.demo import DEMO_COURT_PHONES, demo_seed, demo_usernames

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_demo_ruling_names_its_clerk_and_prints_the_courts_phone(now, demo_mode):
    result = demo_seed(now=now)
    ruling = (
        Document.objects.filter(template_version__template__code="judicial_confirmation_ruling")
        .select_related("case__court")
        .first()
    )
    assert ruling is not None, "the demo issues a 司法确认裁定书"
    judge = User.objects.get(username="yl_shen")
    assert judge.clerk is not None and judge.clerk.role == ""
    text = "".join(pdf_text(document_pdf(ruling)).split())
    assert f"书记员{judge.clerk.name}" in text
    assert f"联系电话：{DEMO_COURT_PHONES[ruling.case.court.code]}" in text
    # the clerks are demo logins (``check --deploy`` refuses them) but no one logs in as them
    assert judge.clerk.username in demo_usernames()
    assert not judge.clerk.has_usable_password()
    assert judge.clerk.username not in {row[2] for row in result.logins}
