"""No unlawful listing (失信规定 2017 arts. 1–5): each refusal names its article and changes nothing
(issue K item 3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lastmile.measures.guardrails import GuardrailRefused
from lastmile.measures.models import DishonestListing, MeasureKind
from lastmile.measures.tests.helpers import snapshot
from lastmile.testing.enforcement import at, payment_received
from lastmile.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

ADULT = date(1980, 5, 1)


def _refused(take_measure, case, subject, now, *, code, article, **terms):
    before = snapshot(case)
    with pytest.raises(GuardrailRefused) as info:
        take_measure(case, subject, MeasureKind.DISHONEST_LISTING, now, **terms)
    refusals = [r for r in info.value.details["reasons"] if r["severity"] == "refuse"]
    assert code in {r["code"] for r in refusals}
    assert {r["basis"]["article"] for r in refusals if r["code"] == code} == {article}
    assert f"第{article}条" in info.value.message
    assert snapshot(case) == before
    return info.value


def test_art5_refused_before_the_notice_with_its_risk_warning_is_served(file_case, take_measure, debtor):
    case = file_case(at(2025, 3, 3))
    _refused(
        take_measure,
        case,
        debtor,
        at(2025, 4, 1),
        code="notice_not_served",
        article="5",
        ground=1,
        birth_date=ADULT,
    )


def test_art1_refused_when_nothing_is_owed(file_case, serve_notices, take_measure, debtor, officer):
    from lastmile.ledger.services import amount_outstanding

    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10))
    owed = amount_outstanding(case=case, as_of=date(2025, 3, 20))
    payment_received(case=case, amount=owed, actor=officer, now=at(2025, 3, 20), idempotency_key="k3-all")
    _refused(
        take_measure,
        case,
        debtor,
        at(2025, 3, 20),
        code="nothing_owed",
        article="1",
        ground=1,
        birth_date=ADULT,
    )


def test_art1_ground4_needs_a_served_property_report_order(file_case, serve_notices, take_measure, debtor):
    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10), report=False)
    _refused(
        take_measure,
        case,
        debtor,
        at(2025, 4, 1),
        code="report_order_not_served",
        article="1",
        ground=4,
        birth_date=ADULT,
    )


@pytest.mark.parametrize("ground", [5, 6])
def test_art1_grounds_5_and_6_need_their_record(file_case, serve_notices, take_measure, debtor, ground):
    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10))
    _refused(
        take_measure,
        case,
        debtor,
        at(2025, 4, 1),
        code="ground_not_proven",
        article="1",
        ground=ground,
        birth_date=ADULT,
    )


def test_art1_ground5_allowed_once_the_restriction_took_effect(
    file_case, serve_notices, take_measure, debtor
):
    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10))
    take_measure(case, debtor, MeasureKind.CONSUMPTION_RESTRICTION, at(2025, 3, 20))
    m = take_measure(case, debtor, MeasureKind.DISHONEST_LISTING, at(2025, 4, 1), ground=5, birth_date=ADULT)
    assert DishonestListing.objects.get(measure=m).birth_year == 1980


def test_art2_extension_needs_its_facts(file_case, serve_notices, take_measure, debtor):
    case = file_case(at(2025, 3, 3))
    serve_notices(case, at(2025, 3, 10))
    _refused(
        take_measure,
        case,
        debtor,
        at(2025, 4, 1),
        code="extension_facts",
        article="2",
        ground=3,
        extension_years=1,
        birth_date=ADULT,
    )
    # serious violence is a fact of ground 2 only
    _refused(
        take_measure,
        case,
        debtor,
        at(2025, 4, 1),
        code="extension_facts",
        article="2",
        ground=3,
        extension_years=1,
        extension_fact="violence",
        birth_date=ADULT,
    )


def test_art4_a_minor_is_refused_whatever_the_id_and_an_unknown_birth_date_is_asked_for(
    file_case, serve_notices, take_measure, bank
):
    passport_holder = PersonFactory(
        name="Lee Min", id_type="passport", id_number="E12345678", birth_date=None
    )
    case = file_case(at(2025, 3, 3), respondents=[passport_holder])
    serve_notices(case, at(2025, 3, 10))
    err = _refused(
        take_measure, case, passport_holder, at(2025, 4, 1), code="birth_date_unknown", article="4", ground=1
    )
    assert "出生日期" in err.message
    _refused(
        take_measure,
        case,
        passport_holder,
        at(2025, 4, 1),
        code="minor",
        article="4",
        ground=1,
        birth_date=date(2010, 1, 1),
    )
    assert Decimal("0") == Decimal(DishonestListing.objects.filter(case=case).count())
