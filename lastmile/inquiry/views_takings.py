"""Pages of 扣押 of movables, income withholding, 到期债权 and 轮候查封: a panel on the case file's
查控与财产 tab and its form posts (thin: one service call each; a refusal comes back as a Chinese
message naming its basis, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound
from lastmile.core.inputs import int_or_none
from lastmile.parties.models import Party

from . import selectors_takings
from .models import Asset, Freeze, IncomeWithholding, Receivable, WaitingSeizure
from .services import income, movables, receivables, waiting


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    can_order = actor_can(request.user, "inquiry.order")
    view = selectors_takings.case_takings(case=case)
    has_rows = any(view[k] for k in ("movables", "withholdings", "receivables", "waiting"))
    if not can_order and not has_rows:
        return None
    return {
        **view,
        "case": case,
        "can_order": can_order,
        "can_release": actor_can(request.user, "control.release"),
        "can_decide": actor_can(request.user, "enforcement.decide"),
        "today": get_clock().today(),
    }


def _back(case_id: int) -> HttpResponse:
    return redirect(reverse("web:case_detail", args=[case_id]) + "#tab-property")


def _dec(raw: str | None, *, optional: bool = False) -> Decimal | None:
    if raw is None or not raw.strip():
        if optional:
            return None
        raise DomainError("请填写金额。")
    try:
        return Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        raise DomainError("金额格式不正确。") from None


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise DomainError("日期格式不正确（例如 2026-12-05）。") from None


def _count(raw: str | None) -> int:
    """A count typed on a form (empty is 0); anything else than a whole number is -1, which the
    service refuses with its own message."""
    value = int_or_none(raw or "0")
    return -1 if value is None else value


def _party(case: Case, raw: str | None) -> Party:
    party = Party.objects.filter(pk=int_or_none(raw) or 0, roles__case=case).first()
    if party is None:
        raise DomainError("请选择本案当事人。")
    return party


def _run(request: AuthedRequest, case_id: int, fn: Callable[[], object], success: str) -> HttpResponse:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(case_id)


@login_required
@require_POST
def case_act(request: AuthedRequest, case_id: int, action: str) -> HttpResponse:
    """The acts started from the case: 扣押, 扣留收入, 到期债权通知, 轮候查封."""
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    p, user, now = request.POST, request.user, get_clock().now()
    acts: dict[str, tuple[Callable[[], object], str]] = {
        "distrain": (
            lambda: movables.movable_distrain(
                case=case,
                party=_party(case, p.get("party")),
                description=p.get("description", ""),
                identifier=p.get("identifier", ""),
                custodian=p.get("custodian", ""),
                place=p.get("place", ""),
                assisting_court=p.get("assisting_court", ""),
                costs=_dec(p.get("costs"), optional=True) or Decimal("0"),
                costs_note=p.get("costs_note", ""),
                actor=user,
                now=now,
            ),
            "已扣押，扣押裁定已送达。",
        ),
        "income": (
            lambda: income.income_withhold_start(
                case=case,
                party=_party(case, p.get("party")),
                employer=p.get("employer", ""),
                monthly_income=_dec(p.get("monthly_income")) or Decimal("0"),
                dependants=_count(p.get("dependants")),
                actor=user,
                now=now,
            ),
            "已裁定扣留、提取收入，协助执行通知书已出具。",
        ),
        "receivable": (
            lambda: receivables.receivable_notice_issue(
                case=case,
                party=_party(case, p.get("party")),
                third_party=p.get("third_party", ""),
                third_party_address=p.get("third_party_address", ""),
                amount=_dec(p.get("amount")) or Decimal("0"),
                actor=user,
                now=now,
            ),
            "已出具履行到期债务通知书，请向第三人直接送达后登记送达日期。",
        ),
        "waiting": (
            lambda: waiting.waiting_seizure_register(
                asset=_asset(case, p.get("asset")), ahead=p.get("ahead", ""), actor=user, now=now
            ),
            "已轮候查封，裁定已送达。",
        ),
    }
    if action not in acts:
        return HttpResponse("未知操作", status=404)
    fn, success = acts[action]
    return _run(request, case_id, fn, success)


def _asset(case: Case, raw: str | None) -> Asset:
    asset = Asset.objects.filter(case=case, pk=int_or_none(raw) or 0).first()
    if asset is None:
        raise DomainError("请选择财产。")
    return asset


@login_required
@require_POST
def row_act(request: AuthedRequest, kind: str, row_id: int, action: str) -> HttpResponse:
    """The acts on a row: release a 扣押, record a month's payment, release the withholding,
    record service / objection on a 到期债权, enforce against the third party, record the earlier
    court's release behind a 轮候查封."""
    models: dict[str, Any] = {
        "movable": Freeze,
        "income": IncomeWithholding,
        "receivable": Receivable,
        "waiting": WaitingSeizure,
    }
    if kind not in models:
        return HttpResponse("未知操作", status=404)
    row = models[kind].objects.filter(pk=row_id).first()
    try:
        if row is None:
            raise NotFound("记录不存在。")
        case_get_for(actor=request.user, case_id=row.case_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    p, user, now = request.POST, request.user, get_clock().now()
    acts: dict[tuple[str, str], Callable[[], object]] = {
        ("movable", "release"): lambda: movables.movable_release(
            freeze=row, reason=p.get("reason", ""), actor=user, now=now
        ),
        ("income", "payment"): lambda: income.income_payment_record(
            withholding=row,
            month=p.get("month", "").strip(),
            amount=_dec(p.get("amount")) or Decimal("0"),
            paid_on=_day(p.get("paid_on")),
            actor=user,
            now=now,
        ),
        ("income", "release"): lambda: income.income_withhold_release(
            withholding=row, reason=p.get("reason", ""), actor=user, now=now
        ),
        ("receivable", "served"): lambda: receivables.receivable_served(
            receivable=row, served_on=_day(p.get("served_on")), actor=user, now=now
        ),
        ("receivable", "objection"): lambda: receivables.receivable_objection_record(
            receivable=row,
            statement=p.get("statement", ""),
            admitted=_dec(p.get("admitted"), optional=True),
            objected_on=_day(p.get("objected_on")),
            kind=p.get("kind", "dispute"),
            actor=user,
            now=now,
        ),
        ("receivable", "enforce"): lambda: receivables.receivable_enforce(
            receivable=row, actor=user, now=now
        ),
        ("waiting", "ahead_released"): lambda: waiting.waiting_seizure_ahead_released(
            waiting=row, actor=user, now=now
        ),
    }
    fn = acts.get((kind, action))
    if fn is None:
        return HttpResponse("未知操作", status=404)
    return _run(request, row.case_id, fn, "已办理。")
