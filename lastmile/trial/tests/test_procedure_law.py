"""The trial procedure as the law requires it: order in time (summons, hearing, record, judgment),
the procedure the law chooses (small claims by the province's published wage, the parties'
agreement, the art. 166 exclusions, conversion before judgment with the fee difference), and
appeals within the period counted from service. Each refusal changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from lastmile.cases.models import CaseEvent, Deadline
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.documents.models import Document
from lastmile.ledger.fees import acceptance_fee
from lastmile.service.adapters import SimulatedServiceAdapter
from lastmile.service.models import ServiceOrder
from lastmile.trial import services
from lastmile.trial.models import Appeal, HearingSummons, Judgment, Lawsuit, Procedure
from lastmile.trial.wages import small_claims_limit

from .conftest import at


def _state(lawsuit):
    lawsuit.refresh_from_db()
    return (
        lawsuit.procedure,
        lawsuit.fee,
        lawsuit.fee_halved,
        lawsuit.status,
        CaseEvent.objects.count(),
        Document.objects.count(),
        ServiceOrder.objects.count(),
        Judgment.objects.count(),
        Appeal.objects.count(),
    )


def _schedule(lawsuit, judge, *, starts=None, now=None):
    batch = services.hearings_schedule_batch(
        lawsuits=[lawsuit], judge=judge, starts_at=starts or at(3, 10, 9), actor=judge, now=now or at(3, 5)
    )
    return batch.hearings.get()


def _judged(lawsuit, judge):
    hearing = _schedule(lawsuit, judge)
    services.hearing_record(hearing=hearing, note="", actor=judge, now=at(3, 10, 9))
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=judge, now=at(3, 10, 11))
    return services.judgment_serve(
        judgment=judgment, actor=judge, now=at(3, 11), port=SimulatedServiceAdapter()
    )


# --- order in time ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_party_gets_a_summons_with_the_link_served_through_the_service_app(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([10])  # bank + borrower + one guarantor
    hearing = _schedule(lawsuit, cc_judge)
    summonses = list(HearingSummons.objects.filter(hearing=hearing).select_related("document", "party"))
    parties = set(lawsuit.case.case_parties.values_list("party_id", flat=True))
    assert {s.party_id for s in summonses} == parties and len(parties) == 3
    for s in summonses:
        assert s.document.template.code == "summons"
        assert s.document.context["link"] == hearing.link
        assert ServiceOrder.objects.filter(document=s.document, recipient=s.party).count() == 1


@pytest.mark.django_db
def test_a_large_batchs_summonses_are_issued_by_the_worker_once(failed_lawsuits, cc_judge):
    lawsuits = failed_lawsuits([3, 12])
    batch = services.hearings_schedule_batch(
        lawsuits=lawsuits, judge=cc_judge, starts_at=at(3, 10, 9), actor=cc_judge, now=at(3, 5), summon=False
    )
    assert not HearingSummons.objects.exists()
    assert services.hearing_batch_summon(batch=batch, now=lambda: at(3, 5, 11)) == 4  # two parties each
    assert services.hearing_batch_summon(batch=batch, now=lambda: at(3, 5, 12)) == 0
    assert ServiceOrder.objects.filter(document__template__code="summons").count() == 4


@pytest.mark.django_db
def test_a_hearing_result_cannot_be_recorded_before_its_time(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([10])
    hearing = _schedule(lawsuit, cc_judge)
    before = _state(lawsuit)
    with pytest.raises(ConditionsNotMet, match="第150条"):
        services.hearing_record(hearing=hearing, note="", actor=cc_judge, now=at(3, 10, 8))
    hearing.refresh_from_db()
    assert hearing.held_at is None and _state(lawsuit) == before


@pytest.mark.django_db
def test_the_hearing_record_is_a_document_listing_each_partys_summons(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([12])
    hearing = _schedule(lawsuit, cc_judge)
    hearing = services.hearing_record(hearing=hearing, note="", actor=cc_judge, now=at(3, 10, 9))
    record = hearing.record_document
    assert record is not None and record.template.code == "hearing_record"
    names = {row["name"] for row in record.context["attendance"]}
    assert names == set(lawsuit.case.case_parties.values_list("party__name", flat=True))


@pytest.mark.django_db
def test_a_judgment_cannot_precede_the_hearing_it_rests_on(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([12])
    hearing = _schedule(lawsuit, cc_judge)
    services.hearing_record(hearing=hearing, note="", actor=cc_judge, now=at(3, 10, 10))
    before = _state(lawsuit)
    with pytest.raises(ConditionsNotMet, match="庭审"):
        services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 9))
    assert _state(lawsuit) == before


# --- procedure chosen by law --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_small_claims_limit_is_half_the_hunan_published_wage_of_the_prior_year():
    limits = small_claims_limit(court_code="湘0104", on=date(2025, 3, 5))
    assert (limits.wage_year, limits.limit, limits.agreed_limit) == (
        2022,
        Decimal("45707.00"),
        Decimal("182826.00"),
    )
    at_limit = services.procedure_for("45707.00", court_code="湘0104", on=date(2025, 3, 5))
    above = services.procedure_for("45707.01", court_code="湘0104", on=date(2025, 3, 5))
    agreed = services.procedure_for("182826.00", court_code="湘0104", on=date(2025, 3, 5), agreed=True)
    assert (at_limit, above, agreed) == (Procedure.SMALL_CLAIMS, Procedure.SIMPLIFIED, Procedure.SMALL_CLAIMS)
    # before the 2023 notice the 2021 figure applied (85,438 → 42,719)
    assert small_claims_limit(court_code="湘0104", on=date(2023, 1, 10)).limit == Decimal("42719.00")
    excluded = services.procedure_for("100", court_code="湘0104", on=date(2025, 3, 5), exclusions=["foreign"])
    unknown = services.procedure_for(
        "100", court_code="湘0104", on=date(2025, 3, 5), exclusions=["whereabouts_unknown"]
    )
    assert (excluded, unknown) == (Procedure.SIMPLIFIED, Procedure.ORDINARY)


@pytest.mark.django_db
def test_a_years_figure_is_a_setting(failed_lawsuits, settings):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "TRIAL": {"AVERAGE_WAGES": {"湘": {2024: {"wage": "20000", "applies_from": "2025-01-01"}}}},
    }
    (lawsuit,) = failed_lawsuits([3])  # about 21,340: small claims under the 2022 figure
    assert lawsuit.procedure == Procedure.SIMPLIFIED
    assert (
        lawsuit.small_claims_limit == Decimal("10000.00") and lawsuit.small_claims_basis["wage_year"] == 2024
    )


@pytest.mark.django_db
def test_row_8_is_above_the_hunan_limit_and_is_tried_in_simplified_procedure(failed_lawsuits):
    (lawsuit,) = failed_lawsuits([8])  # 46,374.23: above 45,707
    assert lawsuit.claimed > Decimal("45707") and lawsuit.procedure == Procedure.SIMPLIFIED
    assert lawsuit.fee == acceptance_fee(lawsuit.claimed, halved=True)


@pytest.mark.django_db
def test_the_parties_agreement_raises_the_limit_to_twice_the_wage(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([12])  # 66,400: above 45,707, under 182,826
    assert lawsuit.procedure == Procedure.SIMPLIFIED
    lawsuit = services.lawsuit_small_claims_agree(
        lawsuit=lawsuit, actor=cc_judge, now=at(3, 6), note="庭前约定"
    )
    assert lawsuit.procedure == Procedure.SMALL_CLAIMS and lawsuit.small_claims_agreed_at == at(3, 6)
    assert lawsuit.fee_halved
    assert Deadline.objects.get(case=lawsuit.case, kind="trial_time_limit", cancelled_at=None).due_on == date(
        2025, 5, 6
    )  # two months from filing (3-5); 5-5 is a holiday


@pytest.mark.django_db
def test_no_agreement_above_twice_the_wage(failed_lawsuits, cc_judge, settings):
    settings.LASTMILE = {
        **settings.LASTMILE,
        "TRIAL": {"AVERAGE_WAGES": {"湘": {2024: {"wage": "30000", "applies_from": "2025-01-01"}}}},
    }
    (lawsuit,) = failed_lawsuits([12])  # 66,400 > 2 × 30,000
    before = _state(lawsuit)
    with pytest.raises(ConditionsNotMet, match="二倍"):
        services.lawsuit_small_claims_agree(lawsuit=lawsuit, actor=cc_judge, now=at(3, 6))
    assert _state(lawsuit) == before


@pytest.mark.django_db
def test_an_art_166_exclusion_moves_small_claims_to_simplified_with_a_notice(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([3])
    fee = lawsuit.fee
    lawsuit = services.lawsuit_procedure_convert(
        lawsuit=lawsuit,
        to=Procedure.SIMPLIFIED,
        reason="",
        exclusions=["appraisal"],
        actor=cc_judge,
        now=at(3, 6),
    )
    assert lawsuit.procedure == Procedure.SIMPLIFIED and lawsuit.exclusions == ["appraisal"]
    assert lawsuit.fee == fee and lawsuit.fee_halved and lawsuit.fee_difference == 0
    notice = Document.objects.filter(case=lawsuit.case, template__code="procedure_change_notice").get()
    assert ServiceOrder.objects.filter(document=notice).count() == 2
    assert lawsuit.appealable


@pytest.mark.django_db
def test_whereabouts_unknown_forces_ordinary_procedure(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([3])
    before = _state(lawsuit)
    with pytest.raises(ConditionsNotMet, match="第140条"):
        services.lawsuit_procedure_convert(
            lawsuit=lawsuit,
            to=Procedure.SIMPLIFIED,
            reason="",
            exclusions=["whereabouts_unknown"],
            actor=cc_judge,
            now=at(3, 6),
        )
    assert _state(lawsuit) == before


@pytest.mark.django_db
def test_conversion_to_ordinary_charges_the_fee_difference_with_a_ruling_and_a_notice(
    failed_lawsuits, cc_judge
):
    (lawsuit,) = failed_lawsuits([12])
    halved = lawsuit.fee
    lawsuit = services.lawsuit_procedure_convert(
        lawsuit=lawsuit,
        to=Procedure.ORDINARY,
        reason="被告下落不明，需公告送达",
        actor=cc_judge,
        now=at(3, 6),
    )
    full = acceptance_fee(lawsuit.claimed)
    assert lawsuit.procedure == Procedure.ORDINARY and not lawsuit.fee_halved
    assert lawsuit.fee == full and lawsuit.fee_difference == full - halved > 0
    ruling = Document.objects.get(case=lawsuit.case, template__code="procedure_conversion_ruling")
    notice = Document.objects.get(case=lawsuit.case, template__code="fee_supplement_notice")
    assert Decimal(notice.context["difference"]) == lawsuit.fee_difference
    plaintiffs = set(lawsuit.case.case_parties.filter(role="plaintiff").values_list("party_id", flat=True))
    assert (
        set(ServiceOrder.objects.filter(document=notice).values_list("recipient_id", flat=True)) == plaintiffs
    )
    assert ServiceOrder.objects.filter(document=ruling).count() == 2
    limit = Deadline.objects.get(case=lawsuit.case, kind="trial_time_limit", cancelled_at=None)
    assert limit.starts_on == date(2025, 3, 5) and limit.due_on == date(2025, 9, 5)  # 6 months from filing
    # the standard judgment then states the ordinary procedure and the full fee
    hearing = _schedule(lawsuit, cc_judge)
    services.hearing_record(hearing=hearing, note="", actor=cc_judge, now=at(3, 10, 9))
    judgment = services.judgment_issue(lawsuit=lawsuit, actor=cc_judge, now=at(3, 10, 11))
    assert judgment.document.context["fee_halved"] is False and not judgment.document.context["final"]


@pytest.mark.django_db
def test_no_conversion_after_judgment_and_no_public_notice_in_simplified_procedure(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([10])  # the guarantor never consented: its e-service fails
    judgment = _judged(lawsuit, cc_judge)
    before = _state(lawsuit)
    with pytest.raises(InvalidTransition, match="判决"):
        services.lawsuit_procedure_convert(
            lawsuit=lawsuit, to=Procedure.ORDINARY, reason="案情复杂", actor=cc_judge, now=at(3, 12)
        )
    with pytest.raises(ConditionsNotMet, match="第140条"):
        services.judgment_service_fallback(judgment=judgment, actor=cc_judge, now=at(3, 12))
    assert _state(lawsuit) == before


# --- appeals ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_appeal_within_fifteen_days_of_service_serves_the_petition_copy(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([12])  # bank and borrower, both served on 3-11
    judgment = _judged(lawsuit, cc_judge)
    borrower = lawsuit.case.case_parties.get(role="defendant").party
    assert services.appeal_period_of(judgment, borrower) == date(2025, 3, 26)
    judgment = services.judgment_appeal_record(
        judgment=judgment, appellant=borrower, note="请求撤销原判", actor=cc_judge, now=at(3, 26, 17)
    )
    appeal = Appeal.objects.get(judgment=judgment)
    assert appeal.appellant == borrower and appeal.document.template.code == "appeal_copy_notice"
    bank = lawsuit.case.case_parties.get(role="plaintiff").party
    assert list(
        ServiceOrder.objects.filter(document=appeal.document).values_list("recipient", flat=True)
    ) == [bank.pk]
    assert services.trial_sweep(now=at(6, 1)) == 0
    judgment.refresh_from_db()
    assert judgment.effective_on is None


@pytest.mark.django_db
def test_no_appeal_after_the_partys_period_and_none_in_small_claims(failed_lawsuits, cc_judge):
    (late, small) = failed_lawsuits([12, 3])
    judgment = _judged(late, cc_judge)
    before = _state(late)
    with pytest.raises(ConditionsNotMet, match="2025-03-26"):
        services.judgment_appeal_record(judgment=judgment, actor=cc_judge, now=at(3, 27))
    assert _state(late) == before
    final = _judged(small, cc_judge)
    assert final.document.context["final"] is True
    with pytest.raises(ConditionsNotMet, match="第165条"):
        services.judgment_appeal_record(judgment=final, actor=cc_judge, now=at(3, 12))


@pytest.mark.django_db
def test_a_judgment_takes_effect_only_after_the_period_counted_from_service(failed_lawsuits, cc_judge):
    (lawsuit,) = failed_lawsuits([12])
    judgment = _judged(lawsuit, cc_judge)  # served 3-11: last day 3-26
    assert services.trial_sweep(now=at(3, 26, 23)) == 0
    assert services.trial_sweep(now=at(3, 27)) == 1
    judgment.refresh_from_db()
    assert judgment.effective_on == date(2025, 3, 27)


# --- pages and API ------------------------------------------------------------------------------


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_lawsuit_page_shows_procedure_fee_hearings_and_only_allowed_buttons(failed_lawsuits, cc_judge, clock):
    (lawsuit,) = failed_lawsuits([12])
    web = _client(cc_judge)
    page = web.get(f"/trial/lawsuits/{lawsuit.pk}/").content.decode()
    assert "简易程序" in page and str(lawsuit.fee) in page
    assert 'name="action" value="agree"' in page and 'value="appeal"' not in page
    _schedule(lawsuit, cc_judge)
    page = web.get(f"/trial/lawsuits/{lawsuit.pk}/").content.decode()
    hearing = lawsuit.hearings.get()
    assert hearing.link in page and "传票" in page
    response = web.post(
        f"/trial/lawsuits/{lawsuit.pk}/act/", {"action": "convert", "to": "ordinary", "reason": "案情复杂"}
    )
    assert response.status_code == 302
    assert Lawsuit.objects.get(pk=lawsuit.pk).procedure == Procedure.ORDINARY


@pytest.mark.django_db
def test_appeal_through_the_api_and_the_page(failed_lawsuits, cc_judge, clock):
    (a, b) = failed_lawsuits([12, 15])
    ja, jb = _judged(a, cc_judge), _judged(b, cc_judge)
    clock.set(at(3, 20))
    web = _client(cc_judge)
    borrower = a.case.case_parties.get(role="defendant").party
    api = web.post(
        f"/api/v1/trial/judgments/{ja.pk}/appeal",
        {"appellant_id": borrower.pk, "note": "事实认定错误"},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert api.json()["appeals"][0]["appellant"] == borrower.name
    again = web.post(
        f"/api/v1/trial/judgments/{ja.pk}/appeal",
        {"appellant_id": borrower.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    page = web.post(f"/trial/lawsuits/{b.pk}/act/", {"action": "appeal", "appellant": "", "note": ""})
    assert page.status_code == 302 and Appeal.objects.filter(judgment=jb).count() == 1
    clock.set(at(4, 1))
    bank = b.case.case_parties.get(role="plaintiff").party
    late = web.post(
        f"/api/v1/trial/judgments/{jb.pk}/appeal", {"appellant_id": bank.pk}, content_type="application/json"
    )
    assert late.status_code == 409 and late.json()["code"] == "conditions_not_met"


@pytest.mark.django_db
def test_procedure_api_and_another_courts_staff_see_nothing(failed_lawsuits, cc_judge, wuling, clock):
    from lastmile.accounts.models import Role
    from lastmile.testing.factories import UserFactory

    (lawsuit,) = failed_lawsuits([12])
    outsider = _client(UserFactory(court=wuling, role=Role.JUDGE))
    assert outsider.get(f"/trial/lawsuits/{lawsuit.pk}/").status_code == 404
    refused = outsider.post(
        f"/api/v1/trial/lawsuits/{lawsuit.pk}/procedure", {"to": "ordinary"}, content_type="application/json"
    )
    assert refused.status_code == 404 and Lawsuit.objects.get(pk=lawsuit.pk).procedure == Procedure.SIMPLIFIED
    web = _client(cc_judge)
    shown = web.get(f"/api/v1/trial/lawsuits/{lawsuit.pk}").json()
    assert shown["small_claims_limit"] == "45707.00" and shown["procedure"] == "simplified"
    agreed = web.post(
        f"/api/v1/trial/lawsuits/{lawsuit.pk}/small-claims-agreement",
        {"note": "书面约定"},
        content_type="application/json",
    )
    assert agreed.status_code == 200 and agreed.json()["small_claims_agreed"] is True
    bad = web.post(
        f"/api/v1/trial/lawsuits/{lawsuit.pk}/procedure",
        {"to": "simplified", "exclusions": ["whereabouts_unknown"]},
        content_type="application/json",
    )
    assert bad.status_code == 409 and bad.json()["code"] == "conditions_not_met"
    converted = web.post(
        f"/api/v1/trial/lawsuits/{lawsuit.pk}/procedure",
        {"to": "ordinary", "exclusions": ["whereabouts_unknown"]},
        content_type="application/json",
    )
    body = converted.json()
    assert (
        converted.status_code == 200
        and body["procedure"] == "ordinary"
        and Decimal(body["fee_difference"]) > 0
    )
