"""Removal and correction of 失信 listings (失信规定 2017 arts. 9–12) and the record of why a debtor
is not listed."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_event_record, deadline_complete, deadline_open
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound
from lastmile.core.legal import LegalBasis
from lastmile.core.periods import add_months, period_end_provisional
from lastmile.measures.kinds import MeasuresDeadline, MeasuresEvent
from lastmile.parties.models import Party

from .. import rules
from ..documents import listing_end_document, restriction_lift_document
from ..guardrails import local_date
from ..models import (
    CorrectionRequest,
    CorrectionStatus,
    DishonestListing,
    DishonestNotApplicable,
    ListingStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    RemovalGround,
)
from ..selectors import court_id_of
from .common import _close

_MEASURE_STATUS_FOR: dict[str, str] = {
    RemovalGround.WRONGFUL: MeasureStatus.REVOKED,
    RemovalGround.PERIOD_ENDED: MeasureStatus.EXPIRED,
}


def _listing_remove(
    listing_id: int, *, ground: str, actor: User | None, now: datetime, note: str
) -> DishonestListing:
    with transaction.atomic():
        listing = (
            DishonestListing.objects.select_for_update(of=("self",))
            .select_related("case", "measure")
            .get(pk=listing_id)
        )
        if listing.status not in (ListingStatus.GRACE, ListingStatus.PUBLISHED):
            raise InvalidTransition("该失信信息已删除或撤销。")
        # 失信规定 art. 10: fixed-period listings are not deleted on the art. 10 grounds, only at the
        # end of the period (or early for active performance, art. 2).
        if listing.period_ends_on and ground not in (
            RemovalGround.PERIOD_ENDED,
            RemovalGround.EARLY,
            RemovalGround.WRONGFUL,
        ):
            raise ConditionsNotMet(
                "有固定期限的失信信息，期限届满后删除；积极履行的可提前删除。", unmet=["fixed_period"]
            )
        today = local_date(now)
        listing.status = ListingStatus.REVOKED if ground == RemovalGround.WRONGFUL else ListingStatus.REMOVED
        listing.removed_on = today
        listing.removal_ground = ground
        if ground == RemovalGround.APPLICANT_REQUEST:
            listing.relist_blocked_until = add_months(today, rules.RELIST_BLOCK_MONTHS)
        listing.save(update_fields=["status", "removed_on", "removal_ground", "relist_blocked_until"])
        m = Measure.objects.select_for_update().get(pk=listing.measure_id)
        if m.status in (MeasureStatus.IN_FORCE, MeasureStatus.APPROVED):
            m.status = _MEASURE_STATUS_FOR.get(ground, MeasureStatus.LIFTED)
            m.closed_at = now
            m.close_reason = str(RemovalGround(ground).label)
            m.save(update_fields=["status", "closed_at", "close_reason"])
        deadline_complete(case=listing.case, kind=MeasuresDeadline.LISTING_REMOVAL, source=listing, now=now)
        case_event_record(
            case=listing.case,
            kind=MeasuresEvent.LISTING_REMOVED,
            summary=("撤销" if ground == RemovalGround.WRONGFUL else "删除")
            + f"失信信息：{listing.name}（{RemovalGround(ground).label}）",
            actor=actor,
            now=now,
            data={"listing": listing.pk, "ground": ground, "note": note},
            legal_basis=rules.dishonest("9" if ground == RemovalGround.WRONGFUL else "10"),
        )
        # issue K: the 删除失信信息决定书 / 撤销失信决定书, issued and served as the listing ends
        listing_end_document(listing, ground=ground, actor=actor, now=now)
        return listing


def listing_remove(
    *, actor: User, listing_id: int, ground: str, now: datetime, note: str = "", query_count: int = 0
) -> DishonestListing:
    """Delete (失信规定 art. 10) or revoke (art. 9) a listing. Ground 4 needs two or more empty
    online queries after 终本."""
    listing = DishonestListing.objects.filter(pk=listing_id, court_id=court_id_of(actor)).first()
    if listing is None:
        raise NotFound("失信信息不存在或您无权查看。")
    require(actor, "measure.propose", court=listing.court)
    if ground not in RemovalGround.values:
        raise ConditionsNotMet("请选择删除原因。", unmet=["ground"])
    if ground == RemovalGround.ZHONGBEN_NO_PROPERTY and (
        listing.case.closing_method != rules.ZHONGBEN or query_count < rules.ZHONGBEN_EMPTY_QUERIES
    ):
        raise ConditionsNotMet("终本后须经两次以上网络查询均未发现财产方可删除。", unmet=["queries"])
    return _listing_remove(listing_id, ground=ground, actor=actor, now=now, note=note)


def _auto_ground(case: Case, today: date) -> str | None:
    """A removal ground the platform itself knows (失信规定 art. 10)."""
    if case.status == CaseStatus.CLOSED:
        ground = {
            "completed": RemovalGround.PERFORMED,
            "terminated": RemovalGround.TERMINATED,
            "not_enforced": RemovalGround.NOT_ENFORCED,
        }.get(case.closing_method)
        if ground:
            return ground
    from lastmile.ledger.selectors import case_statement

    statement = case_statement(case=case, as_of=today)
    if statement is not None and statement.owed_total > 0 and statement.outstanding_total <= 0:
        return RemovalGround.PERFORMED
    return None


def listings_auto_remove(*, now: datetime) -> int:
    """Remove listings automatically where the platform knows a removal ground: paid in full in the
    ledger, or the case closed as 执行完毕 / 终结执行 / 不予执行 (失信规定 art. 10, within 3 working
    days: this runs daily). Consumption restrictions of a fully paid case are lifted too
    (限消规定 art. 9)."""
    today = local_date(now)
    removed = 0
    for listing in DishonestListing.objects.filter(
        status__in=[ListingStatus.GRACE, ListingStatus.PUBLISHED]
    ).select_related("case"):
        ground = _auto_ground(listing.case, today)
        if ground is None:
            continue
        if listing.period_ends_on and ground == RemovalGround.PERFORMED:
            ground = RemovalGround.EARLY
        elif listing.period_ends_on:
            continue
        _listing_remove(listing.pk, ground=ground, actor=None, now=now, note="系统自动删除")
        removed += 1
    for pk in Measure.objects.filter(
        kind=MeasureKind.CONSUMPTION_RESTRICTION, status=MeasureStatus.IN_FORCE
    ).values_list("pk", flat=True):
        with transaction.atomic():
            m = Measure.objects.select_for_update(of=("self",)).select_related("case", "subject").get(pk=pk)
            if m.status == MeasureStatus.IN_FORCE and _auto_ground(m.case, today) == RemovalGround.PERFORMED:
                reason = "已全部履行，依法解除限制消费"
                _close(m, status=MeasureStatus.LIFTED, reason=reason, actor=None, now=now)
                restriction_lift_document(m, reason=reason, actor=None, now=now)
    return removed


@transaction.atomic
def correction_request_receive(
    *, actor: User, listing_id: int, content: str, received_on: date, now: datetime
) -> CorrectionRequest:
    """A correction request: reviewed within 15 days (失信规定 2017 art. 11)."""
    listing = (
        DishonestListing.objects.select_related("case")
        .filter(pk=listing_id, court_id=court_id_of(actor))
        .first()
    )
    if listing is None:
        raise NotFound("失信信息不存在或您无权查看。")
    require(actor, "measure.propose", court=listing.court)
    if not content.strip():
        raise ConditionsNotMet("请填写纠正申请内容。", unmet=["content"])
    due = period_end_provisional(received_on, rules.CORRECTION_REVIEW_DAYS)
    req = CorrectionRequest.objects.create(
        listing=listing,
        received_on=received_on,
        review_due_on=due.day,
        content=content.strip(),
        recorded_by=actor,
    )
    deadline_open(
        case=listing.case,
        kind=MeasuresDeadline.LISTING_CORRECTION,
        source=req,
        label=f"审查{listing.name}失信信息纠正申请（15日）",
        starts_on=received_on,
        due_on=due.day,
        provisional=due.provisional,
        legal_basis=rules.dishonest("11"),
    )
    case_event_record(
        case=listing.case,
        kind=MeasuresEvent.CORRECTION_RECEIVED,
        summary=f"收到{listing.name}失信信息纠正申请",
        actor=actor,
        now=now,
        data={"listing": listing.pk, "request": req.pk},
        legal_basis=rules.dishonest("11"),
    )
    return req


@transaction.atomic
def correction_request_decide(
    *,
    actor: User,
    request_id: int,
    outcome: str,
    note: str,
    now: datetime,
    obligation: str = "",
    performance: str = "",
) -> CorrectionRequest:
    """Decide a correction request: ``corrected`` (fields fixed), ``revoked`` (wrongful listing)
    or ``rejected`` (the applicant may seek 复议 within 10 days; the listing continues)."""
    req = (
        CorrectionRequest.objects.select_for_update(of=("self",))
        .select_related("listing")
        .filter(pk=request_id)
        .first()
    )
    if req is None or req.listing.court_id != actor.court_id:
        raise NotFound("纠正申请不存在或您无权查看。")
    require(actor, "measure.propose", court=req.listing.court)
    if req.status != CorrectionStatus.PENDING:
        raise InvalidTransition("该纠正申请已处理。")
    if outcome not in (CorrectionStatus.CORRECTED, CorrectionStatus.REVOKED, CorrectionStatus.REJECTED):
        raise ConditionsNotMet("请选择处理结果。", unmet=["outcome"])
    listing = req.listing
    if outcome == CorrectionStatus.REVOKED:
        _listing_remove(listing.pk, ground=RemovalGround.WRONGFUL, actor=actor, now=now, note=note)
    elif outcome == CorrectionStatus.CORRECTED:
        listing.obligation = obligation or listing.obligation
        listing.performance = performance or listing.performance
        listing.save(update_fields=["obligation", "performance"])
    req.status = outcome
    req.decided_on = local_date(now)
    req.decision_note = note
    req.save(update_fields=["status", "decided_on", "decision_note"])
    deadline_complete(case=listing.case, kind=MeasuresDeadline.LISTING_CORRECTION, source=req, now=now)
    case_event_record(
        case=listing.case,
        kind=MeasuresEvent.CORRECTION_DECIDED,
        summary=f"失信信息纠正申请处理：{CorrectionStatus(outcome).label}",
        actor=actor,
        now=now,
        data={"request": req.pk, "outcome": outcome, "note": note},
        legal_basis=rules.dishonest("12"),
    )
    return req


@transaction.atomic
def dishonest_not_applicable_record(
    *,
    actor: User,
    case: Case,
    party: Party,
    reason: str,
    now: datetime,
    legal_basis: LegalBasis | None = None,
) -> DishonestNotApplicable:
    """Record why the debtor is not listed (read by the 终本 check, 终本规定 2016 art. 1(2))."""
    require(actor, "measure.propose", court=case.court)
    if not reason.strip():
        raise ConditionsNotMet("请写明不纳入失信名单的理由。", unmet=["reason"])
    basis = legal_basis or rules.dishonest("3")
    row = DishonestNotApplicable.objects.create(
        case=case,
        party=party,
        reason=reason.strip(),
        legal_basis=basis.as_dict(),
        recorded_by=actor,
        recorded_at=now,
    )
    case_event_record(
        case=case,
        kind=MeasuresEvent.DISHONEST_NOT_APPLICABLE,
        summary=f"{party.name}不符合纳入失信名单条件：{reason.strip()}"[:256],
        actor=actor,
        now=now,
        data={"party": party.pk},
        legal_basis=basis,
    )
    return row
