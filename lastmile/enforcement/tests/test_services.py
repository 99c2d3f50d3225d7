"""Filing, triage, time limits, clues and requests to other courts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from lastmile.accounts.models import Role, Team, TeamKind
from lastmile.cases.models import CaseEvent, CaseStatus, Deadline
from lastmile.core.errors import Conflict, InvalidTransition, PermissionDenied
from lastmile.core.periods import period_end, period_end_months
from lastmile.enforcement import rules
from lastmile.enforcement.demo import demo_seed_enforcement
from lastmile.enforcement.models import (
    Channel,
    ClosingMethod,
    EnforcementCase,
    PauseKind,
    StepKind,
    TimeLimitPause,
    Track,
)
from lastmile.enforcement.selectors import case_progress_for_party, enforcement_case_list
from lastmile.enforcement.services import (
    InvalidFiling,
    assistance_request_send,
    clue_submit,
    emergency_action_close,
    emergency_action_open,
    enforcement_accept,
    enforcement_close,
    enforcement_resume,
    enforcement_suspend,
    enforcement_sweep,
    procedure_step_record,
    settlement_record,
    time_limit_extension_decide,
    time_limit_extension_request,
    time_limit_pause_end,
    time_limit_pause_start,
    triage_rules_update,
)
from lastmile.enforcement.tests.conftest import at, basis
from lastmile.ledger.services import InstallmentDue
from lastmile.testing.enforcement import enforcement_demo_staff
from lastmile.testing.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _open(case, kind):
    return Deadline.objects.get(case=case, kind=kind, done_at__isnull=True, cancelled_at__isnull=True)


def test_online_application_is_received_then_accepted(file_case, clerk, officer, bank):
    case = file_case(at(2025, 4, 30), actor=None, channel=Channel.ONLINE, submitted_by=bank.name)
    assert case.status == CaseStatus.RECEIVED and case.filed_at is None
    # 7 days from 30 April end on 7 May; 1–5 May 2025 is a holiday but only the last day rolls.
    assert _open(case, "filing").due_on == date(2025, 5, 7) == period_end(date(2025, 4, 30), 7)
    assert _open(case, "execution_notice").due_on == period_end(date(2025, 4, 30), 10)
    assert case.officer is None
    assert "case.registered" in CaseEvent.objects.filter(case=case).values_list("kind", flat=True)
    progress = case_progress_for_party(case)
    assert progress.status == CaseStatus.RECEIVED and "七日内" in progress.next_steps[0]

    with pytest.raises(PermissionDenied):
        enforcement_accept(case=case, actor=officer, now=at(2025, 5, 6))  # not a filing clerk
    enforcement_accept(case=case, actor=clerk, now=at(2025, 5, 6))
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED and case.filed_at == at(2025, 5, 6)
    assert case.officer == officer
    assert Deadline.objects.get(case=case, kind="filing").done_at is not None
    assert _open(case, "time_limit").due_on == period_end_months(date(2025, 5, 6), 6)
    with pytest.raises(InvalidTransition):
        enforcement_accept(case=case, actor=clerk, now=at(2025, 5, 7))


def test_late_application_is_recorded_and_flagged_never_refused(file_case):
    case = file_case(
        at(2025, 3, 3),
        basis=basis(effective_on=date(2022, 5, 10), performance_deadline=date(2022, 8, 31)),
    )
    ec = case.enforcement
    # 2 years from 31 August 2022 is 31 August 2024, a Saturday: the period ends on Monday 2 September.
    assert ec.application_deadline == date(2024, 9, 2)
    assert ec.late_application
    assert case.status == CaseStatus.FILED
    late = CaseEvent.objects.get(case=case, kind="enforcement.late_application")
    assert late.legal_basis["article"] == "481"


def test_application_period_starts_at_the_last_basis_instalment(file_case):
    schedule = [
        InstallmentDue(due_on=date(2023, 1, 31), amount=Decimal("50000")),
        InstallmentDue(due_on=date(2023, 6, 30), amount=Decimal("50000")),
    ]
    case = file_case(at(2025, 3, 3), basis=basis(performance_deadline=None, installments=schedule))
    assert case.enforcement.application_period_starts_on == date(2023, 6, 30)
    assert case.enforcement.application_deadline == date(2025, 6, 30)
    assert not case.enforcement.late_application


def test_invalid_filing_writes_nothing(file_case):
    before = CaseEvent.objects.count()
    with pytest.raises(InvalidFiling) as refused:
        file_case(at(2025, 3, 3), basis=basis(principal="0", issuer=" "))
    assert "作出机构" in refused.value.message and "给付金额" in refused.value.message
    assert CaseEvent.objects.count() == before
    assert not EnforcementCase.objects.exists()


def test_triage_routes_and_balances_load(yuelu, clerk, officer, bank, now):
    complex_team = Team.objects.create(court=yuelu, name="精执团队", kind=TeamKind.COMPLEX)
    Team.objects.create(court=yuelu, name="快执团队", kind=TeamKind.FAST_TRACK)
    a = UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="a_officer", team=complex_team)
    b = UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="b_officer", team=complex_team)
    company = OrganisationFactory()
    from lastmile.enforcement.services import enforcement_file

    cases = [
        enforcement_file(
            court=yuelu,
            basis=basis("800000"),
            applicants=[bank],
            respondents=[company],
            actor=clerk,
            now=now,
        )
        for _ in range(3)
    ]
    first = cases[0].enforcement
    assert first.track == Track.COMPLEX
    assert first.triage_score == 3  # amount (2) + organisation (1)
    assert any("标的金额" in r for r in first.triage_reasons)
    # The later cases also see the debtor's other open cases at this court.
    assert cases[1].enforcement.triage_score == 5
    assert any("另有1件" in r for r in cases[1].enforcement.triage_reasons)
    # Load balancing inside the complex team: a, b, then a again.
    assert [c.officer for c in cases] == [a, b, a]
    assert all(c.team == complex_team for c in cases)
    # A small claim for wages goes to the fast track (no fast-track members: any enforcement officer).
    small = enforcement_file(
        court=yuelu,
        basis=basis("9000", costs=[]),
        applicants=[PersonFactory()],
        respondents=[PersonFactory()],
        actor=clerk,
        now=now,
        priority_claim="labour",
    )
    assert small.enforcement.track == Track.FAST
    assert small.officer == officer


def test_court_admin_edits_triage_rules(yuelu, clerk, bank, debtor, now):
    admin = UserFactory(court=yuelu, role=Role.ADMIN, username="yl_admin")
    with pytest.raises(PermissionDenied):
        triage_rules_update(actor=clerk, court=yuelu, complex_score=1, changes=[], now=now)
    triage_rules_update(
        actor=admin, court=yuelu, complex_score=1, changes=[("amount", Decimal("50000"), 1, True)], now=now
    )
    from lastmile.enforcement.services import enforcement_file

    case = enforcement_file(
        court=yuelu, basis=basis("60000"), applicants=[bank], respondents=[debtor], actor=clerk, now=now
    )
    assert case.enforcement.track == Track.COMPLEX


def test_time_limit_excludes_suspension_and_valuation_and_extension_needs_president(
    file_case, officer, president, now
):
    case = file_case(at(2025, 3, 3))
    ec = case.enforcement
    assert ec.time_limit_due_on == date(2025, 9, 3)
    # The nominal last day kept on the case for the statistics (no excluded days in it).
    case.refresh_from_db()
    assert case.time_limit_ends_on == date(2025, 9, 3)
    assert case.time_limit_first_pause_on is None  # no excluded period yet
    procedure_step_record(case=case, kind=StepKind.EXECUTION_NOTICE, actor=officer, now=at(2025, 3, 5))

    enforcement_suspend(case=case, actor=officer, now=at(2025, 4, 1), reason="案外人提出异议")
    assert not Deadline.objects.filter(
        case=case, kind="time_limit", done_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    with pytest.raises(InvalidTransition):
        settlement_record(
            case=case,
            actor=officer,
            now=at(2025, 4, 2),
            agreed_on=date(2025, 4, 2),
            terms="x",
            installments=[InstallmentDue(due_on=date(2025, 5, 1), amount=Decimal("1"))],
        )
    enforcement_resume(case=case, actor=officer, now=at(2025, 4, 21))  # 20 days suspended
    valuation = time_limit_pause_start(
        case=case, kind=PauseKind.VALUATION, actor=officer, now=at(2025, 5, 1), reason="房产评估"
    )
    with pytest.raises(Conflict):
        time_limit_pause_start(case=case, kind=PauseKind.VALUATION, actor=officer, now=at(2025, 5, 2))
    time_limit_pause_end(pause=valuation, actor=officer, now=at(2025, 5, 31))  # 30 days
    # The earliest excluded period's first day, kept on the case for the statistics: the suspension's.
    case.refresh_from_db()
    assert case.time_limit_first_pause_on == date(2025, 4, 1)
    assert case.time_limit_first_pause_on == min(case.time_limit_pauses.values_list("started_on", flat=True))
    ec.refresh_from_db()
    expected = period_end(
        period_end_months(date(2025, 3, 3), 6) - (period_end_months(date(2025, 3, 3), 6) - date(2025, 9, 3)),
        50,
    )
    assert ec.time_limit_due_on == expected == date(2025, 10, 23)
    assert _open(case, "time_limit").due_on == date(2025, 10, 23)

    ext = time_limit_extension_request(
        case=case, actor=officer, now=at(2025, 10, 1), reason="拍卖程序尚未结束"
    )
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(PermissionDenied):
        time_limit_extension_decide(extension=ext, actor=officer, now=at(2025, 10, 2), approve=True)
    ec.refresh_from_db()
    assert ec.extension_months == 0 and CaseEvent.objects.filter(case=case).count() == events
    time_limit_extension_decide(extension=ext, actor=president, now=at(2025, 10, 2), approve=True)
    ec.refresh_from_db()
    assert ec.extension_months == 3
    # 9 months from 3 March is 3 December (Wednesday), plus the 50 excluded days.
    assert ec.time_limit_due_on == period_end(date(2025, 12, 3), 50) == date(2026, 1, 22)
    case.refresh_from_db()
    assert case.time_limit_ends_on == date(2025, 12, 3)  # 6 + 3 months, before the excluded days
    assert CaseEvent.objects.filter(case=case, kind="enforcement.extension_approved").exists()


def test_excluded_days_count_overlaps_once():
    pauses = [
        (date(2025, 1, 1), date(2025, 1, 11)),
        (date(2025, 1, 5), date(2025, 1, 21)),
        (date(2025, 2, 1), None),
    ]
    assert rules.excluded_days(pauses, as_of=date(2025, 2, 4)) == 20 + 3


def test_emergency_action_only_on_urgent_clue(file_case, officer):
    case = file_case(at(2025, 3, 3))
    plain = clue_submit(case=case, kind="asset", description="有一辆车", actor=officer, now=at(2025, 3, 4))
    with pytest.raises(InvalidTransition):
        emergency_action_open(
            clue=plain, actor=officer, now=at(2025, 3, 4), team="甲", planned_at=at(2025, 3, 4, 20)
        )
    urgent = clue_submit(
        case=case,
        kind="asset",
        description="租赁的挖掘机正在被转移",
        location="岳麓区坪塘工地",
        urgent=True,
        actor=officer,
        now=at(2025, 3, 4),
    )
    # 3 days from Tuesday 4 March 2025: Friday 7 March.
    assert urgent.verify_due_on == date(2025, 3, 7)
    action = emergency_action_open(
        clue=urgent,
        actor=officer,
        now=at(2025, 3, 4),
        team="执行员两名、法警两名",
        planned_at=at(2025, 3, 4, 20),
    )
    emergency_action_close(
        action=action, actor=officer, now=at(2025, 3, 5), outcome="查扣挖掘机一台，已移交保管"
    )
    action.refresh_from_db()
    assert action.outcome.startswith("查扣")
    assert CaseEvent.objects.filter(case=case, kind="enforcement.emergency_closed").exists()


def test_commission_to_another_court_tracks_deadlines(file_case, officer, wuling, yuelu):
    case = file_case(at(2025, 9, 26))
    req = assistance_request_send(
        case=case,
        kind="commission",
        to_court=wuling,
        matter="查封被执行人在武陵区的房产",
        actor=officer,
        now=at(2025, 9, 26),
    )
    # 15 days: 11 October 2025 is a make-up working day (Saturday), so no roll.
    assert req.start_due_on == date(2025, 10, 11) == period_end(date(2025, 9, 26), 15)
    assert req.complete_due_on == period_end(date(2025, 9, 26), 30)
    with pytest.raises(InvalidFiling):
        assistance_request_send(
            case=case, kind="assistance", to_court=yuelu, matter="x", actor=officer, now=at(2025, 9, 26)
        )


def test_closing_methods_need_their_conditions(file_case, officer):
    case = file_case(at(2025, 3, 3))
    with pytest.raises(InvalidFiling):
        enforcement_close(case=case, method=ClosingMethod.TERMINATED, actor=officer, now=at(2025, 3, 4))
    with pytest.raises(InvalidFiling):
        enforcement_close(case=case, method=ClosingMethod.REJECTED, actor=officer, now=at(2025, 3, 4))
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED
    enforcement_close(
        case=case, method=ClosingMethod.TERMINATED, ground="withdrawn", actor=officer, now=at(2025, 3, 4)
    )
    case.refresh_from_db()
    assert case.closing_method == ClosingMethod.TERMINATED  # the code (issue K item 2), not its label
    assert case.enforcement.closing_reason.startswith("申请人撤销申请")
    assert not Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).exists()
    # Closed is final except through the table (no clue on a case not closed by 终本).
    with pytest.raises(InvalidTransition):
        clue_submit(case=case, kind="asset", description="x", actor=officer, now=at(2025, 3, 5))


def test_sweep_adds_time_limit_warning_once(file_case):
    case = file_case(at(2025, 3, 3))
    assert enforcement_sweep(now=at(2025, 8, 10))["time_limit_warnings"] == 1
    assert enforcement_sweep(now=at(2025, 8, 11))["time_limit_warnings"] == 0
    assert _open(case, "time_limit_warning").due_on == date(2025, 9, 3)


def test_pauses_are_closed_when_the_case_closes(file_case, officer):
    case = file_case(at(2025, 3, 3))
    enforcement_suspend(case=case, actor=officer, now=at(2025, 3, 10), reason="被执行人死亡，待确定继承人")
    enforcement_close(
        case=case, method=ClosingMethod.TERMINATED, ground="debtor_died", actor=officer, now=at(2025, 4, 1)
    )
    assert not TimeLimitPause.objects.filter(case=case, ended_on__isnull=True).exists()


@pytest.mark.slow
def test_demo_seed_enforcement_is_idempotent(courts):
    # The demo staff of lastmile.web.demo (created here directly: tests may not import web).
    enforcement_demo_staff(courts)
    now = datetime(2026, 11, 25, 10, 0, tzinfo=at(2026, 1, 1).tzinfo)
    assert demo_seed_enforcement(now=now) is True
    count = EnforcementCase.objects.count()
    assert demo_seed_enforcement(now=now) is False
    assert EnforcementCase.objects.count() == count >= 10
    statuses = set(EnforcementCase.objects.values_list("case__status", flat=True))
    assert {
        CaseStatus.RECEIVED,
        CaseStatus.FILED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.SETTLEMENT,
        CaseStatus.CLOSED,
    } <= statuses
    assert EnforcementCase.objects.filter(case__court__code="湘0702").count() == 2
    from lastmile.accounts.models import User

    zhifa = User.objects.get(username="yl_zhifa")
    listed = enforcement_case_list(actor=zhifa, today=now.date())
    assert listed.count() == EnforcementCase.objects.filter(case__court__code="湘0104").count()
