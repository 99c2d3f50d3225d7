"""Trial and the mediation inside a suit (诉中调解): no judgment while the case is being mediated or
its 民事调解书 awaits the parties' receipt (CPL 2023 arts. 100, 102); once the 调解书 takes effect
the suit is closed by mediation (调解结案) and never judged. The loan judgment names the guarantors
the bank's spreadsheet gives as 连带责任保证人 (民法典 arts. 688, 700)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.cases.models import CaseEvent, CaseStatus
from lastmile.core.errors import ConditionsNotMet
from lastmile.documents.models import Document
from lastmile.documents.services import document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.mediation import services as mediation
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.trial import services
from lastmile.trial.models import Judgment, JudgmentBatch, Lawsuit, LawsuitStatus
from lastmile.trial.tasks import court_cases_sweep

from .conftest import at


def _heard(lawsuit, judge):
    batch = services.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=judge, starts_at=at(3, 10, 9), actor=judge, now=at(3, 5)
    )
    services.hearing_record(hearing=batch.hearings.get(), note="", actor=judge, now=at(3, 10, 9))
    lawsuit.refresh_from_db()
    assert lawsuit.status == LawsuitStatus.HEARD


def _mediate(lawsuit, mediator, judge):
    m = mediation.mediation_in_suit_open(
        case=lawsuit.case, mediator=mediator, procedure=lawsuit.procedure, actor=judge, now=at(3, 10, 10)
    )
    mediation.mediation_agreement_record(
        mediation=m,
        terms=["原告同意免除被告全部罚息；"],
        installments=[mediation.InstallmentIn(date(2025, 4 + n, 15), Decimal("1000.00")) for n in range(2)],
        actor=mediator,
        now=at(3, 10, 11),
    )
    return m


def _state():
    return (
        Judgment.objects.count(),
        JudgmentBatch.objects.count(),
        Document.objects.count(),
        CaseEvent.objects.count(),
        list(Lawsuit.objects.values_list("status", flat=True)),
    )


@pytest.mark.django_db
def test_no_judgment_while_the_suit_is_mediated_and_none_after_its_statement_takes_effect(
    failed_lawsuits, cc_judge, cc_mediator
):
    (lawsuit,) = failed_lawsuits([3])
    _heard(lawsuit, cc_judge)
    m = _mediate(lawsuit, cc_mediator, cc_judge)
    before = _state()
    with pytest.raises(ConditionsNotMet, match="第102条") as refused:
        services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 12))
    assert refused.value.details["basis"][1]["article"] == "102"
    with pytest.raises(ConditionsNotMet, match="诉中调解"):
        services.judgments_batch_create(lawsuits=[lawsuit], actor=cc_judge, now=at(3, 10, 12))
    assert _state() == before  # a refusal changes nothing

    # the 调解书 is issued, but no party has signed for it yet: still no judgment
    m = mediation.mediation_conclude(mediation=m, kind="statement", actor=cc_judge, now=at(3, 11))
    with pytest.raises(ConditionsNotMet, match="签收"):
        services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 11, 12))

    # every party signs for it: the suit ends by mediation, and trial's row says so
    mediation.mediation_result_serve(
        mediation=m, actor=cc_judge, now=at(3, 12), port=SimulatedServiceAdapter()
    )
    lawsuit.case.refresh_from_db()
    assert lawsuit.case.status == CaseStatus.CLOSED and lawsuit.case.closing_method == "调解"
    assert lawsuit not in services_heard(cc_judge)  # off the judge's list at once
    assert court_cases_sweep()["lawsuits_mediated"] == 1
    lawsuit.refresh_from_db()
    assert lawsuit.status == LawsuitStatus.MEDIATED
    assert court_cases_sweep()["lawsuits_mediated"] == 0  # idempotent
    with pytest.raises(ConditionsNotMet, match="调解结案"):
        services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 13))
    assert not Judgment.objects.exists()


def services_heard(judge):
    from lastmile.trial.selectors import heard_lawsuits

    return list(heard_lawsuits(judge))


@pytest.mark.django_db
def test_a_judgment_is_refused_once_the_statement_took_effect_and_the_sweep_marks_the_suit_mediated(
    failed_lawsuits, cc_judge, cc_mediator
):
    (lawsuit,) = failed_lawsuits([3])
    _heard(lawsuit, cc_judge)
    m = _mediate(lawsuit, cc_mediator, cc_judge)
    m = mediation.mediation_conclude(mediation=m, kind="statement", actor=cc_judge, now=at(3, 11))
    mediation.mediation_result_serve(
        mediation=m, actor=cc_judge, now=at(3, 12), port=SimulatedServiceAdapter()
    )
    with pytest.raises(ConditionsNotMet, match="第100条"):
        services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 13))
    lawsuit.refresh_from_db()
    assert lawsuit.status == LawsuitStatus.HEARD  # the refusal changed nothing
    assert services.lawsuits_mediation_settle(now=at(3, 13)) == 1
    lawsuit.refresh_from_db()
    assert lawsuit.status == LawsuitStatus.MEDIATED  # read from mediation, not re-typed by a clerk
    assert not Judgment.objects.exists()


@pytest.mark.django_db
def test_a_failed_in_suit_mediation_lets_the_court_judge(failed_lawsuits, cc_judge, cc_mediator):
    (lawsuit,) = failed_lawsuits([3])
    _heard(lawsuit, cc_judge)
    m = _mediate(lawsuit, cc_mediator, cc_judge)
    mediation.mediation_fail(mediation=m, reason="被告不同意分期方案", actor=cc_mediator, now=at(3, 10, 12))
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 13))
    assert judgment.lawsuit.case.number == lawsuit.case.number


@pytest.mark.django_db
def test_the_loan_judgment_names_the_spreadsheets_guarantor_as_jointly_liable(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([10])  # bank + borrower + one guarantor
    _heard(lawsuit, cc_judge)
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 11))
    guarantors = judgment.document.context["guarantors"]
    assert len(guarantors) == 1 and guarantors[0]["capacity"] == "连带责任保证人"
    name = guarantors[0]["name"]
    borrower = next(p["name"] for p in judgment.document.context["defendants"] if not p["guarantor"])
    text = "".join(pdf_text(document_pdf(judgment.document)).split())
    assert f"被告（连带责任保证人）：{name}" in text
    assert f"一、被告{borrower}于本判决生效之日起十日内" in text
    assert f"三、被告{name}对上述第一、二项债务承担连带清偿责任" in text
    assert f"被告{name}为上述借款提供连带责任保证" in text
