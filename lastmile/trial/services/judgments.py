"""The standard loan judgment: its elements from the loan claim, its issue one case at a time or in
a batch run by the worker, and the batch's progress.

A judgment follows the hearing it rests on: it is refused before that hearing was held (CPL 2023
art. 155: the judgment states the facts and reasons found at trial). It states the procedure
applied, the fee (halved only in simplified procedure and small claims, 诉讼费用交纳办法 2006
art. 16), and either the appeal (art. 171) or, for small claims, that it is final (art. 165)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import CaseStatus
from lastmile.cases.services import (
    case_status_change,
    deadline_complete,
)
from lastmile.core.errors import ConditionsNotMet, Conflict, DomainError, InvalidTransition
from lastmile.core.legal import cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.documents.services import document_issue
from lastmile.filing.selectors import loan_guarantor_ids
from lastmile.ledger.fees import acceptance_fee
from lastmile.mediation.selectors import (
    in_suit_mediation_pending,
    in_suit_statement_effective,
    in_suit_statements_effective,
)
from lastmile.trial.kinds import TrialDeadline, TrialEvent

from ..models import (
    Hearing,
    Judgment,
    JudgmentBatch,
    Lawsuit,
    LawsuitStatus,
    Procedure,
    RunStatus,
)
from .common import _fresh, _parties

BASIS_JUDGMENT_AFTER_HEARING = cpl(155)
BASIS_NO_JUDGMENT_IN_MEDIATION = cpl(102)
"""CPL 2023 art. 100: a 民事调解书 takes effect when every party has signed for it; art. 102: the
court judges promptly only when mediation yields no agreement or a party goes back on it before
signing for the 调解书. Meanwhile there is nothing to judge."""


def _mediation_refusal(lawsuit: Lawsuit) -> str | None:
    """Why the case cannot be judged because of mediation in the suit, or ``None``."""
    if in_suit_statement_effective(lawsuit.case) is not None:
        return f"{lawsuit.case.number}已经诉中调解结案，民事调解书已发生法律效力（{cpl(100)}），不再判决"
    if in_suit_mediation_pending(lawsuit.case):
        return (
            f"{lawsuit.case.number}正在诉中调解或调解书尚待当事人签收，调解不成或当事人签收前反悔的，"
            f"方应及时判决（{cpl(100)}、{BASIS_NO_JUDGMENT_IN_MEDIATION}）"
        )
    return None


@transaction.atomic
def lawsuit_mediation_settle(*, lawsuit: Lawsuit, now: datetime) -> bool:
    """Mark the suit closed by mediation (``MEDIATED``) once the 民事调解书 of its in-suit mediation
    has taken effect (CPL 2023 art. 100; mediation closes the case itself). Idempotent; returns
    whether the row changed. The fact is mediation's; trial reads it through mediation's selectors."""
    if in_suit_statement_effective(lawsuit.case) is None:
        return False
    changed = (
        Lawsuit.objects.filter(pk=lawsuit.pk)
        .exclude(status__in=[LawsuitStatus.JUDGED, LawsuitStatus.MEDIATED])
        .update(status=LawsuitStatus.MEDIATED)
    )
    if changed:
        deadline_complete(case=lawsuit.case, kind=TrialDeadline.TIME_LIMIT, now=now)
        lawsuit.status = LawsuitStatus.MEDIATED
    return bool(changed)


def lawsuits_mediation_settle(*, now: datetime) -> int:
    """Settle every open suit whose in-suit 民事调解书 took effect (the daily sweep)."""
    case_ids = in_suit_statements_effective().values("case_id")
    n = 0
    for lawsuit in (
        Lawsuit.objects.filter(case_id__in=case_ids)
        .exclude(status__in=[LawsuitStatus.JUDGED, LawsuitStatus.MEDIATED])
        .select_related("case")
    ):
        n += lawsuit_mediation_settle(lawsuit=lawsuit, now=now)
    return n


def _procedure_text(lawsuit: Lawsuit) -> str:
    if lawsuit.procedure == Procedure.SMALL_CLAIMS:
        return "小额诉讼的程序"
    if lawsuit.procedure == Procedure.ORDINARY and lawsuit.converted_at is not None:
        return "简易程序，后转为普通程序"
    return str(Procedure(lawsuit.procedure).label)


def judgment_context(lawsuit: Lawsuit, *, judge: User | None) -> dict[str, object]:
    """The elements of the standard loan judgment, filled from the loan claim."""
    claim = lawsuit.loan_claim
    if claim is None:
        raise ConditionsNotMet("该案没有借款数据，不能生成标准判决。", unmet=["loan_claim"])
    _creditors, debtors = _parties(lawsuit.case)
    # the bank's spreadsheet row names the guarantors; the borrower is then every other debtor
    guarantor_ids = [i for i in loan_guarantor_ids(claim.case) if i in {p.pk for p in debtors}]
    borrowers = [p for p in debtors if p.pk not in guarantor_ids]
    borrower = "、".join(p.name for p in borrowers)
    guarantors = "、".join(p.name for p in debtors if p.pk in guarantor_ids)
    until = timezone.localtime(claim.created_at).date()
    interest = to_money(claim.interest + claim.penalty)
    rate = f"，年利率{claim.annual_rate * 100:.4g}%" if claim.annual_rate is not None else ""
    facts = (
        f"{claim.disbursed_on:%Y年%m月%d日}，原告与被告{borrower}签订借款合同（合同编号{claim.contract_no}），"
        f"约定借款金额{format_yuan(claim.loan_amount)}元{rate}，到期日{claim.due_on:%Y年%m月%d日}。"
        f"原告依约发放贷款后，被告{borrower}未按约定偿还借款本息。截至{until:%Y年%m月%d日}，"
        f"被告尚欠借款本金{format_yuan(claim.principal)}元、利息{format_yuan(claim.interest)}元、"
        f"罚息{format_yuan(claim.penalty)}元。"
    )
    if guarantors:
        facts += f"被告{guarantors}为上述借款提供连带责任保证。"
    higher = lawsuit.court.parent.name if lawsuit.court.parent_id else "上一级人民法院"  # type: ignore[union-attr]
    return {
        "claims": (
            f"1.判令被告偿还借款本金人民币{format_yuan(claim.principal)}元及截至{until:%Y年%m月%d日}的利息、"
            f"罚息人民币{format_yuan(interest)}元；2.本案诉讼费用由被告负担。"
        ),
        "facts": facts,
        "principal": claim.principal,
        "interest": interest,
        "interest_until": until,
        "court_fee": acceptance_fee(lawsuit.claimed),
        "fee_halved": lawsuit.fee_halved,
        "procedure_text": _procedure_text(lawsuit),
        "final": lawsuit.procedure == Procedure.SMALL_CLAIMS,
        "higher_court": higher,
        "officer": {"name": judge.name if judge else ""},
        "guarantor_ids": guarantor_ids,
    }


@transaction.atomic
def judgment_issue(
    *, lawsuit: Lawsuit, actor: User, now: datetime, batch: JudgmentBatch | None = None
) -> Judgment:
    """Issue the standard loan judgment (template ``loan_judgment``) for a heard case and close
    the first instance (结案方式 判决). All or nothing; a second call is refused."""
    require(actor, "trial.work", court=lawsuit.court)
    locked = (
        Lawsuit.objects.select_for_update(of=("self",))
        .select_related("case", "court", "loan_claim", "judge")
        .get(pk=lawsuit.pk)
    )
    if Judgment.objects.filter(lawsuit=locked).exists():
        raise Conflict("该案已作出判决。")
    refusal = _mediation_refusal(locked)
    if refusal is not None:
        raise ConditionsNotMet(
            refusal + "。",
            unmet=["in_suit_mediation"],
            details={"basis": [cpl(100).as_dict(), BASIS_NO_JUDGMENT_IN_MEDIATION.as_dict()]},
        )
    if locked.status != LawsuitStatus.HEARD:
        raise InvalidTransition("该案尚未开庭审理，不能判决。", details={"status": locked.status})
    heard = Hearing.objects.filter(lawsuit=locked, held_at__isnull=False).order_by("-held_at").first()
    if heard is None or heard.held_at is None or now < heard.held_at:
        at = f"{timezone.localtime(heard.held_at):%Y-%m-%d %H:%M}" if heard and heard.held_at else "—"
        raise ConditionsNotMet(
            f"判决不能早于其所依据的庭审（{at}开庭，{BASIS_JUDGMENT_AFTER_HEARING}）。",
            unmet=["hearing"],
            details={"basis": BASIS_JUDGMENT_AFTER_HEARING.as_dict()},
        )
    judge = locked.judge or actor
    context = judgment_context(locked, judge=judge)
    document = document_issue(
        case=locked.case, template_code="loan_judgment", context=context, actor=actor, now=now
    )
    claim = locked.loan_claim
    assert claim is not None
    judgment = Judgment.objects.create(
        lawsuit=locked,
        batch=batch,
        document=document,
        issued_at=now,
        principal=claim.principal,
        interest=to_money(claim.interest + claim.penalty),
        interest_until=timezone.localtime(claim.created_at).date(),
        overdue_rate=claim.overdue_rate,
        court_fee=locked.fee,
    )
    Lawsuit.objects.filter(pk=locked.pk).update(status=LawsuitStatus.JUDGED)
    case_status_change(
        case=locked.case,
        allowed_from=[CaseStatus.IN_PROGRESS],
        to_status=CaseStatus.CLOSED,
        kind=TrialEvent.JUDGMENT_ISSUED,
        summary=f"作出民事判决（{document.number}）",
        actor=actor,
        now=now,
        closing_method="判决",
        data={"judgment": judgment.pk, "document": document.pk, "batch": batch.pk if batch else None},
    )
    deadline_complete(case=locked.case, kind=TrialDeadline.TIME_LIMIT, now=now)
    return judgment


@transaction.atomic
def judgments_batch_create(*, lawsuits: Sequence[Lawsuit], actor: User, now: datetime) -> JudgmentBatch:
    """A batch of judgments to issue (run it with :func:`judgment_batch_run`, e.g. in the worker).
    Every case must be heard and without a judgment; otherwise nothing is created."""
    require(actor, "trial.work")
    lawsuits = _fresh(Lawsuit, lawsuits)
    problems = [
        f"{s.case.number}未开庭或已判决"
        for s in lawsuits
        if s.court_id != actor.court_id or s.status != LawsuitStatus.HEARD
    ]
    problems += [r for s in lawsuits if s.status == LawsuitStatus.HEARD and (r := _mediation_refusal(s))]
    if not lawsuits:
        problems.append("请选择案件")
    if problems:
        raise ConditionsNotMet("；".join(problems[:20]) + "。", unmet=problems)
    assert actor.court is not None
    batch = JudgmentBatch.objects.create(
        court=actor.court, total=len(lawsuits), created_at=now, created_by=actor
    )
    batch.lawsuits.set(lawsuits)
    return batch


def judgment_batch_run(
    *, batch: JudgmentBatch, now: Callable[[], datetime], progress: Callable[[int, int], None] | None = None
) -> int:
    """Issue the batch's judgments one by one (each in its own transaction); a refused case is
    recorded in ``failures`` and the rest go on. Idempotent: cases already judged are skipped.
    ``now`` is a clock (each judgment is dated when it is issued)."""
    JudgmentBatch.objects.filter(pk=batch.pk, status=RunStatus.PENDING).update(status=RunStatus.RUNNING)
    issued = 0
    failures = dict(batch.failures)
    for lawsuit in batch.lawsuits.select_related("case", "court").order_by("pk"):
        if Judgment.objects.filter(lawsuit=lawsuit).exists():
            continue
        try:
            judgment_issue(lawsuit=lawsuit, actor=batch.created_by, now=now(), batch=batch)
            issued += 1
            failures.pop(str(lawsuit.pk), None)
        except DomainError as exc:
            failures[str(lawsuit.pk)] = exc.message
            JudgmentBatch.objects.filter(pk=batch.pk).update(failures=failures)
        if progress is not None:
            progress(*judgment_batch_progress(batch))
    JudgmentBatch.objects.filter(pk=batch.pk).update(
        failures=failures, status=RunStatus.FAILED if failures else RunStatus.DONE, finished_at=now()
    )
    batch.refresh_from_db()
    return issued


def judgment_batch_progress(batch: JudgmentBatch) -> tuple[int, int]:
    """(finished, total): issued judgments plus failures."""
    batch.refresh_from_db(fields=["failures", "total"])
    return Judgment.objects.filter(batch=batch).count() + len(batch.failures), batch.total
