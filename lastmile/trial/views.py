"""Pages of batch trial: the judge's workbench (file failed mediations, schedule hearings in a
batch, record hearings, issue judgments in batch with a progress bar, serve, enforce) and the
panel on the case page."""

from __future__ import annotations

from datetime import datetime
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
from lastmile.core.clock import court_date, get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.inputs import int_list, int_or_none
from lastmile.core.listing import Column, list_response, param_amount, param_date
from lastmile.mediation.selectors import agreements_awaiting_conclusion

from . import selectors, services
from .models import Procedure, SmallClaimsExclusion
from .tasks import hearing_batch_summon_start, judgment_batch_start, summons_inline


def _refused(request: HttpRequest, exc: DomainError, status: int = 403) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


def _ids(request: HttpRequest) -> list[int]:
    return int_list(request.POST.getlist("id"))


def _case_no(row: Any) -> str:
    return str(row.case.number)


STAGE_LABELS = {
    "to_file": "调解不成，待转立案",
    "to_schedule": "待排期",
    "hearings": "已排期",
    "heard": "已开庭，待判决",
    "judgments": "判决",
}
STAGE_CASE_PATH = {
    "to_file": "case",
    "to_schedule": "case",
    "hearings": "lawsuit__case",
    "heard": "case",
    "judgments": "lawsuit__case",
}
_AMOUNT = "case__amount_claimed"
STAGE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "to_file": (
        Column("number", "诉前调解案号", _case_no, sort="case__number"),
        Column("amount", "标的金额（元）", lambda m: m.case.amount_claimed, sort=_AMOUNT, money=True),
        Column("reason", "原因", lambda m: m.failure_reason),
        Column("closed", "调解终结时间", lambda m: m.closed_at, sort="closed_at"),
    ),
    "to_schedule": (
        Column("number", "案号", _case_no, sort="case__number"),
        Column("procedure", "程序", lambda s: s.get_procedure_display(), sort="procedure"),
        Column("amount", "标的金额（元）", lambda s: s.claimed, sort="claimed", money=True),
        Column("fee", "受理费（元）", lambda s: s.fee, sort="fee", money=True),
        Column("filed", "立案时间", lambda s: s.filed_at, sort="filed_at"),
    ),
    "hearings": (
        Column("number", "案号", lambda h: h.lawsuit.case.number, sort="lawsuit__case__number"),
        Column("scheduled", "开庭时间", lambda h: h.scheduled_at, sort="scheduled_at"),
        Column("meeting", "在线庭审", lambda h: h.meeting_id),
    ),
    "heard": (
        Column("number", "案号", _case_no, sort="case__number"),
        Column("amount", "标的金额（元）", lambda s: s.claimed, sort="claimed", money=True),
        Column("judge", "审判员", lambda s: s.judge.name if s.judge else "", sort="judge__display_name"),
        Column("filed", "立案时间", lambda s: s.filed_at, sort="filed_at"),
    ),
    "judgments": (
        Column("document", "文书字号", lambda j: j.document.number, sort="document__number"),
        Column("number", "案号", lambda j: j.lawsuit.case.number, sort="lawsuit__case__number"),
        Column("issued", "判决时间", lambda j: j.issued_at, sort="issued_at"),
        Column("effective", "生效日期", lambda j: j.effective_on, sort="effective_on"),
        Column("deadline", "履行期限", lambda j: j.performance_deadline, sort="performance_deadline"),
        Column("enforcement", "执行案号", lambda j: j.enforcement_case.number if j.enforcement_case else ""),
    ),
}
STAGE_DEFAULT_SORT = {
    "to_file": "closed",
    "to_schedule": "filed",
    "hearings": "scheduled",
    "heard": "filed",
    "judgments": "-issued",
}


