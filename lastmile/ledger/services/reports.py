"""Payments reported by an officer (到账登记): pending until finance confirms them against the
execution account, then booked as a receipt; or not confirmed, with the reason, and nothing booked.

执行款物管理规定 (法发〔2017〕6号; its 2006 trial text arts. 2–3, 5): the execution body and finance
each keep their part and check each other, and finance records every movement of money case by
case. An officer's word that the debtor paid is therefore not money in the case account: it
changes no balance, stops no interest (法释〔2014〕8号 art. 3 counts the day money is paid to the
court) and opens no payout deadline until finance has found the money. Money that institutions
report (a bank's answer to a deduction, a bank statement) and installments booked by their own
services are not reports: they are booked at once by :func:`.receipts.receipt_record`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.cases.services import case_event_record
from lastmile.core.errors import Conflict, InvalidAmount, InvalidTransition, NotFound, PermissionDenied
from lastmile.core.money import format_yuan, to_money
from lastmile.ledger.kinds import LedgerEvent

from ..models import PaymentReport, PaymentReportStatus, ReceiptSource
from ..rules import FUNDS_RULES
from .receipts import receipt_record


@transaction.atomic
def payment_report(
    *,
    case: Case,
    amount: Decimal,
    actor: User,
    now: datetime,
    idempotency_key: str,
    source: str = ReceiptSource.DEBTOR_TRANSFER,
    paid_at: datetime | None = None,
    payer: str = "",
    note: str = "",
) -> PaymentReport:
    """Record that ``amount`` was paid for ``case`` at ``paid_at`` (default ``now``), waiting for
    finance (:func:`payment_report_confirm`). Books nothing. The caller checks that ``actor`` may
    act on the case; this checks the court. Idempotent on ``idempotency_key`` within the court: the
    same key again returns the first report; with another amount or case it is a :class:`Conflict`."""
    if actor.court_id != case.court_id:
        raise PermissionDenied("不能操作其他法院的案件。")
    amount = to_money(amount)
    existing = PaymentReport.objects.filter(court_id=case.court_id, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, case=case, amount=amount)
    if amount <= 0:
        raise InvalidAmount("到账金额必须大于零。")
    if source not in ReceiptSource.values:
        raise InvalidAmount("收款来源无法识别。", details={"source": source})
    paid_at = paid_at or now
    if paid_at > now:
        raise InvalidAmount("到账时间不能晚于现在。")
    try:
        with transaction.atomic():
            report = PaymentReport.objects.create(
                court_id=case.court_id,
                case=case,
                amount=amount,
                source=source,
                paid_at=paid_at,
                payer=payer.strip()[:128],
                note=note.strip()[:256],
                idempotency_key=idempotency_key,
                reported_by=actor,
                reported_at=now,
            )
    except IntegrityError:
        winner = PaymentReport.objects.get(court_id=case.court_id, idempotency_key=idempotency_key)
        return _replayed(winner, case=case, amount=amount)
    case_event_record(
        case=case,
        kind=LedgerEvent.PAYMENT_REPORTED,
        summary=f"登记到账款项{format_yuan(amount)}元（{report.get_source_display()}），待财务核对确认后计入案款",
        actor=actor,
        now=now,
        data={"report": report.pk, "amount": amount, "source": source, "paid_at": paid_at},
        legal_basis=FUNDS_RULES,
    )
    return report


def _replayed(existing: PaymentReport, *, case: Case, amount: Decimal) -> PaymentReport:
    if existing.case_id != case.pk or existing.amount != amount:
        raise Conflict(
            "该到账登记的幂等键已使用，但金额或案件不同。",
            details={"report": existing.pk, "amount": str(existing.amount)},
        )
    return existing


def _locked_report(report_id: int, actor: User) -> PaymentReport:
    report = (
        PaymentReport.objects.select_for_update(of=("self",))
        .select_related("case", "case__court")
        .filter(pk=report_id)
        .first()
    )
    if report is None or actor.court_id != report.court_id:
        raise NotFound("到账登记不存在或您无权操作。")
    require(actor, "funds.manage", court=report.case.court)
    if report.reported_by_id == actor.pk:
        raise PermissionDenied("到账登记须由登记人以外的财务人员核对确认。")
    return report


@transaction.atomic
def payment_report_confirm(
    *, report_id: int, actor: User, now: datetime, bank_reference: str = ""
) -> PaymentReport:
    """Finance (``funds.manage``) has found the money in the execution account: book it for the
    case as a receipt dated as reported (its day stops the interest and starts the payout
    period). Once only: confirming again returns the report; a report not confirmed cannot be."""
    report = _locked_report(report_id, actor)
    if report.status == PaymentReportStatus.CONFIRMED:
        return report
    if report.status != PaymentReportStatus.PENDING:
        raise InvalidTransition(f"该到账登记当前为“{report.get_status_display()}”，不能确认。")
    receipt = receipt_record(
        case=report.case,
        amount=report.amount,
        source=report.source,
        idempotency_key=f"report:{report.pk}",
        received_at=report.paid_at,
        actor=actor,
        payer=report.payer,
        note=(f"到账登记#{report.pk} {bank_reference}".strip())[:256],
    )
    report.status = PaymentReportStatus.CONFIRMED
    report.decided_by = actor
    report.decided_at = now
    report.bank_reference = bank_reference.strip()[:64]
    report.receipt = receipt
    report.save(update_fields=["status", "decided_by", "decided_at", "bank_reference", "receipt"])
    case_event_record(
        case=report.case,
        kind=LedgerEvent.PAYMENT_REPORT_CONFIRMED,
        summary=f"财务核对确认到账{format_yuan(report.amount)}元（{report.paid_at:%Y-%m-%d}到账）",
        actor=actor,
        now=now,
        data={"report": report.pk, "receipt": receipt.pk, "bank_reference": report.bank_reference},
        legal_basis=FUNDS_RULES,
    )
    return report


@transaction.atomic
def payment_report_reject(*, report_id: int, actor: User, now: datetime, reason: str) -> PaymentReport:
    """Finance did not find the money: the report is closed with ``reason`` (required) and
    nothing is booked. Once only."""
    reason = reason.strip()
    if not reason:
        raise InvalidAmount("请写明未予确认的理由（如专户中未查到该笔款项）。")
    report = _locked_report(report_id, actor)
    if report.status == PaymentReportStatus.REJECTED:
        return report
    if report.status != PaymentReportStatus.PENDING:
        raise InvalidTransition(f"该到账登记当前为“{report.get_status_display()}”，不能退回。")
    report.status = PaymentReportStatus.REJECTED
    report.decided_by = actor
    report.decided_at = now
    report.reason = reason[:256]
    report.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    case_event_record(
        case=report.case,
        kind=LedgerEvent.PAYMENT_REPORT_REJECTED,
        summary=f"到账登记{format_yuan(report.amount)}元未予确认：{report.reason}",
        actor=actor,
        now=now,
        data={"report": report.pk, "reason": report.reason},
        legal_basis=FUNDS_RULES,
    )
    return report
