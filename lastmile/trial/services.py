"""Writes of batch trial: file failed mediations as 民初, schedule hearings in batches on the
video-hearing system, issue the standard loan judgment in batch, serve it, settle the effective
date, and move an unpaid judgment into enforcement in one call.

Rules:

- Filing: decide within 7 days (CPL 2023 art. 126); 案件受理费 by 诉讼费用交纳办法 2006 art. 13,
  halved in simplified procedure (arts. 15–16). Small claims (CPL 2023 art. 165) when the claim is
  at most ``SMALL_CLAIMS_LIMIT`` (UNVERIFIED for Hunan); small claims are a form of the simplified
  procedure, so the fee is halved too.
- Time limits: simplified 3 months (art. 164), small claims 2 months (art. 168), ordinary 6 months
  (art. 152), tracked as deadlines.
- Hearing notice at least 3 days before (art. 139).
- Appeal: 15 days from service of a judgment (art. 171), per party; the judgment takes effect the
  day after the last party's period ends without an appeal. Small-claims judgments are final and
  take effect on service (art. 165).
- Service fallback: public notice (art. 95) is not used in simplified procedure (民诉解释 2022
  art. 140); when electronic service of a simplified or small-claims case fails, the judge converts
  the case to ordinary procedure and the notice is published (:func:`judgment_service_fallback`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import CREDITOR_ROLES, DEBTOR_ROLES, Case, CaseParty, CaseStatus, PartyRole
from lastmile.cases.services import (
    PartyInRole,
    case_event_record,
    case_register,
    case_status_change,
    deadline_complete,
    deadline_open,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, DomainError, InvalidTransition, PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.core.periods import period_end, period_end_provisional
from lastmile.documents.services import document_issue
from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.filing.models import LoanClaim
from lastmile.ledger.fees import ACCEPTANCE_FEE_BASIS, HALVING_BASIS, acceptance_fee
from lastmile.ledger.services import CostItem, InterestTerms
from lastmile.mediation.models import Mediation, MediationStatus
from lastmile.parties.models import Party
from lastmile.service.conf import court_cases_setting
from lastmile.service.models import OrderStatus, ServiceOrder
from lastmile.service.ports import ElectronicServicePort
from lastmile.service.selectors import document_service_state
from lastmile.service.services import service_dispatch, service_public_notice

from .models import (
    Hearing,
    HearingBatch,
    Judgment,
    JudgmentBatch,
    Lawsuit,
    LawsuitStatus,
    Procedure,
    RunStatus,
)
from .ports import VideoHearingPort, video_hearing_port

BASIS_FILING = cpl(126)
BASIS_HEARING_NOTICE = cpl(139)
BASIS_APPEAL = cpl(171)
BASIS_SMALL_CLAIMS = cpl(165)
BASIS_APPLY_ENFORCEMENT = cpl(247)
BASIS_NO_NOTICE_SIMPLIFIED = LegalBasis(
    "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "2022", "140"
)
APPEAL_DAYS_JUDGMENT = 15  # CPL 2023 art. 171 (10 days against rulings)
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


def _parties(case: Case) -> tuple[list[Party], list[Party]]:
    rows = CaseParty.objects.filter(case=case).select_related("party").order_by("role", "position")
    return [r.party for r in rows if r.role in CREDITOR_ROLES], [
        r.party for r in rows if r.role in DEBTOR_ROLES
    ]


def _fresh(model: Any, objects: Sequence[Any]) -> list[Any]:
    """The rows again, locked and current, in the order given (callers may hold stale copies)."""
    rows = {o.pk: o for o in model.objects.select_for_update().filter(pk__in=[o.pk for o in objects])}
    return [rows[o.pk] for o in objects if o.pk in rows]


# --- filing -----------------------------------------------------------------------------------


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
    problems = []
    for m in mediations:
        if m.court_id != actor.court_id:
            problems.append(f"{m.case.number}不是本院案件")
        elif m.status != MediationStatus.FAILED:
            problems.append(f"{m.case.number}未调解不成")
        elif Lawsuit.objects.filter(mediation=m).exists():
            problems.append(f"{m.case.number}已转立案")
    if problems:
        raise ConditionsNotMet("以下案件不能转立案：" + "；".join(problems[:20]), unmet=problems)
    today = _today(now)
    result = []
    for m in mediations:
        origin = m.case
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
            mediation=m,
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
            kind="trial_time_limit",
            label=f"审理期限（{Procedure(proc).label}）",
            starts_on=today,
            due_on=limit.day,
            provisional=limit.provisional,
            legal_basis=TIME_LIMIT_BASIS[Procedure(proc)],
        )
        result.append(lawsuit)
    return result


# --- hearings ---------------------------------------------------------------------------------


@transaction.atomic
def hearings_schedule_batch(
    *,
    lawsuits: Sequence[Lawsuit],
    judge: User,
    starts_at: datetime,
    actor: User,
    now: datetime,
    slot_minutes: int | None = None,
    port: VideoHearingPort | None = None,
) -> HearingBatch:
    """Schedule hearings one after another from ``starts_at`` (``slot_minutes`` each), each with a
    room on the video-hearing system. The first hearing is at least ``HEARING_NOTICE_DAYS`` days
    away (CPL 2023 art. 139). All or nothing."""
    require(actor, "trial.work")
    if not actor_can(judge, "trial.work") or judge.court_id != actor.court_id:
        raise PermissionDenied("审判员须为本院审判人员。")
    if not lawsuits:
        raise ConditionsNotMet("请选择案件。", unmet=["lawsuits"])
    lawsuits = _fresh(Lawsuit, lawsuits)
    notice_days = int(court_cases_setting("HEARING_NOTICE_DAYS"))
    problems = []
    if (_today(starts_at) - _today(now)).days < notice_days:
        problems.append(f"开庭日期应在{notice_days}日之后（传票须于开庭三日前送达）")
    for s in lawsuits:
        if s.court_id != actor.court_id:
            problems.append(f"{s.case.number}不是本院案件")
        elif s.status != LawsuitStatus.FILED:
            problems.append(f"{s.case.number}已排期或已审结")
    if problems:
        raise ConditionsNotMet("；".join(problems[:20]) + "。", unmet=problems)
    slot = int(slot_minutes or court_cases_setting("HEARING_SLOT_MINUTES"))
    port = port or video_hearing_port()
    assert actor.court is not None  # require() above: staff belong to a court
    batch = HearingBatch.objects.create(
        court=actor.court,
        judge=judge,
        starts_at=starts_at,
        slot_minutes=slot,
        provider=port.name,
        created_at=now,
        created_by=actor,
    )
    for n, s in enumerate(lawsuits):
        at = starts_at + timedelta(minutes=slot * n)
        meeting = port.create_meeting(case_number=s.case.number, starts_at=at, minutes=slot, judge=judge.name)
        hearing = Hearing.objects.create(
            lawsuit=s, batch=batch, scheduled_at=at, meeting_id=meeting.meeting_id, link=meeting.link
        )
        Lawsuit.objects.filter(pk=s.pk).update(status=LawsuitStatus.SCHEDULED, judge=judge)
        case_status_change(
            case=s.case,
            allowed_from=[CaseStatus.FILED],
            to_status=CaseStatus.IN_PROGRESS,
            kind="trial.hearing_scheduled",
            summary=f"定于{timezone.localtime(at):%Y-%m-%d %H:%M}在线开庭（审判员{judge.name}）",
            actor=actor,
            now=now,
            legal_basis=BASIS_HEARING_NOTICE,
            data={"hearing": hearing.pk, "batch": batch.pk, "link": meeting.link, "judge": judge.pk},
        )
    return batch


@transaction.atomic
def hearing_record(*, hearing: Hearing, note: str, actor: User, now: datetime) -> Hearing:
    """Record that the hearing took place (庭审情况)."""
    require(actor, "trial.work", court=hearing.lawsuit.court)
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case")
        .get(pk=hearing.pk)
    )
    if locked.held_at is not None:
        raise InvalidTransition("该庭审已记录。")
    locked.held_at = now
    locked.note = note.strip()
    locked.save(update_fields=["held_at", "note"])
    Lawsuit.objects.filter(pk=locked.lawsuit_id).update(status=LawsuitStatus.HEARD)
    case_event_record(
        case=locked.lawsuit.case,
        kind="trial.heard",
        summary="在线开庭审理完毕",
        actor=actor,
        now=now,
        data={"hearing": locked.pk},
    )
    return locked


# --- judgments --------------------------------------------------------------------------------


def judgment_context(lawsuit: Lawsuit, *, judge: User | None) -> dict[str, object]:
    """The elements of the standard loan judgment, filled from the loan claim."""
    claim = lawsuit.loan_claim
    if claim is None:
        raise ConditionsNotMet("该案没有借款数据，不能生成标准判决。", unmet=["loan_claim"])
    _creditors, debtors = _parties(lawsuit.case)
    borrower = debtors[0].name if debtors else ""
    guarantors = "、".join(p.name for p in debtors[1:])
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
        "higher_court": higher,
        "officer": {"name": judge.name if judge else ""},
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
    if locked.status != LawsuitStatus.HEARD:
        raise InvalidTransition("该案尚未开庭审理，不能判决。", details={"status": locked.status})
    if locked.procedure == Procedure.ORDINARY:
        raise ConditionsNotMet("标准判决书仅用于简易程序和小额诉讼案件。", unmet=["procedure"])
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
        kind="trial.judgment_issued",
        summary=f"作出民事判决（{document.number}）",
        actor=actor,
        now=now,
        closing_method="判决",
        data={"judgment": judgment.pk, "document": document.pk, "batch": batch.pk if batch else None},
    )
    deadline_complete(case=locked.case, kind="trial_time_limit", now=now)
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


# --- service, effect, enforcement -------------------------------------------------------------


def judgment_serve(
    *, judgment: Judgment, actor: User | None, now: datetime, port: ElectronicServicePort | None = None
) -> Judgment:
    """Serve the judgment on every party electronically (lastmile.service)."""
    service_dispatch(document=judgment.document, actor=actor, now=now, port=port)
    return judgment_effective_refresh(judgment=judgment, now=now)


def appeal_last_day(served_on: date) -> date:
    """Last day to appeal a judgment served on ``served_on`` (CPL 2023 arts. 85, 171)."""
    return period_end(served_on, APPEAL_DAYS_JUDGMENT)


@transaction.atomic
def judgment_effective_refresh(*, judgment: Judgment, now: datetime) -> Judgment:
    """Set the effective date once it is known: small claims on service to the last party
    (CPL 2023 art. 165); otherwise the day after the last party's 15-day appeal period ends with
    no appeal (art. 171). The payment period then runs ``PERFORMANCE_DAYS`` from that day."""
    locked = (
        Judgment.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case", "document")
        .get(pk=judgment.pk)
    )
    if locked.effective_on is not None or locked.appealed_at is not None:
        return locked
    state = document_service_state(locked.document)
    if not state.complete:
        return locked
    last_served = state.last_served_on
    assert last_served is not None
    if locked.lawsuit.appealable:
        last_day = max(appeal_last_day(d) for d in state.served_on.values() if d is not None)
        if _today(now) <= last_day:
            return locked
        effective = last_day + timedelta(days=1)
        basis = BASIS_APPEAL
        why = f"上诉期于{last_day:%Y-%m-%d}届满，当事人均未上诉"
    else:
        effective = last_served
        basis = BASIS_SMALL_CLAIMS
        why = "小额诉讼案件实行一审终审，送达即生效"
    locked.effective_on = effective
    locked.performance_deadline = period_end(effective, int(court_cases_setting("PERFORMANCE_DAYS")))
    locked.save(update_fields=["effective_on", "performance_deadline"])
    case_event_record(
        case=locked.lawsuit.case,
        kind="trial.judgment_effective",
        summary=f"判决于{effective:%Y-%m-%d}发生法律效力（{why}），履行期限至{locked.performance_deadline:%Y-%m-%d}",
        actor=None,
        now=now,
        data={"effective_on": effective, "performance_deadline": locked.performance_deadline},
        legal_basis=basis,
    )
    return locked


@transaction.atomic
def judgment_appeal_record(*, judgment: Judgment, actor: User, now: datetime, note: str = "") -> Judgment:
    """A party appealed within its period (CPL 2023 art. 171): the judgment does not take effect."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    locked = (
        Judgment.objects.select_for_update(of=("self",))
        .select_related("lawsuit", "lawsuit__case", "document")
        .get(pk=judgment.pk)
    )
    if not locked.lawsuit.appealable:
        raise ConditionsNotMet("小额诉讼案件实行一审终审，不能上诉。", unmet=["small_claims"])
    if locked.effective_on is not None or locked.appealed_at is not None:
        raise InvalidTransition("判决已生效或已记录上诉。")
    served = [d for d in document_service_state(locked.document).served_on.values() if d is not None]
    if served and _today(now) > max(appeal_last_day(d) for d in served):
        raise ConditionsNotMet("上诉期已届满。", unmet=["appeal_period"])
    locked.appealed_at = now
    locked.save(update_fields=["appealed_at"])
    case_event_record(
        case=locked.lawsuit.case,
        kind="trial.appealed",
        summary="当事人提起上诉" + (f"：{note.strip()}" if note.strip() else ""),
        actor=actor,
        now=now,
        legal_basis=BASIS_APPEAL,
    )
    return locked


