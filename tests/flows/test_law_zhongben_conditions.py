"""终本 only when its conditions truly hold (终本规定 2016 art. 1; 民诉解释 2022 art. 517).

Each condition is read from the rows of the app that owns the fact: the notices issued and served
(documents, service), the 限制消费令 in force and the 失信 decision (measures), 网络查控 answered by
every institution within the last 3 months with nothing left frozen or seized (inquiry), the
debtor searched for and obstruction punished where the facts call for it, the applicant
interviewed, and the applicant's signed agreement or a 合议庭 review approved by the 院长. A step
typed by hand satisfies nothing. Each missing condition refuses 终本 and changes nothing; the
lawful path closes the case, issues and serves the 终本裁定 (art. 6), starts the 5-year re-query
schedule (art. 9) and publishes the 终本 information (art. 10). docs/law.md "Closing and 终本"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from lastmile.cases.models import Case, CaseEvent, CaseStatus, Deadline
from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.documents.models import Document
from lastmile.enforcement.models import (
    ClosingMethod,
    ProcedureStep,
    PropertyRequery,
    StepKind,
    ZhongbenAssent,
    ZhongbenPublication,
)
from lastmile.enforcement.selectors import zhongben_conditions
from lastmile.enforcement.services import (
    InvalidFiling,
    clue_submit,
    clue_verify,
    enforcement_close,
    procedure_step_record,
    zhongben_opinion_record,
    zhongben_review_approve,
    zhongben_review_record,
)
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.service.selectors import document_service_state
from lastmile.testing.enforcement import (
    applicant_assent,
    at,
    e_service_consent,
    inquiry_answered_empty,
    notices_served,
    restrictions_in_force,
    zhongben_ready,
)

pytestmark = pytest.mark.django_db

FILED = at(2025, 3, 3)  # 3 months end on 3 June 2025
WORK = at(2025, 4, 1)
CLOSE = at(2025, 6, 10)


def _snapshot(case: Case) -> dict[str, Any]:
    case.refresh_from_db()
    return {
        "status": case.status,
        "closed_at": case.closed_at,
        "events": CaseEvent.objects.filter(case=case).count(),
        "steps": ProcedureStep.objects.filter(case=case).count(),
        "requeries": PropertyRequery.objects.filter(case=case).count(),
        "documents": Document.objects.filter(case=case).count(),
        "service": ServiceOrder.objects.filter(case=case).count(),
        "publications": ZhongbenPublication.objects.filter(case=case).count(),
        "deadlines": list(Deadline.objects.filter(case=case).values("id", "done_at", "cancelled_at")),
    }


def _refused(case: Case, officer, key: str, now: datetime = CLOSE) -> None:
    before = _snapshot(case)
    with pytest.raises(ConditionsNotMet) as refused:
        enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=now)
    assert refused.value.unmet == [key]
    assert "不符合终结本次执行程序的条件" in refused.value.message
    assert _snapshot(case) == before
    assert case.status == CaseStatus.IN_PROGRESS


def _no_notice_service(case, officer, president, debtor) -> None:
    # The notices are issued but the debtor never agreed to electronic service: not served.
    for kind in (StepKind.EXECUTION_NOTICE, StepKind.PROPERTY_REPORT_ORDER):
        procedure_step_record(case=case, kind=kind, actor=officer, now=WORK)
    restrictions_in_force(case, officer=officer, president=president, now=WORK)
    inquiry_answered_empty(case, officer=officer, now=WORK)
    applicant_assent(case, officer=officer, now=WORK)


def _no_restriction(case, officer, president, debtor) -> None:
    notices_served(case, officer=officer, now=WORK)
    inquiry_answered_empty(case, officer=officer, now=WORK)
    applicant_assent(case, officer=officer, now=WORK)
    # Typing the measures as steps is refused; an old row of a retired kind is history only.
    for kind in (
        StepKind.CONSUMPTION_RESTRICTION,
        StepKind.DISHONEST_LISTED,
        StepKind.DISHONEST_NOT_APPLICABLE,
    ):
        with pytest.raises(InvalidFiling):
            procedure_step_record(case=case, kind=kind, actor=officer, now=WORK, note="已限消")
    ProcedureStep.objects.create(
        case=case, kind=StepKind.CONSUMPTION_RESTRICTION, done_on=WORK.date(), recorded_at=WORK
    )
    ProcedureStep.objects.create(
        case=case, kind=StepKind.DISHONEST_LISTED, done_on=WORK.date(), recorded_at=WORK
    )


def _stale_inquiry(case, officer, president, debtor) -> None:
    notices_served(case, officer=officer, now=at(2025, 3, 5))
    inquiry_answered_empty(case, officer=officer, now=at(2025, 3, 5))  # more than 3 months before closing
    restrictions_in_force(case, officer=officer, president=president, now=WORK)
    applicant_assent(case, officer=officer, now=WORK)
    with pytest.raises(InvalidFiling):
        procedure_step_record(
            case=case, kind=StepKind.ONLINE_INQUIRY, result="nothing_found", actor=officer, now=WORK
        )
    ProcedureStep.objects.create(
        case=case, kind=StepKind.ONLINE_INQUIRY, result="nothing_found", done_on=WORK.date(), recorded_at=WORK
    )


def _missing_debtor_not_searched(case, officer, president, debtor) -> None:
    zhongben_ready(case, officer=officer, president=president, now=WORK)
    clue = clue_submit(
        case=case,
        kind="whereabouts",
        description="被执行人常在岳麓区某小区出入",
        submitted_by="申请执行人",
        now=WORK,
    )
    clue_verify(clue=clue, actor=officer, now=WORK, valid=True, note="走访属实，被执行人下落不明")


def _not_interviewed(case, officer, president, debtor) -> None:
    notices_served(case, officer=officer, now=WORK)
    restrictions_in_force(case, officer=officer, president=president, now=WORK)
    inquiry_answered_empty(case, officer=officer, now=WORK)
    zhongben_opinion_record(
        case=case, actor=officer, now=WORK, signed_by="申请执行人", content="同意终本", agrees=True
    )


def _no_assent(case, officer, president, debtor) -> None:
    notices_served(case, officer=officer, now=WORK)
    restrictions_in_force(case, officer=officer, president=president, now=WORK)
    inquiry_answered_empty(case, officer=officer, now=WORK)
    procedure_step_record(case=case, kind=StepKind.APPLICANT_INTERVIEW, actor=officer, now=WORK)
    zhongben_opinion_record(
        case=case,
        actor=officer,
        now=WORK,
        signed_by="申请执行人",
        content="不同意终本，要求继续执行",
        agrees=False,
    )
    zhongben_review_record(
        case=case, actor=officer, now=WORK, panel="郑法、赵远、周明", content="经审查核实符合终本条件"
    )


SCENARIOS: dict[str, Callable[..., None]] = {
    "notice_and_report": _no_notice_service,
    "restriction_and_dishonest": _no_restriction,
    "property_investigation": _stale_inquiry,
    "search_and_obstruction": _missing_debtor_not_searched,
    "applicant_interviewed": _not_interviewed,
    "applicant_assent": _no_assent,
}


@pytest.mark.parametrize("key", list(SCENARIOS))
def test_zhongben_rule_2016_art_1_each_missing_condition_refuses_and_changes_nothing(
    key, file_case, officer, president, debtor
):
    case = file_case(FILED)
    SCENARIOS[key](case, officer, president, debtor)
    conditions = {c.key: c for c in zhongben_conditions(case=case, as_of=CLOSE.date())}
    assert [k for k, c in conditions.items() if not c.met] == [key]
    assert conditions[key].detail  # the case page says what is missing
    _refused(case, officer, key)


def test_zhongben_rule_2016_art_1_4_more_than_three_months_since_filing(file_case, officer, president):
    case = file_case(FILED)
    zhongben_ready(case, officer=officer, president=president, now=WORK)
    _refused(case, officer, "three_months", now=at(2025, 6, 3))


def test_a_live_freeze_or_a_pending_clue_is_not_an_exhausted_investigation(file_case, officer, president):
    case = file_case(FILED)
    zhongben_ready(case, officer=officer, president=president, now=WORK)
    clue_submit(
        case=case, kind="asset", description="被执行人名下有一辆货车", submitted_by="申请执行人", now=WORK
    )
    _refused(case, officer, "property_investigation")


def test_interpretation_2022_art_517_collegial_review_counts_once_the_president_approves(
    file_case, officer, president
):
    case = file_case(FILED)
    _no_assent(case, officer, president, None)
    review = ZhongbenAssent.objects.get(case=case, kind="collegial_review")
    with pytest.raises(PermissionDenied):  # an enforcement judge is not the 院长
        zhongben_review_approve(review=review, actor=officer, now=WORK)
    _refused(case, officer, "applicant_assent")
    zhongben_review_approve(review=review, actor=president, now=at(2025, 6, 9))
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=CLOSE)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_zhongben_lawful_path_closes_issues_and_serves_the_ruling_requeries_and_publishes(
    file_case, officer, president, bank, debtor
):
    case = file_case(FILED)
    e_service_consent(bank, FILED)
    zhongben_ready(case, officer=officer, president=president, now=WORK)
    assert all(c.met for c in zhongben_conditions(case=case, as_of=CLOSE.date()))

    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=CLOSE)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.enforcement.closing_method == ClosingMethod.NO_PROPERTY
    # The 终本裁定 (终本规定 2016 art. 6), issued and served on every party.
    ruling = Document.objects.get(case=case, template_version__template__code="ruling_terminate_current")
    assert ruling.title == "执行裁定书" and ruling.number
    state = document_service_state(ruling)
    assert state.complete and set(state.served_on) == {bank.pk, debtor.pk}
    assert ServiceOrder.objects.filter(document=ruling, status=OrderStatus.SERVED).count() == 2
    # Re-query every 6 months for 5 years (art. 9), the first due on 10 December 2025.
    requeries = list(PropertyRequery.objects.filter(case=case).order_by("seq"))
    assert len(requeries) == 10 and requeries[0].due_on == date(2025, 12, 10)
    # The 终本 information published (art. 10), the ID masked.
    (published,) = ZhongbenPublication.objects.filter(case=case)
    assert published.name == debtor.name and published.case_number == case.number
    assert published.closed_on == CLOSE.date() and published.withdrawn_on is None
    assert published.masked_id and published.masked_id != debtor.id_number
    assert published.unpaid > 0 and published.target == case.enforcement.principal
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {
        "enforcement.closed",
        "enforcement.requery_scheduled",
        "enforcement.zhongben_ruling_issued",
        "enforcement.zhongben_published",
    } <= kinds
