"""Issue K, "every act issues its document and serves it", for 网络查控: a seizure, its renewal
and its release each issue their 执行裁定书 and the institution's 协助执行通知书 when ordered
(民事诉讼法 2023 arts. 253, 255; 民诉解释 2022 art. 485; 查封规定 2020 art. 28), and the ruling is
served on the debtor and the applicant only once the act has landed (查封规定 2020 art. 1). A
refused act issues nothing."""

from __future__ import annotations

from typing import Any

import pytest

from lastmile.accounts.models import Role
from lastmile.core.errors import PermissionDenied
from lastmile.documents.models import Document
from lastmile.enforcement.act_documents import ACT_DOCUMENTS
from lastmile.inquiry.documents import ASSISTANCE_NOTICE
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.inquiry.models import Asset, Freeze, FreezeStatus, Order, OrderKind, OrderStatus
from lastmile.inquiry.services import asset_seize, freeze_release, freeze_renew, inbox_receive, inquiry_start
from lastmile.service.models import OrderStatus as ServiceStatus
from lastmile.service.models import ServiceOrder
from lastmile.testing.enforcement import at, e_service_consent
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _done(order: Order, result: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": f"{order.key}:done", "order_id": order.key, "status": "done", "result": result}


def _land(order: Order, now, result: dict[str, Any]) -> None:
    inbox_receive(institution=order.institution, message=_done(order, result), now=now)


def _served_on(doc: Document) -> dict[int, str]:
    return dict(ServiceOrder.objects.filter(document=doc).values_list("recipient_id", "status"))


def _ordered(order: Order, event: InquiryEvent) -> Document:
    """The order carries its ruling (one of the act's templates) and its notice; nobody is served."""
    order.refresh_from_db()
    ruling_slot, notice_slot = ACT_DOCUMENTS[event]
    assert order.ruling is not None and order.ruling.template.code in ruling_slot
    assert notice_slot == (ASSISTANCE_NOTICE,)
    assert order.notice is not None and order.notice.template.code == ASSISTANCE_NOTICE
    assert order.notice_number == order.notice.number
    assert _served_on(order.ruling) == {}
    return order.ruling


def test_rules_2020_art_1_seizure_renewal_release_rulings_issued_when_ordered_served_when_landed(
    file_case, officer, yuelu, bank, debtor
):
    now = at(2025, 3, 3)
    case = file_case(now)
    for party in (bank, debtor):
        e_service_consent(party, now)
    command_center = UserFactory(court=yuelu, role=Role.COMMAND_CENTER, username="cc")
    for order in inquiry_start(case=case, actor=command_center, now=now):
        assets = (
            [{"kind": "vehicle", "identifier": "湘A12345", "label": "湘A12345号小型轿车"}]
            if order.institution == "vehicle"
            else []
        )
        _land(order, now, {"assets": assets})
    vehicle = Asset.objects.get(case=case, kind="vehicle")
    both = {bank.pk, debtor.pk}

    # 查封登记 by the command center: the court's system issues the ruling (the centre issues none).
    seize = asset_seize(asset=vehicle, actor=command_center, now=now)
    ruling = _ordered(seize, InquiryEvent.SEIZE_ORDERED)
    assert ruling.template.code == "ruling_distrain" and ruling.issued_by_id is None
    assert seize.notice.context["institution"] == "公安交管车辆登记"  # type: ignore[union-attr]
    _land(seize, now, {"freeze_ref": "V1"})
    freeze = Freeze.objects.get(case=case)
    assert freeze.status == FreezeStatus.ACTIVE
    assert _served_on(ruling) == dict.fromkeys(both, ServiceStatus.SERVED)

    # 续行 before expiry (民诉解释 2022 art. 485).
    later = at(2026, 12, 1)
    renew = freeze_renew(freeze=freeze, actor=officer, now=later)
    ruling = _ordered(renew, InquiryEvent.RENEW_ORDERED)
    _land(renew, later, {})
    assert _served_on(ruling) == dict.fromkeys(both, ServiceStatus.SERVED)

    # A release refused (an 执行员 may not lift a seizure, 查封规定 2020 art. 28) issues nothing.
    clerk_officer = UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="yl_officer2")
    before = (Document.objects.filter(case=case).count(), Order.objects.filter(case=case).count())
    with pytest.raises(PermissionDenied):
        freeze_release(freeze=freeze, actor=clerk_officer, now=later, reason="误查封")
    assert (Document.objects.filter(case=case).count(), Order.objects.filter(case=case).count()) == before

    release = freeze_release(freeze=freeze, actor=officer, now=later, reason="该车辆系案外人所有")
    ruling = _ordered(release, InquiryEvent.RELEASE_ORDERED)
    assert ruling.context["reason"] == "该车辆系案外人所有"
    _land(release, later, {})
    assert Order.objects.get(pk=release.pk).status == OrderStatus.DONE
    assert _served_on(ruling) == dict.fromkeys(both, ServiceStatus.SERVED)
    codes = sorted(Document.objects.filter(case=case).values_list("template__code", flat=True))
    assert codes == sorted(["ruling_distrain", "ruling_renew", "ruling_unfreeze"] + [ASSISTANCE_NOTICE] * 3)
    assert seize.kind == OrderKind.SEIZE
