"""Use case: a case with no property found is closed by 终本, a clue revives it as 执恢, the debtor
pays and the 执恢 case is closed as 执行完毕. Every deadline goes through the holiday calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import Case, CaseEvent, CaseStatus, Deadline
from lastmile.cases.selectors import audit_verify
from lastmile.core.errors import ConditionsNotMet
from lastmile.core.periods import period_end, period_end_months
from lastmile.enforcement.models import ClosingMethod, PropertyRequery, Track
from lastmile.enforcement.selectors import case_progress_for_party, zhongben_conditions
from lastmile.enforcement.services import (
    clue_submit,
    clue_verify,
    enforcement_close,
    enforcement_restore,
)
from lastmile.ledger.services import amount_outstanding
from lastmile.testing.enforcement import (
    applicant_assent,
    at,
    funds_paid_out,
    inquiry_answered_empty,
    notices_served,
    payment_received,
    restrictions_in_force,
)
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _open_deadline(case: Case, kind: str) -> Deadline:
    return Deadline.objects.get(case=case, kind=kind, done_at__isnull=True, cancelled_at__isnull=True)


def test_filing_to_zhongben_to_restore_to_completed(file_case, officer, president, bank, debtor):
    # Filed at the counter on Friday 26 September 2025, just before the National Day holiday.
    case = file_case(at(2025, 9, 26))
    ec = case.enforcement
    assert case.status == CaseStatus.FILED
    assert case.type_code == "执" and "湘0104执" in case.number
    assert case.officer == officer
    assert ec.track == Track.FAST and ec.triage_reasons
    # 10 days from receipt end on 6 October, inside the holiday (1–8 October): the period ends on
    # the first working day after it (CPL 2023 art. 85).
    notice = _open_deadline(case, "execution_notice")
    assert notice.due_on == date(2025, 10, 9) == period_end(date(2025, 9, 26), 10)
    assert _open_deadline(case, "property_report_order").due_on == date(2025, 10, 9)
    assert Deadline.objects.get(case=case, kind="filing").done_at is not None
    # The time limit is 6 months from filing (审限规定 art. 5).
    assert (
        _open_deadline(case, "time_limit").due_on
        == date(2026, 3, 26)
        == period_end_months(date(2025, 9, 26), 6)
    )
    # Application period: 2 years from the end of the performance period.
    assert ec.application_period_starts_on == date(2025, 1, 20)
    assert not ec.late_application

    # Notice and property report order on the first working day after the holiday, served
    # electronically on the debtor, who agreed to it.
    notices_served(case, officer=officer, now=at(2025, 10, 9))
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert not Deadline.objects.filter(case=case, kind="execution_notice", done_at__isnull=True).exists()

    # Online inquiry finds nothing; measures follow (限消 approved by the 院长; the reason the
    # debtor is not listed recorded); then the applicant is interviewed and agrees to 终本.
    inquiry_answered_empty(case, officer=officer, now=at(2025, 10, 15))
    restrictions_in_force(case, officer=officer, president=president, now=at(2025, 10, 20))
    applicant_assent(case, officer=officer, now=at(2025, 11, 20))

    # 终本 before 3 months have passed is refused with the reason, and nothing changes.
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ConditionsNotMet) as refused:
        enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 12, 1))
    assert refused.value.unmet == ["three_months"]
    assert "自立案之日起已超过三个月" in refused.value.message
    assert {c["key"]: c["met"] for c in refused.value.details["conditions"]} == {
        "notice_and_report": True,
        "restriction_and_dishonest": True,
        "property_investigation": True,
        "three_months": False,
        "search_and_obstruction": True,
        "applicant_interviewed": True,
        "applicant_assent": True,
    }
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert not PropertyRequery.objects.filter(case=case).exists()

    # The 3 months end on 26 December 2025 (a Friday); "more than" means from the next day on.
    assert period_end_months(date(2025, 9, 26), 3) == date(2025, 12, 26)
    with pytest.raises(ConditionsNotMet):
        enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 12, 26))
    assert all(c.met for c in zhongben_conditions(case=case, as_of=date(2025, 12, 27)))

    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 12, 29))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closing_method == "no_property"  # the ClosingMethod code (issue K item 2)
    assert case.enforcement.closing_method == ClosingMethod.NO_PROPERTY
    # Re-query every 6 months for 5 years (终本规定 art. 9), the next one on the workbench.
    requeries = list(PropertyRequery.objects.filter(case=case).order_by("seq"))
    assert len(requeries) == 10
    assert requeries[0].due_on == date(2026, 6, 29) == period_end_months(date(2025, 12, 29), 6)
    next_requery = _open_deadline(case, "requery")
    assert next_requery.due_on == date(2026, 6, 29) and next_requery.source == requeries[0]
    assert not Deadline.objects.filter(
        case=case, kind="time_limit", done_at__isnull=True, cancelled_at__isnull=True
    ).exists()

    # A clue from the applicant (online, no staff actor) on a 终本 case: 7 days end on
    # 17 February 2026, inside the Spring Festival holiday, so the check is due on 24 February.
    clue = clue_submit(
        case=case,
        kind="asset",
        description="被执行人租赁的挖掘机停放在工地",
        location="长沙市岳麓区梅溪湖路工地东门",
        submitted_by=bank.name,
        actor=None,
        now=at(2026, 2, 10),
    )
    assert clue.verify_due_on == date(2026, 2, 24) == period_end(date(2026, 2, 10), 7)
    clue = clue_verify(
        clue=clue, actor=officer, now=at(2026, 2, 12), valid=True, note="现场核实，挖掘机归被执行人所有"
    )

    outstanding = amount_outstanding(case=case, as_of=date(2026, 2, 12))
    restored = enforcement_restore(case=case, actor=officer, now=at(2026, 2, 12), clue=clue)
    assert restored.type_code == "执恢" and "执恢" in restored.number
    assert restored.parent == case
    assert restored.status == CaseStatus.FILED
    assert restored.enforcement.principal == outstanding > 0
    assert restored.officer == officer
    assert not PropertyRequery.objects.filter(case=case, done_on__isnull=True, cancelled=False).exists()

    # The debtor pays everything; the 执恢 case closes as 执行完毕.
    due = amount_outstanding(case=restored, as_of=date(2026, 2, 20))
    left = payment_received(
        case=restored, amount=due, actor=officer, now=at(2026, 2, 20), idempotency_key="pay-1"
    )
    assert left == Decimal("0.00")
    # A retried payment changes nothing.
    payment_received(case=restored, amount=due, actor=officer, now=at(2026, 2, 20), idempotency_key="pay-1")
    finance = UserFactory(court=restored.court, role=Role.FINANCE, username="zr_caiwu")
    funds_paid_out(restored, finance=finance, approver=president, now=at(2026, 2, 20), key="zr-out")
    enforcement_close(case=restored, method=ClosingMethod.COMPLETED, actor=officer, now=at(2026, 2, 20))
    restored.refresh_from_db()
    assert restored.status == CaseStatus.CLOSED
    assert restored.closing_method == "completed"

    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    for expected in (
        "enforcement.filed",
        "enforcement.triaged",
        "enforcement.assigned",
        "enforcement.step.execution_notice",
        "inquiry.started",
        "enforcement.closed",
        "enforcement.requery_scheduled",
        "enforcement.clue_submitted",
        "enforcement.clue_verified",
        "enforcement.restored",
    ):
        assert expected in kinds
    assert audit_verify() == []

    progress = case_progress_for_party(case)
    texts = [e["text"] for e in progress.events]
    assert "已向被执行人发出执行通知书" in texts
    assert any("终结本次执行程序" in t for t in texts)
    assert progress.officer["name"] == officer.name
    assert debtor.id_number not in str(progress)
