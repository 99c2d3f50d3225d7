"""What the end of an enforcement case ends (失信规定 2017 art. 10; 限消规定 2015 art. 9).

Enforcement calls :func:`measures_case_closed` at the end of every closing and
:func:`measures_requery_recorded` after each property re-query after 终本. The closing method
arrives as its code (``enforcement.models.ClosingMethod`` values: measures sits below enforcement
and never imports it; :data:`lastmile.measures.rules.CLOSING_REMOVAL_GROUNDS` maps the codes).

On a ground of art. 10 the court deletes the listing within 3 working days: a
``listing_removal`` deadline is opened on the listing (due in 3 working days), the listing is
deleted at once (the deletion completes the deadline) and the 删除失信信息决定书 is issued and
served on the debtor and the applicants.
A listing with a fixed period is not deleted on these grounds (art. 10 last paragraph), except
early after full performance (art. 2). The 限制消费令 is lifted, with its 解除限制消费令 served in
the order's scope (限消规定 2015 art. 9: the debtor and each person it covered), where the
execution has ended for good (执行完毕: 限消规定 2015 art. 9; 终结执行, 不予执行: nothing remains to
enforce); after 终本 it stays (终本规定 2016 art. 9) even when the listing is deleted on ground 4.
See docs/law.md "限制消费 (限消)" and "失信 listing and the public list".
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.cases.services import deadline_open
from lastmile.core.periods import add_working_days
from lastmile.measures.kinds import MeasuresDeadline

from .. import rules
from ..documents import restriction_lift_document
from ..guardrails import local_date
from ..models import (
    LISTED_STATUSES,
    DishonestListing,
    Measure,
    MeasureKind,
    MeasureStatus,
    RemovalGround,
)
from .common import _close
from .removal import _listing_remove


def listing_removal_due(
    listing: DishonestListing, *, ground: str, actor: User | None, now: datetime, note: str = ""
) -> DishonestListing | None:
    """Delete ``listing`` on an art. 10 ground: the 3-working-day deadline, the deletion and its
    决定书. A fixed-period listing stays (art. 10 last paragraph) unless fully performed (art. 2:
    early deletion). Returns the deleted listing, or None when it stays."""
    if listing.period_ends_on:
        if ground not in (RemovalGround.PERFORMED, RemovalGround.SETTLEMENT_PERFORMED):
            return None
        ground = RemovalGround.EARLY
    today = local_date(now)
    deadline_open(
        case=listing.case,
        kind=MeasuresDeadline.LISTING_REMOVAL,
        source=listing,
        label=f"删除{listing.name}的失信信息（3个工作日）",
        starts_on=today,
        due_on=add_working_days(today, rules.REMOVAL_WORKING_DAYS),
        legal_basis=rules.dishonest("10"),
    )
    # the deletion issues and serves its 删除失信信息决定书 (measures.documents.listing_end_document)
    return _listing_remove(listing.pk, ground=ground, actor=actor, now=now, note=note)


def _lineage(case: Case) -> list[Case]:
    """``case`` and the cases it restores (执恢 continues the enforcement of the same 执行依据:
    a measure taken in the original case ends when the restored one ends the execution)."""
    cases = [case]
    while cases[-1].parent_id is not None and len(cases) < 20:
        cases.append(Case.objects.get(pk=cases[-1].parent_id))
    return cases


def _restrictions_lift(cases: list[Case], *, reason: str, actor: User | None, now: datetime) -> int:
    lifted = 0
    for m in (
        Measure.objects.select_for_update(of=("self",))
        .select_related("case", "subject")
        .filter(case__in=cases, kind=MeasureKind.CONSUMPTION_RESTRICTION, status__in=rules.LIFTABLE_STATUSES)
    ):
        _close(m, status=MeasureStatus.LIFTED, reason=reason, actor=actor, now=now)
        restriction_lift_document(m, reason=reason, actor=actor, now=now)
        lifted += 1
    return lifted


@transaction.atomic
def measures_case_closed(*, case: Case, method: str, actor: User | None, now: datetime) -> None:
    """The case was closed by ``method`` (a ``ClosingMethod`` code): delete its listings on the
    grounds of 失信规定 2017 art. 10 and lift its 限制消费令 where the execution has ended
    (限消规定 2015 art. 9), and those of the cases it restores (a 执恢 case performed in full
    ends the listing made in the 终本 case before it). 终本 deletes nothing yet (see
    :func:`measures_requery_recorded`)."""
    ground = rules.CLOSING_REMOVAL_GROUNDS.get(method)
    if ground is None:
        return
    cases = _lineage(case)
    for listing in DishonestListing.objects.select_related("case").filter(
        case__in=cases, status__in=LISTED_STATUSES
    ):
        listing_removal_due(listing, ground=ground, actor=actor, now=now, note="结案自动删除")
    if method in rules.CLOSING_LIFTS_RESTRICTION:
        _restrictions_lift(cases, reason=rules.CLOSING_LIFTS_RESTRICTION[method], actor=actor, now=now)


@transaction.atomic
def measures_requery_recorded(*, case: Case, empty_queries: int, actor: User | None, now: datetime) -> None:
    """A property re-query after 终本 was recorded; ``empty_queries`` is how many found nothing
    that can be executed. From the second, the listing is deleted (失信规定 2017 art. 10(4)); the
    限制消费令 stays (终本规定 2016 art. 9)."""
    if case.closing_method != rules.ZHONGBEN or empty_queries < rules.ZHONGBEN_EMPTY_QUERIES:
        return
    for listing in DishonestListing.objects.select_related("case").filter(
        case=case, status__in=LISTED_STATUSES
    ):
        listing_removal_due(
            listing,
            ground=RemovalGround.ZHONGBEN_NO_PROPERTY,
            actor=actor,
            now=now,
            note=f"终本后{empty_queries}次网络查询均未发现可供执行财产",
        )
