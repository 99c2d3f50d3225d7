"""Acts posted from the case panel: each handler translates the form, makes one service call and
returns the note shown on the case page; :func:`act` runs the one the URL names. The 执行和解 and
终本 acts are in :mod:`.settlement_acts`."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.inputs import int_or_none
from lastmile.core.money import format_yuan
from lastmile.ledger.models import PaymentReport

from .. import selectors, services
from ..models import (
    ClosingMethod,
    Clue,
    EmergencyAction,
    TimeLimitExtension,
    TimeLimitPause,
)
from .common import Handler, _actor, _date, _datetime, _error_page, _money, _obj, _text
from .settlement_acts import (
    _h_installment_pay,
    _h_requery,
    _h_settlement,
    _h_settlement_release_apply,
    _h_settlement_release_decide,
    _h_settlement_resume,
    _h_zhongben_opinion,
    _h_zhongben_review,
    _h_zhongben_review_approve,
)


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
    paid_on = _date(data, "paid_on", label="到账日期", required=False)
    report = services.payment_record(
        case=case,
        amount=_money(data, "amount"),
        actor=actor,
        now=now,
        idempotency_key=_text(data, "key", required="请刷新页面后重试。"),
        payer=_text(data, "payer"),
        paid_at=_noon(paid_on) if paid_on and paid_on != timezone.localdate(now) else None,
        note=_text(data, "note"),
    )
    return f"已登记到账款项{format_yuan(report.amount)}元，待财务核对执行款专户确认后计入案款。"


def _h_payment_confirm(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    report = _obj(PaymentReport, case, data, "report")
    left = services.payment_confirm(
        report_id=report.pk, actor=actor, now=now, bank_reference=_text(data, "bank_reference")
    )
    return f"已确认到账{format_yuan(report.amount)}元并计入案款，尚欠{format_yuan(left)}元。"


def _h_payment_reject(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    report = _obj(PaymentReport, case, data, "report")
    services.payment_reject(report_id=report.pk, actor=actor, now=now, reason=_text(data, "reason"))
    return "已退回该到账登记，未计入案款。"


def _h_reassign(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    raw = (data.get("officer") or "").strip()
    officer = User.objects.filter(pk=int_or_none(raw) or 0, court_id=case.court_id).first() if raw else None
    if raw and officer is None:
        raise NotFound("没有找到该执行人员。")
    services.case_reassign(
        case=case,
        actor=actor,
        now=now,
        reason=_text(data, "reason"),
        track=(data.get("track") or "").strip() or None,
        officer=officer,
    )
    return "已变更，理由已记入案件流程。"


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


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
    """The court is picked by 法院代字 or full name from the national court directory; the reply is
    the assisting court's to write (see :mod:`.assistance`)."""
    req = services.assistance_request_send(
        case=case,
        kind=data.get("kind", ""),
        to_court=_text(data, "to_court", required="请选择受托法院。"),
        matter=_text(data, "matter"),
        actor=actor,
        now=now,
    )
    if not services.court_on_platform(req.to_court):
        kind = req.get_kind_display()
        return f"已出具{kind}函。{req.to_court.name}未接入本平台，请通过执行指挥管理平台发送。"
    return f"已向{req.to_court.name}发出{req.get_kind_display()}函，对方将在本平台办理。"


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


def _h_green_channel(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.green_channel_flag(case=case, actor=actor, now=now, reason=data.get("reason", ""))
    return "已纳入涉企绿色通道，优先办理；对经甄别暂时经营困难的企业审慎采取信用惩戒。"


HANDLERS: dict[str, Handler] = {
    "accept": _h_accept,
    "green_channel": _h_green_channel,
    "step": _h_step,
    "payment": _h_payment,
    "payment_confirm": _h_payment_confirm,
    "payment_reject": _h_payment_reject,
    "reassign": _h_reassign,
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
