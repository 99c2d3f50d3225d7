"""Public notice (公告送达, CPL 2023 art. 95) of a document other than the judgment — a 传票 — in a
first-instance case: through the service page and API, allowed once the case is in ordinary
procedure, refused in simplified procedure or small claims (民诉解释 2022 art. 140). Service reads
the procedure from trial through the port trial fills at startup (lastmile.service.procedure)."""

from __future__ import annotations

import pytest
from django.test import Client

from lastmile.core.clock import FixedClock, use_clock
from lastmile.core.errors import ConditionsNotMet
from lastmile.service.error_codes import ServiceErrorCode
from lastmile.service.models import OrderStatus, ServiceAttempt, ServiceOrder
from lastmile.service.procedure import case_procedure
from lastmile.service.services import service_public_notice_request
from lastmile.trial import services
from lastmile.trial.models import HearingSummons, Procedure

from .conftest import at


def _failed_summons(lawsuit, judge):
    batch = services.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=judge, starts_at=at(3, 20, 9), actor=judge, now=at(3, 5)
    )
    guarantor = lawsuit.case.case_parties.order_by("-position", "-pk").first().party
    summons = HearingSummons.objects.get(hearing=batch.hearings.get(), party=guarantor)
    order = ServiceOrder.objects.get(document=summons.document, recipient=guarantor)
    assert order.status == OrderStatus.FAILED  # no consent to electronic service
    guarantor.address = ""  # and no known address: 下落不明
    guarantor.save(update_fields=["address"])
    return order


@pytest.fixture
def pinned():
    with use_clock(FixedClock(at(3, 7))) as clock:  # the API reads the edge clock
        yield clock


@pytest.mark.django_db
def test_a_summons_in_ordinary_procedure_is_published_through_the_service_api(
    failed_lawsuits, cc_judge, pinned
):
    (lawsuit,) = failed_lawsuits([10])  # the guarantor never consented: its e-service fails
    order = _failed_summons(lawsuit, cc_judge)
    assert case_procedure(lawsuit.case) == lawsuit.procedure != Procedure.ORDINARY
    client = Client()
    client.force_login(cc_judge)
    url = f"/api/v1/service/orders/{order.pk}/public-notice"
    refused = client.post(url, {"whereabouts": "多方查找未果"}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == ServiceErrorCode.NOTICE_VIA_TRIAL
    assert not ServiceAttempt.objects.filter(order=order, method="public_notice").exists()

    services.lawsuit_procedure_convert(
        lawsuit=lawsuit,
        to=Procedure.ORDINARY,
        reason="被告下落不明，需公告送达",
        actor=cc_judge,
        now=at(3, 6),
    )
    assert case_procedure(lawsuit.case) == Procedure.ORDINARY
    done = client.post(url, {"whereabouts": "多方查找未果"}, content_type="application/json")
    assert done.status_code == 200, done.content
    order.refresh_from_db()
    assert order.status == OrderStatus.NOTICE and order.notice_ends_on is not None
    attempt = ServiceAttempt.objects.get(order=order, method="public_notice")
    assert attempt.letter_document.template.code == "service_public_notice"


@pytest.mark.django_db
def test_a_summons_in_simplified_procedure_is_never_published(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([10])
    order = _failed_summons(lawsuit, cc_judge)
    with pytest.raises(ConditionsNotMet, match="第一百四十条") as refused:
        service_public_notice_request(order=order, actor=cc_judge, now=at(3, 6), whereabouts="多方查找未果")
    assert refused.value.code == ServiceErrorCode.NOTICE_VIA_TRIAL
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED
