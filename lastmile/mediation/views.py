"""Pages of pre-suit mediation: the mediator's workbench and a mediation's page (sessions,
agreement, failure; for judges, the judicial confirmation or 调解书). Each view makes one service
or selector call; refusals come back as a Chinese message."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.models import Role, User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied

from . import selectors, services
from .models import MediationSession, MediationStatus


def _refused(request: HttpRequest, exc: DomainError, status: int = 403) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    user = request.user
    try:
        waiting = list(selectors.cases_awaiting_mediation(user)[:200])
        mine = list(selectors.mediator_workbench(user)) if actor_can(user, "mediation.work") else []
    except PermissionDenied as exc:
        return _refused(request, exc)
    mediators = User.objects.filter(court_id=user.court_id or 0, role=Role.MEDIATOR, is_active=True).order_by(
        "pk"
    )
    return render(
        request,
        "mediation/workbench.html",
        {"waiting": waiting, "mine": mine, "mediators": mediators, "today": get_clock().today()},
    )


@login_required
@require_POST
def assign(request: AuthedRequest) -> HttpResponse:
    user = request.user
    try:
        ids = [int(x) for x in request.POST.getlist("case")]
        cases = list(selectors.cases_awaiting_mediation(user).filter(pk__in=ids))
        mediator = User.objects.filter(
            pk=request.POST.get("mediator") or user.pk, court_id=user.court_id or 0
        ).first()
        if not cases or mediator is None:
            raise NotFound("请选择案件和调解员。")
        services.mediation_assign(cases=cases, mediator=mediator, actor=user, now=get_clock().now())
        messages.success(request, f"已分派{len(cases)}件案件。")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "请求有误。"))
    return redirect("mediation:work")


def _detail_context(user: User, mediation_id: int) -> dict[str, Any]:
    m = selectors.mediation_get_for(actor=user, mediation_id=mediation_id)
    agreement = getattr(m, "agreement", None)
    return {
        "m": m,
        "sessions": list(m.sessions.order_by("scheduled_at")),
        "agreement": agreement,
        "installments": list(agreement.installments.order_by("seq")) if agreement else [],
        "may_mediate": actor_can(user, "mediation.work") and m.status == MediationStatus.MEDIATING,
        "may_conclude": actor_can(user, "trial.work") and m.status == MediationStatus.AGREED,
        "is_open": m.status in (MediationStatus.MEDIATING, MediationStatus.AGREED),
        "orders": list(m.result_document.service_orders.select_related("recipient"))
        if m.result_document
        else [],
    }


@login_required
def detail(request: AuthedRequest, mediation_id: int) -> HttpResponse:
    try:
        ctx = _detail_context(request.user, mediation_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc, 404)
    return render(request, "mediation/detail.html", ctx)


def _installments(text: str) -> list[services.InstallmentIn]:
    """Lines ``2025-04-15 40000.00`` (date, amount)."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        day, amount = line.split()[:2]
        rows.append(services.InstallmentIn(date.fromisoformat(day), Decimal(amount.replace(",", ""))))
    return rows


@login_required
@require_POST
def act(request: AuthedRequest, mediation_id: int, action: str) -> HttpResponse:
    """The mediation's forms: schedule, record, agree, fail, conclude, serve, enforce."""
    user, now, post = request.user, get_clock().now(), request.POST
    try:
        m = selectors.mediation_get_for(actor=user, mediation_id=mediation_id)
        if action == "schedule":
            at = timezone.make_aware(datetime.fromisoformat(post["scheduled_at"]))
            services.mediation_session_schedule(
                mediation=m, scheduled_at=at, link=post.get("link", ""), actor=user, now=now
            )
        elif action == "record":
            session = MediationSession.objects.get(pk=int(post["session"]), mediation=m)
            services.mediation_session_record(
                session=session, record=post.get("record", ""), actor=user, now=now
            )
        elif action == "agree":
            services.mediation_agreement_record(
                mediation=m,
                terms=post.get("terms", "").splitlines(),
                installments=_installments(post.get("installments", "")),
                actor=user,
                now=now,
            )
        elif action == "fail":
            services.mediation_fail(mediation=m, reason=post.get("reason", ""), actor=user, now=now)
        elif action == "conclude":
            services.mediation_conclude(mediation=m, kind=post.get("kind", ""), actor=user, now=now)
        elif action == "serve":
            services.mediation_result_serve(mediation=m, actor=user, now=now)
        elif action == "enforce":
            case: Case = services.mediation_enforcement_file(mediation=m, actor=user, now=now)
            messages.success(request, f"已立执行案件{case.number}。")
        else:
            raise NotFound("未知操作。")
    except (DomainError, ValueError, KeyError, InvalidOperation, MediationSession.DoesNotExist) as exc:
        messages.error(request, getattr(exc, "message", "填写内容有误，请检查日期、金额格式。"))
    else:
        if action != "enforce":
            messages.success(request, "已保存。")
    return redirect("mediation:detail", mediation_id=mediation_id)


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """On a 民诉前调 case or its 诉前调确/诉前调书 case: the mediation and its outcome."""
    user = request.user
    if not actor_can(user, "case.view"):
        return None
    m = selectors.mediation_of_case(case)
    if m is None:
        return None
    agreement = getattr(m, "agreement", None)
    return {
        "m": m,
        "agreement": agreement,
        "installments": list(agreement.installments.order_by("seq")) if agreement else [],
        "may_open": any(actor_can(user, c) for c in ("mediation.work", "trial.work")),
    }
