"""A party's notifications (issue M item 10): a document served on it and money received reach it
with an unread count; what is served on the other side, or still internal, never does."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from lastmile.cases.kinds import EventKind
from lastmile.cases.services import case_event_record
from lastmile.core.clock import FixedClock, use_clock
from lastmile.ledger.services import receipt_record
from lastmile.portal.notice_views import party_unread_count

pytestmark = pytest.mark.django_db


def _event(case, kind, summary, now, **data):
    case_event_record(
        case=case, kind=EventKind.all_kinds()[kind], summary=summary, actor=None, now=now, data=data
    )


def test_the_debtor_is_told_of_what_was_served_on_it_and_nothing_else(
    client, case, debtor, bank, debtor_account, bank_account, officer, now
):
    assert party_unread_count(debtor_account.user) == 0
    _event(case, "enforcement.step.execution_notice", "发出执行通知书", now)
    _event(case, "service.served", "执行通知书已送达王小明", now, recipient=debtor.pk)
    _event(case, "inquiry.freeze_ordered", "冻结银行存款（待回执）", now)  # the court's plan: hidden
    assert party_unread_count(debtor_account.user) == 1
    assert party_unread_count(bank_account.user) == 0  # served on the debtor, not on the bank

    client.force_login(debtor_account.user)
    with use_clock(FixedClock(now + timedelta(minutes=5))):
        page = client.get(reverse("portal:party_notifications")).content.decode()
        assert "文书送达" in page and 'id="nav-unread">1<' in page
        assert "冻结" not in page
        client.post(reverse("portal:party_notifications_read"))
    assert party_unread_count(debtor_account.user) == 0


def test_the_applicant_is_told_when_money_arrives(case, bank_account, officer, now):
    receipt_record(
        case=case,
        amount=Decimal("3000.00"),
        source="debtor_transfer",
        idempotency_key="n-1",
        received_at=now,
        actor=officer,
    )
    assert party_unread_count(bank_account.user) == 1


def test_a_party_login_never_lands_on_a_staff_page(client, bank_account):
    client.force_login(bank_account.user)
    for name in ("web:home", "web:workbench"):
        r = client.get(reverse(name))
        assert r.status_code == 302 and r.url == reverse("portal:party_home"), name
    assert client.get(reverse("portal:party_home")).status_code == 200
