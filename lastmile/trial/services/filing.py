"""Filing failed pre-suit mediations as 民初 suits: the procedure (small claims, simplified or
ordinary), the acceptance fee, and the trial time limit as a deadline.

- Filing: decide within 7 days (CPL 2023 art. 126); 案件受理费 by 诉讼费用交纳办法 2006 art. 13,
  halved in simplified procedure (arts. 15–16). Small claims (CPL 2023 art. 165) when the claim is
  at most ``SMALL_CLAIMS_LIMIT`` (UNVERIFIED for Hunan); small claims are a form of the simplified
  procedure, so the fee is halved too.
- Time limits: simplified 3 months (art. 164), small claims 2 months (art. 168), ordinary 6 months
  (art. 152), tracked as deadlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import PartyRole
from lastmile.cases.services import (
    PartyInRole,
    case_register,
    deadline_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, PermissionDenied
from lastmile.core.legal import cpl
from lastmile.core.money import to_money
from lastmile.core.periods import period_end_provisional
from lastmile.filing.models import LoanClaim
from lastmile.ledger.fees import ACCEPTANCE_FEE_BASIS, HALVING_BASIS, acceptance_fee
from lastmile.mediation.models import Mediation, MediationStatus
from lastmile.service.conf import court_cases_setting
from lastmile.trial.kinds import TrialDeadline

from ..models import (
    Lawsuit,
    Procedure,
)
from .common import _fresh, _parties

BASIS_FILING = cpl(126)

TIME_LIMIT_MONTHS = {Procedure.SMALL_CLAIMS: 2, Procedure.SIMPLIFIED: 3, Procedure.ORDINARY: 6}
TIME_LIMIT_BASIS = {
    Procedure.SMALL_CLAIMS: cpl(168),
    Procedure.SIMPLIFIED: cpl(164),
    Procedure.ORDINARY: cpl(152),
}


def procedure_for(claimed: object) -> str:
    """Small claims up to ``SMALL_CLAIMS_LIMIT`` (CPL 2023 art. 165, UNVERIFIED figure), else
    simplified procedure."""
    limit = to_money(str(court_cases_setting("SMALL_CLAIMS_LIMIT")))
    return Procedure.SMALL_CLAIMS if to_money(claimed) <= limit else Procedure.SIMPLIFIED  # type: ignore[arg-type]


@transaction.atomic
def lawsuits_file_from_mediation(
    *, mediations: Sequence[Mediation], actor: User, now: datetime, procedure: str | None = None
) -> list[Lawsuit]:
    """File failed pre-suit mediations as first-instance suits (民初, ``parent`` = the 民诉前调
    case): the bank becomes 原告, borrowers and guarantors 被告; the fee is computed (halved in
    simplified procedure). All or nothing."""
    if not (actor_can(actor, "case.file") or actor_can(actor, "trial.work")):
        raise PermissionDenied("您没有立案的权限。", details={"capability": "case.file"})
    if procedure is not None and procedure not in Procedure.values:
        raise ConditionsNotMet("审理程序不正确。", unmet=["procedure"])
    mediations = _fresh(Mediation, mediations)
    problems = _filing_refusals(mediations, actor=actor)
    if problems:
        raise ConditionsNotMet("以下案件不能转立案：" + "；".join(problems[:20]), unmet=problems)
    today = _today(now)
    return [_file_one(m, procedure=procedure, actor=actor, now=now, today=today) for m in mediations]


def _filing_refusals(mediations: Sequence[Mediation], *, actor: User) -> list[str]:
    """Why each mediation cannot be filed: another court's, not failed, or filed already."""
    problems = []
    for m in mediations:
        if m.court_id != actor.court_id:
            problems.append(f"{m.case.number}不是本院案件")
        elif m.status != MediationStatus.FAILED:
            problems.append(f"{m.case.number}未调解不成")
        elif Lawsuit.objects.filter(mediation=m).exists():
            problems.append(f"{m.case.number}已转立案")
    return problems


def _file_one(
    mediation: Mediation, *, procedure: str | None, actor: User, now: datetime, today: date
) -> Lawsuit:
    """File one failed mediation: the 民初 case with its fee, the lawsuit row and the trial time
    limit as a deadline."""
    origin = mediation.case
    claim = LoanClaim.objects.filter(case=origin).first()
    claimed = claim.claimed_total if claim else to_money(origin.amount_claimed or 0)
    proc = procedure or procedure_for(claimed)
    halved = proc != Procedure.ORDINARY
    fee = acceptance_fee(claimed, halved=halved)
    creditors, debtors = _parties(origin)
    case = case_register(
        court=origin.court,
        type_code="民初",
        parties=[PartyInRole(p, PartyRole.PLAINTIFF) for p in creditors]
        + [PartyInRole(p, PartyRole.DEFENDANT) for p in debtors],
        actor=actor,
        now=now,
        cause=origin.cause,
        amount_claimed=claimed,
        parent=origin,
        legal_basis=BASIS_FILING,
        data={
            "origin": origin.number,
            "procedure": proc,
            "fee": fee,
            "fee_halved": halved,
            "fee_basis": (HALVING_BASIS if halved else ACCEPTANCE_FEE_BASIS).as_dict(),
        },
    )
    lawsuit = Lawsuit.objects.create(
        case=case,
        court=case.court,
        mediation=mediation,
        loan_claim=claim,
        procedure=proc,
        claimed=claimed,
        fee=fee,
        fee_halved=halved,
        filed_at=now,
    )
    limit = period_end_provisional(today, months=TIME_LIMIT_MONTHS[Procedure(proc)])
    deadline_open(
        case=case,
        kind=TrialDeadline.TIME_LIMIT,
        label=f"审理期限（{Procedure(proc).label}）",
        starts_on=today,
        due_on=limit.day,
        provisional=limit.provisional,
        legal_basis=TIME_LIMIT_BASIS[Procedure(proc)],
    )
    return lawsuit
