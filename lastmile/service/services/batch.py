"""Batch service: start many attempts in one action (e.g. mail a set of judgments, each with its
EMS number), serve a set of documents electronically, and record many results at once (the mail
receipts that came back). Every row is checked before anything is written; when a row is wrong,
the report names each wrong row with its code and Chinese message and nothing is written (the
attempts of one batch are started, or recorded, in one transaction)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.core.clock import court_date as _local_day
from lastmile.core.errors import DomainError
from lastmile.documents.models import Document
from lastmile.service.error_codes import ServiceErrorCode

from ..models import OrderStatus, ServiceAttempt, ServiceMethod, ServiceOrder, SignerRelation
from ..ports import ElectronicServicePort
from .common import service_actor_check
from .electronic import service_dispatch
from .methods import (
    AttemptResult,
    AttemptStart,
    attempt_result_problems,
    attempt_start_problems,
    service_attempt_result_record,
    service_attempt_start,
)

BATCH_LIMIT = 500


@dataclass(frozen=True)
class BatchRow:
    """One order to start serving: the order, and the EMS number (mail), the court (委托) or the
    body (转交) of that row."""

    order_id: int
    tracking_number: str = ""
    agency: str = ""
    transfer_via: str = ""


@dataclass(frozen=True)
class ResultRow:
    """One result to record, found by its EMS number (mail) or by the attempt's id."""

    line: int
    outcome: str
    tracking_number: str = ""
    attempt_id: int | None = None
    on: date | None = None
    signer: str = ""
    relation: str = ""
    refusal: str = ""
    witnesses: str = ""
    record_ref: str = ""
    failure: str = ""


@dataclass
class BatchReport:
    """What a batch did: ``done`` one entry per row written, ``errors`` one per problem (row number
    from 1, field, code, Chinese message). With errors nothing was written."""

    done: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, fld: str, code: str, message: str) -> None:
        self.errors.append({"row": row, "field": fld, "code": str(code), "message": message})


def _size_checked(report: BatchReport, n: int) -> bool:
    if n == 0:
        report.error(0, "rows", ServiceErrorCode.BATCH_EMPTY, "没有选择任何送达记录。")
    elif n > BATCH_LIMIT:
        report.error(0, "rows", ServiceErrorCode.BATCH_TOO_LARGE, f"一次最多处理{BATCH_LIMIT}条。")
    return report.ok


def service_batch_start(*, method: str, rows: list[BatchRow], actor: User, now: datetime) -> BatchReport:
    """Start serving every row's order by ``method`` (direct, mail, 委托 or 转交), all or none."""
    report = BatchReport()
    if not _size_checked(report, len(rows)):
        return report
    orders = {
        o.pk: o
        for o in ServiceOrder.objects.filter(
            pk__in=[r.order_id for r in rows], court_id=actor.court_id or 0
        ).select_related("case", "case__court", "document", "recipient")
    }
    seen_orders: set[int] = set()
    seen_numbers: set[str] = set()
    for n, row in enumerate(rows, 1):
        order = orders.get(row.order_id)
        if order is None:
            report.error(
                n, "order", ServiceErrorCode.ORDER_UNKNOWN, f"送达记录{row.order_id}不存在或不属于本院。"
            )
            continue
        try:
            service_actor_check(actor, order.case)
        except DomainError as exc:
            report.error(n, "order", exc.code, exc.message)
            continue
        if row.order_id in seen_orders:
            report.error(n, "order", ServiceErrorCode.ROW_DUPLICATE, "同一送达记录重复出现。")
        seen_orders.add(row.order_id)
        number = row.tracking_number.strip().upper()
        if method == ServiceMethod.MAIL and number:
            if number in seen_numbers:
                report.error(n, "tracking_number", ServiceErrorCode.ROW_DUPLICATE, f"邮件单号{number}重复。")
            seen_numbers.add(number)
        start = AttemptStart(
            method=method, tracking_number=number, agency=row.agency, transfer_via=row.transfer_via
        )
        for fld, code, message in attempt_start_problems(order, start):
            report.error(n, fld, code, f"{order.case.number} {order.recipient.name}：{message}")
    if not report.ok:
        return report
    with transaction.atomic():
        for n, row in enumerate(rows, 1):
            start = AttemptStart(
                method=method,
                tracking_number=row.tracking_number.strip().upper(),
                agency=row.agency,
                transfer_via=row.transfer_via,
            )
            attempt = service_attempt_start(order=orders[row.order_id], start=start, actor=actor, now=now)
            report.done.append(
                {
                    "row": n,
                    "order": row.order_id,
                    "attempt": attempt.pk,
                    "tracking_number": attempt.tracking_number,
                }
            )
    return report


def service_batch_dispatch(
    *, document_ids: list[int], actor: User, now: datetime, port: ElectronicServicePort | None = None
) -> BatchReport:
    """Serve each document electronically on every party of its case (CPL 2023 art. 90). Each
    document is its own step (the messages leave the court as they are sent); a document already
    served is skipped; the report gives, per document, how many recipients were served, are pending
    and still need another method."""
    report = BatchReport()
    if not _size_checked(report, len(document_ids)):
        return report
    docs = {
        d.pk: d
        for d in Document.objects.filter(pk__in=document_ids, court_id=actor.court_id or 0).select_related(
            "case", "case__court"
        )
    }
    for n, pk in enumerate(document_ids, 1):
        if pk not in docs:
            report.error(n, "document", ServiceErrorCode.ORDER_UNKNOWN, f"文书{pk}不存在或不属于本院。")
    if not report.ok:
        return report
    for n, pk in enumerate(document_ids, 1):
        doc = docs[pk]
        try:
            service_dispatch(document=doc, actor=actor, now=now, port=port)
        except DomainError as exc:
            report.error(n, "document", exc.code, f"{doc.title}（{doc.number}）：{exc.message}")
            continue
        statuses = list(ServiceOrder.objects.filter(document=doc).values_list("status", flat=True))
        report.done.append(
            {
                "row": n,
                "document": pk,
                "title": f"{doc.title}（{doc.number}）",
                "served": statuses.count(OrderStatus.SERVED),
                "sent": statuses.count(OrderStatus.SENT),
                "failed": statuses.count(OrderStatus.FAILED),
            }
        )
    return report


