"""Staff pages of enforcement: the case list, the counter filing form, the triage rules, the action
forms posted from the case panel, and the panel itself. Each view translates the form, makes one
service or selector call and shows the result or the Chinese error message."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lastmile.accounts.models import Court, Role, User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case, CaseStatus
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.money import parse_amount
from lastmile.ledger.services import CostItem, InstallmentDue, InterestTerms
from lastmile.parties.models import IdType, PartyKind

from . import selectors, services
from .models import (
    OFFERED_STEP_KINDS,
    RECORDED_PAUSE_KINDS,
    AssistanceKind,
    AssistanceRequest,
    BasisKind,
    ClosingMethod,
    Clue,
    ClueKind,
    EmergencyAction,
    InquiryResult,
    PauseKind,
    PriorityClaim,
    PropertyRequery,
    SettlementInstallment,
    SettlementRelease,
    TimeLimitExtension,
    TimeLimitPause,
    Track,
    TriageFactor,
    ZhongbenAssent,
)
from .transitions import ACTIONS


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _error_page(request: HttpRequest, exc: DomainError, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


# --- Form parsing ---------------------------------------------------------------------------


def _text(data: QueryDict, name: str, *, required: str = "") -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise services.InvalidFiling(required)
    return value


def _date(data: QueryDict, name: str, *, label: str, required: bool = True) -> date | None:
    value = (data.get(name) or "").strip()
    if not value:
        if required:
            raise services.InvalidFiling(f"请填写{label}。")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise services.InvalidFiling(f"{label}“{value}”不是有效日期（格式：2025-03-01）。") from None


def _datetime(data: QueryDict, name: str, *, label: str) -> datetime:
    value = (data.get(name) or "").strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise services.InvalidFiling(f"请填写有效的{label}。") from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _money(data: QueryDict, name: str, *, default: str | None = None) -> Decimal:
    value = (data.get(name) or "").strip()
    if not value and default is not None:
        value = default
    return parse_amount(value)


def _schedule(data: QueryDict, name: str, *, label: str) -> list[InstallmentDue]:
    """Lines of "2025-04-10 20000" (date, then amount)."""
    rows = []
    for n, line in enumerate((data.get(name) or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace("，", " ").split()
        if len(parts) != 2:
            raise services.InvalidFiling(f"{label}第{n}行应为“日期 金额”，例如“2025-04-10 20000”。")
        try:
            due = date.fromisoformat(parts[0])
        except ValueError:
            raise services.InvalidFiling(f"{label}第{n}行日期“{parts[0]}”无效。") from None
        rows.append(InstallmentDue(due_on=due, amount=parse_amount(parts[1])))
    return rows


# --- Case list ------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    today = get_clock().today()
    officer_raw = request.GET.get("officer", "")
    filters = {
        "status": request.GET.get("status", ""),
        "track": request.GET.get("track", ""),
        "officer": officer_raw,
        "overdue": request.GET.get("overdue") == "1",
        "q": request.GET.get("q", ""),
    }
    try:
        qs = selectors.enforcement_case_list(
            actor=actor,
            today=today,
            status=str(filters["status"]),
            track=str(filters["track"]),
            officer_id=int(officer_raw) if officer_raw.isdigit() else None,
            overdue=bool(filters["overdue"]),
            query=str(filters["q"]),
        )
    except PermissionDenied as exc:
        return _error_page(request, exc, 403)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    officers = User.objects.filter(
        court=actor.court, is_active=True, role__in=[Role.ENFORCEMENT_JUDGE, Role.ENFORCEMENT_OFFICER]
    ).order_by("username")
    context = {
        "page": page,
        "filters": filters,
        "statuses": CaseStatus.choices,
        "tracks": Track.choices,
        "officers": officers,
        "today": today,
        "can_file": actor_can(actor, "case.file"),
        "can_config": actor_can(actor, "config.edit"),
        "query": request.GET.urlencode(),
    }
    template = (
        "enforcement/_case_rows.html" if getattr(request, "htmx", False) else "enforcement/case_list.html"
    )
    return render(request, template, context)


# --- Filing ---------------------------------------------------------------------------------


def _party_from_form(data: QueryDict, prefix: str, label: str) -> dict[str, str]:
    kind = data.get(f"{prefix}_kind") or PartyKind.PERSON
    return {
        "kind": kind,
        "name": _text(data, f"{prefix}_name", required=f"请填写{label}姓名或名称。"),
        "id_type": data.get(f"{prefix}_id_type")
        or (IdType.USCC if kind == PartyKind.ORGANISATION else IdType.RESIDENT_ID),
        "id_number": _text(data, f"{prefix}_id_number"),
        "phone": _text(data, f"{prefix}_phone"),
        "address": _text(data, f"{prefix}_address"),
    }


@login_required
def file_case(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor_can(actor, "case.file"):
        return _error_page(request, PermissionDenied("您没有立案权限。"), 403)
    context: dict[str, Any] = {
        "basis_kinds": BasisKind.choices,
        "priority_claims": PriorityClaim.choices,
        "party_kinds": PartyKind.choices,
        "id_types": IdType.choices,
        "form": request.POST,
    }
    if request.method == "POST":
        data = request.POST
        try:
            applicants = [_party_from_form(data, "applicant", "申请执行人")]
            respondents = [_party_from_form(data, "respondent", "被执行人")]
            if _text(data, "respondent2_name"):
                respondents.append(_party_from_form(data, "respondent2", "第二被执行人"))
            costs = []
            for key, label in (("cost_acceptance", "案件受理费"), ("cost_preservation", "保全费")):
                if _text(data, key):
                    kind = "acceptance_fee" if key == "cost_acceptance" else "preservation_fee"
                    costs.append(CostItem(kind=kind, label=label, amount=_money(data, key)))
            rate = _text(data, "interest_rate")
            interest_kind = data.get("interest_kind") or "none"
            basis = services.ExecutionBasisIn(
                kind=data.get("basis_kind", ""),
                issuer=_text(data, "basis_issuer"),
                number=_text(data, "basis_number"),
                effective_on=_date(data, "effective_on", label="生效日期") or date.min,
                performance_deadline=_date(data, "performance_deadline", label="履行期限", required=False),
                installments=_schedule(data, "basis_installments", label="分期履行安排"),
                principal=_money(data, "principal", default="0"),
                interest=InterestTerms(
                    kind=interest_kind,
                    annual_rate=Decimal(rate) / 100 if rate and interest_kind == "fixed" else None,
                    lpr_multiple=Decimal(rate) if rate and interest_kind == "lpr_multiple" else None,
                    start=_date(data, "interest_start", label="利息起算日", required=False),
                ),
                costs=costs,
                non_money_acts=_text(data, "non_money_acts"),
            )
            if actor.court is None:
                raise PermissionDenied("您的账号未归属法院。")
            case = services.enforcement_file_with_parties(
                court=actor.court,
                basis=basis,
                applicants=applicants,
                respondents=respondents,
                actor=actor,
                now=get_clock().now(),
                applied_on=_date(data, "applied_on", label="申请日期", required=False),
                cause=_text(data, "cause"),
                known_assets=_text(data, "known_assets"),
                priority_claim=data.get("priority_claim", ""),
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "enforcement/file.html", context, status=400)
        except ArithmeticError:
            context["error"] = "利率格式不正确。"
            return render(request, "enforcement/file.html", context, status=400)
        messages.success(request, f"已立案：{case.number}")
        return redirect("web:case_detail", case_id=case.pk)
    return render(request, "enforcement/file.html", context)


# --- Triage rules ---------------------------------------------------------------------------


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


# --- Actions from the case panel -------------------------------------------------------------

Handler = Callable[[Case, User, datetime, QueryDict], str]


def _h_accept(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.enforcement_accept(case=case, actor=actor, now=now)
    return "已受理立案。"


def _h_step(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    step = services.procedure_step_record(
        case=case,
        kind=data.get("kind", ""),
        actor=actor,
        now=now,
        done_on=_date(data, "done_on", label="办理日期", required=False),
        result=data.get("result", ""),
        note=_text(data, "note"),
    )
    return f"已登记：{step.get_kind_display()}。"


def _h_payment(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    left = services.payment_record(
        case=case,
        amount=_money(data, "amount"),
        actor=actor,
        now=now,
        idempotency_key=_text(data, "key", required="请刷新页面后重试。"),
        payer=_text(data, "payer"),
    )
    return f"已登记到账款项，尚欠{left}元。"


def _h_suspend(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.enforcement_suspend(case=case, actor=actor, now=now, reason=_text(data, "reason"))
    return "已中止执行。"


def _h_resume(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.enforcement_resume(case=case, actor=actor, now=now, reason=_text(data, "reason"))
    return "已恢复执行。"


def _h_pause(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.time_limit_pause_start(
        case=case, kind=data.get("kind", ""), actor=actor, now=now, reason=_text(data, "reason")
    )
    return "已开始扣除审限期间。"


def _obj(model: type[Any], case: Case, data: QueryDict, field: str = "id") -> Any:
    raw = data.get(field, "")
    row = model.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
    owner = (
        row.settlement.case_id if isinstance(row, SettlementInstallment) else getattr(row, "case_id", None)
    )
    if row is None or owner != case.pk:
        raise NotFound("记录不存在。")
    return row


def _h_pause_end(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.time_limit_pause_end(pause=_obj(TimeLimitPause, case, data), actor=actor, now=now)
    return "扣除审限期间已结束。"


def _h_extension_request(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.time_limit_extension_request(case=case, actor=actor, now=now, reason=_text(data, "reason"))
    return "已提交延长执行期限申请，待院长审批。"


def _h_extension_decide(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    approve = data.get("approve") == "1"
    services.time_limit_extension_decide(
        extension=_obj(TimeLimitExtension, case, data),
        actor=actor,
        now=now,
        approve=approve,
        note=_text(data, "note"),
    )
    return "已批准延长。" if approve else "已不予批准。"


def _h_clue(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    clue = services.clue_submit(
        case=case,
        kind=data.get("kind", ""),
        description=_text(data, "description"),
        now=now,
        actor=actor,
        submitted_by=_text(data, "submitted_by"),
        location=_text(data, "location"),
        urgent=data.get("urgent") == "1",
    )
    return f"已登记线索，请于{clue.verify_due_on:%Y-%m-%d}前核查。"


def _h_clue_verify(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.clue_verify(
        clue=_obj(Clue, case, data),
        actor=actor,
        now=now,
        valid=data.get("valid") == "1",
        note=_text(data, "note"),
    )
    return "已登记核查结果。"


def _h_emergency(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.emergency_action_open(
        clue=_obj(Clue, case, data),
        actor=actor,
        now=now,
        team=_text(data, "team"),
        planned_at=_datetime(data, "planned_at", label="行动时间"),
    )
    return "已启动紧急行动。"


def _h_emergency_close(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.emergency_action_close(
        action=_obj(EmergencyAction, case, data), actor=actor, now=now, outcome=_text(data, "outcome")
    )
    return "已登记紧急行动结果。"


def _h_assistance(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    to_court = Court.objects.filter(code=_text(data, "to_court")).first()
    if to_court is None:
        raise services.InvalidFiling("请选择受托法院。")
    services.assistance_request_send(
        case=case,
        kind=data.get("kind", ""),
        to_court=to_court,
        matter=_text(data, "matter"),
        actor=actor,
        now=now,
    )
    return "已发出委托或协助执行函。"


def _h_assistance_reply(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.assistance_reply_record(
        request=_obj(AssistanceRequest, case, data), actor=actor, now=now, reply=_text(data, "reply")
    )
    return "已登记回复。"


def _h_settlement(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.settlement_record(
        case=case,
        actor=actor,
        now=now,
        agreed_on=_date(data, "agreed_on", label="达成日期") or now.date(),
        terms=_text(data, "terms"),
        installments=_schedule(data, "installments", label="分期安排"),
    )
    return "已登记执行和解协议，执行中止。"


def _h_installment_pay(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    inst = services.settlement_installment_pay(
        installment=_obj(SettlementInstallment, case, data),
        amount=_money(data, "amount"),
        actor=actor,
        now=now,
        idempotency_key=_text(data, "key", required="请刷新页面后重试。"),
    )
    return f"已登记第{inst.seq}期款项。"


def _h_settlement_resume(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    new = services.settlement_resume(case=case, actor=actor, now=now, reason=_text(data, "reason"))
    return f"已立恢复执行案件{new.number}。"


def _h_settlement_release_apply(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    raw = data.get("applicant", "")
    row = case.case_parties.filter(party_id=int(raw) if raw.isdigit() else 0).select_related("party").first()
    if row is None:
        raise NotFound("当事人不存在。")
    services.settlement_release_apply(
        case=case,
        applicant=row.party,
        content=_text(data, "content"),
        applied_on=_date(data, "applied_on", label="申请日期", required=False),
        actor=actor,
        now=now,
    )
    return "已登记解除查封、扣押、冻结的申请，待法官决定。"


def _h_settlement_release_decide(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    approve = data.get("approve") == "1"
    services.settlement_release_decide(
        application=_obj(SettlementRelease, case, data),
        approve=approve,
        note=_text(data, "note"),
        actor=actor,
        now=now,
    )
    return "已裁定解除查封、扣押、冻结。" if approve else "已决定不予解除。"


def _close_handler(method: str) -> Handler:
    def handler(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
        services.enforcement_close(
            case=case,
            method=method,
            actor=actor,
            now=now,
            reason=_text(data, "reason"),
            ground=data.get("ground", ""),
            confirm_full_performance=data.get("confirm") == "1",
        )
        return f"已以“{ClosingMethod(method).label}”方式结案。"

    return handler


def _h_restore(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    clue = _obj(Clue, case, data, "clue") if data.get("clue") else None
    new = services.enforcement_restore(
        case=case, actor=actor, now=now, reason=_text(data, "reason"), clue=clue
    )
    return f"已立恢复执行案件{new.number}。"


def _h_zhongben_opinion(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    agrees = data.get("agrees") == "1"
    services.zhongben_opinion_record(
        case=case,
        actor=actor,
        now=now,
        signed_by=_text(data, "signed_by"),
        content=_text(data, "content"),
        agrees=agrees,
        signed_on=_date(data, "signed_on", label="签字日期", required=False),
    )
    return (
        "已登记申请执行人的签字意见。"
        if agrees
        else "已登记申请执行人不同意终本的意见，如需终本须经合议庭审查并报院长批准。"
    )


def _h_zhongben_review(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.zhongben_review_record(
        case=case,
        actor=actor,
        now=now,
        panel=_text(data, "panel"),
        content=_text(data, "content"),
        signed_on=_date(data, "signed_on", label="合议日期", required=False),
    )
    return "已登记合议庭审查意见，待院长批准。"


def _h_zhongben_review_approve(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.zhongben_review_approve(review=_obj(ZhongbenAssent, case, data), actor=actor, now=now)
    return "已批准合议庭终本审查意见。"


def _h_requery(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.requery_record(
        requery=_obj(PropertyRequery, case, data),
        actor=actor,
        now=now,
        result=data.get("result", ""),
        note=_text(data, "note"),
    )
    return "已登记财产复查结果。"


def _h_green_channel(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.green_channel_flag(case=case, actor=actor, now=now, reason=data.get("reason", ""))
    return "已纳入涉企绿色通道，优先办理；对经甄别暂时经营困难的企业审慎采取信用惩戒。"


HANDLERS: dict[str, Handler] = {
    "accept": _h_accept,
    "green_channel": _h_green_channel,
    "step": _h_step,
    "payment": _h_payment,
    "suspend": _h_suspend,
    "resume": _h_resume,
    "pause": _h_pause,
    "pause_end": _h_pause_end,
    "extension_request": _h_extension_request,
    "extension_decide": _h_extension_decide,
    "clue": _h_clue,
    "clue_verify": _h_clue_verify,
    "emergency": _h_emergency,
    "emergency_close": _h_emergency_close,
    "assistance": _h_assistance,
    "assistance_reply": _h_assistance_reply,
    "settlement": _h_settlement,
    "installment_pay": _h_installment_pay,
    "settlement_resume": _h_settlement_resume,
    "settlement_release_apply": _h_settlement_release_apply,
    "settlement_release_decide": _h_settlement_release_decide,
    "restore": _h_restore,
    "requery": _h_requery,
    "zhongben_opinion": _h_zhongben_opinion,
    "zhongben_review": _h_zhongben_review,
    "zhongben_review_approve": _h_zhongben_review_approve,
    **{f"close_{m}": _close_handler(m) for m in ClosingMethod.values},
}


@login_required
@require_POST
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """Run one action of the case panel; errors come back as a Chinese message on the case page."""
    handler = HANDLERS.get(action)
    if handler is None:
        raise Http404
    actor = _actor(request)
    try:
        case = selectors.enforcement_case_get(actor=actor, case_id=case_id)
    except (NotFound, PermissionDenied) as exc:
        return _error_page(request, exc, 404)
    try:
        note = handler(case, actor, get_clock().now(), request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    except (ValueError, ArithmeticError):
        messages.error(request, "填写的内容格式不正确，请检查后重试。")
    else:
        messages.success(request, note)
    return redirect(reverse("web:case_detail", kwargs={"case_id": case.pk}) + "#enforcement")


# --- Panel on the case page -----------------------------------------------------------------


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """Context for the enforcement panel on the case page, or None for other kinds of case."""
    if not hasattr(case, "enforcement"):
        return None
    actor = _actor(request)
    today = get_clock().today()
    sheet = selectors.enforcement_sheet(case=case, actor=actor, today=today)
    return {
        "sheet": sheet,
        "ec": sheet.ec,
        "today": today,
        "can": set(sheet.actions),
        "labels": {name: a.label for name, a in ACTIONS.items()},
        "step_kinds": OFFERED_STEP_KINDS,
        "pending_reviews": [
            a for a in sheet.assents if a.kind == "collegial_review" and a.approved_at is None
        ],
        "inquiry_results": [c for c in InquiryResult.choices if c[0]],
        "pause_kinds": [c for c in PauseKind.choices if c[0] in RECORDED_PAUSE_KINDS],
        "clue_kinds": ClueKind.choices,
        "assistance_kinds": AssistanceKind.choices,
        "courts": Court.objects.exclude(pk=case.court_id).order_by("code"),
        "termination_grounds": services.TERMINATION_GROUNDS.items(),
        "closing_forms": [
            (f"close_{m}", label) for m, label in ClosingMethod.choices if f"close_{m}" in sheet.actions
        ],
        "pay_key": uuid.uuid4().hex,
        "open_pauses": [p for p in sheet.pauses if p.ended_on is None],
        "pending_clues": [c for c in sheet.clues if c.status == "pending"],
        "urgent_clues": [c for c in sheet.clues if c.urgent],
        "valid_clues": [c for c in sheet.clues if c.status == "valid"],
        "open_emergencies": [e for e in sheet.emergencies if e.closed_at is None],
        "unanswered": [a for a in sheet.assistance if a.replied_on is None],
        "open_requeries": [r for r in sheet.requeries if r.done_on is None][:1],
        "case_applicants": [
            cp.party for cp in case.case_parties.filter(role="applicant").select_related("party")
        ],
        "pending_releases": list(SettlementRelease.objects.filter(case=case, status="pending")),
    }
