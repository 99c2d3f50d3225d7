"""Filing failed pre-suit mediations as 民初 suits: the procedure the law chooses (small claims,
simplified or ordinary), the acceptance fee, and the trial time limit as a deadline.

- Filing: decide within 7 days (CPL 2023 art. 126); 案件受理费 by 诉讼费用交纳办法 2006 art. 13,
  halved in simplified procedure (art. 16), of which small claims are a form (CPL 2023 art. 165 sits
  in the chapter on the simplified procedure); full in ordinary procedure.
- Small claims (CPL 2023 art. 165): a simple money claim up to 50 % of the province's published
  average annual wage of the prior year (:mod:`lastmile.trial.wages`), or up to 2× by the parties'
  agreement; never for the cases art. 166 excludes. The law makes it mandatory within the limit, so
  a caller may choose ordinary procedure but not simplified procedure for a small claim.
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
from lastmile.trial.kinds import TrialDeadline

from ..models import (
    Lawsuit,
    Procedure,
    SmallClaimsExclusion,
)
from ..wages import small_claims_limit
from .common import _fresh, _parties

BASIS_FILING = cpl(126)

TIME_LIMIT_MONTHS = {Procedure.SMALL_CLAIMS: 2, Procedure.SIMPLIFIED: 3, Procedure.ORDINARY: 6}
TIME_LIMIT_BASIS = {
    Procedure.SMALL_CLAIMS: cpl(168),
    Procedure.SIMPLIFIED: cpl(164),
    Procedure.ORDINARY: cpl(152),
}


BASIS_SMALL_CLAIMS_EXCLUDED = cpl(166)


def procedure_for(
    claimed: object,
    *,
    court_code: str,
    on: date,
    exclusions: Sequence[str] = (),
    agreed: bool = False,
) -> str:
    """The procedure the law chooses for a simple money claim filed on ``on``: small claims up to
    50 % of the province's prior-year average wage, or up to 2× when the parties agreed (CPL 2023
    art. 165); simplified procedure otherwise, or when an art. 166 exclusion applies. A party
    whose whereabouts are unknown needs public notice, which the simplified procedure does not use
    (民诉解释 2022 art. 140): ordinary procedure."""
    if SmallClaimsExclusion.WHEREABOUTS_UNKNOWN in exclusions:
        return Procedure.ORDINARY
    if exclusions:
        return Procedure.SIMPLIFIED
    limits = small_claims_limit(court_code=court_code, on=on)
    amount = to_money(claimed)  # type: ignore[arg-type]
    if amount <= limits.limit or (agreed and amount <= limits.agreed_limit):
        return Procedure.SMALL_CLAIMS
    return Procedure.SIMPLIFIED


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
    limits = small_claims_limit(court_code=origin.court.code, on=today)
    chosen = procedure_for(claimed, court_code=origin.court.code, on=today)
    if procedure is not None and procedure not in (chosen, Procedure.ORDINARY):
        raise ConditionsNotMet(
            f"{origin.number}依法应适用{Procedure(chosen).label}（{cpl(165)}：标的额"
            f"{'不超过' if chosen == Procedure.SMALL_CLAIMS else '超过'}{limits.limit}元），"
            f"不能选择{Procedure(procedure).label}。",
            unmet=["procedure"],
        )
    proc = procedure or chosen
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
            "small_claims_limit": limits.as_dict(),
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
        small_claims_limit=limits.limit,
        small_claims_basis=limits.as_dict(),
    )
    time_limit_open(lawsuit, filed_on=today)
    return lawsuit


def time_limit_open(lawsuit: Lawsuit, *, filed_on: date) -> None:
    """The trial time limit of the lawsuit's procedure, counted from the filing day (CPL 2023
    arts. 152, 164, 168; after a conversion still from filing, 民诉解释 2022 art. 258)."""
    proc = lawsuit.procedure
    case = lawsuit.case
    limit = period_end_provisional(filed_on, months=TIME_LIMIT_MONTHS[Procedure(proc)])
    deadline_open(
        case=case,
        kind=TrialDeadline.TIME_LIMIT,
        label=f"审理期限（{Procedure(proc).label}）",
        starts_on=filed_on,
        due_on=limit.day,
        provisional=limit.provisional,
        legal_basis=TIME_LIMIT_BASIS[Procedure(proc)],
    )
