"""Pages of service (送达): the status list, one order with its proof and the forms of each method
of the law, batch service, batch entry of mail receipts, and the panel on the case page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.clock import get_clock
from lastmile.core.errors import ConditionsNotMet, DomainError, NotFound, PermissionDenied
from lastmile.core.inputs import int_list
from lastmile.core.listing import Column, list_response, param_date

from . import selectors, services
from .error_codes import ServiceErrorCode
from .models import (
    ATTEMPT_METHODS,
    AttemptOutcome,
    OrderStatus,
    ServiceMethod,
    SignerRelation,
    TransferVia,
)

MAX_UPLOAD = 1_000_000  # a CSV of mail receipts; 500 rows fit in far less


def _refused(request: HttpRequest, exc: DomainError, status: int = 403) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


COLUMNS: tuple[Column, ...] = (
    Column("case", "案号", lambda o: o.case.number, sort="case__number"),
    Column("document", "文书", lambda o: o.document.title, sort="document__title"),
    Column("recipient", "受送达人", lambda o: o.recipient.name, sort="recipient__name"),
    Column("method", "方式", lambda o: o.get_method_display(), sort="method"),
    Column("status", "状态", lambda o: o.get_status_display(), sort="status"),
    Column("served", "送达日期", lambda o: o.served_on, sort="served_on"),
    Column("created", "发起时间", lambda o: o.created_at, sort="created_at"),
)


@login_required
def status_page(request: AuthedRequest) -> HttpResponse:
    """The court's service orders by status (tiles with the counts), filtered by method, the day
    started and a case number, recipient name or ID number; every one through pages, sortable, as
    XLSX. The batch serve and batch results pages are linked from here."""
    get = request.GET
    status, method = get.get("status", ""), get.get("method", "")
    filters = {k: get.get(k, "").strip() for k in ("q", "created_from", "created_to")}
    try:
        qs = selectors.orders_visible_to(request.user).prefetch_related("attempts", "service_attempts")
        counts = selectors.status_counts(request.user)
    except PermissionDenied as exc:
        return _refused(request, exc)
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    if method in ServiceMethod.values:
        qs = qs.filter(method=method)
    qs = selectors.orders_filter(
        qs,
        query=filters["q"],
        created_from=param_date(filters["created_from"]),
        created_to=param_date(filters["created_to"]),
    )
    tiles = [(value, label, counts.get(value, 0)) for value, label in OrderStatus.choices]
    ctx = {
        "tiles": tiles,
        "status": status,
        "method": method,
        "filters": filters,
        "methods": ServiceMethod.choices,
        "unit": "件",
        "can_serve": actor_can(request.user, services.SERVICE_CAPABILITY),
    }
    return list_response(
        request,
        qs,
        columns=COLUMNS,
        default_sort="-created",
        export_name="送达记录",
        template="service/status.html",
        partial="service/_orders.html",
        context=ctx,
    )


@login_required
def order_page(request: AuthedRequest, order_id: int) -> HttpResponse:
    """One order: its electronic receipts, its attempts with their proof and documents, and the
    forms to start a method, record what came back, or publish a notice."""
    try:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
    except DomainError as exc:
        return _refused(request, exc, status=404)
    if request.method == "POST":
        return _order_act(request, order)
    attempts = list(selectors.attempts_of_order(order))
    pending = next((a for a in attempts if a.outcome == AttemptOutcome.PENDING), None)
    ctx: dict[str, Any] = {
        "order": order,
        "e_attempts": list(order.attempts.all()),
        "attempts": attempts,
        "pending": pending,
        "can_serve": actor_can(request.user, services.SERVICE_CAPABILITY),
        "start_methods": [(m, ServiceMethod(m).label) for m in ATTEMPT_METHODS],
        "relations": SignerRelation.choices,
        "vias": TransferVia.choices,
        "address": services.recipient_address(order.recipient),
        "today": get_clock().now().date().isoformat(),
        "notice_grounds": services.public_notice_grounds(order)
        if order.status == OrderStatus.FAILED and pending is None
        else None,
    }
    return render(request, "service/order.html", ctx)


def _order_act(request: AuthedRequest, order: Any) -> HttpResponse:
    user, now, post = request.user, get_clock().now(), request.POST
    action = post.get("action", "")
    try:
        if action == "start":
            attempt = services.service_attempt_start(
                order=order,
                start=services.AttemptStart(
                    method=post.get("method", ""),
                    tracking_number=post.get("tracking_number", ""),
                    agency=post.get("agency", ""),
                    transfer_via=post.get("transfer_via", ""),
                    address=post.get("address", ""),
                ),
                actor=user,
                now=now,
            )
            messages.success(request, f"已{attempt.get_method_display()}，请在送达后登记结果。")
        elif action == "result":
            found = selectors.attempts_of_order(order).filter(pk=post.get("attempt") or 0).first()
            if found is None:
                raise NotFound("送达记录不存在。")
            day = _date(post.get("on", ""))
            if post.get("on", "").strip() and day is None:
                raise ConditionsNotMet("日期应写作2025-03-20。", code=ServiceErrorCode.DATE_INVALID)
            done = services.service_attempt_result_record(
                attempt=found,
                result=services.AttemptResult(
                    outcome=post.get("outcome", ""),
                    on=day,
                    signer=post.get("signer", ""),
                    relation=post.get("relation", ""),
                    refusal=post.get("refusal", ""),
                    witnesses=post.get("witnesses", ""),
                    record_ref=post.get("record_ref", ""),
                    failure=post.get("failure", ""),
                ),
                actor=user,
                now=now,
            )
            if done.served_on:
                messages.success(
                    request, f"已登记：{done.get_method_display()}，送达日期{done.served_on:%Y-%m-%d}。"
                )
            else:
                messages.success(request, "已登记未能送达，请另行送达。")
        elif action == "notice":
            published = _date(post.get("published_on", ""))
            if post.get("published_on", "").strip() and published is None:
                raise ConditionsNotMet("日期应写作2025-03-20。", code=ServiceErrorCode.DATE_INVALID)
            done_order = services.service_public_notice_request(
                order=order,
                actor=user,
                now=now,
                medium=post.get("medium", ""),
                whereabouts=post.get("whereabouts", ""),
                published_on=published,
            )
            messages.success(request, f"已发布公告，公告期满日{done_order.notice_ends_on:%Y-%m-%d}。")
        else:
            raise ConditionsNotMet("未知的操作。", code=ServiceErrorCode.OUTCOME_INVALID)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("service:order", order_id=order.pk)


@login_required
def batch_page(request: AuthedRequest) -> HttpResponse:
    """Batch service: start one method for many orders (mail with an EMS number per row), or serve
    many issued documents electronically; the result or every wrong row is shown."""
    user = request.user
    report = None
    try:
        awaiting = list(selectors.orders_awaiting_method(user)[:500])
        documents = list(selectors.documents_unserved(user)[:200])
    except PermissionDenied as exc:
        return _refused(request, exc)
    if request.method == "POST":
        now = get_clock().now()
        ids = int_list(request.POST.getlist("order"))
        if request.POST.get("action") == "dispatch":
            doc_ids = int_list(request.POST.getlist("document"))
            report = _guarded(
                lambda: services.service_batch_dispatch(document_ids=doc_ids, actor=user, now=now)
            )
        else:
            rows = [
                services.BatchRow(
                    order_id=pk,
                    tracking_number=request.POST.get(f"tracking_{pk}", ""),
                    agency=request.POST.get("agency", ""),
                    transfer_via=request.POST.get("transfer_via", ""),
                )
                for pk in ids
            ]
            method = request.POST.get("method", "")
            report = _guarded(
                lambda: services.service_batch_start(method=method, rows=rows, actor=user, now=now)
            )
        if report.ok:
            messages.success(request, f"已处理{len(report.done)}条。")
            awaiting = list(selectors.orders_awaiting_method(user)[:500])
            documents = list(selectors.documents_unserved(user)[:200])
    ctx = {
        "awaiting": awaiting,
        "documents": documents,
        "report": report,
        "start_methods": [(m, ServiceMethod(m).label) for m in ATTEMPT_METHODS],
        "vias": TransferVia.choices,
        "posted": request.POST if request.method == "POST" and report is not None and not report.ok else None,
    }
    return render(request, "service/batch.html", ctx, status=200 if report is None or report.ok else 400)


def _guarded(call: Any) -> services.BatchReport:
    try:
        result: services.BatchReport = call()
    except DomainError as exc:
        result = services.BatchReport()
        result.error(0, "batch", exc.code, exc.message)
    return result


@login_required
def results_page(request: AuthedRequest) -> HttpResponse:
    """Batch entry of mail receipts: paste lines or upload a CSV; all rows or none are recorded."""
    user = request.user
    report = None
    text = ""
    try:
        pending = list(selectors.mail_pending(user)[:500])
    except PermissionDenied as exc:
        return _refused(request, exc)
    if request.method == "POST":
        text = request.POST.get("lines", "")
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size and upload.size > MAX_UPLOAD:
                text = ""
                report = services.BatchReport()
                report.error(0, "file", ServiceErrorCode.BATCH_TOO_LARGE, "文件过大（上限1MB）。")
            else:
                raw = upload.read()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = raw.decode("gb18030", errors="replace")
        if report is None:
            rows, report = services.mail_receipts_parse(text)
            if report.ok:
                report = _guarded(
                    lambda: services.service_batch_results_record(
                        rows=rows, actor=user, now=get_clock().now()
                    )
                )
        if report.ok:
            messages.success(request, f"已登记{len(report.done)}条回执。")
            pending = list(selectors.mail_pending(user)[:500])
            text = ""
    status = 200 if report is None or report.ok else 400
    return render(
        request, "service/results.html", {"pending": pending, "report": report, "text": text}, status=status
    )


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    if not actor_can(request.user, "case.view"):
        return None
    orders = list(selectors.orders_of_case(case)[:50])
    return {"orders": orders} if orders else None
