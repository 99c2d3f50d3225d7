"""Batch trial: procedure and fee, hearing notice, batch judgments, appeal and small claims,
and refusals that change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.cases.models import Case, CaseEvent
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.documents.models import Document
from lastmile.ledger.fees import acceptance_fee
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.trial import services
from lastmile.trial.models import Hearing, Judgment, LawsuitStatus, Procedure

from .conftest import at


def _snapshot():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Hearing.objects.count(),
        Document.objects.count(),
    )


def _heard(lawsuits, judge):
    batch = services.hearings_schedule_batch(
        lawsuits=lawsuits, judge=judge, starts_at=at(3, 10, 9), actor=judge, now=at(3, 5)
    )
    for h in batch.hearings.all():
        services.hearing_record(hearing=h, note="", actor=judge, now=h.scheduled_at)
    return batch


@pytest.mark.django_db
def test_small_claims_take_effect_on_service_and_cannot_be_appealed(failed_lawsuits, cc_judge, settings):
    # row 3: loan 33,757 → claim about 21,600: under the (UNVERIFIED) small-claims limit
    (lawsuit,) = failed_lawsuits([3])
    assert lawsuit.procedure == Procedure.SMALL_CLAIMS
    assert lawsuit.fee == acceptance_fee(lawsuit.claimed, halved=True) and lawsuit.fee_halved
    _heard([lawsuit], cc_judge)
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 11))
    judgment = services.judgment_serve(
        judgment=judgment, actor=cc_judge, now=at(3, 11), port=SimulatedServiceAdapter()
    )
    # row 3 has no guarantor: bank and borrower both consented, served on arrival
    assert judgment.effective_on == date(2025, 3, 11)
    assert judgment.performance_deadline == date(2025, 3, 21)
    with pytest.raises(ConditionsNotMet, match="一审终审"):
        services.judgment_appeal_record(judgment=judgment, actor=cc_judge, now=at(3, 12))


@pytest.mark.django_db
def test_hearing_needs_three_days_notice_and_judgment_needs_a_hearing(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([10])
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="3日之后"):
        services.hearings_schedule_batch(
            lawsuits=[lawsuit], judge=cc_judge, starts_at=at(3, 7, 9), actor=cc_judge, now=at(3, 5)
        )
    with pytest.raises(InvalidTransition):
        services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 5))
    assert _snapshot() == before
    lawsuit.refresh_from_db()
    assert lawsuit.status == LawsuitStatus.FILED


@pytest.mark.django_db
def test_batch_judgments_report_progress_and_a_rerun_issues_nothing_twice(failed_lawsuits, cc_judge):
    lawsuits = failed_lawsuits([10, 13, 16])
    _heard(lawsuits, cc_judge)
    batch = services.judgments_batch_create(lawsuits=lawsuits, actor=cc_judge, now=at(3, 10, 12))
    seen = []
    assert (
        services.judgment_batch_run(
            batch=batch, now=lambda: at(3, 10, 12), progress=lambda d, t: seen.append((d, t))
        )
        == 3
    )
    assert seen[-1] == (3, 3) and batch.status == "done"
    assert services.judgment_batch_run(batch=batch, now=lambda: at(3, 10, 13)) == 0
    assert Judgment.objects.count() == 3
    numbers = sorted(Judgment.objects.values_list("document__number", flat=True))
    assert numbers == sorted(s.case.number for s in lawsuits)
    doc = Judgment.objects.get(lawsuit=lawsuits[0]).document
    assert doc.context["officer"]["name"] == cc_judge.name
    assert doc.context["principal"] == str(lawsuits[0].loan_claim.principal)


@pytest.mark.django_db
def test_an_appeal_keeps_the_judgment_from_taking_effect(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([12])  # no guarantor, simplified procedure
    assert lawsuit.procedure == Procedure.SIMPLIFIED and lawsuit.claimed > Decimal("50000")
    _heard([lawsuit], cc_judge)
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 11))
    judgment = services.judgment_serve(
        judgment=judgment, actor=cc_judge, now=at(3, 11), port=SimulatedServiceAdapter()
    )
    assert judgment.effective_on is None
    services.judgment_appeal_record(judgment=judgment, actor=cc_judge, now=at(3, 20))
    assert services.trial_sweep(now=at(5, 1)) == 0
    judgment.refresh_from_db()
    assert judgment.effective_on is None
    with pytest.raises(ConditionsNotMet, match="尚未生效"):
        services.judgment_enforcement_file(judgment=judgment, actor=None, now=at(5, 1))