@transaction.atomic
def judgment_service_fallback(*, judgment: Judgment, actor: User, now: datetime) -> list[ServiceOrder]:
    """Public notice for the parties electronic service could not reach. A simplified or
    small-claims case is first converted to ordinary procedure, since public notice is not used in
    simplified procedure (民诉解释 2022 art. 140); the conversion is recorded on the timeline."""
    require(actor, "trial.work", court=judgment.lawsuit.court)
    failed = list(ServiceOrder.objects.filter(document=judgment.document, status=OrderStatus.FAILED))
    if not failed:
        raise ConditionsNotMet("没有电子送达未成功的当事人。", unmet=["failed_service"])
    lawsuit = (
        Lawsuit.objects.select_for_update(of=("self",)).select_related("case").get(pk=judgment.lawsuit_id)
    )
    if lawsuit.procedure != Procedure.ORDINARY:
        previous = lawsuit.procedure
        lawsuit.procedure = Procedure.ORDINARY
        lawsuit.save(update_fields=["procedure"])
        case_event_record(
            case=lawsuit.case,
            kind="trial.procedure_converted",
            summary=f"电子送达未成功，{Procedure(previous).label}不适用公告送达，转为普通程序",
            actor=actor,
            now=now,
            data={"from": previous, "to": Procedure.ORDINARY},
            legal_basis=BASIS_NO_NOTICE_SIMPLIFIED,
        )
    return [service_public_notice(order=o, actor=actor, now=now) for o in failed]


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
        case=locked.lawsuit.case, kind="trial.paid", summary="被告已履行判决", actor=actor, now=now
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
        problems = []
        if locked.effective_on is None:
            problems.append("判决尚未生效")
        elif locked.performance_deadline and _today(now) <= locked.performance_deadline:
            problems.append(f"履行期限至{locked.performance_deadline:%Y-%m-%d}尚未届满")
        if locked.paid_at is not None:
            problems.append("被告已履行判决")
        if problems:
            raise ConditionsNotMet("暂不能申请执行：" + "；".join(problems) + "。", unmet=problems)
        assert locked.effective_on is not None
        lawsuit = locked.lawsuit
        creditors, debtors = _parties(lawsuit.case)
        interest = (
            InterestTerms(
                kind="fixed", annual_rate=locked.overdue_rate, start=locked.interest_until + timedelta(days=1)
            )
            if locked.overdue_rate
            else None
        )
        costs = [CostItem(kind="other", label="判决确定的利息、罚息", amount=locked.interest)]
        if locked.court_fee > 0:
            costs.append(CostItem(kind="acceptance_fee", label="案件受理费", amount=locked.court_fee))
        case = enforcement_file(
            court=lawsuit.court,
            basis=ExecutionBasisIn(
                kind="judgment",
                issuer=lawsuit.court.name,
                number=locked.document.number,
                effective_on=locked.effective_on,
                performance_deadline=locked.performance_deadline,
                principal=locked.principal,
                interest=interest,
                costs=costs,
            ),
            applicants=creditors,
            respondents=debtors,
            actor=actor,
            now=now,
            channel=channel or ("counter" if actor is not None else "online"),
            cause=lawsuit.case.cause,
        )
        locked.enforcement_case = case
        locked.save(update_fields=["enforcement_case"])
        case_event_record(
            case=lawsuit.case,
            kind="trial.enforcement_filed",
            summary=f"原告申请强制执行，执行案号{case.number}",
            actor=actor,
            now=now,
            data={"enforcement_case": case.pk, "number": case.number},
            legal_basis=BASIS_APPLY_ENFORCEMENT,
        )
    return case


def trial_sweep(*, now: datetime) -> int:
    """Settle effective dates of served judgments; returns how many took effect."""
    n = 0
    for j in Judgment.objects.filter(effective_on__isnull=True, appealed_at__isnull=True):
        if judgment_effective_refresh(judgment=j, now=now).effective_on is not None:
            n += 1
    return n
