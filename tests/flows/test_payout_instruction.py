"""Issue M item 9.2: a payout to a party carries the payee's account; the 院长's approval from the
inbox issues the 执行款发放审批表 (付款指令), which finance opens from its queue, sends to the bank
and then records as paid (执行款物管理规定 法发〔2017〕6号)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.accounts.models import Role
from lastmile.core.clock import FixedClock, use_clock
from lastmile.ledger.models import Payout, PayoutStatus
from lastmile.testing.enforcement import at, payment_received
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 3)


def test_the_approved_payout_brings_its_payment_instruction_to_finance(client, file_case, yuelu, president):
    case = file_case(NOW)
    finance = UserFactory(court=yuelu, role=Role.FINANCE, username="m92_caiwu")
    payment_received(
        case=case, amount=Decimal("5000"), actor=case.officer, now=NOW, idempotency_key="m92", finance=finance
    )
    applicant = case.case_parties.get(role="applicant").party
    client.force_login(finance)
    with use_clock(FixedClock(NOW + timedelta(days=1))):
        client.post(
            reverse("ledger:payout_request", args=[case.pk]),
            {
                "kind": "applicant",
                "payee_party": applicant.pk,
                "amount": "5000",
                "payee_account": "43050175380000000123",
                "payee_bank": "中国建设银行长沙岳麓支行",
                "payee_account_name": applicant.name,
            },
        )
    payout = Payout.objects.get(case=case)
    assert payout.payee_account == "43050175380000000123" and not payout.payee_account_checked

    client.force_login(president)
    with use_clock(FixedClock(NOW + timedelta(days=2))):
        inbox = client.get(reverse("web:inbox")).content.decode()
        assert "43050175380000000123（未校验）" in inbox  # the approver sees where the money goes
        client.post(reverse("web:inbox_act", args=["payout", payout.pk, "approve"]))
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED and payout.instruction_id is not None

    client.force_login(finance)
    with use_clock(FixedClock(NOW + timedelta(days=2))):
        queue = client.get(reverse("web:inbox")).content.decode()
        assert f'data-document="{payout.instruction_id}"' in queue and "付款指令" in queue
        pdf = client.get(reverse("documents:pdf", args=[payout.instruction_id]))
        assert pdf.status_code == 200
        client.post(
            reverse("web:inbox_act", args=["payout_settle", payout.pk, "settle"]), {"bank_reference": "B-92"}
        )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
