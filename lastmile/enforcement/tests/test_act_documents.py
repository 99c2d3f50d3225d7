"""Every act issues its document and serves it (issue K): the table of acts and their documents
names templates of the catalog and kinds of the enums, and a case taken through 冻结 → 扣划 →
结案 has exactly the documents its acts require, each served on its recipients (查封规定 2020
art. 1: control rulings on the debtor and the applicant; 民事诉讼法 2023 art. 253: the 协助执行
通知书 goes to the institution with the order; 执行工作规定 2020 art. 64: the 结案通知书)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.kinds import EventKind
from lastmile.cases.models import CaseEvent, CaseParty, PartyRole
from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.models import Document
from lastmile.enforcement.act_documents import ACT_DOCUMENTS, act_templates
from lastmile.enforcement.models import ClosingMethod
from lastmile.enforcement.payout_instruction import TEMPLATE as PAYOUT_INSTRUCTION
from lastmile.enforcement.services import enforcement_close
from lastmile.inquiry.documents import ASSISTANCE_NOTICE
from lastmile.inquiry.models import Freeze, FreezeStatus, Order, OrderKind, OrderStatus
from lastmile.inquiry.services import freeze_deduct, inbox_receive, inquiry_start
from lastmile.ledger.models import Payout, PayoutStatus
from lastmile.ledger.services import amount_outstanding
from lastmile.service.models import OrderStatus as ServiceStatus
from lastmile.service.models import ServiceOrder
from lastmile.testing.enforcement import e_service_consent, funds_paid_out
from lastmile.testing.factories import UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db

ALL_PARTIES = {"closing_notice", "ruling_terminate", "ruling_terminate_current", "restore_notice"}


def test_every_template_of_the_table_is_in_the_catalog():
    missing = sorted(code for code in act_templates() if code not in TEMPLATES_BY_CODE)
    assert missing == []


def test_every_act_of_the_table_is_a_kind_of_the_enums():
    kinds = {k.value for cls in EventKind.__subclasses__() for k in cls}
    assert all(isinstance(k, EventKind) for k in ACT_DOCUMENTS)
    assert sorted(str(k) for k in ACT_DOCUMENTS if str(k) not in kinds) == []


def _done(order: Order, result: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": f"{order.key}:done", "order_id": order.key, "status": "done", "result": result}


def _land(case, kind: str, now, result) -> None:
    for order in Order.objects.filter(
        case=case, kind=kind, status__in=[OrderStatus.PENDING, OrderStatus.SENT]
    ):
        inbox_receive(institution=order.institution, message=_done(order, result(order)), now=now)


def _expected(case) -> Counter[str]:
    """What the case's recorded acts require: one document per slot of each act."""
    expected: Counter[str] = Counter()
    for event in CaseEvent.objects.filter(case=case):
        for slot in ACT_DOCUMENTS.get(event.kind, ()):  # type: ignore[call-overload]
            (code,) = slot  # this journey only has acts with one template per slot
            expected[code] += 1
    return expected


