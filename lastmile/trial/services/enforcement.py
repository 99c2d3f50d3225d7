"""After the judgment takes effect: the plaintiff reports performance, or applies for enforcement
of an unpaid judgment in one call (CPL 2023 art. 247)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import (
    case_event_record,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidTransition
from lastmile.core.legal import cpl
from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.filing.selectors import loan_guarantor_ids
from lastmile.ledger.calculation import FIXED_INTEREST_KIND
from lastmile.ledger.services import CostItem, InterestTerms
from lastmile.trial.kinds import TrialEvent

from ..models import (
    Judgment,
)
from .common import _parties

BASIS_APPLY_ENFORCEMENT = cpl(247)


@transaction.atomic
def judgment_paid_record(*, judgment: Judgment, actor: User, now: datetime) -> Judgment:
    """The plaintiff reports full performance: no enforcement is needed."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    locked = (
        Judgment.objects.select_for_update(of=("self",)).select_related("lawsuit__case").get(pk=judgment.pk)
    )
    if locked.paid_at is not None or locked.enforcement_case_id is not None:
        raise InvalidTransition("已登记履行或已申请执行。")
    locked.paid_at = now
    locked.save(update_fields=["paid_at"])
    case_event_record(
        case=locked.lawsuit.case, kind=TrialEvent.PAID, summary="被告已履行判决", actor=actor, now=now
    )
    return locked


def judgment_enforcement_file(
    *, judgment: Judgment, actor: User | None, now: datetime, channel: str | None = None
) -> Case:
    """One click: the plaintiff applies for enforcement of an effective, unpaid judgment whose
    payment period has passed (CPL 2023 art. 247). ``actor=None`` is the bank on the portal
    (online: the 执 case waits for a clerk's acceptance); a clerk files at the counter. The new
    case continues in :mod:`lastmile.enforcement`; the link is kept on the judgment and on the
    民初 case's timeline."""
    with transaction.atomic():
        locked = (
            Judgment.objects.select_for_update(of=("self",))
            .select_related("lawsuit", "lawsuit__case", "lawsuit__court", "document")
            .get(pk=judgment.pk)
        )
        if locked.enforcement_case_id is not None:
            raise Conflict("已就该判决申请执行。", details={"case": locked.enforcement_case_id})
        problems = _enforcement_refusals(locked, now=now)
        if problems:
            raise ConditionsNotMet("暂不能申请执行：" + "；".join(problems) + "。", unmet=problems)
        lawsuit = locked.lawsuit
        creditors, debtors = _parties(lawsuit.case)
        guarantor_ids = set(loan_guarantor_ids(lawsuit.loan_claim.case)) if lawsuit.loan_claim else set()
        case = enforcement_file(
            court=lawsuit.court,
            basis=_execution_basis(locked),
            applicants=creditors,
            respondents=debtors,
            guarantors=[p for p in debtors if p.pk in guarantor_ids],
            actor=actor,
            now=now,
            channel=channel or ("counter" if actor is not None else "online"),
            cause=lawsuit.case.cause,
        )
        locked.enforcement_case = case
        locked.save(update_fields=["enforcement_case"])
        case_event_record(
            case=lawsuit.case,
            kind=TrialEvent.ENFORCEMENT_FILED,
            summary=f"原告申请强制执行，执行案号{case.number}",
            actor=actor,
            now=now,
            data={"enforcement_case": case.pk, "number": case.number},
            legal_basis=BASIS_APPLY_ENFORCEMENT,
        )
    return case


def _enforcement_refusals(judgment: Judgment, *, now: datetime) -> list[str]:
    """Why enforcement cannot be applied for yet: not effective, payment period still running, or
    already performed."""
    problems = []
    if judgment.effective_on is None:
        problems.append("判决尚未生效")
    elif judgment.performance_deadline and _today(now) <= judgment.performance_deadline:
        problems.append(f"履行期限至{judgment.performance_deadline:%Y-%m-%d}尚未届满")
    if judgment.paid_at is not None:
        problems.append("被告已履行判决")
    return problems


def _execution_basis(judgment: Judgment) -> ExecutionBasisIn:
    """The effective judgment as the basis of enforcement: the principal, the overdue interest
    from the day after the judgment's interest date, the interest and penalty it fixed, and the
    acceptance fee. The interest the judgment fixed as an amount is interest, never a cost
    (法释〔2014〕8号 art. 1: the doubled interest never runs on it); the 申请执行费 is added at
    filing (诉讼费用交纳办法 2006 art. 14)."""
    assert judgment.effective_on is not None
    lawsuit = judgment.lawsuit
    interest = (
        InterestTerms(
            kind="fixed", annual_rate=judgment.overdue_rate, start=judgment.interest_until + timedelta(days=1)
        )
        if judgment.overdue_rate
        else None
    )
    costs: list[CostItem] = []
    if judgment.interest > 0:
        costs.append(
            CostItem(kind=FIXED_INTEREST_KIND, label="判决确定的利息、罚息", amount=judgment.interest)
        )
    if judgment.court_fee > 0:
        costs.append(CostItem(kind="acceptance_fee", label="案件受理费", amount=judgment.court_fee))
    return ExecutionBasisIn(
        kind="judgment",
        issuer=lawsuit.court.name,
        number=judgment.document.number,
        effective_on=judgment.effective_on,
        performance_deadline=judgment.performance_deadline,
        principal=judgment.principal,
        interest=interest,
        costs=costs,
    )
