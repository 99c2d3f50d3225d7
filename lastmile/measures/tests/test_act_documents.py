"""Issue K "every act issues its document and serves it": each measure kind and each act that
ends or changes a measure has its template in the catalog; after each act the case's documents
and service orders match the acts (who is served: the person reached, the organisation behind
whom a person is reached, each person a 限制消费令 covers, the applicants for the listing's
decisions)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.models import Document
from lastmile.measures.documents import ACT_TEMPLATES, MEASURE_TEMPLATES
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import Measure, MeasureKind, MeasureStatus, RemovalGround
from lastmile.measures.services import (
    detention_early_release,
    listing_remove,
    measure_execute,
    measure_lift,
    measure_propose,
)
from lastmile.service.models import ServiceOrder
from lastmile.testing.factories import OrganisationFactory

from .helpers import enforcement_case, notices_served, person, take

pytestmark = pytest.mark.django_db
K = MeasureKind
NOTICES = ("enforcement_notice", "property_report_order")


def test_every_measure_kind_and_listing_act_has_its_template():
    assert set(MEASURE_TEMPLATES) == set(MeasureKind.values)
    for code in [*MEASURE_TEMPLATES.values(), *ACT_TEMPLATES.values()]:
        assert code in TEMPLATES_BY_CODE, code
    assert set(ACT_TEMPLATES) == {
        "restriction_lifted",
        "listing_deleted",
        "listing_revoked",
        "detention_early_release",
    }


def _acts(case) -> Counter[str]:
    """The case's documents, by template, beyond the notices the listing needs."""
    return Counter(
        Document.objects.filter(case=case)
        .exclude(template__code__in=NOTICES)
        .values_list("template__code", flat=True)
    )


def _served_on(case, code: str) -> list[set[int]]:
    """For each document of ``code``: the parties it is served on."""
    return [
        set(ServiceOrder.objects.filter(document=d).values_list("recipient_id", flat=True))
        for d in Document.objects.filter(case=case, template__code=code).order_by("pk")
    ]


def test_each_act_issues_and_serves_its_document(yuelu, officer, president, debtor_person, now):
    case = enforcement_case(court=yuelu, officer=officer, debtor=debtor_person, now=now)
    applicant = case.case_parties.get(role="applicant").party
    notices_served(case, debtor_person, now, report=True)
    debtor, both = {debtor_person.pk}, {debtor_person.pk, applicant.pk}
    expected: Counter[str] = Counter()

    def check() -> None:
        assert _acts(case) == expected

    def act(kind, **terms):
        return take(
            officer=officer,
            president=president,
            case=case,
            subject=debtor_person,
            kind=kind,
            now=now,
            ack=True,
            **terms,
        )

    # 拘传 and 拘留: the document when carried out (they take effect then), not on approval
    summons = act(K.SUMMONS_BY_FORCE, summons_count=2, hours=8)
    detention = act(K.DETENTION, days=5)
    check()
    measure_execute(
        actor=officer, measure_id=summons.pk, starts_at=now, now=now, place="本院执行局第三接待室"
    )
    measure_execute(
        actor=officer, measure_id=detention.pk, starts_at=now, now=now, custody="长沙市公安局拘留所"
    )
    expected += {"summons_warrant": 1, "detention_decision": 1}
    check()
    assert _served_on(case, "summons_warrant") == [debtor]
    assert _served_on(case, "detention_decision") == [debtor]
    detention_doc = Document.objects.get(case=case, template__code="detention_decision")
    assert "长沙市公安局拘留所" in str(detention_doc.context["custody"])

    # 罚款, 限制消费令, 限制出境, 扣押车辆, 失信: the document when the 院长 approves or at once
    act(K.FINE, amount=Decimal("5000"))
    restriction = act(K.CONSUMPTION_RESTRICTION)
    act(K.EXIT_RESTRICTION)
    measure_propose(
        actor=officer,
        proposal=Proposal(kind=K.VEHICLE_SEIZURE, case=case, subject=debtor_person),
        reason="扣押被执行人车辆",
        now=now,
        acknowledge_warnings=True,
        plate="湘A12345",
    )
    listing = act(K.DISHONEST_LISTING, ground=4)
    expected += {
        "fine_decision": 1,
        "consumption_restriction_order": 1,
        "exit_restriction_decision": 1,
        "ruling_distrain": 1,
        "dishonest_decision": 1,
    }
    check()
    for code in ("fine_decision", "consumption_restriction_order", "exit_restriction_decision"):
        assert _served_on(case, code) == [debtor], code
    assert _served_on(case, "ruling_distrain") == [both]
    assert _served_on(case, "dishonest_decision") == [both]
    assert Measure.objects.get(pk=listing.pk).document_number  # numbered
    doc = Document.objects.get(case=case, template__code="dishonest_decision")
    assert doc.sha256 and doc.seal and doc.number.startswith(case.number)

    # the acts that end them: lifted, deleted, revoked, released early
    measure_lift(actor=officer, measure_id=restriction.pk, reason="申请执行人同意解除", now=now)
    listing_remove(actor=officer, listing_id=listing.listing.pk, ground=RemovalGround.WRONGFUL, now=now)
    relisted = act(K.DISHONEST_LISTING, ground=4)
    listing_remove(actor=officer, listing_id=relisted.listing.pk, ground=RemovalGround.EARLY, now=now)
    detention_early_release(
        actor=president,
        measure_id=detention.pk,
        released_at=now + timedelta(days=1),
        repentance="已具结悔过",
        now=now + timedelta(days=1),
    )
    expected += {
        "consumption_restriction_lift_order": 1,
        "dishonest_revocation_decision": 1,
        "dishonest_decision": 1,
        "dishonest_deletion_decision": 1,
        "detention_early_release_decision": 1,
    }
    check()
    assert _served_on(case, "consumption_restriction_lift_order") == [debtor]
    assert _served_on(case, "dishonest_revocation_decision") == [both]
    assert _served_on(case, "dishonest_deletion_decision") == [both]
    assert _served_on(case, "detention_early_release_decision") == [debtor]
    detention.refresh_from_db()
    assert detention.status == MeasureStatus.LIFTED


def test_restriction_of_an_organisation_names_and_serves_the_people_behind_it(yuelu, officer, president, now):
    """限消规定 2015 art. 3: the order names the organisation's legal representative and actual
    controller, and is served on each of them; its lifting is served in the same scope (art. 9)."""
    rep, controller = person("张大伟", seq=33), person("李建国", seq=35)
    company = OrganisationFactory(
        name="长沙某某贸易有限公司", legal_representative=rep, actual_controller=controller
    )
    case = enforcement_case(court=yuelu, officer=officer, debtor=company, now=now)
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=company,
        kind=K.CONSUMPTION_RESTRICTION,
        now=now,
        ack=True,
    )
    doc = Document.objects.get(case=case, template__code="consumption_restriction_order")
    assert doc.context["restricted_persons"] == "你单位的法定代表人张大伟、你单位的实际控制人李建国"
    assert _served_on(case, "consumption_restriction_order") == [{company.pk, rep.pk, controller.pk}]
    measure_lift(actor=officer, measure_id=m.pk, reason="已提供有效担保", now=now)
    assert _served_on(case, "consumption_restriction_lift_order") == [{company.pk, rep.pk, controller.pk}]
    lift = Document.objects.get(case=case, template__code="consumption_restriction_lift_order")
    assert lift.context["restricted"] == "长沙某某贸易有限公司、张大伟、李建国"
