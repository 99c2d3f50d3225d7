"""Settlement (执行和解): the agreement and its instalments, the release of freezes on the
applicant's application, default, and resumption as a 执恢 case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, CaseParty, CaseStatus, PartyRole
from lastmile.cases.services import case_event_record, case_status_change, deadline_complete, deadline_open
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidTransition
from lastmile.core.money import format_yuan, to_money
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent
from lastmile.inquiry.services import controls_release_all
from lastmile.ledger.services import InstallmentDue, amount_outstanding, receipt_record
from lastmile.parties.models import Party

from .. import rules
from ..documents import release_documents_issue
from ..models import (
    ApprovalStatus,
    ClosingMethod,
    PauseKind,
    Settlement,
    SettlementInstallment,
    SettlementPayment,
    SettlementRelease,
    SettlementStatus,
)
from ..transitions import ACTIONS, status_after
from .closing import _close
from .common import InvalidFiling, _guard
from .restore import _restore_create
from .time_limit import _pause_open, _time_limit_refresh


def _settlement_terms_check(
    *, terms: str, agreed_on: date, installments: Sequence[InstallmentDue], now: datetime
) -> list[Decimal]:
    """Refuse an incomplete agreement or an instalment plan out of order; return each instalment's
    amount as money."""
    if not terms.strip():
        raise InvalidFiling("请填写和解协议内容。")
    if not installments:
        raise InvalidFiling("请至少填写一期履行安排。")
    today = _today(now)
    if agreed_on > today:
        raise InvalidFiling("达成日期不能晚于今天。")
    dues = [i.due_on for i in installments]
    if dues != sorted(dues) or len(set(dues)) != len(dues) or dues[0] < agreed_on:
        raise InvalidFiling("各期履行日期应晚于达成日期并按先后顺序排列，且不得重复。")
    amounts = [to_money(i.amount) for i in installments]
    if any(a <= 0 for a in amounts):
        raise InvalidFiling("每期金额必须大于零。")
    return amounts


@transaction.atomic
def settlement_record(
    *,
    case: Case,
    actor: User,
    now: datetime,
    agreed_on: date,
    terms: str,
    installments: Sequence[InstallmentDue],
) -> Settlement:
    """Record a settlement agreement (执行和解) with its instalments; execution is suspended
    (执行和解规定 2020 art. 2) and the period is excluded from the time limit (审限规定 2000 art. 9).
    Freezes and seizures stay in force: only the applicant may ask for them to be lifted, and the
    court decides (art. 3; :func:`settlement_release_apply`, :func:`settlement_release_decide`)."""
    amounts = _settlement_terms_check(terms=terms, agreed_on=agreed_on, installments=installments, now=now)
    locked, ec = _guard(case, "settlement", actor)
    settlement = Settlement.objects.create(
        case=locked,
        agreed_on=agreed_on,
        terms=terms.strip(),
        total=sum(amounts, Decimal("0.00")),
        recorded_by=actor,
        recorded_at=now,
    )
    for seq, (inst, amount) in enumerate(zip(installments, amounts, strict=True), start=1):
        last = rules.installment_last_day(inst.due_on)
        row = SettlementInstallment.objects.create(
            settlement=settlement,
            seq=seq,
            due_on=inst.due_on,
            last_day=last.day,
            provisional=last.provisional,
            amount=amount,
        )
        deadline_open(
            case=locked,
            kind=EnforcementDeadline.SETTLEMENT_INSTALLMENT,
            source=row,
            label=f"和解第{seq}期履行（{format_yuan(amount)}元）",
            starts_on=agreed_on,
            due_on=last.day,
            provisional=last.provisional,
            legal_basis=rules.BASIS_SETTLEMENT_SUSPEND,
        )
    case_status_change(
        case=locked,
        allowed_from=ACTIONS["settlement"].allowed_from,
        to_status=status_after("settlement"),
        kind=EnforcementEvent.SETTLEMENT_RECORDED,
        summary=f"达成执行和解协议，共{len(amounts)}期、{format_yuan(settlement.total)}元，中止执行",
        actor=actor,
        now=now,
        data={"settlement": settlement.pk, "total": settlement.total, "installments": len(amounts)},
        legal_basis=rules.BASIS_SETTLEMENT_SUSPEND,
    )
    _pause_open(
        case=locked,
        kind=PauseKind.SETTLEMENT,
        started_on=max(agreed_on, ec.time_limit_starts_on or agreed_on),
        reason="执行和解",
    )
    _time_limit_refresh(case=locked, ec=ec, now=now)
    # The freezes stay: they are lifted only on the applicant's application and the court's
    # decision (执行和解规定 2020 art. 3; :func:`settlement_release_apply`).
    case.refresh_from_db()
    return settlement


def _active_settlement(case: Case) -> Settlement:
    settlement = (
        Settlement.objects.select_for_update()
        .filter(case=case, status__in=[SettlementStatus.PERFORMING, SettlementStatus.DEFAULTED])
        .order_by("-id")
        .first()
    )
    if settlement is None:
        raise InvalidTransition("本案没有正在履行的和解协议。")
    return settlement


@transaction.atomic
def settlement_installment_pay(
    *,
    installment: SettlementInstallment,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    paid_on: date | None = None,
) -> SettlementInstallment:
    """Book a payment on an instalment (through the ledger). When every instalment is paid the
    settlement is performed and the case closes as 执行完毕 (执行和解规定 2020 art. 8). A retry with the
    same ``idempotency_key`` (within the court: keys are each court's own) changes nothing."""
    case = installment.settlement.case
    replay = SettlementPayment.objects.filter(court_id=case.court_id, idempotency_key=idempotency_key)
    existing = replay.first()
    if existing is not None:
        return existing.installment
    locked, ec = _guard(case, "installment_pay", actor)
    existing = replay.first()  # a parallel retry held the case lock before us and has booked it
    if existing is not None:
        return existing.installment
    settlement = _active_settlement(locked)
    inst = SettlementInstallment.objects.select_for_update().get(pk=installment.pk, settlement=settlement)
    amount = to_money(amount)
    remaining = inst.amount - inst.paid
    if amount <= 0 or amount > remaining:
        raise InvalidFiling(f"本期尚欠{format_yuan(remaining)}元，付款金额应大于零且不超过该数。")
    today = _today(now)
    paid_on = paid_on or today
    receipt_record(
        case=locked,
        amount=amount,
        source="settlement_installment",
        idempotency_key=f"settlement:{idempotency_key}",
        received_at=now,
        actor=actor,
        note=f"和解第{inst.seq}期",
    )
    SettlementPayment.objects.create(
        court_id=locked.court_id,
        installment=inst,
        amount=amount,
        paid_on=paid_on,
        idempotency_key=idempotency_key,
        recorded_at=now,
    )
    inst.paid += amount
    fields = ["paid"]
    if inst.paid >= inst.amount:
        inst.paid_on = paid_on
        fields.append("paid_on")
        deadline_complete(case=locked, kind=EnforcementDeadline.SETTLEMENT_INSTALLMENT, source=inst, now=now)
    inst.save(update_fields=fields)
    late = paid_on > inst.last_day
    case_event_record(
        case=locked,
        kind=EnforcementEvent.INSTALLMENT_PAID,
        summary=f"收到和解第{inst.seq}期款{format_yuan(amount)}元" + ("（逾期）" if late else ""),
        actor=actor,
        now=now,
        data={"installment": inst.pk, "amount": amount, "late": late},
        legal_basis=rules.BASIS_SETTLEMENT_SUSPEND,
    )
    if not settlement.installments.filter(paid__lt=F("amount")).exists():
        settlement.status = SettlementStatus.PERFORMED
        settlement.save(update_fields=["status"])
        _close(
            case=locked,
            ec=ec,
            method=ClosingMethod.COMPLETED,
            reason="执行和解协议已全部履行",
            actor=actor,
            now=now,
            legal_basis=rules.BASIS_SETTLEMENT_PERFORMED,
            allowed_from={CaseStatus.SETTLEMENT},
        )
    inst.refresh_from_db()
    return inst


def settlement_overdue(settlement: Settlement, *, as_of: date) -> list[SettlementInstallment]:
    """Instalments whose last day has passed unpaid (执行和解规定 2020 art. 11: only then may the
    applicant resume)."""
    return [i for i in settlement.installments.all() if not i.is_paid and i.last_day < as_of]


@transaction.atomic
def settlement_default_sweep(*, now: datetime) -> int:
    """Mark performing settlements with an overdue unpaid instalment as defaulted; returns how many."""
    today = _today(now)
    count = 0
    for settlement in Settlement.objects.filter(status=SettlementStatus.PERFORMING).select_related("case"):
        overdue = settlement_overdue(settlement, as_of=today)
        if not overdue:
            continue
        settlement.status = SettlementStatus.DEFAULTED
        settlement.save(update_fields=["status"])
        case_event_record(
            case=settlement.case,
            kind=EnforcementEvent.SETTLEMENT_DEFAULTED,
            summary=f"和解第{overdue[0].seq}期（{overdue[0].last_day:%Y-%m-%d}到期）未按期履行，申请执行人可申请恢复执行",
            actor=None,
            now=now,
            data={"settlement": settlement.pk, "installment": overdue[0].pk},
            legal_basis=rules.BASIS_SETTLEMENT_RESUME,
        )
        count += 1
    return count


@transaction.atomic
def settlement_resume(*, case: Case, actor: User, now: datetime, reason: str = "") -> Case:
    """The debtor defaulted on the settlement; on the applicant's request execution resumes as a
    linked 执恢 case whose debt is the original debt less everything already paid (民诉解释 2022
    art. 465; 执行和解规定 2020 arts. 11, 17). Refused while no instalment is overdue (art. 11). The
    original case is closed (终结执行) and points to the new case.

    Returns the new 执恢 case.
    """
    locked, ec = _guard(case, "settlement_resume", actor)
    settlement = _active_settlement(locked)
    today = _today(now)
    overdue = settlement_overdue(settlement, as_of=today)
    if not overdue:
        raise ConditionsNotMet(
            "和解协议尚在履行期内或已按期履行，不能恢复执行。",
            unmet=["settlement_default"],
            details={"settlement": settlement.pk},
        )
    paid = sum((i.paid for i in settlement.installments.all()), Decimal("0.00"))
    remaining = amount_outstanding(case=locked, as_of=today)
    last_day = max(i.last_day for i in settlement.installments.all())
    deadline = rules.application_deadline(last_day)
    new_case = _restore_create(
        original=locked,
        original_ec=ec,
        actor=actor,
        now=now,
        principal=remaining,
        summary=f"和解未履行，恢复执行（原案{locked.number}，已履行{format_yuan(paid)}元予以扣除）",
        legal_basis=rules.BASIS_SETTLEMENT_DEDUCT,
        data={"settlement": settlement.pk, "paid": paid, "remaining": remaining},
        application_deadline=deadline.day,
        late=today > deadline.day,
    )
    settlement.status = SettlementStatus.RESUMED
    settlement.resumed_case = new_case
    settlement.save(update_fields=["status", "resumed_case"])
    _close(
        case=locked,
        ec=ec,
        method=ClosingMethod.TERMINATED,
        reason=f"和解协议未履行，已恢复执行（{new_case.number}）" + (f"；{reason}" if reason else ""),
        actor=actor,
        now=now,
        legal_basis=rules.BASIS_SETTLEMENT_RESUME,
        allowed_from={CaseStatus.SETTLEMENT},
    )
    return new_case


# --- Lifting freezes after a settlement (执行和解规定 2020 art. 3) ------------------------------


@transaction.atomic
def settlement_release_apply(
    *,
    case: Case,
    applicant: Party,
    content: str,
    actor: User,
    now: datetime,
    applied_on: date | None = None,
) -> SettlementRelease:
    """Record the applicant's application to lift the freezes and seizures of a case whose
    execution a settlement has suspended (执行和解规定 2020 art. 3). Refused when the one applying
    is not an applicant of the case, when the content is empty, or while another application
    waits for the court's decision. Nothing is lifted until the court decides."""
    if not content.strip():
        raise InvalidFiling("请填写解除查封、扣押、冻结申请的内容。")
    locked, _ec = _guard(case, "settlement_release_apply", actor)
    settlement = _active_settlement(locked)
    if not CaseParty.objects.filter(case=locked, party=applicant, role=PartyRole.APPLICANT).exists():
        raise ConditionsNotMet(
            f"和解后解除查封、扣押、冻结须由申请执行人申请（{rules.BASIS_SETTLEMENT_RELEASE}）。",
            unmet=["applicant_application"],
            details={"party": applicant.pk},
        )
    today = _today(now)
    applied_on = applied_on or today
    if applied_on > today or applied_on < settlement.agreed_on:
        raise InvalidFiling("申请日期应在和解协议达成之日至今天之间。")
    if SettlementRelease.objects.filter(case=locked, status=ApprovalStatus.PENDING).exists():
        raise Conflict("已有待决定的解除申请。")
    row = SettlementRelease.objects.create(
        settlement=settlement,
        case=locked,
        applicant=applicant,
        applied_on=applied_on,
        content=content.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    case_event_record(
        case=locked,
        kind=EnforcementEvent.SETTLEMENT_RELEASE_APPLIED,
        summary=f"申请执行人{applicant.name}申请解除查封、扣押、冻结：{row.content}"[:256],
        actor=actor,
        now=now,
        data={"release": row.pk, "settlement": settlement.pk, "applicant": applicant.pk},
        legal_basis=rules.BASIS_SETTLEMENT_RELEASE,
    )
    return row


@transaction.atomic
def settlement_release_decide(
    *, application: SettlementRelease, approve: bool, actor: User, now: datetime, note: str = ""
) -> SettlementRelease:
    """The enforcement judge decides on the applicant's application (执行和解规定 2020 art. 3). An
    approval is a 解除裁定 (查封规定 2020 art. 28): the ruling is issued and served on the parties,
    a 协助执行通知书 goes to each institution holding a freeze, and every freeze and seizure is
    lifted through the inquiry app after this transaction commits. A refusal needs its reason."""
    if not approve and not note.strip():
        raise InvalidFiling("不予解除的，请填写理由。")
    locked, _ec = _guard(application.case, "settlement_release_decide", actor)
    if approve:
        require(actor, "control.release", court=locked.court)  # the 解除裁定 is the judge's act
    row = SettlementRelease.objects.select_for_update().get(pk=application.pk)
    if row.status != ApprovalStatus.PENDING:
        raise InvalidTransition("该解除申请已经作出决定。")
    row.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    row.decided_by = actor
    row.decided_at = now
    row.decision_note = note.strip()
    if approve:
        row.ruling = release_documents_issue(case=locked, release=row, actor=actor, now=now)
    row.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "ruling"])
    case_event_record(
        case=locked,
        kind=(
            EnforcementEvent.SETTLEMENT_RELEASE_APPROVED
            if approve
            else EnforcementEvent.SETTLEMENT_RELEASE_REFUSED
        ),
        summary=(
            f"裁定解除查封、扣押、冻结（{row.ruling.number}）"
            if approve and row.ruling
            else "不予解除查封、扣押、冻结"
        )
        + (f"：{row.decision_note}" if row.decision_note else ""),
        actor=actor,
        now=now,
        data={"release": row.pk, "approved": approve, "ruling": row.ruling_id},
        legal_basis=rules.BASIS_SETTLEMENT_RELEASE,
    )
    if approve:
        case_id, actor_id, ruling = locked.pk, actor.pk, row.ruling
        # After commit, in its own transaction: the inquiry app takes its locks in its usual
        # order (control row, then audit chain) and never waits on ours. Each unfreeze order
        # carries a 协助执行通知书 citing this ruling.
        transaction.on_commit(
            lambda: controls_release_all(
                case=Case.objects.get(pk=case_id),
                reason="申请执行人申请，裁定解除（执行和解）",
                actor=User.objects.get(pk=actor_id),
                now=now,
                ruling=ruling,
            )
        )
    return row