@login_required
def workbench(request: AuthedRequest) -> HttpResponse:
    """The judge's workbench by stage, each with its true count; the chosen stage's rows through
    pages (no cut), filtered by case, party, ID or contract, amount and date received, sortable,
    as XLSX, with the stage's batch form."""
    user, get = request.user, request.GET
    keys = ("q", "received_from", "received_to", "amount_min", "amount_max")
    filters = {k: get.get(k, "").strip() for k in keys}
    try:
        counts = {stage: selectors.work_stage(user, stage).count() for stage in selectors.WORK_STAGES}
        stage = get.get("stage", "")
        if stage not in counts:
            stage = next((s for s in selectors.WORK_STAGES if counts[s]), "to_file")
        qs = selectors.work_stage_filter(
            selectors.work_stage(user, stage),
            case_path=STAGE_CASE_PATH[stage],
            query=filters["q"],
            amount_min=param_amount(filters["amount_min"]),
            amount_max=param_amount(filters["amount_max"]),
            received_from=param_date(filters["received_from"]),
            received_to=param_date(filters["received_to"]),
        )
        agreements = list(agreements_awaiting_conclusion(user)) if actor_can(user, "trial.work") else []
    except PermissionDenied as exc:
        return _refused(request, exc)
    judges = User.objects.filter(court_id=user.court_id or 0, role=Role.JUDGE, is_active=True).order_by("pk")
    return list_response(
        request,
        qs,
        columns=STAGE_COLUMNS[stage],
        default_sort=STAGE_DEFAULT_SORT[stage],
        export_name=f"批量审理-{STAGE_LABELS[stage]}",
        template="trial/workbench.html",
        partial="trial/_stage_rows.html",
        context={
            "stage": stage,
            "stages": [(s, STAGE_LABELS[s], counts[s]) for s in selectors.WORK_STAGES],
            "filters": filters,
            "agreements": agreements,
            "judges": judges,
            "unit": "件",
        },
    )


@login_required
@require_POST
def act(request: AuthedRequest, action: str) -> HttpResponse:
    """The workbench's batch forms: file, schedule, record, judge."""
    user, now = request.user, get_clock().now()
    try:
        if action == "file":
            ms = list(selectors.failed_mediations_to_file(user).filter(pk__in=_ids(request)))
            done = services.lawsuits_file_from_mediation(mediations=ms, actor=user, now=now)
            messages.success(request, f"已立案{len(done)}件（民初）。")
        elif action == "schedule":
            lawsuits = list(selectors.lawsuits_visible_to(user).filter(pk__in=_ids(request)).order_by("pk"))
            judge = User.objects.filter(
                pk=int_or_none(request.POST.get("judge")) or user.pk, court_id=user.court_id or 0
            ).first()
            if judge is None:
                raise NotFound("请选择审判员。")
            starts = timezone.make_aware(datetime.fromisoformat(request.POST.get("starts_at", "")))
            slot = int_or_none(request.POST.get("slot")) or None
            inline = summons_inline(len(lawsuits))
            hearing_batch = services.hearings_schedule_batch(
                lawsuits=lawsuits,
                judge=judge,
                starts_at=starts,
                slot_minutes=slot,
                actor=user,
                now=now,
                summon=inline,
            )
            if not inline:
                hearing_batch_summon_start(hearing_batch)
            messages.success(
                request,
                f"已排期{hearing_batch.hearings.count()}件，"
                + ("传票已发出。" if inline else "传票正在后台生成并送达。"),
            )
        elif action == "record":
            recorded, refused = 0, []
            for pk in _ids(request):
                try:
                    services.hearing_record(
                        hearing=selectors.hearing_get_for(actor=user, hearing_id=pk),
                        note="",
                        actor=user,
                        now=now,
                    )
                    recorded += 1
                except DomainError as exc:  # each hearing on its own: one refusal does not stop the rest
                    refused.append(exc.message)
            if recorded:
                messages.success(request, f"已记录开庭{recorded}件，并生成庭审笔录。")
            for message in refused[:10]:
                messages.error(request, message)
        elif action == "judge":
            lawsuits = list(selectors.lawsuits_visible_to(user).filter(pk__in=_ids(request)).order_by("pk"))
            batch = services.judgments_batch_create(lawsuits=lawsuits, actor=user, now=now)
            judgment_batch_start(batch)
            return redirect("trial:judgment_batch", batch_id=batch.pk)
        else:
            raise NotFound("未知操作。")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "填写内容有误。"))
    return redirect("trial:work")


@login_required
def judgment_batch(request: AuthedRequest, batch_id: int) -> HttpResponse:
    try:
        batch = selectors.judgment_batch_get_for(actor=request.user, batch_id=batch_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc, 404)
    done, total = services.judgment_batch_progress(batch)
    ctx = {
        "batch": batch,
        "done": done,
        "total": total,
        "percent": 100 if total == 0 else int(100 * done / total),
        "finished": batch.finished_at is not None,
        "judgments": batch.judgments.select_related("lawsuit__case", "document").order_by("pk")[:500],
    }
    template = (
        "trial/_batch_progress.html" if request.headers.get("HX-Request") else "trial/judgment_batch.html"
    )
    return render(request, template, ctx)


