"""The acts on measures after they are taken, from the case page and the 专项行动 pages (issue M
item 1): lifting, 复议, temporary lifts of a 限消, removal and correction of a 失信 listing, 拒执
referrals by stage, the guardrail inputs (甄别, 宽限期, 生活必需住房, 校园贷, 院长书面批准, 不纳入失信)
and the special operations. Each form posts an ``action``; the view makes one service call. The
services check the capability and the court; a refusal is shown in Chinese with its legal basis and
changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import DEBTOR_ROLES, Case
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import court_date as local_date
from lastmile.core.clock import get_clock
from lastmile.core.errors import ConditionsNotMet, DomainError, NotFound
from lastmile.core.inputs import int_list, int_or_none
from lastmile.core.legal import LegalBasis, cpl
from lastmile.parties.models import Party

from . import rules, selectors, services
from .models import DishonestListing, OperationTarget, RefusalReferral
from .views import _day, _dec, case_page

# The rule each act applies: named on a refusal, so the officer sees why (and what governs it).
BASIS: dict[str, LegalBasis] = {
    "lift": rules.consumption("9"),
    "review_apply": cpl(119),
    "review_decide": cpl(119),
    "temporary_lift_propose": rules.GOOD_FAITH_BASIS,
    "temporary_lift_decide": rules.GOOD_FAITH_BASIS,
    "listing_remove": rules.dishonest("10"),
    "correction_receive": rules.dishonest("11"),
    "correction_decide": rules.dishonest("12"),
    "referral_prepare": rules.REFUSAL_BASIS,
    "referral_advance": rules.REFUSAL_BASIS,
    "screening": rules.GOOD_FAITH_BASIS,
    "grace": rules.GOOD_FAITH_BASIS,
    "profile": rules.GOOD_FAITH_BASIS,
    "override": rules.GOOD_FAITH_BASIS,
    "home": LegalBasis(rules.SEIZURE_RULES, "2020", "4"),
    "vacate_draft": cpl(261),
    "vacate_sign": cpl(261),
    "vacated": cpl(261),
    "vacate_force": cpl(261),
    "not_listed": rules.dishonest("3"),
    "operation_create": rules.GOOD_FAITH_BASIS,
    "target_assign": rules.GOOD_FAITH_BASIS,
    "target_outcome": rules.GOOD_FAITH_BASIS,
}


def refusal_text(exc: DomainError, action: str) -> str:
    """The refusal as shown on a page: the service's Chinese message and the rule it applies."""
    basis = BASIS.get(action)
    return f"{exc.message}（依据：{basis}）" if basis else exc.message


def _run(request: AuthedRequest, action: str, acts: dict[str, Callable[[], Any]], done: str) -> bool:
    act = acts.get(action)
    try:
        if act is None:
            raise ConditionsNotMet("未知的操作。", unmet=["action"])
        act()
    except DomainError as exc:
        messages.error(request, refusal_text(exc, action))
        return False
    messages.success(request, done)
    return True


def _debtor(case: Case, party_id: str | None) -> Party:
    row = (
        case.case_parties.filter(party_id=int_or_none(party_id) or 0, role__in=DEBTOR_ROLES)
        .select_related("party")
        .first()
    )
    if row is None:
        raise ConditionsNotMet("请选择本案被执行人。", unmet=["party"])
    return row.party


def _confirmed(p: Any) -> bool:
    """An act that ends a measure is confirmed by a ticked box, not a stray click."""
    if p.get("confirm") != "1":
        raise ConditionsNotMet("请勾选确认后再提交。", unmet=["confirm"])
    return True


def _bool(value: str | None) -> bool:
    return value in ("1", "on", "true")


def _lines(value: str | None) -> list[str]:
    return [ln.strip() for ln in (value or "").splitlines() if ln.strip()]


def _ids(values: list[str]) -> list[int]:
    return int_list(values)


