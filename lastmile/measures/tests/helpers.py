"""Test helpers shared by the measures and public-portal tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case, CaseEvent, Deadline, PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.identifiers import resident_id_check_char
from lastmile.documents.catalog import TEMPLATES_BY_CODE
from lastmile.documents.models import Document, DocumentTemplate
from lastmile.documents.services import document_issue, templates_ensure
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import (
    DishonestListing,
    GracePeriod,
    Measure,
    MeasureKind,
    MeasureSubject,
    TemporaryLift,
)
from lastmile.measures.services import measure_approve, measure_propose
from lastmile.parties.models import Party
from lastmile.testing.factories import OrganisationFactory, PersonFactory


def person(
    name: str = "王小明", birth: date = date(1985, 3, 12), seq: int = 31, region: str = "430104"
) -> Party:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return PersonFactory(name=name, id_number=first17 + resident_id_check_char(first17), birth_date=birth)


def enforcement_case(
    *, court: Court, officer: User, debtor: Party, now: datetime, amount: str = "152000.00"
) -> Case:
    return case_register(
        court=court,
        type_code="执",
        parties=[
            PartyInRole(OrganisationFactory(), PartyRole.APPLICANT),
            PartyInRole(debtor, PartyRole.RESPONDENT),
        ],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal(amount),
        officer=officer,
    )


def snapshot(case: Case) -> dict[str, Any]:
    """Everything a measure service could write, for asserting that a refusal changed nothing."""
    return {
        "measures": list(Measure.objects.filter(case=case).values()),
        "listings": list(DishonestListing.objects.filter(case=case).values()),
        "subjects": MeasureSubject.objects.filter(measure__case=case).count(),
        "lifts": TemporaryLift.objects.filter(measure__case=case).count(),
        "grace": GracePeriod.objects.filter(case=case).count(),
        "events": CaseEvent.objects.filter(court=case.court).count(),
        "deadlines": list(Deadline.objects.filter(case=case).values()),
    }


def notices_served(case: Case, party: Party, now: datetime, *, report: bool = False) -> None:
    """The 执行通知书 (with its 失信 risk warning) and, with ``report``, the 报告财产令 issued and
    served on ``party`` (失信规定 2017 arts. 1, 5). The service order is written through the
    document: the service app sits beside measures, which may not import it."""
    codes = ["enforcement_notice"] + (["property_report_order"] if report else [])
    if not DocumentTemplate.objects.filter(code="enforcement_notice").exists():
        templates_ensure(now=now)
    for code in codes:
        doc = Document.objects.filter(case=case, template__code=code).first() or document_issue(
            case=case, template_code=code, context=dict(TEMPLATES_BY_CODE[code].sample), actor=None, now=now
        )
        if not doc.service_orders.filter(recipient=party).exists():
            doc.service_orders.create(
                court=case.court,
                case=case,
                recipient=party,
                method="electronic",
                status="served",
                served_at=now,
                served_on=now.date(),
                created_at=now,
            )


def take(
    *,
    officer: User,
    president: User,
    case: Case,
    subject: Party,
    kind: str,
    now: datetime,
    ack: bool = False,
    **terms: Any,
) -> Measure:
    """Propose and (when the 院长 must approve) approve a measure; a listing's notices are served
    first."""
    if kind == MeasureKind.DISHONEST_LISTING:
        notices_served(case, subject, now, report=terms.get("ground") == 4)
    m = measure_propose(
        actor=officer,
        proposal=Proposal(kind=kind, case=case, subject=subject, **terms),
        reason="经执行通知仍未履行",
        now=now,
        acknowledge_warnings=ack,
    )
    if m.needs_president:
        m = measure_approve(
            actor=president, measure_id=m.pk, now=now, document_number="（2025）湘0104执1号之一"
        )
    m.refresh_from_db()
    return m


def list_debtor(
    *,
    officer: User,
    president: User,
    case: Case,
    subject: Party,
    now: datetime,
    ground: int = 3,
    ack: bool = True,
) -> DishonestListing:
    m = take(
        officer=officer,
        president=president,
        case=case,
        subject=subject,
        kind=MeasureKind.DISHONEST_LISTING,
        now=now,
        ground=ground,
        ack=ack,
    )
    return DishonestListing.objects.get(measure=m)
