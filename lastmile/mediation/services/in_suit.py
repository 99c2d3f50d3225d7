"""Mediation during a lawsuit (诉中调解, CPL 2023 arts. 96–102).

A judge trying a first-instance case (民初) may mediate it, with a court mediator's help (art. 98):
:func:`mediation_in_suit_open` opens a mediation on the same case, for 15 days in ordinary
procedure and 7 in simplified (在线调解规则 2021 art. 24; small claims is a form of simplified
procedure). The sessions and the agreement are those of any mediation. The outcome:

- an agreement becomes a 民事调解书 in the same case (art. 100), with no new case number; it takes
  effect when every party has signed for it (art. 100; 民诉解释 2022 art. 149: the day the last
  party signs for it), and the case then closes by mediation
  (:func:`lastmile.mediation.services.mediation_effective_refresh`);
- no agreement, or a party going back on it before the 调解书 is served, returns the case to trial,
  which must judge it promptly (art. 102; :func:`lastmile.mediation.services.mediation_fail`).

Judicial confirmation (arts. 205–206) is for agreements reached outside a suit, never here.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import Case, CaseStatus
from lastmile.cases.services import case_event_record, case_lock, deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.periods import period_end_provisional
from lastmile.mediation.kinds import MediationDeadline, MediationEvent

from ..models import Mediation, MediationStage

LAWSUIT_TYPE_CODE = "民初"  # first-instance civil cases (案号 type code, 案号规定 2015)
IN_SUIT_DAYS = {"ordinary": 15, "simplified": 7, "small_claims": 7}  # 在线调解规则 2021 art. 24
PROCEDURE_LABELS = {"ordinary": "普通程序", "simplified": "简易程序", "small_claims": "小额诉讼程序"}
BASIS_IN_SUIT = cpl("96")
BASIS_IN_SUIT_PERIOD = LegalBasis("人民法院在线调解规则", "2021", "24")


@transaction.atomic
def mediation_in_suit_open(
    *, case: Case, mediator: User, procedure: str, actor: User, now: datetime
) -> Mediation:
    """The judge of a 民初 case opens mediation in it (CPL 2023 art. 96) and gives it to a court
    mediator (art. 98). The period runs from today: 15 days in ordinary procedure, 7 in simplified
    or small claims (在线调解规则 2021 art. 24). Refused, changing nothing: another court's case,
    not a 民初 case, a closed case, a case mediated in the suit already, a mediator who is not the
    court's."""
    require(actor, "trial.work", court=case.court)
    if not actor_can(mediator, "mediation.work") or mediator.court_id != case.court_id:
        raise PermissionDenied("只能交本院的调解员主持调解。", details={"mediator": mediator.pk})
    if procedure not in IN_SUIT_DAYS:
        raise ConditionsNotMet("请选择案件适用的审理程序（普通程序或简易程序）。", unmet=["procedure"])
    locked = case_lock(case)
    problems = []
    if locked.type_code != LAWSUIT_TYPE_CODE:
        problems.append(f"{locked.number}不是一审民事案件（民初），诉中调解只在审理中进行")
    if locked.status not in (CaseStatus.FILED, CaseStatus.IN_PROGRESS):
        problems.append(f"{locked.number}已结案，不能再行调解")
    if Mediation.objects.filter(case=locked).exists():
        problems.append(f"{locked.number}已在诉中调解（每案一次）")
    if problems:
        raise ConditionsNotMet("；".join(problems) + "。", unmet=problems)
    accepted = _today(now)
    days = IN_SUIT_DAYS[procedure]
    end = period_end_provisional(accepted, days)
    mediation = Mediation.objects.create(
        case=locked,
        court=locked.court,
        stage=MediationStage.IN_SUIT,
        mediator=mediator,
        accepted_on=accepted,
        period_ends_on=end.day,
        period_provisional=end.provisional,
        assigned_at=now,
    )
    case_event_record(
        case=locked,
        kind=MediationEvent.IN_SUIT_OPENED,
        summary=(
            f"诉中调解：交调解员{mediator.name}主持，{PROCEDURE_LABELS[procedure]}调解期限{days}日，"
            f"至{end.day:%Y-%m-%d}"
        ),
        actor=actor,
        now=now,
        data={"mediation": mediation.pk, "mediator": mediator.pk, "procedure": procedure, "days": days},
        legal_basis=BASIS_IN_SUIT,
    )
    deadline_open(
        case=locked,
        kind=MediationDeadline.PERIOD,
        label=f"诉中调解期限（{days}日）",
        starts_on=accepted,
        due_on=end.day,
        provisional=end.provisional,
        legal_basis=BASIS_IN_SUIT_PERIOD,
        assignee=mediator,
    )
    return mediation
