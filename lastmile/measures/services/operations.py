"""专项行动: special operations, their targets, assignments and outcomes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from lastmile.accounts.models import Team, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty, CaseStatus
from lastmile.cases.services import case_event_record
from lastmile.core.errors import ConditionsNotMet, Conflict, NotFound
from lastmile.core.money import to_money
from lastmile.measures.kinds import MeasuresEvent

from ..models import (
    DishonestListing,
    ListingStatus,
    Measure,
    OperationTarget,
    SpecialOperation,
    TargetOutcome,
)
from ..selectors import court_id_of


@dataclass(frozen=True)
class TargetCriteria:
    min_amount: Decimal = Decimal("0")
    person_only: bool = False
    listed_only: bool = False
    limit: int = 200


@transaction.atomic
def special_operation_create(
    *, actor: User, name: str, starts_on: date, ends_on: date, criteria: TargetCriteria, now: datetime
) -> SpecialOperation:
    """Create a special operation (e.g. 湘执利剑) and select its targets by the criteria: open
    enforcement cases of the court with at least ``min_amount`` claimed."""
    require(actor, "enforcement.dispatch", court=actor.court)
    if ends_on < starts_on:
        raise ConditionsNotMet("结束日期不能早于开始日期。", unmet=["dates"])
    try:
        with transaction.atomic():
            op = SpecialOperation.objects.create(
                court_id=court_id_of(actor),
                name=name.strip(),
                criteria={
                    "min_amount": str(criteria.min_amount),
                    "person_only": criteria.person_only,
                    "listed_only": criteria.listed_only,
                    "limit": criteria.limit,
                },
                starts_on=starts_on,
                ends_on=ends_on,
                created_by=actor,
                created_at=now,
            )
    except IntegrityError:  # operation_unique_name: the court already has one of that name
        raise Conflict("本院已有同名专项行动。", details={"name": name.strip()}) from None
    OperationTarget.objects.bulk_create(_targets_select(op, criteria))
    return op


def _targets_select(op: SpecialOperation, criteria: TargetCriteria) -> list[OperationTarget]:
    """The debtors of the court's open enforcement cases that meet the criteria, largest claim first."""
    cases = Case.objects.filter(
        court_id=op.court_id, type_code__in=["执", "执恢"], amount_claimed__gte=criteria.min_amount
    ).exclude(status=CaseStatus.CLOSED)
    rows = CaseParty.objects.filter(case__in=cases, role__in=DEBTOR_ROLES).select_related("party", "case")
    if criteria.person_only:
        rows = rows.filter(party__kind="person")
    if criteria.listed_only:
        listed = DishonestListing.objects.filter(status=ListingStatus.PUBLISHED)
        rows = rows.filter(
            Q(case_id__in=listed.values("case_id")) & Q(party_id__in=listed.values("party_id"))
        )
    # A debtor in two debtor roles of one case is one target (operation_target_unique).
    picked: dict[tuple[int, int], OperationTarget] = {}
    for row in rows.order_by("-case__amount_claimed", "case_id", "pk"):
        if len(picked) >= criteria.limit:
            break
        picked.setdefault(
            (row.case_id, row.party_id), OperationTarget(operation=op, case=row.case, party=row.party)
        )
    return list(picked.values())


@transaction.atomic
def operation_target_assign(
    *, actor: User, target_id: int, team_id: int | None, scheduled_on: date | None, now: datetime
) -> OperationTarget:
    target = (
        OperationTarget.objects.select_for_update(of=("self",))
        .select_related("operation")
        .filter(pk=target_id)
        .first()
    )
    if target is None or target.operation.court_id != actor.court_id:
        raise NotFound("行动对象不存在。")
    require(actor, "enforcement.dispatch", court=actor.court)
    if team_id is not None and not Team.objects.filter(pk=team_id, court_id=actor.court_id).exists():
        raise NotFound("团队不存在或不属于本院。")
    target.team_id = team_id
    target.scheduled_on = scheduled_on
    target.save(update_fields=["team", "scheduled_on"])
    return target


@transaction.atomic
def operation_target_outcome_record(
    *,
    actor: User,
    target_id: int,
    outcome: str,
    amount_recovered: Decimal,
    note: str,
    now: datetime,
    measure_ids: Iterable[int] = (),
) -> OperationTarget:
    """Record what came of a target, linked to the measures it produced: only measures taken in the
    target's case against its debtor (or a person behind it) may be named."""
    target = (
        OperationTarget.objects.select_for_update(of=("self",))
        .select_related("operation", "case", "party")
        .filter(pk=target_id)
        .first()
    )
    if target is None or target.operation.court_id != actor.court_id:
        raise NotFound("行动对象不存在。")
    require(actor, "measure.propose", court=actor.court)
    if outcome not in TargetOutcome.values:
        raise ConditionsNotMet("请选择行动结果。", unmet=["outcome"])
    target.outcome = outcome
    target.amount_recovered = to_money(amount_recovered)
    target.note = note
    target.save(update_fields=["outcome", "amount_recovered", "note"])
    wanted = set(measure_ids)
    produced = list(
        Measure.objects.filter(pk__in=wanted, case_id=target.case_id).filter(
            Q(subject_id=target.party_id) | Q(organisation_id=target.party_id)
        )
    )
    if len(produced) != len(wanted):
        raise ConditionsNotMet("只能关联本案对该被执行人采取的措施。", unmet=["measures"])
    target.measures.set(produced)
    case_event_record(
        case=target.case,
        kind=MeasuresEvent.OPERATION_OUTCOME,
        summary=f"{target.operation.name}：{target.party.name}{TargetOutcome(outcome).label}",
        actor=actor,
        now=now,
        data={
            "operation": target.operation_id,
            "outcome": outcome,
            "amount": target.amount_recovered,
            "measures": [m.pk for m in produced],
        },
    )
    return target
