"""The court's triage rules (繁简分流): the factors, their points and the score that makes a case
complex, edited by the court's administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lastmile.accounts.models import Court
from lastmile.accounts.permissions import actor_can
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, PermissionDenied
from lastmile.core.money import parse_amount

from .. import services
from ..models import TriageFactor
from .common import _actor, _error_page, _text


@login_required
def triage_rules(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor_can(actor, "config.edit") or actor.court is None:
        return _error_page(request, PermissionDenied("只有本院管理员可以修改繁简分流规则。"), 403)
    court: Court = actor.court
    if request.method == "POST":
        data = request.POST
        try:
            changes = []
            for factor in TriageFactor.values:
                threshold = _text(data, f"{factor}_threshold")
                points = _text(data, f"{factor}_points") or "0"
                changes.append(
                    (
                        factor,
                        parse_amount(threshold) if threshold else None,
                        int(points),
                        data.get(f"{factor}_active") == "1",
                    )
                )
            score = int(_text(data, "complex_score") or "3")
            services.triage_rules_update(
                actor=actor, court=court, complex_score=score, changes=changes, now=get_clock().now()
            )
            messages.success(request, "繁简分流规则已保存。")
            return redirect("enforcement:triage_rules")
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, "分值应为整数。")
    policy, rules = services.triage_rules_ensure(court=court)
    return render(request, "enforcement/triage_rules.html", {"policy": policy, "rules": rules})
