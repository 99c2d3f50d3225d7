"""Writes of pre-suit mediation (诉前调解).

Flow: a 民诉前调 case is assigned to a mediator (:func:`mediation_assign`), who has 30 days from
acceptance (在线调解规则 2021 art. 24) to schedule and record online sessions. An agreement
(:func:`mediation_agreement_record`, with installments) is concluded by a judge
(:func:`mediation_conclude`) either as a judicial confirmation (诉前调确, CPL 2023 arts. 205–206)
or as a mediation statement (诉前调书), each a new case with its own number and document. The
document is served electronically (:func:`mediation_result_serve`) and takes effect when every
party is served (:func:`mediation_effective_refresh`). A failed mediation
(:func:`mediation_fail`, or the period running out, :func:`mediation_period_sweep`) goes to trial.

Installments are watched by :func:`mediation_installment_sweep`; a missed one lets the creditor
apply for enforcement at once (:func:`mediation_enforcement_file`, CPL 2023 art. 247).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
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
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidTransition, PermissionDenied
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import format_yuan, sum_money, to_money
from lastmile.core.periods import period_end, period_end_provisional
from lastmile.documents.services import document_issue
from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.filing.conf import filing_setting
from lastmile.filing.models import LoanClaim
from lastmile.ledger.fees import HALVING_BASIS, acceptance_fee
from lastmile.ledger.services import InstallmentDue
from lastmile.parties.models import Party
from lastmile.service.conf import court_cases_setting
from lastmile.service.ports import ElectronicServicePort
from lastmile.service.selectors import document_service_state
from lastmile.service.services import service_dispatch

from .models import (
    RESULT_TYPE_CODES,
    Agreement,
    Installment,
    Mediation,
    MediationSession,
    MediationStatus,
    ResultKind,
)

BASIS_MEDIATION_PERIOD = LegalBasis("人民法院在线调解规则", "2021", "24")
BASIS_CONFIRMATION = cpl("205、206")
BASIS_STATEMENT = cpl(100)  # 调解书 takes effect when signed for (article number UNVERIFIED, see docs)
BASIS_APPLY_ENFORCEMENT = cpl(247)
CONFIRMATION_APPLY_DAYS = 30  # CPL 2023 art. 205: within 30 days of the agreement taking effect


@dataclass(frozen=True)
class InstallmentIn:
    due_on: date
    amount: Decimal


def _require_mediator(actor: User, mediation: Mediation) -> None:
    require(actor, "mediation.work", court=mediation.court)


def _lock(mediation: Mediation) -> Mediation:
    return (
        Mediation.objects.select_for_update(of=("self",))
        .select_related("case", "court", "mediator")
        .get(pk=mediation.pk)
    )


# --- assignment and sessions ------------------------------------------------------------------


@transaction.atomic
def mediation_assign(*, cases: Sequence[Case], mediator: User, actor: User, now: datetime) -> list[Mediation]:
    """Give 民诉前调 cases to a mediator. Acceptance is today; the mediation period is 30 days from
    it (在线调解规则 2021 art. 24; extendable by consent, not modelled). All or nothing: a case of
    another court, of another type, not in 已立案 or already assigned refuses the whole call."""
    if not (actor_can(actor, "mediation.work") or actor_can(actor, "filing.batch")):
        raise PermissionDenied("您没有分派调解案件的权限。", details={"capability": "mediation.work"})
    if not actor_can(mediator, "mediation.work") or mediator.court_id != actor.court_id:
        raise PermissionDenied("只能分派给本院的调解员。", details={"mediator": mediator.pk})
    type_code = str(filing_setting("CASE_TYPE_CODE"))
    fresh = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases])}
    cases = [fresh[c.pk] for c in cases if c.pk in fresh]
    problems = []
    for case in cases:
        if case.court_id != actor.court_id:
            problems.append(f"{case.number}不是本院案件")
        elif case.type_code != type_code:
            problems.append(f"{case.number}不是诉前调解案件")
        elif case.status != CaseStatus.FILED or Mediation.objects.filter(case=case).exists():
            problems.append(f"{case.number}已分派或不在待调解状态")
    if problems:
        raise ConditionsNotMet("以下案件不能分派：" + "；".join(problems[:20]), unmet=problems)
    accepted = _today(now)
    days = int(court_cases_setting("MEDIATION_DAYS"))
    end = period_end_provisional(accepted, days)
    result = []
    for case in cases:
        case_status_change(
            case=case,
            allowed_from=[CaseStatus.FILED],
            to_status=CaseStatus.IN_PROGRESS,
            kind="mediation.assigned",
            summary=f"分派调解员{mediator.name}，调解期限至{end.day:%Y-%m-%d}",
            actor=actor,
            now=now,
            legal_basis=BASIS_MEDIATION_PERIOD,
            data={"mediator": mediator.pk, "period_ends_on": end.day},
        )
        result.append(
            Mediation.objects.create(
                case=case,
                court=case.court,
                mediator=mediator,
                accepted_on=accepted,
                period_ends_on=end.day,
                period_provisional=end.provisional,
                assigned_at=now,
            )
        )
        deadline_open(
            case=case,
            kind="mediation_period",
            label=f"诉前调解期限（{days}日）",
            starts_on=accepted,
            due_on=end.day,
            provisional=end.provisional,
            legal_basis=BASIS_MEDIATION_PERIOD,
            assignee=mediator,
        )
    return result


@transaction.atomic
def mediation_session_schedule(
    *, mediation: Mediation, scheduled_at: datetime, actor: User, now: datetime, link: str = ""
) -> MediationSession:
    """Schedule an online session inside the mediation period."""
    _require_mediator(actor, mediation)
    locked = _lock(mediation)
    if locked.status != MediationStatus.MEDIATING:
        raise InvalidTransition("该案件已不在调解中。", details={"status": locked.status})
    if scheduled_at < now:
        raise ConditionsNotMet("调解时间不能早于当前时间。", unmet=["scheduled_at"])
    if _today(scheduled_at) > locked.period_ends_on:
        raise ConditionsNotMet(
            f"调解时间超出调解期限（{locked.period_ends_on:%Y-%m-%d}）。", unmet=["period"]
        )
    session = MediationSession.objects.create(
        mediation=locked, scheduled_at=scheduled_at, link=link.strip(), created_at=now, created_by=actor
    )
    case_event_record(
        case=locked.case,
        kind="mediation.session_scheduled",
        summary=f"安排在线调解：{timezone.localtime(scheduled_at):%Y-%m-%d %H:%M}",
        actor=actor,
        now=now,
        data={"session": session.pk, "scheduled_at": scheduled_at, "link": session.link},
        legal_basis=BASIS_MEDIATION_PERIOD,
    )
    return session


@transaction.atomic
def mediation_session_record(
    *, session: MediationSession, record: str, actor: User, now: datetime
) -> MediationSession:
    """Record what happened in a session (调解笔录); once only."""
    mediation = session.mediation
    _require_mediator(actor, mediation)
    locked = MediationSession.objects.select_for_update().get(pk=session.pk)
    if locked.held_at is not None:
        raise InvalidTransition("该场次已记录。")
    if not record.strip():
        raise ConditionsNotMet("请填写调解笔录。", unmet=["record"])
    locked.held_at = now
    locked.record = record.strip()
    locked.save(update_fields=["held_at", "record"])
    case_event_record(
        case=mediation.case,
        kind="mediation.session_recorded",
        summary="记录在线调解笔录",
        actor=actor,
        now=now,
        data={"session": locked.pk},
    )
    return locked


# --- outcome ----------------------------------------------------------------------------------


@transaction.atomic
def mediation_agreement_record(
    *,
    mediation: Mediation,
    terms: Sequence[str],
    installments: Sequence[InstallmentIn],
    actor: User,
    now: datetime,
) -> Agreement:
    """The parties agree (within the mediation period): what is paid and when. The total is the
    sum of the installments (one installment = payment in one go)."""
    _require_mediator(actor, mediation)
    locked = _lock(mediation)
    if locked.status != MediationStatus.MEDIATING:
        raise InvalidTransition("该案件已不在调解中。", details={"status": locked.status})
    today = _today(now)
    problems = []
    if today > locked.period_ends_on:
        problems.append(f"调解期限已于{locked.period_ends_on:%Y-%m-%d}届满")
    if not installments:
        problems.append("请填写付款安排")
    if any(to_money(i.amount) <= 0 for i in installments):
        problems.append("每期金额应大于零")
    dues = [i.due_on for i in installments]
    if any(d < today for d in dues) or dues != sorted(set(dues)):
        problems.append("付款日期不能早于今天，且应逐期递增")
    if not [t for t in terms if t.strip()]:
        problems.append("请填写协议条款")
    if problems:
        raise ConditionsNotMet("；".join(problems) + "。", unmet=problems)
    total = sum_money(i.amount for i in installments)
    agreement = Agreement.objects.create(
        mediation=locked,
        agreed_on=today,
        total=total,
        terms=[t.strip() for t in terms if t.strip()],
        created_at=now,
    )
    Installment.objects.bulk_create(
        [
            Installment(agreement=agreement, seq=n, due_on=i.due_on, amount=to_money(i.amount))
            for n, i in enumerate(installments, start=1)
        ]
    )
    locked.status = MediationStatus.AGREED
    locked.save(update_fields=["status"])
    mediation.refresh_from_db()
    case_event_record(
        case=locked.case,
        kind="mediation.agreed",
        summary=f"达成调解协议：给付{format_yuan(total)}元，分{len(installments)}期",
        actor=actor,
        now=now,
        data={"agreement": agreement.pk, "total": total, "installments": len(installments)},
    )
    return agreement


def _schedule_text(agreement: Agreement) -> list[str]:
    rows = list(agreement.installments.order_by("seq"))
    if len(rows) == 1:
        return [
            f"被申请人于{rows[0].due_on:%Y年%m月%d日}前一次性给付申请人人民币{format_yuan(rows[0].amount)}元；"
        ]
    lines = [f"被申请人分{len(rows)}期给付申请人人民币{format_yuan(agreement.total)}元："]
    lines += [f"第{r.seq}期于{r.due_on:%Y年%m月%d日}前给付{format_yuan(r.amount)}元；" for r in rows]
    lines.append("被申请人任何一期未按期足额给付的，申请人有权就全部未付款项申请强制执行。")
    return lines


def _parties(case: Case) -> tuple[list[Party], list[Party]]:
    rows = CaseParty.objects.filter(case=case).select_related("party").order_by("role", "position")
    creditors = [r.party for r in rows if r.role in CREDITOR_ROLES]
    debtors = [r.party for r in rows if r.role in DEBTOR_ROLES]
    return creditors, debtors


def _claims_text(case: Case) -> str:
    claim = LoanClaim.objects.filter(case=case).first()
    if claim is None:
        return f"申请人请求被申请人给付欠款人民币{format_yuan(case.amount_claimed or 0)}元。"
    return (
        f"申请人请求被申请人偿还借款本金人民币{format_yuan(claim.principal)}元、利息{format_yuan(claim.interest)}元、"
        f"罚息{format_yuan(claim.penalty)}元，合计{format_yuan(claim.claimed_total)}元（合同编号{claim.contract_no}）。"
    )


@transaction.atomic
def mediation_conclude(*, mediation: Mediation, kind: str, actor: User, now: datetime) -> Mediation:
    """A judge turns the agreement into a 诉前调确 ruling (CPL 2023 arts. 205–206) or a 诉前调书:
    a new case (its own number, ``parent`` = the 民诉前调 case) and its document, issued through
    :mod:`lastmile.documents`. The 民诉前调 case is closed (调解成功). All or nothing."""
    require(actor, "trial.work", court=mediation.court)
    if kind not in ResultKind.values:
        raise ConditionsNotMet("请选择司法确认或出具调解书。", unmet=["kind"])
    locked = _lock(mediation)
    if locked.status != MediationStatus.AGREED:
        raise InvalidTransition("该案件尚未达成调解协议或已处理。", details={"status": locked.status})
    agreement = Agreement.objects.get(mediation=locked)
    today = _today(now)
    if kind == ResultKind.CONFIRMATION and today > period_end(agreement.agreed_on, CONFIRMATION_APPLY_DAYS):
        raise ConditionsNotMet(
            "已超过申请司法确认的期限（调解协议生效之日起三十日）。", unmet=["confirmation_period"]
        )
    creditors, debtors = _parties(locked.case)
    statement = kind == ResultKind.STATEMENT
    roles = (
        (PartyRole.PLAINTIFF, PartyRole.DEFENDANT)
        if statement
        else (
            PartyRole.APPLICANT_MEDIATION,
            PartyRole.RESPONDENT_MEDIATION,
        )
    )
    basis = BASIS_STATEMENT if statement else BASIS_CONFIRMATION
    result_case = case_register(
        court=locked.court,
        type_code=RESULT_TYPE_CODES[ResultKind(kind)],
        parties=[PartyInRole(p, roles[0]) for p in creditors] + [PartyInRole(p, roles[1]) for p in debtors],
        actor=actor,
        now=now,
        cause=locked.case.cause,
        amount_claimed=agreement.total,
        parent=locked.case,
        officer=actor,
        legal_basis=basis,
        data={"mediation": locked.pk, "origin": locked.case.number},
    )
    schedule = _schedule_text(agreement)
    if statement:
        claimed = locked.case.amount_claimed or agreement.total
        fee = acceptance_fee(claimed) if court_cases_setting("STATEMENT_FEE") == "halved" else to_money(0)
        half = acceptance_fee(claimed, halved=True) if fee else to_money(0)
        context = {
            "claims": _claims_text(locked.case),
            "terms": [*agreement.terms, *schedule],
            "court_fee": fee,
            "court_fee_half": half,
        }
        template = "mediation_statement"
    else:
        mediator = locked.mediator.name
        label = str(court_cases_setting("CONFIRMATION_MEDIATOR_LABEL"))
        context = {
            "agreed_on": agreement.agreed_on,
            "mediator": f"{locked.court.short_name}{label}调解员{mediator}",
            "agreement": "".join([*agreement.terms, *schedule]),
            "applied_on": today,
        }
        template = "judicial_confirmation_ruling"
    document = document_issue(case=result_case, template_code=template, context=context, actor=actor, now=now)
    closing = "出具调解书" if statement else "裁定确认调解协议有效"
    case_status_change(
        case=result_case,
        allowed_from=[CaseStatus.FILED],
        to_status=CaseStatus.CLOSED,
        kind="mediation.result_issued",
        summary=f"{closing}（{document.number}）",
        actor=actor,
        now=now,
        legal_basis=basis,
        closing_method=closing,
        data={"document": document.pk, "fee_basis": HALVING_BASIS.as_dict() if statement else {}},
    )
    case_status_change(
        case=locked.case,
        allowed_from=[CaseStatus.IN_PROGRESS],
        to_status=CaseStatus.CLOSED,
        kind="mediation.concluded",
        summary=f"调解成功，转{result_case.number}",
        actor=actor,
        now=now,
        closing_method="调解成功",
        data={"result_case": result_case.pk, "kind": kind},
    )
    deadline_complete(case=locked.case, kind="mediation_period", now=now)
    locked.status = MediationStatus.CONCLUDED
    locked.result_kind = kind
    locked.result_case = result_case
    locked.result_document = document
    locked.closed_at = now
    locked.save(update_fields=["status", "result_kind", "result_case", "result_document", "closed_at"])
    mediation.refresh_from_db()
    return locked


def mediation_result_serve(
    *, mediation: Mediation, actor: User | None, now: datetime, port: ElectronicServicePort | None = None
) -> Mediation:
    """Serve the 调确/调书 on every party electronically; it takes effect once all are served."""
    if mediation.result_document is None:
        raise InvalidTransition("尚未出具调解书或确认裁定。")
    service_dispatch(document=mediation.result_document, actor=actor, now=now, port=port)
    return mediation_effective_refresh(mediation=mediation, now=now)


@transaction.atomic
def mediation_effective_refresh(*, mediation: Mediation, now: datetime) -> Mediation:
    """The 调解书 takes effect when every party has signed for it (CPL 2023 art. 100, article
    number UNVERIFIED); the confirmation ruling is treated the same way (effective on service to
    all parties, UNVERIFIED, docs/financial-cases.md). The effective day is the last service day."""
    locked = _lock(mediation)
    if locked.effective_on is not None or locked.result_document is None:
        return locked
    state = document_service_state(locked.result_document)
    if not state.complete:
        return locked
    locked.effective_on = state.last_served_on
    locked.save(update_fields=["effective_on"])
    mediation.refresh_from_db()
    assert locked.result_case is not None
    case_event_record(
        case=locked.result_case,
        kind="mediation.effective",
        summary=f"{locked.result_document.title}已送达全部当事人，于{locked.effective_on:%Y-%m-%d}发生法律效力",
        actor=None,
        now=now,
        data={"effective_on": locked.effective_on},
        legal_basis=BASIS_STATEMENT if locked.result_kind == ResultKind.STATEMENT else BASIS_CONFIRMATION,
    )
    return locked


@transaction.atomic
def mediation_fail(*, mediation: Mediation, reason: str, actor: User | None, now: datetime) -> Mediation:
    """Mediation fails (调解不成): the 民诉前调 case is closed; trial files it as 民初
    (:func:`lastmile.trial.services.lawsuits_file_from_mediation`)."""
    if actor is not None:
        _require_mediator(actor, mediation)
    if not reason.strip():
        raise ConditionsNotMet("请填写调解不成的原因。", unmet=["reason"])
    locked = _lock(mediation)
    if locked.status not in (MediationStatus.MEDIATING, MediationStatus.AGREED):
        raise InvalidTransition("该案件已结束调解。", details={"status": locked.status})
    case_status_change(
        case=locked.case,
        allowed_from=[CaseStatus.IN_PROGRESS],
        to_status=CaseStatus.CLOSED,
        kind="mediation.failed",
        summary=f"调解不成：{reason.strip()}",
        actor=actor,
        now=now,
        closing_method="调解不成",
        legal_basis=BASIS_MEDIATION_PERIOD,
        data={"reason": reason.strip()},
    )
    deadline_complete(case=locked.case, kind="mediation_period", now=now)
    locked.status = MediationStatus.FAILED
    locked.failure_reason = reason.strip()[:256]
    locked.closed_at = now
    locked.save(update_fields=["status", "failure_reason", "closed_at"])
    mediation.refresh_from_db()
    return locked


def mediation_period_sweep(*, now: datetime) -> int:
    """Mediations still open after their period fail (在线调解规则 2021 art. 24)."""
    today = _today(now)
    n = 0
    for m in Mediation.objects.filter(
        status__in=[MediationStatus.MEDIATING, MediationStatus.AGREED], period_ends_on__lt=today
    ):
        mediation_fail(mediation=m, reason="调解期限届满未能结案", actor=None, now=now)
        n += 1
    return n


# --- installments and enforcement -------------------------------------------------------------


@transaction.atomic
def mediation_installment_pay(
    *, installment: Installment, amount: Decimal, paid_on: date, actor: User, now: datetime
) -> Installment:
    """Record a payment on an installment (a clerk or mediator enters what the creditor reports)."""
    mediation = installment.agreement.mediation
    if not (actor_can(actor, "mediation.work") or actor_can(actor, "trial.work")):
        raise PermissionDenied("您没有登记履行情况的权限。")
    if actor.court_id != mediation.court_id:
        raise PermissionDenied("不能操作其他法院的案件或数据。")
    locked = Installment.objects.select_for_update().get(pk=installment.pk)
    amount = to_money(amount)
    if amount <= 0 or amount > locked.amount - locked.paid:
        raise ConditionsNotMet("付款金额应大于零且不超过该期未付金额。", unmet=["amount"])
    if paid_on > _today(now):
        raise ConditionsNotMet("付款日期不能晚于今天。", unmet=["paid_on"])
    Installment.objects.filter(pk=locked.pk).update(paid=F("paid") + amount)
    locked.refresh_from_db()
    if locked.paid == locked.amount:
        locked.paid_on = paid_on
        locked.save(update_fields=["paid_on"])
    case_event_record(
        case=mediation.result_case or mediation.case,
        kind="mediation.installment_paid",
        summary=f"第{locked.seq}期履行{format_yuan(amount)}元",
        actor=actor,
        now=now,
        data={"installment": locked.pk, "amount": amount, "paid_on": paid_on},
    )
    return locked


def mediation_installment_sweep(*, now: datetime) -> int:
    """Mark installments not paid in full by their due day as missed (the day after); the
    agreement is in default and the creditor may apply for enforcement at once (CPL 2023 art. 247;
    the agreements carry an acceleration clause). Idempotent; returns installments marked."""
    today = _today(now)
    marked = 0
    qs = Installment.objects.filter(
        missed_on__isnull=True,
        paid__lt=F("amount"),
        due_on__lt=today,
        agreement__mediation__status=MediationStatus.CONCLUDED,
    ).select_related("agreement", "agreement__mediation")
    for inst in qs:
        with transaction.atomic():
            locked = Installment.objects.select_for_update().get(pk=inst.pk)
            if locked.missed_on is not None or locked.paid >= locked.amount:
                continue
            locked.missed_on = today
            locked.save(update_fields=["missed_on"])
            agreement = Agreement.objects.select_for_update().get(pk=inst.agreement_id)
            first_default = agreement.defaulted_on is None
            if first_default:
                agreement.defaulted_on = today
                agreement.save(update_fields=["defaulted_on"])
            case_event_record(
                case=inst.agreement.mediation.result_case,
                kind="mediation.installment_missed",
                summary=(
                    f"第{locked.seq}期（{locked.due_on:%Y-%m-%d}）未按期足额履行，"
                    "申请人可就全部未付款项申请强制执行"
                ),
                actor=None,
                now=now,
                data={"installment": locked.pk, "outstanding": locked.amount - locked.paid},
                legal_basis=BASIS_APPLY_ENFORCEMENT,
            )
            marked += 1
    return marked


def mediation_enforcement_file(
    *, mediation: Mediation, actor: User | None, now: datetime, channel: str | None = None
) -> Case:
    """The creditor applies for enforcement of a defaulted agreement: a 执 case for everything
    still unpaid (acceleration clause), basis = the 诉前调确 ruling or 诉前调书. ``actor=None`` is
    the bank on the portal (online, waits for a clerk's acceptance); a clerk files at the counter."""
    with transaction.atomic():
        locked = _lock(mediation)
        agreement = Agreement.objects.select_for_update().filter(mediation=locked).first()
        if agreement is None:
            raise ConditionsNotMet("暂不能申请执行：没有调解协议。", unmet=["没有调解协议"])
        problems = []
        if locked.status != MediationStatus.CONCLUDED or locked.effective_on is None:
            problems.append("调解书或确认裁定尚未生效")
        if agreement.defaulted_on is None:
            problems.append("被申请人没有未按期履行的记录")
        if agreement.enforcement_case_id is not None:
            raise Conflict("已就该调解协议申请执行。", details={"case": agreement.enforcement_case_id})
        if problems:
            raise ConditionsNotMet("暂不能申请执行：" + "；".join(problems) + "。", unmet=problems)
        rows = [i for i in agreement.installments.order_by("seq") if i.paid < i.amount]
        unpaid = sum_money(i.amount - i.paid for i in rows)
        assert locked.result_case is not None and locked.result_document is not None and locked.effective_on
        creditors, debtors = _parties(locked.result_case)
        kind = "mediation" if locked.result_kind == ResultKind.STATEMENT else "confirmation"
        case = enforcement_file(
            court=locked.court,
            basis=ExecutionBasisIn(
                kind=kind,
                issuer=locked.court.name,
                number=locked.result_document.number,
                effective_on=locked.effective_on,
                installments=[InstallmentDue(due_on=i.due_on, amount=i.amount - i.paid) for i in rows],
                principal=unpaid,
            ),
            applicants=creditors,
            respondents=debtors,
            actor=actor,
            now=now,
            channel=channel or ("counter" if actor is not None else "online"),
            cause=locked.case.cause,
        )
        agreement.enforcement_case = case
        agreement.save(update_fields=["enforcement_case"])
        case_event_record(
            case=locked.result_case,
            kind="mediation.enforcement_filed",
            summary=f"申请人就未履行部分{format_yuan(unpaid)}元申请强制执行，执行案号{case.number}",
            actor=actor,
            now=now,
            data={"enforcement_case": case.pk, "number": case.number, "unpaid": unpaid},
            legal_basis=BASIS_APPLY_ENFORCEMENT,
        )
    return case
