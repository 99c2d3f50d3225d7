"""Carrying out 拘传, 拘留 and 罚款 (issue K item 2): what happens after the measure took effect.

- 拘传: the person was brought at the measure's start (:func:`~.life.measure_execute`); the
  questioning ends and the person is released within the hours the approval allowed, 8, or 24
  where detention may follow (民诉解释 2022 art. 482): :func:`summons_release`.
- 拘留: the detainee was delivered to the public security organ's custody at the start (art. 178);
  released when the term is served (民事诉讼法 2023 art. 118): :func:`detention_release`; or
  earlier, on repentance, by the 院长's decision with its 提前解除拘留决定书 (art. 182):
  :func:`detention_early_release`.
- 罚款: paid, with its receipt, up to the amount decided: :func:`fine_payment_record`. A fine goes
  to the state treasury, not to the applicant, so it is never booked as case money in the ledger.

A refused act raises before anything is written and names its legal basis.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.services import case_event_record
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.legal import cpl
from lastmile.core.money import format_yuan, to_money
from lastmile.measures.kinds import MeasuresEvent

from .. import rules
from ..documents import early_release_document
from ..guardrails import local_date
from ..models import FinePayment, Measure, MeasureKind, MeasureStatus
from .common import _locked_measure

_RELEASABLE = (MeasureStatus.IN_FORCE, MeasureStatus.EXPIRED)


def _hm(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _carried_out(m: Measure, *, at: datetime, reason: str) -> None:
    m.status = MeasureStatus.CARRIED_OUT
    m.closed_at = m.closed_at or at
    m.close_reason = reason[:256]


@transaction.atomic
def summons_release(
    *, actor: User, measure_id: int, released_at: datetime, questioning_record: str, now: datetime
) -> Measure:
    """The questioning after a 拘传 ended and the person was released, within the hours approved
    (at most 8, or 24 where detention may follow: 民诉解释 2022 art. 482)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind != MeasureKind.SUMMONS_BY_FORCE:
        raise InvalidTransition("只有拘传需要登记调查询问和释放情况。")
    if m.status not in _RELEASABLE or m.released_at is not None or m.starts_at is None:
        raise InvalidTransition(f"拘传当前状态为“{m.get_status_display()}”，不能登记释放。")
    if not questioning_record.strip():
        raise ConditionsNotMet("请写明调查询问情况。", unmet=["questioning_record"])
    if released_at < m.starts_at or released_at > now:
        raise ConditionsNotMet("释放时间应在拘传到案之后、当前时间之前。", unmet=["released_at"])
    limit = m.ends_at
    if limit is not None and released_at > limit:
        raise ConditionsNotMet(
            f"调查询问不得超过{m.hours}小时，应于{_hm(limit)}前结束并解除拘传（{rules.interp('482')}）。",
            unmet=["released_at"],
            details={"limit": limit.isoformat(), "hours": m.hours},
        )
    m.released_at = released_at
    m.questioning_record = questioning_record.strip()[:512]
    _carried_out(m, at=released_at, reason="调查询问结束，解除拘传")
    m.save(update_fields=["released_at", "questioning_record", "status", "closed_at", "close_reason"])
    minutes = int((released_at - m.starts_at).total_seconds() // 60)
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.SUMMONS_RELEASED,
        summary=f"拘传{m.subject.name}调查询问结束，{_hm(released_at)}解除拘传"
        f"（到案{_hm(m.starts_at)}，历时{minutes // 60}小时{minutes % 60}分）",
        actor=actor,
        now=now,
        data={"measure": m.pk, "brought_at": m.starts_at, "released_at": released_at},
        legal_basis=rules.interp("482"),
    )
    return m