@login_required
@require_POST
def case_act(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Acts about a debtor of the case: guardrail inputs, not listing, and a 拒执 referral."""
    p = request.POST
    action = p.get("action", "")
    now = get_clock().now()
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    u = request.user
    acts: dict[str, Callable[[], Any]] = {
        "screening": lambda: services.enterprise_screening_record(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            operating=_bool(p.get("operating")),
            employees_kept=_bool(p.get("employees_kept")),
            taxes_paid=_bool(p.get("taxes_paid")),
            paying_in_part=_bool(p.get("paying_in_part")),
            note=p.get("note", ""),
            now=now,
        ),
        "grace": lambda: services.grace_period_grant(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            months=int_or_none(p.get("months")) or 0,
            reason=p.get("reason", ""),
            now=now,
        ),
        "home": lambda: services.home_designation_record(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            property_ref=_required(p.get("property_ref"), "请填写不动产权证号。"),
            address=p.get("address", ""),
            necessary_home=_bool(p.get("necessary_home")),
            notice_served_on=_day(p.get("notice_served_on")),
            now=now,
        ),
        "profile": lambda: services.debtor_profile_record(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            full_time_student=_bool(p.get("full_time_student")),
            campus_loan=_bool(p.get("campus_loan")),
            now=now,
        ),
        "override": lambda: services.guardrail_override_grant(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            rule=p.get("rule", ""),
            proposal_kind=p.get("proposal_kind", ""),
            reason=p.get("reason", ""),
            now=now,
        ),
        "not_listed": lambda: services.dishonest_not_applicable_record(
            actor=u, case=case, party=_debtor(case, p.get("party")), reason=p.get("reason", ""), now=now
        ),
        "vacate_draft": lambda: services.vacate_notice_draft(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            property_ref=p.get("property_ref", ""),
            address=p.get("address", ""),
            occupants=p.get("occupants", ""),
            days=int_or_none(p.get("days")) or 0,
            applicant_housing=p.get("applicant_housing", ""),
            now=now,
        ),
        "vacate_sign": lambda: services.vacate_notice_sign(
            actor=u,
            notice_id=selectors.vacate_notice_of(case=case, notice_id=int_or_none(p.get("notice"))),
            now=now,
        ),
        "vacated": lambda: services.vacating_record(
            actor=u,
            notice_id=selectors.vacate_notice_of(case=case, notice_id=int_or_none(p.get("notice"))),
            vacated_on=_required_day(p.get("vacated_on"), "请填写腾退日期。"),
            moved_to=p.get("moved_to", ""),
            moved_to_applicant_housing=_bool(p.get("applicant_housing")),
            note=p.get("note", ""),
            now=now,
        ),
        "vacate_force": lambda: services.vacating_force_record(
            actor=u,
            notice_id=selectors.vacate_notice_of(case=case, notice_id=int_or_none(p.get("notice"))),
            on=local_date(now),
            note=p.get("note", ""),
            now=now,
        ),
        "referral_prepare": lambda: services.refusal_referral_prepare(
            actor=u,
            case=case,
            party=_debtor(case, p.get("party")),
            conduct=p.get("conduct", ""),
            evidence=_lines(p.get("evidence")),
            measure_ids=_ids(p.getlist("measures")),
            now=now,
        ),
    }
    _run(request, action, acts, "已登记。")
    return case_page(case_id)


def _required_day(value: str | None, message: str) -> date:
    day = _day(value)
    if day is None:
        raise ConditionsNotMet(message)
    return day


def _required(value: str | None, message: str) -> str:
    if not value or not value.strip():
        raise ConditionsNotMet(message)
    return value.strip()


@login_required
@require_POST
def measure_act(request: AuthedRequest, measure_id: int) -> HttpResponse:
    """Acts on one measure: lift, 复议 (apply, decide), temporary lift of a 限消 (propose, decide)."""
    p = request.POST
    action = p.get("action", "")
    now = get_clock().now()
    today = get_clock().today()
    try:
        m = selectors.measure_get_for(actor=request.user, measure_id=measure_id)
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    u = request.user
    acts: dict[str, Callable[[], Any]] = {
        "lift": lambda: (
            _confirmed(p)
            and services.measure_lift(actor=u, measure_id=m.pk, reason=p.get("reason", ""), now=now)
        ),
        "review_apply": lambda: services.measure_review_apply(
            actor=u,
            measure_id=m.pk,
            applied_on=_day(p.get("applied_on")) or today,
            grounds=_required(p.get("grounds"), "请填写复议理由。"),
            now=now,
        ),
        "review_decide": lambda: services.measure_review_decide(
            actor=u,
            review_id=_own(m.reviews.values_list("pk", flat=True), p.get("review")),
            outcome=p.get("outcome", ""),
            decided_on=_day(p.get("decided_on")) or today,
            now=now,
        ),
        "temporary_lift_propose": lambda: services.temporary_lift_propose(
            actor=u,
            measure_id=m.pk,
            reason_kind=p.get("reason_kind", ""),
            starts_on=_day(p.get("starts_on")) or today,
            ends_on=_day(p.get("ends_on")) or today,
            note=p.get("note", ""),
            now=now,
        ),
        "temporary_lift_decide": lambda: services.temporary_lift_decide(
            actor=u,
            lift_id=_own(m.temporary_lifts.values_list("pk", flat=True), p.get("lift")),
            approve=p.get("approve") == "1",
            now=now,
        ),
    }
    _run(request, action, acts, "已登记。")
    return case_page(m.case_id)


def _own(ids: Any, value: str | None) -> int:
    """A row id posted with a measure's form must be one of that measure's rows."""
    pk = int_or_none(value)
    if pk is None or pk not in set(ids):
        raise NotFound("记录不存在。")
    return pk


@login_required
@require_POST
def listing_act(request: AuthedRequest, listing_id: int) -> HttpResponse:
    """Acts on a 失信 listing: remove or revoke it, receive and decide a correction request."""
    p = request.POST
    action = p.get("action", "")
    now = get_clock().now()
    listing = DishonestListing.objects.filter(pk=listing_id, court_id=request.user.court_id or 0).first()
    if listing is None:
        return render(request, "web/error.html", {"message": "失信信息不存在或您无权查看。"}, status=404)
    u = request.user
    acts: dict[str, Callable[[], Any]] = {
        "listing_remove": lambda: (
            _confirmed(p)
            and services.listing_remove(
                actor=u,
                listing_id=listing.pk,
                ground=p.get("ground", ""),
                now=now,
                note=p.get("note", ""),
                query_count=int_or_none(p.get("query_count")) or 0,
            )
        ),
        "correction_receive": lambda: services.correction_request_receive(
            actor=u,
            listing_id=listing.pk,
            content=p.get("content", ""),
            received_on=_day(p.get("received_on")) or get_clock().today(),
            now=now,
        ),
        "correction_decide": lambda: services.correction_request_decide(
            actor=u,
            request_id=_own(listing.corrections.values_list("pk", flat=True), p.get("request")),
            outcome=p.get("outcome", ""),
            note=p.get("note", ""),
            now=now,
            obligation=p.get("obligation", ""),
            performance=p.get("performance", ""),
        ),
    }
    _run(request, action, acts, "已登记。")
    return case_page(listing.case_id)


@login_required
@require_POST
def referral_advance(request: AuthedRequest, referral_id: int) -> HttpResponse:
    """The next stage of a 拒执 referral: sent to the police, filed or declined, prosecuted, judged."""
    p = request.POST
    ref = RefusalReferral.objects.filter(pk=referral_id, court_id=request.user.court_id or 0).first()
    if ref is None:
        return render(request, "web/error.html", {"message": "移送记录不存在。"}, status=404)
    acts: dict[str, Callable[[], Any]] = {
        "referral_advance": lambda: services.refusal_referral_advance(
            actor=request.user,
            referral_id=ref.pk,
            status=p.get("status", ""),
            on=_day(p.get("on")) or get_clock().today(),
            note=p.get("note", ""),
            now=get_clock().now(),
        )
    }
    _run(request, "referral_advance", acts, "已登记。")
    return case_page(ref.case_id)


# --- 专项行动 -------------------------------------------------------------------------------------


@login_required
def operations(request: AuthedRequest) -> HttpResponse:
    """The court's special operations (e.g. 湘执利剑) and the form that starts one."""
    try:
        rows = list(selectors.operations_for(actor=request.user))
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    if request.method == "POST":
        p = request.POST
        created: list[Any] = []
        acts: dict[str, Callable[[], Any]] = {
            "operation_create": lambda: created.append(
                services.special_operation_create(
                    actor=request.user,
                    name=_required(p.get("name"), "请填写行动名称。"),
                    starts_on=_day(p.get("starts_on")) or get_clock().today(),
                    ends_on=_day(p.get("ends_on")) or get_clock().today(),
                    criteria=services.TargetCriteria(
                        min_amount=_dec(p.get("min_amount")) or Decimal("0"),
                        person_only=_bool(p.get("person_only")),
                        listed_only=_bool(p.get("listed_only")),
                        limit=min(int_or_none(p.get("limit")) or 200, 1000),
                    ),
                    now=get_clock().now(),
                )
            )
        }
        if _run(request, "operation_create", acts, "专项行动已创建，已按条件选定行动对象。"):
            return redirect("measures:operation", operation_id=created[0].pk)
    return render(
        request,
        "measures/operations.html",
        {"operations": rows, "can_create": actor_can(request.user, "enforcement.dispatch")},
    )


@login_required
@require_POST
def target_act(request: AuthedRequest, target_id: int) -> HttpResponse:
    """A target of a special operation: assign a team and a day, or record the outcome and the
    measures it produced."""
    p = request.POST
    action = p.get("action", "")
    now: datetime = get_clock().now()
    target = OperationTarget.objects.filter(
        pk=target_id, operation__court_id=request.user.court_id or 0
    ).first()
    if target is None:
        return render(request, "web/error.html", {"message": "行动对象不存在。"}, status=404)
    acts: dict[str, Callable[[], Any]] = {
        "target_assign": lambda: services.operation_target_assign(
            actor=request.user,
            target_id=target.pk,
            team_id=int_or_none(p.get("team")),
            scheduled_on=_day(p.get("scheduled_on")),
            now=now,
        ),
        "target_outcome": lambda: services.operation_target_outcome_record(
            actor=request.user,
            target_id=target.pk,
            outcome=p.get("outcome", ""),
            amount_recovered=_dec(p.get("amount_recovered")) or Decimal("0"),
            note=p.get("note", ""),
            measure_ids=_ids(p.getlist("measures")),
            now=now,
        ),
    }
    _run(request, action, acts, "已登记。")
    return redirect("measures:operation", operation_id=target.operation_id)
