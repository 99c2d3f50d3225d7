"""What 终本 needs from people before the case may be closed that way, and what it leaves after.

Before (民诉解释 2022 art. 517): the applicant's signed confirmation (its opinion, agreeing or not),
or a 合议庭 review that counts once the 院长 has approved it. After (终本规定 2016 arts. 6, 9, 10):
the 终本裁定 issued and served on the parties, and the case's 终本 information published for each
debtor; the 5-year re-query schedule is :mod:`.closing`'s."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import InvalidTransition, PermissionDenied
from lastmile.core.legal import LegalBasis
from lastmile.documents.models import Document
from lastmile.documents.services import document_issue
from lastmile.enforcement.documents import basis_text
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.parties.selectors import party_masked_id
from lastmile.service.services import service_dispatch

from .. import rules
from ..models import EnforcementCase, ZhongbenAssent, ZhongbenAssentKind, ZhongbenPublication
from .common import InvalidFiling, _guard

BASIS_ASSENT = LegalBasis(rules.INTERP, "2022", "517")
BASIS_RULING = LegalBasis(rules.ZHONGBEN, "2016", "6")
BASIS_PUBLISH = LegalBasis(rules.ZHONGBEN, "2016", "10")
RULING_TEMPLATE = "ruling_terminate_current"


def _signed_on(signed_on: date | None, now: datetime, filed_at: datetime | None) -> date:
    day = signed_on or _today(now)
    if day > _today(now):
        raise InvalidFiling("签字或合议日期不能晚于今天。")
    if filed_at is not None and day < _today(filed_at):
        raise InvalidFiling("签字或合议日期不能早于立案日期。")
    return day


@transaction.atomic
def zhongben_opinion_record(
    *,
    case: Case,
    actor: User,
    now: datetime,
    signed_by: str,
    content: str,
    agrees: bool,
    signed_on: date | None = None,
) -> ZhongbenAssent:
    """Record the applicant's signed opinion on closing by 终本 (民诉解释 2022 art. 517). Only an
    opinion that agrees lets the case close that way; otherwise a 合议庭 review is needed."""
    if not signed_by.strip():
        raise InvalidFiling("请填写签字确认的申请执行人或其代理人。")
    if not content.strip():
        raise InvalidFiling("请填写申请执行人的意见。")
    locked, _ec = _guard(case, "zhongben_opinion", actor)
    row = _assent_create(
        locked, ZhongbenAssentKind.APPLICANT_OPINION, signed_by, content, agrees, signed_on, actor, now
    )
    case_event_record(
        case=locked,
        kind=EnforcementEvent.ZHONGBEN_OPINION_RECORDED,
        summary=f"申请执行人签字确认{'同意' if agrees else '不同意'}终结本次执行程序（{row.signed_by}）",
        actor=actor,
        now=now,
        data={"assent": row.pk, "agrees": agrees, "signed_on": row.signed_on},
        legal_basis=BASIS_ASSENT,
    )
    return row


def _assent_create(
    case: Case,
    kind: str,
    signed_by: str,
    content: str,
    agrees: bool,
    signed_on: date | None,
    actor: User,
    now: datetime,
) -> ZhongbenAssent:
    return ZhongbenAssent.objects.create(
        case=case,
        kind=kind,
        signed_by=signed_by.strip()[:128],
        signed_on=_signed_on(signed_on, now, case.filed_at),
        agrees=agrees,
        content=content.strip()[:1024],
        recorded_by=actor,
        recorded_at=now,
    )


@transaction.atomic
def zhongben_review_record(
    *,
    case: Case,
    actor: User,
    now: datetime,
    panel: str,
    content: str,
    signed_on: date | None = None,
) -> ZhongbenAssent:
    """Record the 合议庭's review finding that the case may be closed by 终本 (民诉解释 2022
    art. 517); it counts once the 院长 approves it."""
    if not panel.strip():
        raise InvalidFiling("请填写合议庭组成人员。")
    if not content.strip():
        raise InvalidFiling("请填写合议庭审查核实的意见。")
    locked, _ec = _guard(case, "zhongben_review", actor)
    row = _assent_create(
        locked, ZhongbenAssentKind.COLLEGIAL_REVIEW, panel, content, True, signed_on, actor, now
    )
    case_event_record(
        case=locked,
        kind=EnforcementEvent.ZHONGBEN_REVIEW_RECORDED,
        summary=f"合议庭审查核实，认为本案符合终结本次执行程序条件，报院长批准（{row.signed_by}）",
        actor=actor,
        now=now,
        data={"assent": row.pk},
        legal_basis=BASIS_ASSENT,
    )
    return row


@transaction.atomic
def zhongben_review_approve(*, review: ZhongbenAssent, actor: User, now: datetime) -> ZhongbenAssent:
    """The 院长 approves the 合议庭's 终本 review (民诉解释 2022 art. 517); not the one who recorded it."""
    locked, _ec = _guard(review.case, "zhongben_review_approve", actor, now=now)
    row = ZhongbenAssent.objects.select_for_update().get(pk=review.pk, case=locked)
    if row.kind != ZhongbenAssentKind.COLLEGIAL_REVIEW:
        raise InvalidTransition("只有合议庭审查意见需要院长批准。")
    if row.approved_at is not None:
        raise InvalidTransition("该合议庭审查意见已经院长批准。")
    if row.recorded_by_id == actor.pk:
        raise PermissionDenied("登记合议庭意见的人不能自行批准。")
    row.approved_by = actor
    row.approved_at = now
    row.save(update_fields=["approved_by", "approved_at"])
    case_event_record(
        case=locked,
        kind=EnforcementEvent.ZHONGBEN_REVIEW_APPROVED,
        summary="院长批准合议庭终结本次执行程序的审查意见",
        actor=actor,
        now=now,
        data={"assent": row.pk},
        legal_basis=BASIS_ASSENT,
    )
    return row


