"""A settlement does not lift freezes by itself (执行和解规定 2018, amended 2020, art. 3): after the
settlement suspends execution, the freezes are lifted only on the applicant's application and the
court's decision, by a 解除裁定 (查封规定 2020 art. 28) with a 协助执行通知书 to the institution
(issue K item 5; docs/law.md "Settlement")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import Case, CaseEvent
from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.documents.models import Document
from lastmile.documents.services import document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.enforcement.models import SettlementRelease
from lastmile.enforcement.services import (
    InvalidFiling,
    settlement_record,
    settlement_release_apply,
    settlement_release_decide,
)
from lastmile.inquiry.models import Control, Freeze, FreezeStatus, Order, OrderKind, OrderStatus
from lastmile.inquiry.services import inbox_receive, inquiry_start
from lastmile.ledger.services import InstallmentDue
from lastmile.service.models import ServiceOrder
from lastmile.testing.enforcement import at
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _done(order: Order, result: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": f"{order.key}:done", "order_id": order.key, "status": "done", "result": result}


def _frozen_case(file_case, officer, now) -> Case:
    """A filed case whose debtor's WeChat balance (5,000 yuan, less the living allowance) has been
    frozen."""
    case = file_case(now)
    inquiry_start(case=case, actor=officer, now=now)
    for order in Order.objects.filter(case=case, kind=OrderKind.INQUIRE):
        assets = (
            [{"kind": "deposit", "identifier": "wx-1", "balance": "5000.00"}]
            if order.institution == "wechatpay"
            else []
        )
        inbox_receive(institution=order.institution, message=_done(order, {"assets": assets}), now=now)
    for order in Order.objects.filter(case=case, kind=OrderKind.FREEZE, status__in=["pending", "sent"]):
        inbox_receive(
            institution=order.institution,
            message=_done(order, {"frozen_amount": str(order.amount), "freeze_ref": f"R{order.pk}"}),
            now=now,
        )
    assert Freeze.objects.filter(case=case, status=FreezeStatus.ACTIVE).count() == 1
    return case


def _settle(case, officer, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return settlement_record(
            case=case,
            actor=officer,
            now=now,
            agreed_on=now.date(),
            terms="分两期履行",
            installments=[
                InstallmentDue(due_on=date(2025, 6, 10), amount=Decimal("50000")),
                InstallmentDue(due_on=date(2025, 7, 10), amount=Decimal("52300")),
            ],
        )


def _text(doc: Document) -> str:
    return "".join(pdf_text(document_pdf(doc)).split())


def _state(case: Case) -> dict[str, Any]:
    return {
        "freezes": list(Freeze.objects.filter(case=case).values("pk", "status", "amount_held")),
        "unfreeze_orders": Order.objects.filter(case=case, kind=OrderKind.UNFREEZE).count(),
        "released_at": Control.objects.filter(case=case).values_list("released_at", flat=True).first(),
        "releases": list(SettlementRelease.objects.filter(case=case).values()),
        "documents": Document.objects.filter(case=case).count(),
        "events": CaseEvent.objects.filter(case=case).count(),
    }


def test_art3_settlement_keeps_the_freezes(file_case, officer, django_capture_on_commit_callbacks):
    now = at(2025, 5, 6)
    case = _frozen_case(file_case, officer, now)
    held = Freeze.objects.get(case=case).amount_held
    assert held > 0
    _settle(case, officer, now, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == "settlement"
    freeze = Freeze.objects.get(case=case)
    assert freeze.status == FreezeStatus.ACTIVE and freeze.amount_held == held
    assert not Order.objects.filter(case=case, kind=OrderKind.UNFREEZE).exists()
    assert Control.objects.get(case=case).released_at is None
    assert not CaseEvent.objects.filter(case=case, kind="inquiry.release_all").exists()


def test_art3_only_the_applicants_application_is_recorded(
    file_case, officer, debtor, django_capture_on_commit_callbacks
):
    now = at(2025, 5, 6)
    case = _frozen_case(file_case, officer, now)
    _settle(case, officer, now, django_capture_on_commit_callbacks)
    before = _state(case)
    with pytest.raises(ConditionsNotMet) as info:
        settlement_release_apply(case=case, applicant=debtor, content="请求解除冻结", actor=officer, now=now)
    assert "执行和解若干问题的规定" in info.value.message and "第3条" in info.value.message
    assert _state(case) == before
    with pytest.raises(InvalidFiling):
        settlement_release_apply(case=case, applicant=debtor, content="  ", actor=officer, now=now)
    assert _state(case) == before


def test_art3_the_court_decides_and_a_refusal_changes_nothing_it_should_not(
    file_case, officer, bank, yuelu, django_capture_on_commit_callbacks
):
    now = at(2025, 5, 6)
    case = _frozen_case(file_case, officer, now)
    _settle(case, officer, now, django_capture_on_commit_callbacks)
    application = settlement_release_apply(
        case=case, applicant=bank, content="和解已达成，申请解除对被执行人存款的冻结", actor=officer, now=now
    )
    assert application.status == "pending"
    assert Freeze.objects.get(case=case).status == FreezeStatus.ACTIVE  # the application alone lifts nothing

    # An 执行员 without the judge's power of decision is refused; nothing changes.
    clerk_officer = UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="officer2")
    before = _state(case)
    with pytest.raises(PermissionDenied):
        settlement_release_decide(application=application, approve=True, actor=clerk_officer, now=now)
    assert _state(case) == before
    # A refusal without a reason is refused; nothing changes.
    with pytest.raises(InvalidFiling):
        settlement_release_decide(application=application, approve=False, actor=officer, now=now)
    assert _state(case) == before

    # The judge refuses with a reason: the freeze stays.
    with django_capture_on_commit_callbacks(execute=True):
        refused = settlement_release_decide(
            application=application, approve=False, note="和解首期尚未履行", actor=officer, now=now
        )
    assert refused.status == "refused" and refused.ruling is None
    assert Freeze.objects.get(case=case).status == FreezeStatus.ACTIVE
    assert not Order.objects.filter(case=case, kind=OrderKind.UNFREEZE).exists()


def test_art3_on_application_and_decision_the_ruling_issues_and_the_freeze_is_lifted(
    file_case, officer, bank, django_capture_on_commit_callbacks
):
    now = at(2025, 5, 6)
    case = _frozen_case(file_case, officer, now)
    _settle(case, officer, now, django_capture_on_commit_callbacks)
    application = settlement_release_apply(
        case=case, applicant=bank, content="申请解除对被执行人存款的冻结", actor=officer, now=at(2025, 5, 8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        decided = settlement_release_decide(
            application=application, approve=True, actor=officer, now=at(2025, 5, 9)
        )
    assert decided.status == "approved"
    ruling = decided.ruling
    assert ruling is not None and ruling.template.code == "ruling_release"
    text = _text(ruling)
    assert "执行和解若干问题的规定》第三条" in text and "wx-1" in text and "解除" in text
    # served on both sides of the case
    recipients = set(ServiceOrder.objects.filter(document=ruling).values_list("recipient_id", flat=True))
    assert recipients == set(case.case_parties.values_list("party_id", flat=True))
    # a 协助执行通知书 to the institution holding the freeze, citing the ruling (the freeze had
    # its own notice: the one of the release is the unfreeze order's)
    notice = Document.objects.get(
        case=case, template__code="assistance_notice", pk=Order.objects.get(kind=OrderKind.UNFREEZE).notice_id
    )
    assert ruling.number in _text(notice) and "解除" in _text(notice)
    # the inquiry app releases the freeze through its usual path
    unfreeze = Order.objects.get(case=case, kind=OrderKind.UNFREEZE)
    assert unfreeze.status in (OrderStatus.PENDING, OrderStatus.SENT)
    assert CaseEvent.objects.filter(case=case, kind="inquiry.release_all").exists()
    assert CaseEvent.objects.filter(case=case, kind="enforcement.settlement_release_approved").exists()
    # decided once
    before = _state(case)
    with pytest.raises(Exception) as info:
        settlement_release_decide(application=application, approve=True, actor=officer, now=at(2025, 5, 9))
    assert "已经作出决定" in str(info.value)
    assert _state(case) == before


def test_art3_reachable_on_the_case_page_and_the_api(
    client, file_case, officer, bank, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    now = at(2025, 5, 6)
    case = _frozen_case(file_case, officer, now)
    _settle(case, officer, now, django_capture_on_commit_callbacks)
    client.force_login(officer)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "登记申请执行人解除冻结的申请" in page
    response = client.post(
        reverse("enforcement:act", args=[case.pk, "settlement_release_apply"]),
        {"applicant": str(bank.pk), "content": "申请解除冻结"},
    )
    assert response.status_code in (200, 302)
    application = SettlementRelease.objects.get(case=case)
    page = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "决定是否解除冻结、查封" in page and "申请解除冻结" in page
    api = client.post(
        f"/api/v1/enforcement/settlement-releases/{application.pk}/decide",
        {"approve": False, "note": "和解首期尚未履行"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content
    api = client.post(
        f"/api/v1/enforcement/cases/{case.pk}/settlement-releases",
        {"applicant_id": bank.pk, "content": "再次申请解除冻结"},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert SettlementRelease.objects.filter(case=case, status="pending").count() == 1
