"""The funds lists people work from (issue M item 3): money received (unclaimed or claimed) and
payouts, each filtered, sortable, paged with the true total and exported as XLSX. The acts (claim,
approve, pay) stay where they are: the claim form on unclaimed rows posts to ``ledger:claim``, a
payout row opens its case's money tab."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.models import Role, User
from lastmile.accounts.permissions import actor_can
from lastmile.core.errors import DomainError
from lastmile.core.listing import Column, list_response, param_amount, param_date, param_int

from . import selectors
from .models import PayoutKind, PayoutStatus, Receipt, ReceiptSource

RECEIPT_COLUMNS: tuple[Column, ...] = (
    Column("received", "到账时间", lambda r: r.received_at, sort="received_at"),
    Column("source", "来源", lambda r: r.get_source_display(), sort="source"),
    Column("payer", "付款人", lambda r: r.payer, sort="payer"),
    Column("amount", "金额（元）", lambda r: r.amount, sort="amount", money=True),
    Column("note", "附言", lambda r: r.note),
    Column("case", "案号", lambda r: r.case.number if r.case else "待认领", sort="case__number"),
)
PAYOUT_COLUMNS: tuple[Column, ...] = (
    Column("case", "案号", lambda p: p.case.number, sort="case__number"),
    Column("kind", "类型", lambda p: p.get_kind_display(), sort="kind"),
    Column("payee", "收款人", lambda p: p.payee_name, sort="payee_name"),
    Column("amount", "金额（元）", lambda p: p.amount, sort="amount", money=True),
    Column("status", "状态", lambda p: p.get_status_display(), sort="status"),
    Column("due", "应发放日", lambda p: p.due_on, sort="due_on"),
    Column("requested", "申请时间", lambda p: p.requested_at, sort="requested_at"),
    Column("officer", "承办人", lambda p: p.case.officer.name if p.case.officer else ""),
)


def _filters(request: AuthedRequest, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in keys}


def _refused(request: AuthedRequest, exc: DomainError) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=403)


def _receipt_list(
    request: AuthedRequest, qs: QuerySet[Receipt], *, export_name: str, template: str, context: dict[str, Any]
) -> HttpResponse:
    """A list of receipts (all, or the unclaimed ones): the same columns, rows and claim form."""
    return list_response(
        request,
        qs,
        columns=RECEIPT_COLUMNS,
        default_sort="received",
        export_name=export_name,
        template=template,
        partial="ledger/_receipt_rows.html",
        context={"can_manage": actor_can(request.user, "funds.manage"), "unit": "笔", **context},
    )


@login_required
def receipts(request: AuthedRequest) -> HttpResponse:
    f = _filters(
        request, ("state", "source", "q", "received_from", "received_to", "amount_min", "amount_max")
    )
    try:
        qs = selectors.receipts_list(
            actor=request.user,
            state=f["state"] if f["state"] in ("unclaimed", "claimed") else "",
            source=f["source"] if f["source"] in ReceiptSource.values else "",
            query=f["q"],
            received_from=param_date(f["received_from"]),
            received_to=param_date(f["received_to"]),
            amount_min=param_amount(f["amount_min"]),
            amount_max=param_amount(f["amount_max"]),
        )
    except DomainError as exc:
        return _refused(request, exc)
    return _receipt_list(
        request,
        qs,
        export_name="执行款到账",
        template="ledger/receipts.html",
        context={"filters": f, "sources": ReceiptSource.choices},
    )


@login_required
def unclaimed(request: AuthedRequest) -> HttpResponse:
    """The money received without a case, every row (paged with the true total, sorted, exported),
    each with its claim form for those who manage the funds."""
    try:
        qs = selectors.unclaimed_receipts(actor=request.user)
    except DomainError as exc:
        return _refused(request, exc)
    return _receipt_list(request, qs, export_name="待认领款项", template="ledger/unclaimed.html", context={})


@login_required
def payouts(request: AuthedRequest) -> HttpResponse:
    keys = ("status", "kind", "officer", "q", "due_from", "due_to", "amount_min", "amount_max")
    f = _filters(request, keys)
    try:
        qs = selectors.payouts_list(
            actor=request.user,
            status=f["status"] if f["status"] in PayoutStatus.values else "",
            kind=f["kind"] if f["kind"] in PayoutKind.values else "",
            officer_id=param_int(f["officer"]),
            query=f["q"],
            due_from=param_date(f["due_from"]),
            due_to=param_date(f["due_to"]),
            amount_min=param_amount(f["amount_min"]),
            amount_max=param_amount(f["amount_max"]),
        )
    except DomainError as exc:
        return _refused(request, exc)
    officers = User.objects.filter(
        court_id=request.user.court_id or 0,
        is_active=True,
        role__in=[Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER],
    ).order_by("username")
    return list_response(
        request,
        qs,
        columns=PAYOUT_COLUMNS,
        default_sort="due",
        export_name="案款发放",
        template="ledger/payouts.html",
        partial="ledger/_payout_rows.html",
        context={
            "filters": f,
            "statuses": PayoutStatus.choices,
            "kinds": PayoutKind.choices,
            "officers": officers,
            "unit": "笔",
        },
    )