def test_freeze_deduct_close_has_exactly_the_documents_of_its_acts_each_served(
    file_case, officer, bank, debtor
):
    now = at(2025, 3, 3)
    case = file_case(now)
    for party in (bank, debtor):
        e_service_consent(party, now)
    inquiry_start(case=case, actor=officer, now=now)
    _land(
        case,
        OrderKind.INQUIRE,
        now,
        lambda o: {
            "assets": (
                [{"kind": "deposit", "identifier": "6222-0001", "balance": "500000.00"}]
                if o.institution == "icbc"
                else []
            )
        },
    )
    freeze_order = Order.objects.get(case=case, kind=OrderKind.FREEZE)
    # Ordered: the ruling and the institution's notice exist, numbered; the notice goes out
    # with the order; nobody has been served while the order is in flight.
    assert freeze_order.ruling is not None and freeze_order.ruling.template.code == "ruling_freeze"
    assert freeze_order.notice is not None and freeze_order.notice_number == freeze_order.notice.number
    assert not ServiceOrder.objects.filter(document=freeze_order.ruling).exists()

    _land(case, OrderKind.FREEZE, now, lambda o: {"frozen_amount": str(o.amount), "freeze_ref": f"R{o.pk}"})
    freeze = Freeze.objects.get(case=case)
    assert freeze.status == FreezeStatus.ACTIVE
    freeze_deduct(freeze=freeze, actor=officer, now=now)
    _land(case, OrderKind.DEDUCT, now, lambda o: {"deducted_amount": str(o.amount)})
    assert amount_outstanding(case=case, as_of=now.date()) == 0
    finance = UserFactory(court=case.court, role=Role.FINANCE, username="ad_caiwu")
    approver = UserFactory(court=case.court, role=Role.LEADER, is_president=True, username="ad_yuanzhang")
    funds_paid_out(case, finance=finance, approver=approver, now=now, key="ad-out")
    enforcement_close(case=case, method=ClosingMethod.COMPLETED, actor=officer, now=now)

    documents = list(Document.objects.filter(case=case).select_related("template"))
    assert Counter(d.template.code for d in documents) == _expected(case)
    assert {"ruling_freeze", "ruling_deduct", "closing_notice", ASSISTANCE_NOTICE} <= {
        d.template.code for d in documents
    }

    parties = {cp.party_id for cp in CaseParty.objects.filter(case=case)}
    applicants = {cp.party_id for cp in CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT)}
    for doc in documents:
        code = doc.template.code
        if code == ASSISTANCE_NOTICE:  # carried to the institution by its order
            assert Order.objects.filter(notice=doc, notice_number=doc.number).exists(), doc.number
            continue
        if code == PAYOUT_INSTRUCTION:  # the payment instruction finance sends to the bank
            assert Payout.objects.filter(instruction=doc, status=PayoutStatus.PAID).exists()
            assert not ServiceOrder.objects.filter(document=doc).exists()
            continue
        served = dict(ServiceOrder.objects.filter(document=doc).values_list("recipient_id", "status"))
        if code in ALL_PARTIES:
            wanted = parties
        elif code.startswith("ruling_"):  # control rulings: the debtor reached and the applicants
            wanted = {o.party_id for o in Order.objects.filter(ruling=doc)} | applicants
        else:
            wanted = set(served) or {-1}  # notice steps: covered by their own tests
        assert set(served) == wanted, code
        assert set(served.values()) == {ServiceStatus.SERVED}, code


def _codes(case) -> Counter[str]:
    return Counter(Document.objects.filter(case=case).values_list("template__code", flat=True))


def test_termination_issues_its_ruling_and_every_closing_its_notice_served_on_every_party(
    file_case, officer, bank, debtor
):
    """民事诉讼法 2023 art. 268 (终结执行裁定, the ground's item); 执行工作规定 2020 art. 64."""
    now = at(2025, 3, 3)
    case = file_case(now)
    for party in (bank, debtor):
        e_service_consent(party, now)
    enforcement_close(case=case, method=ClosingMethod.TERMINATED, ground="withdrawn", actor=officer, now=now)
    assert _codes(case) == _expected(case) == Counter({"ruling_terminate": 1, "closing_notice": 1})
    parties = {cp.party_id for cp in CaseParty.objects.filter(case=case)}
    for doc in Document.objects.filter(case=case):
        served = dict(ServiceOrder.objects.filter(document=doc).values_list("recipient_id", "status"))
        assert set(served) == parties and set(served.values()) == {ServiceStatus.SERVED}
    ruling = Document.objects.get(case=case, template__code="ruling_terminate")
    assert ruling.context["item"] == "一" and "撤销" in ruling.context["reason"]


def test_zhongben_then_restore_issues_the_restore_notice_on_the_new_case(
    file_case, officer, president, bank, debtor
):
    """终本规定 2016 arts. 6, 9: the 终本裁定 and 结案通知书 on the closed case, the 恢复执行通知书 on
    the 执恢 case; each document required by an act, none more, served on every party."""
    from lastmile.enforcement.services import enforcement_restore
    from lastmile.testing.enforcement import zhongben_ready

    case = file_case(at(2025, 1, 22))
    e_service_consent(bank, at(2025, 1, 22))
    zhongben_ready(case, officer=officer, president=president, now=at(2025, 4, 28))
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 4, 28))
    codes = _codes(case)
    assert codes["ruling_terminate_current"] == 1 and codes["closing_notice"] == 1
    restored = enforcement_restore(
        case=case, actor=officer, now=at(2025, 6, 1), reason="申请执行人提供了新的财产线索"
    )
    assert _codes(restored) == _expected(restored) == Counter({"restore_notice": 1})
    notice = Document.objects.get(case=restored, template__code="restore_notice")
    assert notice.context["original_number"] == case.number
    parties = {cp.party_id for cp in CaseParty.objects.filter(case=restored)}
    assert set(ServiceOrder.objects.filter(document=notice).values_list("recipient_id", flat=True)) == parties
