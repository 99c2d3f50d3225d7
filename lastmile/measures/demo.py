"""Demo measures for 湘0104 (岳麓) and 湘0702 (武陵): a few measures and published 失信 listings on
existing demo enforcement cases, made with the real services (guardrails, approval chain, events).
Needs the demo courts, staff and enforcement cases; idempotent: a second call changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseStatus

from .guardrails import Proposal, measure_evaluate
from .models import Measure, MeasureKind
from .services import enterprise_screening_record, measure_approve, measure_execute, measure_propose


def _staff(prefix: str) -> tuple[User, User] | None:
    officer = User.objects.filter(username=f"{prefix}_zhifa").first()
    president = User.objects.filter(court=officer.court, is_president=True).first() if officer else None
    if officer is None or president is None or president.pk == officer.pk:
        return None
    return officer, president


def _take(officer: User, president: User, proposal: Proposal, *, now: datetime, reason: str) -> Measure:
    m = measure_propose(actor=officer, proposal=proposal, reason=reason, now=now, acknowledge_warnings=True)
    if m.needs_president:
        m = measure_approve(
            actor=president, measure_id=m.pk, now=now, document_number=f"{proposal.case.number}之一"
        )
    return m


@transaction.atomic
def demo_seed_measures(*, now: datetime) -> int:
    """Seed demo measures; returns how many measures were created (0 when already seeded)."""
    if Measure.objects.filter(reason__startswith="【演示】").exists():
        return 0
    created = 0
    for prefix, code in (("yl", "湘0104"), ("wl", "湘0702")):
        staff = _staff(prefix)
        if staff is None:
            continue
        officer, president = staff
        cases = (
            Case.objects.filter(court__code=code, type_code="执")
            .exclude(status=CaseStatus.CLOSED)
            .order_by("pk")
        )
        for i, case in enumerate(cases[:3]):
            row = case.case_parties.filter(role__in=DEBTOR_ROLES).select_related("party").first()
            if row is None:
                continue
            debtor = row.party
            when = now - timedelta(days=10 - i)
            if not debtor.is_person:
                enterprise_screening_record(
                    actor=officer,
                    case=case,
                    party=debtor,
                    operating=False,
                    employees_kept=False,
                    taxes_paid=False,
                    paying_in_part=False,
                    note="【演示】已停业，转移资产",
                    now=when,
                )
            _take(
                officer,
                president,
                Proposal(kind=MeasureKind.CONSUMPTION_RESTRICTION, case=case, subject=debtor),
                now=when,
                reason="【演示】逾期未履行生效法律文书确定的义务",
            )
            created += 1
            listing = Proposal(kind=MeasureKind.DISHONEST_LISTING, case=case, subject=debtor, ground=3 + i)
            # only where the law allows it: the notices served, something owed (失信规定 2017 arts. 1, 5)
            if i in (0, 1) and measure_evaluate(listing, now=when).verdict != "refused":
                _take(
                    officer,
                    president,
                    listing,
                    now=when,
                    reason="【演示】隐匿、转移财产规避执行" if i == 0 else "【演示】拒不申报财产",
                )
                created += 1
            if i == 1 and debtor.is_person:
                _take(
                    officer,
                    president,
                    Proposal(kind=MeasureKind.FINE, case=case, subject=debtor, amount=Decimal("10000")),
                    now=when,
                    reason="【演示】拒不报告财产",
                )
                created += 1
            if i == 2 and debtor.is_person:
                m = _take(
                    officer,
                    president,
                    Proposal(kind=MeasureKind.DETENTION, case=case, subject=debtor, days=10),
                    now=when,
                    reason="【演示】拒不履行且抗拒执行",
                )
                measure_execute(actor=officer, measure_id=m.pk, starts_at=when, now=when)
                created += 1
    return created