@transaction.atomic
def detention_release(*, actor: User, measure_id: int, released_at: datetime, now: datetime) -> Measure:
    """The detainee was released when the term was served (民事诉讼法 2023 art. 118). Releasing
    earlier is an early release, decided by the 院长 (民诉解释 2022 art. 182)."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind != MeasureKind.DETENTION:
        raise InvalidTransition("只有司法拘留需要登记解除拘留。")
    if m.status not in _RELEASABLE or m.released_at is not None or m.ends_at is None:
        raise InvalidTransition(f"拘留当前状态为“{m.get_status_display()}”，不能登记解除拘留。")
    if released_at > now:
        raise ConditionsNotMet("解除拘留时间不能晚于当前时间。", unmet=["released_at"])
    if released_at < m.ends_at:
        raise ConditionsNotMet(
            f"拘留期限至{_hm(m.ends_at)}届满；期满前解除须经院长批准提前解除拘留（{rules.interp('182')}）。",
            unmet=["released_at"],
        )
    m.released_at = released_at
    _carried_out(m, at=released_at, reason="拘留期满，解除拘留")
    m.save(update_fields=["released_at", "status", "closed_at", "close_reason"])
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.DETENTION_RELEASED,
        summary=f"{m.subject.name}拘留期满，于{_hm(released_at)}解除拘留"
        + (f"（看管场所：{m.custody}）" if m.custody else ""),
        actor=actor,
        now=now,
        data={"measure": m.pk, "released_at": released_at},
        legal_basis=cpl(118),
    )
    return m


@transaction.atomic
def detention_early_release(
    *, actor: User, measure_id: int, released_at: datetime, repentance: str, now: datetime
) -> Measure:
    """A detainee who repents may be released early, on the 院长's approval, with a 提前解除拘留
    决定书 handed to the custody (民诉解释 2022 art. 182). The 院长 records the decision."""
    m = _locked_measure(measure_id, actor)
    require(actor, "approve.president", court=m.court, now=now)
    if m.kind != MeasureKind.DETENTION:
        raise InvalidTransition("只有司法拘留可以提前解除。")
    if m.status != MeasureStatus.IN_FORCE or m.starts_at is None or m.ends_at is None:
        raise InvalidTransition(f"拘留当前状态为“{m.get_status_display()}”，不能提前解除。")
    if not repentance.strip():
        raise ConditionsNotMet(
            f"请写明被拘留人认错悔改、具结悔过的情况（{rules.interp('182')}）。", unmet=["repentance"]
        )
    if not m.starts_at <= released_at < m.ends_at:
        raise ConditionsNotMet(
            f"提前解除时间应在拘留期间内（{_hm(m.starts_at)}至{_hm(m.ends_at)}）。", unmet=["released_at"]
        )
    reason = "认错悔改，具结悔过，经院长批准提前解除拘留"
    m.released_at = released_at
    m.status = MeasureStatus.LIFTED
    m.closed_at = now
    m.close_reason = reason
    m.save(update_fields=["released_at", "status", "closed_at", "close_reason"])
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.DETENTION_EARLY_RELEASED,
        summary=f"院长批准提前解除对{m.subject.name}的拘留（{_hm(released_at)}）",
        actor=actor,
        now=now,
        data={"measure": m.pk, "released_at": released_at, "repentance": repentance.strip()},
        legal_basis=rules.interp("182"),
    )
    early_release_document(m, repentance=repentance.strip(), released_at=released_at, actor=actor, now=now)
    return m


def fine_paid_total(m: Measure) -> Decimal:
    return to_money(FinePayment.objects.filter(measure=m).aggregate(s=Sum("amount"))["s"] or 0)


@transaction.atomic
def fine_payment_record(
    *,
    actor: User,
    measure_id: int,
    amount: Decimal,
    paid_on: date,
    receipt_number: str,
    now: datetime,
) -> FinePayment:
    """A payment of a fine in force, with its receipt, never above what remains (民事诉讼法 2023
    art. 118: the amount is the one decided). Paid in full, the fine is carried out."""
    m = _locked_measure(measure_id, actor)
    require(actor, "measure.propose", court=m.court)
    if m.kind != MeasureKind.FINE or m.amount is None:
        raise InvalidTransition("只有罚款可以登记缴纳。")
    if m.status != MeasureStatus.IN_FORCE:
        raise InvalidTransition(f"罚款当前状态为“{m.get_status_display()}”，不能登记缴纳。")
    paid = to_money(amount)
    remaining = to_money(m.amount) - fine_paid_total(m)
    if paid <= 0 or paid > remaining:
        raise ConditionsNotMet(
            f"缴纳金额应大于零且不超过尚未缴纳的{format_yuan(remaining)}元（{cpl(118)}）。",
            unmet=["amount"],
            details={"remaining": str(remaining)},
        )
    if not receipt_number.strip():
        raise ConditionsNotMet("请填写缴款票据号码。", unmet=["receipt_number"])
    if paid_on > local_date(now):
        raise ConditionsNotMet("缴纳日期不能晚于今天。", unmet=["paid_on"])
    payment = FinePayment.objects.create(
        measure=m,
        amount=paid,
        paid_on=paid_on,
        receipt_number=receipt_number.strip()[:64],
        recorded_by=actor,
        recorded_at=now,
    )
    full = paid == remaining
    if full:
        _carried_out(m, at=now, reason="罚款已缴清")
        m.save(update_fields=["status", "closed_at", "close_reason"])
    case_event_record(
        case=m.case,
        kind=MeasuresEvent.FINE_PAID,
        summary=f"{m.subject.name}缴纳罚款{format_yuan(paid)}元（票据{payment.receipt_number}）"
        + ("，罚款已缴清" if full else f"，尚欠{format_yuan(remaining - paid)}元"),
        actor=actor,
        now=now,
        data={"measure": m.pk, "payment": payment.pk, "amount": paid, "full": full},
        legal_basis=cpl(118),
    )
    return payment