@login_required
@require_POST
def judgment_act(request: AuthedRequest, judgment_id: int, action: str) -> HttpResponse:
    """One judgment: serve, public-notice fallback, one-click enforcement."""
    user, now = request.user, get_clock().now()
    try:
        j = selectors.judgment_get_for(actor=user, judgment_id=judgment_id)
        if action == "serve":
            services.judgment_serve(judgment=j, actor=user, now=now)
            messages.success(request, "已电子送达。")
        elif action == "fallback":
            services.judgment_service_fallback(judgment=j, actor=user, now=now)
            messages.success(request, "已公告送达。")
        elif action == "enforce":
            case = services.judgment_enforcement_file(judgment=j, actor=user, now=now)
            messages.success(request, f"已立执行案件{case.number}。")
        else:
            raise NotFound("未知操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("trial:work")


@login_required
def lawsuit_detail(request: AuthedRequest, lawsuit_id: int) -> HttpResponse:
    """One lawsuit: procedure and its basis, fee (and any difference charged), hearings with their
    link and summonses, judgment, appeals; the buttons the law allows now."""
    try:
        lawsuit = selectors.lawsuit_get_for(actor=request.user, lawsuit_id=lawsuit_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc, 404)
    now = get_clock().now()
    actions = selectors.lawsuit_actions(lawsuit, today=court_date(now))
    ctx = {
        "lawsuit": lawsuit,
        "hearings": list(lawsuit.hearings.order_by("scheduled_at")),
        "summonses": list(selectors.summonses_of(lawsuit)),
        "judgment": actions.judgment,
        "appeals": list(selectors.appeals_of(actions.judgment)) if actions.judgment else [],
        "actions": actions,
        "convert_choices": [(p, Procedure(p).label) for p in actions.convert_to],
        "exclusions": SmallClaimsExclusion.choices,
        "parties": list(lawsuit.case.case_parties.select_related("party").order_by("role", "position")),
    }
    return render(request, "trial/lawsuit.html", ctx)


@login_required
@require_POST
def lawsuit_act(request: AuthedRequest, lawsuit_id: int) -> HttpResponse:
    """The lawsuit page's forms: small-claims agreement, conversion, appeal."""
    user, now = request.user, get_clock().now()
    try:
        lawsuit = selectors.lawsuit_get_for(actor=user, lawsuit_id=lawsuit_id)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc, 404)
    action = request.POST.get("action", "")
    try:
        if action == "agree":
            services.lawsuit_small_claims_agree(
                lawsuit=lawsuit, note=request.POST.get("note", ""), actor=user, now=now
            )
            messages.success(request, "已记录当事人约定适用小额诉讼的程序。")
        elif action == "convert":
            services.lawsuit_procedure_convert(
                lawsuit=lawsuit,
                to=request.POST.get("to", ""),
                reason=request.POST.get("reason", ""),
                exclusions=request.POST.getlist("exclusion"),
                actor=user,
                now=now,
            )
            messages.success(request, "已转换审理程序，相关文书已送达。")
        elif action == "appeal":
            judgment = selectors.judgment_of_lawsuit_for(actor=user, lawsuit=lawsuit)
            appellant = selectors.party_of_lawsuit(lawsuit, request.POST.get("appellant", ""))
            services.judgment_appeal_record(
                judgment=judgment, appellant=appellant, note=request.POST.get("note", ""), actor=user, now=now
            )
            messages.success(request, "已记录上诉，上诉状副本已送达对方当事人。")
        else:
            raise NotFound("未知操作。")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "填写内容有误。"))
    return redirect("trial:lawsuit", lawsuit_id=lawsuit.pk)


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """On a 民初 case: procedure, fee, hearing link, judgment and its effective date."""
    if not actor_can(request.user, "case.view"):
        return None
    lawsuit = selectors.lawsuit_of_case(case)
    if lawsuit is None:
        return None
    return {
        "lawsuit": lawsuit,
        "hearings": list(lawsuit.hearings.order_by("scheduled_at")),
        "judgment": getattr(lawsuit, "judgment", None),
        # a 院长 or 财务 who reads the case file sees the summary, not a link to a page they may not open
        "may_open": selectors.lawsuit_readable(request.user),
    }
