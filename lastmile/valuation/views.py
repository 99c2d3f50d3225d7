"""Pages of the reference price: the 参考价 panel on the case file's 查控与财产 tab and its form
posts (thin: one service call each; refusals come back as a Chinese message, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
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
from lastmile.inquiry.models import Asset
from lastmile.parties.models import Party

from . import selectors, services
from .models import Method, Objection, Valuation


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The 参考价 panel: for those who may act, or once the case has a valuation or a seizure."""
    can_order = actor_can(request.user, "inquiry.order")
    view = selectors.case_panel_view(case=case, today=get_clock().today())
    if not can_order and not view["valuations"]:
        return None
    if not view["valuations"] and not view["assets"]:
        return None
    return {
        **view,
        "case": case,
        "can_order": can_order,
        "can_decide": actor_can(request.user, "enforcement.decide"),
        "methods": Method.choices,
        "parties": [
            cp.party for cp in case.case_parties.select_related("party").order_by("role", "position")
        ],
    }


def _back(case_id: int) -> HttpResponse:
    return redirect(reverse("web:case_detail", args=[case_id]) + "#tab-property")


def _money(raw: str | None) -> Decimal | None:
    if raw is None or not raw.strip():
        return None
    try:
        return Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        raise DomainError("金额格式不正确。") from None


def _run(request: AuthedRequest, case_id: int, fn: Callable[[], object], success: str) -> HttpResponse:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(case_id)


def _valuation_for(request: AuthedRequest, valuation_id: int) -> Valuation:
    v = Valuation.objects.filter(pk=valuation_id).select_related("case").first()
    if v is None:
        raise NotFound("记录不存在。")
    case_get_for(actor=request.user, case_id=v.case_id)  # scoped by court and role
    return v


@login_required
@require_POST
def start(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
        asset = Asset.objects.filter(case=case, pk=int_or_none(request.POST.get("asset")) or 0).first()
        if asset is None:
            raise NotFound("请选择已查封、扣押的财产。")
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case_id)
    firms = [f for f in (request.POST.get("firms") or "").splitlines() if f.strip()]
    return _run(
        request,
        case_id,
        lambda: services.valuation_start(
            asset=asset,
            method=request.POST.get("method", ""),
            actor=request.user,
            now=get_clock().now(),
            applicant_price=_money(request.POST.get("applicant_price")),
            debtor_price=_money(request.POST.get("debtor_price")),
            firms=firms or None,
            cost=_money(request.POST.get("cost")),
        ),
        "已发起确定参考价，相关文书已送达当事人。",
    )


@login_required
@require_POST
def act(request: AuthedRequest, valuation_id: int, action: str) -> HttpResponse:
    try:
        v = _valuation_for(request, valuation_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    now = get_clock().now()
    if action == "collect":
        return _run(
            request,
            v.case_id,
            lambda: services.valuation_collect(valuation=v, actor=request.user, now=now),
            "已收取结果。",
        )
    if action == "extend":

        def extend() -> object:
            days = int_or_none(request.POST.get("days", "0"))
            if days is None:
                raise DomainError("延期天数应为整数。")
            return services.valuation_extend(valuation=v, days=days, actor=request.user, now=now)

        return _run(request, v.case_id, extend, "已延长期限。")
    if action == "object":

        def object_() -> object:
            party = Party.objects.filter(pk=int_or_none(request.POST.get("party")) or 0).first()
            if party is None:
                raise DomainError("请选择提出异议的当事人。")
            return services.valuation_object(
                valuation=v, party=party, grounds=request.POST.get("grounds", ""), actor=request.user, now=now
            )

        return _run(request, v.case_id, object_, "已记录异议。")
    return HttpResponse("未知操作", status=404)


@login_required
@require_POST
def decide(request: AuthedRequest, objection_id: int) -> HttpResponse:
    o = Objection.objects.filter(pk=objection_id).select_related("valuation").first()
    try:
        if o is None:
            raise NotFound("记录不存在。")
        case_get_for(actor=request.user, case_id=o.valuation.case_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=404)
    return _run(
        request,
        o.valuation.case_id,
        lambda: services.objection_decide(
            objection=o,
            upheld=request.POST.get("upheld") == "1",
            exclude_source=request.POST.get("exclude_source", ""),
            actor=request.user,
            now=get_clock().now(),
        ),
        "已作出异议审查裁定并送达。",
    )
