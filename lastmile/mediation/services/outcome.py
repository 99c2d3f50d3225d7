"""The mediation's outcome before a judge concludes it: an agreement with its installments, or a
failure (declared, or the period running out, 在线调解规则 2021 art. 24), which goes to trial."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import CaseStatus
from lastmile.cases.services import (
    case_event_record,
    case_status_change,
    deadline_complete,
)
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, DomainError, InvalidTransition, PermissionDenied
from lastmile.core.money import format_yuan, sum_money, to_money
from lastmile.mediation.kinds import MediationDeadline, MediationEvent

from ..models import (
    Agreement,
    Installment,
    Mediation,
    MediationStage,
    MediationStatus,
)
from .common import BASIS_MEDIATION_PERIOD, BASIS_RETURN_TO_TRIAL, _lock, _require_mediator


@dataclass(frozen=True)
class InstallmentIn:
    due_on: date
    amount: Decimal


@transaction.atomic
def mediation_agreement_record(
    *,
    mediation: Mediation,
    terms: Sequence[str],
    installments: Sequence[InstallmentIn],
    actor: User,
    now: datetime,
) -> Agreement:
    """The parties agree (within the mediation period, and not before the first meeting scheduled:
    人民调解法 2010 art. 28, an agreement comes out of the mediation): what is paid and when.
    The total is the sum of the installments (one installment = payment in one go). The agreement
    takes effect when every party has signed it (:mod:`.parties`)."""
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
    first = locked.sessions.order_by("scheduled_at").first()
    if first is not None and now < first.scheduled_at:
        # An agreement is reached at a mediation meeting: not before the first one scheduled.
        problems.append(
            f"调解尚未进行（首次调解定于{timezone.localtime(first.scheduled_at):%Y-%m-%d %H:%M}），"
            "调解协议不能早于调解（《人民调解法》第二十八条）"
        )
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
        kind=MediationEvent.AGREED,
        summary=f"达成调解协议：给付{format_yuan(total)}元，分{len(installments)}期",
        actor=actor,
        now=now,
        data={"agreement": agreement.pk, "total": total, "installments": len(installments)},
    )
    return agreement


@transaction.atomic
def mediation_fail(*, mediation: Mediation, reason: str, actor: User | None, now: datetime) -> Mediation:
    """Mediation fails (调解不成). Before a suit, the 民诉前调 case is closed and trial files it as
    民初 (:func:`lastmile.trial.services.lawsuits_file_from_mediation`). In a suit, the case
    returns to trial and stays open (CPL 2023 art. 102)."""
    if actor is not None:
        _require_mediator(actor, mediation)
    if not reason.strip():
        raise ConditionsNotMet("请填写调解不成的原因。", unmet=["reason"])
    locked = _lock(mediation)
    if locked.status not in (MediationStatus.MEDIATING, MediationStatus.AGREED):
        raise InvalidTransition("该案件已结束调解。", details={"status": locked.status})
    if locked.stage == MediationStage.IN_SUIT:
        # CPL 2023 art. 102: no agreement (or one gone back on) and the court judges promptly;
        # the case stays open in trial.
        case_event_record(
            case=locked.case,
            kind=MediationEvent.RETURNED_TO_TRIAL,
            summary=f"诉中调解不成，恢复审理：{reason.strip()}",
            actor=actor,
            now=now,
            legal_basis=BASIS_RETURN_TO_TRIAL,
            data={"reason": reason.strip()},
        )
        return _close_failed(locked, mediation, reason=reason, now=now)
    case_status_change(
        case=locked.case,
        allowed_from=[CaseStatus.IN_PROGRESS],
        to_status=CaseStatus.CLOSED,
        kind=MediationEvent.FAILED,
        summary=f"调解不成：{reason.strip()}",
        actor=actor,
        now=now,
        closing_method="调解不成",
        legal_basis=BASIS_MEDIATION_PERIOD,
        data={"reason": reason.strip()},
    )
    return _close_failed(locked, mediation, reason=reason, now=now)


@dataclass(frozen=True)
class FailRefusal:
    mediation: Mediation
    reason: str


def mediation_fail_many(
    *, mediations: Sequence[Mediation], reason: str, actor: User, now: datetime
) -> tuple[list[Mediation], list[FailRefusal]]:
    """调解不成 for several mediations at once. Each stands alone (its own transaction, through
    :func:`mediation_fail`): one refused changes nothing of the others, and every refusal is
    returned with its reason."""
    if not reason.strip():
        raise ConditionsNotMet("请填写调解不成的原因。", unmet=["reason"])
    failed: list[Mediation] = []
    refused: list[FailRefusal] = []
    for m in mediations:
        try:
            failed.append(mediation_fail(mediation=m, reason=reason, actor=actor, now=now))
        except DomainError as exc:
            refused.append(FailRefusal(m, exc.message))
    return failed, refused


@transaction.atomic
def mediation_statement_repudiate(
    *, mediation: Mediation, reason: str, actor: User, now: datetime
) -> Mediation:
    """A party goes back on the agreement before the 民事调解书 of a suit has been served on it
    (refuses to sign for it): the 调解书 never takes effect and the case returns to trial, to be
    judged promptly (CPL 2023 art. 102). Only in a suit, and only before the 调解书 is effective."""
    _require_mediator_or_judge(actor, mediation)
    if not reason.strip():
        raise ConditionsNotMet("请填写反悔的当事人及情况。", unmet=["reason"])
    locked = _lock(mediation)
    if locked.stage != MediationStage.IN_SUIT:
        raise ConditionsNotMet("诉前调解不适用此操作。", unmet=["stage"])
    if locked.status != MediationStatus.CONCLUDED or locked.effective_on is not None:
        raise InvalidTransition(
            "只有已出具但尚未生效的调解书，当事人才能在送达前反悔（《民事诉讼法》第一百零二条）。",
            details={"status": locked.status},
        )
    case_event_record(
        case=locked.case,
        kind=MediationEvent.RETURNED_TO_TRIAL,
        summary=f"调解书送达前当事人反悔，调解书不发生效力，恢复审理：{reason.strip()}",
        actor=actor,
        now=now,
        legal_basis=BASIS_RETURN_TO_TRIAL,
        data={"reason": reason.strip(), "document": locked.result_document_id},
    )
    locked.status = MediationStatus.FAILED
    locked.failure_reason = f"调解书送达前反悔：{reason.strip()}"[:256]
    locked.closed_at = now
    locked.save(update_fields=["status", "failure_reason", "closed_at"])
    mediation.refresh_from_db()
    return locked


def _require_mediator_or_judge(actor: User, mediation: Mediation) -> None:
    if not (actor_can(actor, "mediation.work") or actor_can(actor, "trial.work")):
        raise PermissionDenied("您没有登记当事人反悔的权限。", details={"capability": "trial.work"})
    require(actor, "case.view", court=mediation.court)


def _close_failed(locked: Mediation, mediation: Mediation, *, reason: str, now: datetime) -> Mediation:
    deadline_complete(case=locked.case, kind=MediationDeadline.PERIOD, now=now)
    locked.status = MediationStatus.FAILED
    locked.failure_reason = reason.strip()[:256]
    locked.closed_at = now
    locked.save(update_fields=["status", "failure_reason", "closed_at"])
    mediation.refresh_from_db()
    return locked


def mediation_period_sweep(*, now: datetime) -> int:
    """Mediations that reached no agreement within their period fail (在线调解规则 2021 art. 24);
    one in a suit returns its case to trial. An agreement reached in time is not failed by the
    sweep: its signatures and the 30 days for the joint application (CPL 2023 art. 205) may run
    past the mediation period."""
    today = _today(now)
    n = 0
    for m in Mediation.objects.filter(status=MediationStatus.MEDIATING, period_ends_on__lt=today):
        mediation_fail(mediation=m, reason="调解期限届满未能结案", actor=None, now=now)
        n += 1
    return n
