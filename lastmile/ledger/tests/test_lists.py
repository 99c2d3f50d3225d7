"""The funds lists people work from (issue M item 3): money received (unclaimed or claimed) and
payouts, every row through pages with the true total (no cut at 200), filtered, sorted and exported
in full; another court's finance sees none of them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lastmile.ledger.models import Payout, PayoutKind, PayoutStatus, Receipt, ReceiptSource

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipts(yuelu, case):
    start = at(2025, 3, 1)
    return Receipt.objects.bulk_create(
        Receipt(
            court=yuelu,
            case=case if i % 10 == 0 else None,
            amount=Decimal(100 + i),
            source=ReceiptSource.DEBTOR_TRANSFER,
            idempotency_key=f"list-{i}",
            received_at=start + timedelta(hours=i),
            effective_on=(start + timedelta(hours=i)).date(),
            payer=f"付款人{i:03d}",
        )
        for i in range(230)
    )


@pytest.fixture
def payouts(yuelu, case, finance):
    return Payout.objects.bulk_create(
        Payout(
            court=yuelu,
            case=case,
            kind=PayoutKind.APPLICANT,
            payee_name=f"收款人{i:02d}",
            amount=Decimal(1000 + i),
            status=PayoutStatus.REQUESTED if i % 3 else PayoutStatus.PAID,
            idempotency_key=f"payout-{i}",
            due_on=at(2025, 4, 1).date() + timedelta(days=i),
            requested_by=finance,
            requested_at=at(2025, 3, 20),
        )
        for i in range(60)
    )


def test_every_receipt_through_pages_with_the_true_total(client, receipts, finance):
    client.force_login(finance)
    seen = set()
    for n in (1, 2, 3):
        page = client.get(reverse("ledger:receipts"), {"per_page": "100", "page": str(n)}).content.decode()
        assert "共 230 笔" in page and f"第 {n} / 3 页" in page
        seen |= {r.payer for r in receipts if r.payer + "<" in page}
    assert len(seen) == 230
    page = client.get(reverse("ledger:receipts"), {"state": "unclaimed"}).content.decode()
    assert "共 207 笔" in page and "认领" in page
    assert "共 1 笔" in client.get(reverse("ledger:receipts"), {"q": "付款人042"}).content.decode()
    assert "共 30 笔" in client.get(reverse("ledger:receipts"), {"amount_min": "300"}).content.decode()


def test_the_receipts_export_has_every_filtered_row(client, receipts, finance):
    client.force_login(finance)
    r = client.get(reverse("ledger:receipts"), {"export": "xlsx", "state": "unclaimed", "sort": "-amount"})
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "到账时间" and len(rows) == 1 + 207
    assert Decimal(str(rows[1][3])) == Decimal("329")


def test_payouts_by_status_sorted_and_exported(client, payouts, finance):
    client.force_login(finance)
    page = client.get(reverse("ledger:payouts"), {"status": PayoutStatus.REQUESTED}).content.decode()
    assert "共 40 笔" in page and "第 1 / 2 页" in page
    page = client.get(reverse("ledger:payouts"), {"sort": "-amount", "per_page": "100"}).content.decode()
    assert page.find("收款人59<") < page.find("收款人58<") and "1,059.00" in page
    r = client.get(reverse("ledger:payouts"), {"export": "xlsx", "q": "收款人1"})
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 10  # 收款人10..19


def test_another_courts_finance_sees_none(client, receipts, payouts, other_finance):
    client.force_login(other_finance)
    assert "共 0 笔" in client.get(reverse("ledger:receipts")).content.decode()
    assert "共 0 笔" in client.get(reverse("ledger:payouts")).content.decode()


def test_every_unclaimed_receipt_is_listed_paged_with_the_true_total(client, receipts, finance):
    client.force_login(finance)
    page = client.get(reverse("ledger:unclaimed"), {"per_page": "200", "page": "2"}).content.decode()
    assert "共 207 笔" in page and page.count('name="case_number"') == 7  # it stopped at 200 before
    r = client.get(reverse("ledger:unclaimed"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 207 and {row[-1] for row in rows[1:]} == {"待认领"}
