"""Demo case funds on the demo cases: obligations, receipts, one paid-out payout, one awaiting
approval, and unclaimed money. Idempotent: a second call changes nothing.

The lead wires ``demo_seed_ledger`` into ``lastmile demo-seed`` after ``demo_seed``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case, CaseParty, PartyRole

from . import services as s
from .fees import acceptance_fee, execution_fee
from .models import Obligation, Payout, Receipt


@transaction.atomic
def demo_seed_ledger(*, now: datetime) -> bool:
    """Returns True when something was created."""
    court = Court.objects.filter(code="湘0104").first()
    if court is None or Receipt.objects.filter(court=court, idempotency_key__startswith="demo:").exists():
        return False
    cases = list(Case.objects.filter(court=court, type_code="执").order_by("pk")[:3])
    finance = User.objects.filter(court=court, role="finance").order_by("pk").first()
    leader = User.objects.filter(court=court, is_president=True).order_by("pk").first()
    today = timezone.localtime(now).date()
    for case in cases:
        if Obligation.objects.filter(case=case).exists():
            continue
        principal = case.amount_claimed or Decimal("100000")
        s.obligation_record(
            case=case,
            actor=None,
            now=now,
            principal=principal,
            basis_effective_on=today - timedelta(days=90),
            performance_deadline=today - timedelta(days=80),
            interest=s.InterestTerms(
                kind="lpr_multiple", lpr_multiple=Decimal("1.5"), start=today - timedelta(days=400)
            ),
            costs=[
                s.CostItem("acceptance_fee", "案件受理费", acceptance_fee(principal, halved=True)),
                s.CostItem("execution_fee", "申请执行费", execution_fee(principal)),
            ],
        )
    if cases:
        first = cases[0]
        s.receipt_record(
            case=first,
            amount=Decimal("30000"),
            source="bank_deduction",
            idempotency_key="demo:deduct-1",
            received_at=now - timedelta(days=20),
            actor=None,
            payer="网络查控扣划",
        )
        s.receipt_record(
            case=first,
            amount=Decimal("5000"),
            source="debtor_transfer",
            idempotency_key="demo:transfer-1",
            received_at=now - timedelta(days=3),
            actor=None,
            payer=_debtor_name(first),
        )
        applicant = (
            CaseParty.objects.filter(case=first, role=PartyRole.APPLICANT).select_related("party").first()
        )
        if finance is not None and leader is not None and applicant is not None:
            paid = s.payout_request(
                case=first,
                kind="applicant",
                amount=Decimal("20000"),
                actor=finance,
                now=now - timedelta(days=10),
                idempotency_key="demo:payout-1",
                payee_party=applicant.party,
                payee_account="800012345678901",
                payee_bank="长沙银行岳麓支行",
                payee_account_name=applicant.party.name,
            )
            s.payout_approve(payout_id=paid.pk, actor=leader, now=now - timedelta(days=9))
            s.payout_settle(
                payout_id=paid.pk, actor=finance, now=now - timedelta(days=8), bank_reference="DEMO0001"
            )
            if not Payout.objects.filter(court=court, idempotency_key="demo:payout-2").exists():
                s.payout_request(
                    case=first,
                    kind="applicant",
                    amount=Decimal("10000"),
                    actor=finance,
                    now=now - timedelta(days=1),
                    idempotency_key="demo:payout-2",
                    payee_party=applicant.party,
                    payee_account="800012345678901",
                    payee_bank="长沙银行岳麓支行",
                    payee_account_name=applicant.party.name,
                )
    s.receipt_record(
        case=None,
        court_id=court.pk,
        amount=Decimal("4865.05"),
        source="debtor_transfer",
        idempotency_key="demo:unclaimed-1",
        received_at=now - timedelta(days=4),
        actor=None,
        payer="李玥",
        note="还款（未注明案号）",
    )
    return True


def _debtor_name(case: Case) -> str:
    cp = CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party").first()
    return cp.party.name if cp else ""