def service_batch_results_record(*, rows: list[ResultRow], actor: User, now: datetime) -> BatchReport:
    """Record many results (typically the mail receipts that came back, by EMS number), all or
    none: each served on its legal date (the date of receipt on the mail receipt, CPL 2023 art. 91)."""
    report = BatchReport()
    if not _size_checked(report, len(rows)):
        return report
    visible = ServiceAttempt.objects.filter(order__court_id=actor.court_id or 0).select_related(
        "order", "order__case", "order__case__court", "order__recipient", "order__document"
    )
    numbers = [r.tracking_number.strip().upper() for r in rows if r.tracking_number]
    ids = [r.attempt_id for r in rows if r.attempt_id is not None]
    by_number = {a.tracking_number: a for a in visible.filter(tracking_number__in=numbers)} if numbers else {}
    by_id = {a.pk: a for a in visible.filter(pk__in=ids)} if ids else {}
    today = _local_day(now)
    seen: set[int] = set()
    found: list[ServiceAttempt] = []
    for row in rows:
        number = row.tracking_number.strip().upper()
        attempt = by_number.get(number) if number else by_id.get(row.attempt_id or 0)
        if attempt is None:
            what = f"邮件单号{number}" if number else f"送达记录{row.attempt_id}"
            report.error(
                row.line, "tracking_number", ServiceErrorCode.TRACKING_UNKNOWN, f"{what}未登记或不属于本院。"
            )
            continue
        try:
            service_actor_check(actor, attempt.order.case)
        except DomainError as exc:
            report.error(row.line, "attempt", exc.code, exc.message)
            continue
        if attempt.pk in seen:
            report.error(
                row.line, "tracking_number", ServiceErrorCode.ROW_DUPLICATE, "同一送达记录重复出现。"
            )
        seen.add(attempt.pk)
        found.append(attempt)
        for fld, code, message in attempt_result_problems(attempt, _result(row), today=today):
            report.error(row.line, fld, code, message)
    if not report.ok:
        return report
    with transaction.atomic():
        for row, attempt in zip(rows, found, strict=True):
            done = service_attempt_result_record(attempt=attempt, result=_result(row), actor=actor, now=now)
            report.done.append(
                {
                    "row": row.line,
                    "attempt": done.pk,
                    "order": done.order_id,
                    "outcome": done.outcome,
                    "served_on": done.served_on,
                }
            )
    return report


def _result(row: ResultRow) -> AttemptResult:
    return AttemptResult(
        outcome=row.outcome,
        on=row.on,
        signer=row.signer,
        relation=row.relation,
        refusal=row.refusal,
        witnesses=row.witnesses,
        record_ref=row.record_ref,
        failure=row.failure,
    )


# --- the text form of mail receipts ------------------------------------------------------------

OUTCOME_WORDS = {"签收": "signed", "妥投": "signed", "signed": "signed", "退回": "failed", "failed": "failed"}
RELATION_WORDS = {str(label): value for value, label in SignerRelation.choices} | {
    "本人": SignerRelation.SELF,
    "家属": SignerRelation.FAMILY,
    "收发室": SignerRelation.RECEIVER,
    "代理人": SignerRelation.AGENT,
    "代收人": SignerRelation.DESIGNEE,
}


def mail_receipts_parse(text: str) -> tuple[list[ResultRow], BatchReport]:
    """Parse mail receipts, one per line (a pasted list or a CSV file):
    ``邮件单号,签收,收件日期,签收人[,签收人身份]`` or ``邮件单号,退回,退回日期,退回原因``.
    Returns the rows and a report carrying every line that cannot be read."""
    report = BatchReport()
    rows: list[ResultRow] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    line_no = 0
    while True:
        line_no += 1
        try:
            cells = next(reader, None)
        except csv.Error:  # not text a CSV reader can split (a binary file, a stray carriage return)
            report.error(line_no, "line", ServiceErrorCode.BATCH_INVALID, "此行无法按逗号分隔的文本读取。")
            break
        if cells is None:
            break
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0] in ("邮件单号", "tracking_number"):
            continue
        if len(cells) < 4:
            report.error(
                line_no,
                "line",
                ServiceErrorCode.BATCH_INVALID,
                "每行应为：邮件单号,签收或退回,日期,签收人或退回原因。",
            )
            continue
        number, word, day, who = cells[:4]
        outcome = OUTCOME_WORDS.get(word)
        if outcome is None:
            report.error(
                line_no, "outcome", ServiceErrorCode.OUTCOME_INVALID, f"结果“{word}”应为“签收”或“退回”。"
            )
            continue
        try:
            on = date.fromisoformat(day.replace("/", "-"))
        except ValueError:
            report.error(line_no, "on", ServiceErrorCode.DATE_INVALID, f"日期“{day}”应写作2025-03-20。")
            continue
        relation = ""
        if outcome == "signed" and len(cells) > 4 and cells[4]:
            relation = str(RELATION_WORDS.get(cells[4], cells[4]))
        rows.append(
            ResultRow(
                line=line_no,
                outcome=outcome,
                tracking_number=number,
                on=on,
                signer=who if outcome == "signed" else "",
                relation=relation,
                failure=who if outcome == "failed" else "",
            )
        )
    return rows, report
