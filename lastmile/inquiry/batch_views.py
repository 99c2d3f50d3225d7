"""Batch acts of 查控 on the case page (issue M item 4): 扣划 every frozen account of a case in one
act. One service call; each refusal comes back as its own Chinese message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied

from . import services


@login_required
@require_POST
def deduct_all(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
    except (NotFound, PermissionDenied) as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    try:
        orders, refused = services.case_deduct_all(case=case, actor=request.user, now=get_clock().now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if orders:
            total = sum(o.amount for o in orders)
            messages.success(request, f"已对{len(orders)}个账户发出扣划指令，合计{total:,.2f}元。")
        for r in refused:
            messages.error(
                request, f"{r.freeze.asset.institution_name}（{r.freeze.asset.party.name}）：{r.reason}"
            )
    return redirect(reverse("web:case_detail", args=[case_id]) + "#tab-property")
