"""Restoration (恢复执行): the linked 执恢 case carrying the remaining debt, after 终本 or after a
defaulted settlement."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.cases.models import Case, CaseParty, CaseStatus
from lastmile.cases.services import (
    PartyInRole,
    case_assign,
    case_enforcement_track_set,
    case_event_record,
    case_register,
    deadline_cancel,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.ledger.services import amount_outstanding, obligation_continue

from .. import rules
from ..documents import restore_notice_issue
from ..models import Channel, Clue, ClueStatus, EnforcementCase, PropertyRequery, ZhongbenPublication
from .common import ENFORCEMENT_ROLES, InvalidFiling, _guard
from .filing import _start_after_filing
from .time_limit import _time_limit_refresh


def _restore_create(
    *,
    original: Case,
    original_ec: EnforcementCase,
    actor: User,
    now: datetime,
    principal: Decimal,
    summary: str,
    legal_basis: LegalBasis,
    data: dict[str, Any],
    application_deadline: date | None = None,
    late: bool = False,
) -> Case:
    """Register the 执恢 case linked to ``original``, continuing its debt. ``principal`` is the
    whole remaining debt (the 执行标的 of the new case); the debt itself keeps its parts apart:
    the new case's obligation continues the original's terms and payments, so the remaining
    principal, general interest, costs and doubled interest are each carried as what they are,
    and the doubled interest keeps running on the unpaid money debt other than general interest
    from the original start date (法释〔2014〕8号 arts. 1–4; docs/law.md "Interest")."""
    today = _today(now)
    parties = [
        PartyInRole(cp.party, cp.role)
        for cp in CaseParty.objects.filter(case=original).select_related("party").order_by("role", "position")
    ]
    new_case = case_register(
        court=original.court,
        type_code="执恢",
        parties=parties,
        actor=actor,
        now=now,
        cause=original.cause,
        amount_claimed=principal,
        parent=original,
        summary=summary,
        legal_basis=legal_basis,
        data={"parent": original.number, **data},
    )
    ec = EnforcementCase.objects.create(
        case=new_case,
        channel=Channel.COUNTER,
        submitted_by=actor.name,
        basis_kind=original_ec.basis_kind,
        basis_issuer=original_ec.basis_issuer,
        basis_number=original_ec.basis_number,
        basis_effective_on=original_ec.basis_effective_on,
        performance_deadline=original_ec.performance_deadline,
        basis_installments=original_ec.basis_installments,
        principal=to_money(principal),  # the case's 执行标的; the debt's parts are in the ledger
        non_money_acts=original_ec.non_money_acts,
        applied_on=today,
        application_period_starts_on=original_ec.application_period_starts_on,
        application_deadline=application_deadline or original_ec.application_deadline,
        late_application=late,
        known_assets=original_ec.known_assets,
        priority_claim=original_ec.priority_claim,
    )
    case_enforcement_track_set(case=new_case, track=ec.track)
    if principal > 0:
        obligation_continue(case=new_case, original=original, actor=actor, now=now)
    case_event_record(
        case=original,
        kind=EnforcementEvent.RESTORED,
        summary=f"已立恢复执行案件{new_case.number}",
        actor=actor,
        now=now,
        data={"restored_case": new_case.pk},
        legal_basis=legal_basis,
    )
    _restore_assign(
        original=original, original_ec=original_ec, new_case=new_case, ec=ec, actor=actor, now=now
    )
    return new_case


def _restore_assign(
    *,
    original: Case,
    original_ec: EnforcementCase,
    new_case: Case,
    ec: EnforcementCase,
    actor: User,
    now: datetime,
) -> None:
    """The same officer keeps the file when still in post (on the original track, the time limit
    running from today); otherwise the 执恢 case is triaged and assigned by load like a new one."""
    today = _today(now)
    officer = original.officer
    if officer is not None and officer.is_active and officer.role in ENFORCEMENT_ROLES:
        case_assign(case=new_case, officer=officer, team=original.team)
        ec.track = original_ec.track
        ec.triage_reasons = ["恢复执行案件，由原承办人继续办理"]
        ec.time_limit_starts_on = today
        ec.save(update_fields=["track", "triage_reasons", "time_limit_starts_on"])
        case_enforcement_track_set(case=new_case, track=ec.track)
        case_event_record(
            case=new_case,
            kind=EnforcementEvent.ASSIGNED,
            summary=f"由原承办人{officer.name}继续办理",
            actor=actor,
            now=now,
            data={"officer": officer.pk},
        )
        _time_limit_refresh(case=new_case, ec=ec, now=now)
    else:
        _start_after_filing(case=new_case, ec=ec, actor=actor, now=now)


@transaction.atomic
def enforcement_restore(
    *, case: Case, actor: User, now: datetime, reason: str = "", clue: Clue | None = None
) -> Case:
    """Resume a case closed by 终本 as a linked 执恢 case, at any time and not limited by the
    2-year period (终本规定 2016 art. 9; 民诉解释 2022 art. 517), on a verified clue or with the reason
    (e.g. property found by a re-query). The remaining debt carries over. Returns the new case."""
    locked, ec = _guard(case, "restore", actor)
    if clue is not None and (clue.case_id != locked.pk or clue.status != ClueStatus.VALID):
        raise ConditionsNotMet("线索尚未核查属实，不能据此恢复执行。", unmet=["clue_verified"])
    if clue is None and not reason.strip():
        raise InvalidFiling("请选择核查属实的线索或说明恢复执行的理由。")
    if Case.objects.filter(parent=locked, type_code="执恢").exclude(status=CaseStatus.CLOSED).exists():
        raise Conflict("本案已有正在办理的恢复执行案件。")
    today = _today(now)
    remaining = amount_outstanding(case=locked, as_of=today)
    why = f"依据线索：{clue.description[:40]}" if clue is not None else reason.strip()
    new_case = _restore_create(
        original=locked,
        original_ec=ec,
        actor=actor,
        now=now,
        principal=remaining,
        summary=f"终本后恢复执行（原案{locked.number}）：{why}",
        legal_basis=rules.BASIS_RESTORE_AFTER_ZHONGBEN,
        data={"clue": clue.pk if clue else None, "remaining": remaining},
    )
    PropertyRequery.objects.filter(case=locked, done_on__isnull=True).update(cancelled=True)
    # The case is no longer 终本: its public 终本 information is taken down (终本规定 2016 art. 10).
    ZhongbenPublication.objects.filter(case=locked, withdrawn_on__isnull=True).update(
        withdrawn_on=_today(now)
    )
    deadline_cancel(case=locked, now=now)
    restore_notice_issue(
        case=new_case, original=locked, reason=f"终结本次执行程序后，{why}", actor=actor, now=now
    )
    return new_case
