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
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.inputs import int_list, int_or_none
from lastmile.core.listing import Column, list_response, param_amount, param_date
from lastmile.parties.models import Party

from . import selectors, services
from .models import Mediation, MediationSession, MediationStage, MediationStatus, PartyActKind


def _refused(request: HttpRequest, exc: DomainError, status: int = 403) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


QUEUE_COLUMNS: tuple[Column, ...] = (
    Column("number", "案号", lambda c: c.number, sort="seq"),
    Column("cause", "案由", lambda c: c.cause),
    Column("amount", "标的金额（元）", lambda c: c.amount_claimed, sort="amount_claimed", money=True),
    Column("received", "收案时间", lambda c: c.received_at, sort="received_at"),
)


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    """The mediator's open mediations (调解不成 for several at once) and the court's cases waiting
    for a mediator: every one of them through pages with the true total, filters, sorting and XLSX."""
    user, get = request.user, request.GET
    keys = ("q", "received_from", "received_to", "amount_min", "amount_max")
    filters = {k: get.get(k, "").strip() for k in keys}
    try:
        waiting = selectors.mediation_queue(
            user,
            query=filters["q"],
            received_from=param_date(filters["received_from"]),
            received_to=param_date(filters["received_to"]),
            amount_min=param_amount(filters["amount_min"]),
            amount_max=param_amount(filters["amount_max"]),
        )
        mine = list(selectors.mediator_workbench(user)) if actor_can(user, "mediation.work") else []
    except PermissionDenied as exc:
        return _refused(request, exc)
    mediators = User.objects.filter(court_id=user.court_id or 0, role=Role.MEDIATOR, is_active=True).order_by(
        "pk"
    )
    return list_response(
        request,
        waiting,
        columns=QUEUE_COLUMNS,
        default_sort="number",
        export_name="待分派调解案件",
        template="mediation/workbench.html",
        partial="mediation/_queue_rows.html",
        context={
            "mine": mine,
            "mediators": mediators,
            "today": get_clock().today(),
            "filters": filters,
            "unit": "件",
        },
    )


@login_required
@require_POST
def fail_many(request: AuthedRequest) -> HttpResponse:
    """调解不成 for the chosen mediations; each stands alone and each refusal is named."""
    user = request.user
    try:
        ids = int_list(request.POST.getlist("mediation"))
        chosen = list(selectors.mediations_visible_to(user).filter(pk__in=ids).order_by("pk"))
        if not chosen:
            raise NotFound("请选择调解案件。")
        failed, refused = services.mediation_fail_many(
            mediations=chosen, reason=request.POST.get("reason", ""), actor=user, now=get_clock().now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mediation:work")
    if failed:
        messages.success(request, f"已登记调解不成{len(failed)}件。")
    for r in refused:
        messages.error(request, f"{r.mediation.case.number}：{r.reason}")
    return redirect("mediation:work")


@login_required
@require_POST
def assign(request: AuthedRequest) -> HttpResponse:
    user = request.user
    try:
        ids = [int(x) for x in request.POST.getlist("case")]
        cases = list(selectors.cases_awaiting_mediation(user).filter(pk__in=ids))
        mediator = User.objects.filter(
            pk=int_or_none(request.POST.get("mediator")) or user.pk, court_id=user.court_id or 0
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
    acts = {(a.party_id, a.kind): a for a in m.party_acts.all()}
    parties = [
        {
            "party": p,
            "joined": acts.get((p.pk, PartyActKind.JOINED)),
            "signed": acts.get((p.pk, PartyActKind.SIGNED)),
            "applied": acts.get((p.pk, PartyActKind.APPLIED)),
        }
        for p in services.mediation_parties(m)
    ]
    return {
        "m": m,
        "parties": parties,
        "apply_last_day": services.confirmation_apply_last_day(agreement) if agreement else None,
        "is_pre_suit": m.stage == MediationStage.PRE_SUIT,
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


def _chosen_parties(m: Mediation, post: Any) -> list[Party]:
    """The parties ticked on the form, among the mediation's own."""
    ids = {int(x) for x in post.getlist("party")}
    return [p for p in services.mediation_parties(m) if p.pk in ids]


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
    """The mediation's forms: schedule, record, agree, sign_on_site (paper signatures), apply_counter
    (a joint application for 司法确认 made at the counter), fail, conclude, serve, enforce, repudiate
    (a party going back on a suit's 调解书 before it is served)."""
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
        elif action == "sign_on_site":
            services.mediation_agreement_sign_on_site(
                mediation=m, parties=_chosen_parties(m, post), actor=user, now=now
            )
        elif action == "apply_counter":
            services.mediation_confirmation_apply_at_counter(
                mediation=m, parties=_chosen_parties(m, post), actor=user, now=now
            )
        elif action == "repudiate":
            services.mediation_statement_repudiate(
                mediation=m, reason=post.get("reason", ""), actor=user, now=now
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


def _mediators(user: User) -> Any:
    return User.objects.filter(court_id=user.court_id or 0, role=Role.MEDIATOR, is_active=True).order_by("pk")


@login_required
def in_suit_start(request: AuthedRequest) -> HttpResponse:
    """From the mediation work page: find the court's 民初 case by its number (``?number=``)."""
    number = request.GET.get("number", "").strip()
    try:
        case = selectors.lawsuit_case_by_number(actor=request.user, number=number)
    except (NotFound, PermissionDenied) as exc:
        messages.error(request, exc.message)
        return redirect("mediation:work")
    return redirect("mediation:in_suit", case_id=case.pk)


@login_required
def in_suit(request: AuthedRequest, case_id: int) -> HttpResponse:
    """诉中调解 of one 民初 case (CPL 2023 arts. 96–102): the judge gives it to a court mediator,
    with the period of the case's procedure (15 days ordinary, 7 simplified)."""
    user = request.user
    try:
        case = case_get_for(actor=user, case_id=case_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc, 404)
    existing = Mediation.objects.filter(case=case).first()
    if request.method == "POST" and existing is None:
        try:
            mediator = _mediators(user).filter(pk=int_or_none(request.POST.get("mediator")) or 0).first()
            if mediator is None:
                raise NotFound("请选择本院的调解员。")
            existing = services.mediation_in_suit_open(
                case=case,
                mediator=mediator,
                procedure=request.POST.get("procedure", ""),
                actor=user,
                now=get_clock().now(),
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请求有误。"))
        else:
            messages.success(request, "已转入诉中调解。")
            return redirect("mediation:detail", mediation_id=existing.pk)
    if existing is not None and request.method == "GET" and actor_can(user, "mediation.work"):
        return redirect("mediation:detail", mediation_id=existing.pk)
    return render(
        request,
        "mediation/in_suit.html",
        {
            "case": case,
            "existing": existing,
            "mediators": _mediators(user),
            "procedure": request.GET.get("procedure", ""),
            "days": services.IN_SUIT_DAYS,
            "may_open": actor_can(user, "trial.work"),
        },
    )