def _debtors(case: Case) -> list[CaseParty]:
    return list(
        CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
    )


def zhongben_ruling_issue_and_serve(
    *, case: Case, ec: EnforcementCase, actor: User, now: datetime
) -> Document:
    """Issue the 执行裁定书（终结本次执行程序） and serve it on every party (终本规定 2016 art. 6;
    the ruling takes effect on service, CPL 2023 art. 269)."""
    document = document_issue(
        case=case,
        template_code=RULING_TEMPLATE,
        context={"source_document": basis_text(ec), "findings": "未发现被执行人有可供执行的财产"},
        actor=actor,
        now=now,
    )
    case_event_record(
        case=case,
        kind=EnforcementEvent.ZHONGBEN_RULING_ISSUED,
        summary=f"作出终结本次执行程序裁定（{document.number}），向当事人送达",
        actor=actor,
        now=now,
        data={"document": document.pk},
        legal_basis=BASIS_RULING,
    )
    service_dispatch(document=document, actor=actor, now=now)
    return document


def zhongben_publish(
    *, case: Case, ec: EnforcementCase, closed_on: date, unpaid: Decimal, now: datetime
) -> list[ZhongbenPublication]:
    """Publish the 终本 information of each debtor (终本规定 2016 art. 10: 终本案件信息公开): the
    fields the national list shows, the identifier masked."""
    rows = []
    for cp in _debtors(case):
        party = cp.party
        rows.append(
            ZhongbenPublication.objects.create(
                case=case,
                party=party,
                name=party.name,
                masked_id=party_masked_id(party),
                is_person=party.is_person,
                sex=party.get_sex_display() if party.sex else "",
                court_name=case.court.name,
                case_number=case.number,
                filed_on=_today(case.filed_at) if case.filed_at else None,
                closed_on=closed_on,
                target=ec.principal,
                unpaid=unpaid,
                published_on=closed_on,
            )
        )
    case_event_record(
        case=case,
        kind=EnforcementEvent.ZHONGBEN_PUBLISHED,
        summary=f"终本案件信息已公开（被执行人{len(rows)}名）",
        actor=None,
        now=now,
        data={"publications": [r.pk for r in rows]},
        legal_basis=BASIS_PUBLISH,
    )
    return rows
