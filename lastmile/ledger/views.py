"""Pages of case funds: the calculation sheet, the unclaimed-money list, finance actions, and the
panel on the staff case page. Thin: one service or selector call each."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can, require
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.cases.selectors import case_get_for, case_search
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, InvalidAmount, NotFound, PermissionDenied
from lastmile.core.inputs import int_or_none
from lastmile.core.money import parse_amount
from lastmile.parties.models import Party

from . import selectors, services
from .calculation import BUCKET_LABELS
from .models import Account, Obligation, PauseKind, PayeeAccountKind, PayoutKind
from .services.distributions import LEGAL_FORMS


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]


def _as_of(request: HttpRequest) -> date:
    raw = request.GET.get("as_of", "")
    try:
        return date.fromisoformat(raw) if raw else get_clock().today()
    except ValueError:
        return get_clock().today()


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """Context for this app's panel on the case page, or None when it has nothing to show."""
    user = request.user
    has_money = Account.objects.filter(case=case).exists() or Obligation.objects.filter(case=case).exists()
    can_manage = actor_can(user, "funds.manage")
    if not has_money and not can_manage:
        return None
    funds = selectors.case_funds(case=case, as_of=get_clock().today())
    return {
        "case": case,
        "funds": funds,
        "labels": BUCKET_LABELS,
        "can_manage": can_manage,
        "can_approve": actor_can(user, "approve.president"),
        "applicants": CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT).select_related("party"),
        "debtors": CaseParty.objects.filter(case=case, role=PartyRole.RESPONDENT).select_related("party"),
        "payout_kinds": PayoutKind.choices,
        "account_kinds": PayeeAccountKind.choices,
        "party_kinds": [str(k) for k in services.PARTY_KINDS],
        "user_id": getattr(user, "pk", None),
        "can_pause": actor_can(user, "enforcement.work") and funds.obligation is not None,
        "pause_kinds": PauseKind.choices,
        "pauses": list(case.obligation_pauses.order_by("starts_on")),
        "open_pause": case.obligation_pauses.filter(ends_on__isnull=True).exists(),
        "distribution_rows": range(DISTRIBUTION_ROWS),
        "legal_forms": list(LEGAL_FORMS.items()),
    }


@login_required
def sheet(request: AuthedRequest, case_id: int) -> HttpResponse:
    """计算明细: every amount, its basis and its dates, printable."""
    as_of = _as_of(request)
    try:
        funds = selectors.case_funds_get_for(actor=request.user, case_id=case_id, as_of=as_of)
    except (NotFound, PermissionDenied) as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=400)
    return render(
        request,
        "ledger/sheet.html",
        {
            "funds": funds,
            "case": funds.case,
            "as_of": as_of,
            "labels": BUCKET_LABELS,
            "printed_at": get_clock().now(),
        },
    )


def _back(case_id: int) -> HttpResponse:
    """Back to the case file, on its money tab (where the act was done)."""
    return redirect(reverse("web:case_detail", args=[case_id]) + "#tab-money")


@login_required
@require_POST
def claim(request: AuthedRequest, receipt_id: int) -> HttpResponse:
    number = request.POST.get("case_number", "").strip()
    try:
        case = case_search(actor=request.user, query=number).first() if number else None
        if case is None:
            raise NotFound("未找到该案号的案件。")
        services.receipt_claim(receipt_id=receipt_id, case=case, actor=request.user, now=get_clock().now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:unclaimed")
    messages.success(request, f"已认领到{case.number}。")
    return _back(case.pk)


@login_required
@require_POST
def payout_request(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
        party_id = request.POST.get("payee_party") or None
        party = Party.objects.filter(pk=int_or_none(party_id) or 0).first() if party_id else None
        services.payout_request(
            case=case,
            kind=request.POST.get("kind", PayoutKind.APPLICANT),
            amount=parse_amount(request.POST.get("amount", "")),
            actor=request.user,
            now=get_clock().now(),
            idempotency_key=request.POST.get("idempotency_key")
            or f"web:{case_id}:{request.user.pk}:{get_clock().now().timestamp()}",
            payee_party=party,
            payee_account=request.POST.get("payee_account", ""),
            payee_bank=request.POST.get("payee_bank", ""),
            payee_account_name=request.POST.get("payee_account_name", ""),
            payee_account_kind=request.POST.get("payee_account_kind", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case_id)
    messages.success(request, "发放申请已提交，待院领导审批。")
    return _back(case_id)


@login_required
@require_POST
def payout_action(request: AuthedRequest, payout_id: int, action: str) -> HttpResponse:
    now = get_clock().now()
    raw_case_id = request.POST.get("case_id", "0")
    if not raw_case_id.isdecimal():
        raise Http404("案件编号有误。")
    case_id = int(raw_case_id)
    try:
        if action == "approve":
            services.payout_approve(payout_id=payout_id, actor=request.user, now=now)
        elif action == "settle":
            services.payout_settle(
                payout_id=payout_id,
                actor=request.user,
                now=now,
                bank_reference=request.POST.get("bank_reference", ""),
            )
        elif action == "account":
            services.payout_account_set(
                payout_id=payout_id,
                actor=request.user,
                now=now,
                number=request.POST.get("payee_account", ""),
                bank=request.POST.get("payee_bank", ""),
                name=request.POST.get("payee_account_name", ""),
                kind=request.POST.get("payee_account_kind", ""),
            )
        elif action == "reject":
            services.payout_reject(
                payout_id=payout_id, actor=request.user, now=now, reason=request.POST.get("reason", "")
            )
        else:
            raise NotFound("未知操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case_id)
    messages.success(request, "已处理。")
    return _back(case_id)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidAmount("请填写正确的日期（年-月-日）。") from None


@login_required
@require_POST
def pause_record(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Record a period without doubled interest (再审中止, 审查执行依据中止或暂缓; 法释〔2014〕8号 art. 3)."""
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
        require(request.user, "enforcement.work", court=case.court)
        ends_raw = request.POST.get("ends_on", "").strip()
        services.obligation_pause_record(
            case=case,
            kind=request.POST.get("kind", "other"),
            starts_on=_day(request.POST.get("starts_on", "")),
            ends_on=_day(ends_raw) if ends_raw else None,
            reason=request.POST.get("reason", ""),
            requested_by_debtor=request.POST.get("requested_by_debtor") == "1",
            actor=request.user,
            now=get_clock().now(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case_id)
    messages.success(request, "已登记不计加倍部分债务利息的期间。")
    return _back(case_id)


@login_required
@require_POST
def pause_end(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
        require(request.user, "enforcement.work", court=case.court)
        services.obligation_pause_end(
            case=case,
            ends_on=_day(request.POST.get("ends_on", "")),
            actor=request.user,
            now=get_clock().now(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case_id)
    messages.success(request, "不计加倍部分债务利息的期间已结束。")
    return _back(case_id)


DISTRIBUTION_ROWS = 5


def _distribution_claims(request: AuthedRequest, case: Case) -> list[services.DistributionClaim]:
    """The creditors of a distribution form: an applicant of this case, or (参与分配) the applicant
    of another case of this court holding an execution basis, named by that case's number."""
    p = request.POST
    claims: list[services.DistributionClaim] = []
    for i in range(DISTRIBUTION_ROWS):
        amount_raw = p.get(f"amount_{i}", "").strip()
        if not amount_raw:
            continue
        payee_case: Case | None = None
        number = p.get(f"case_number_{i}", "").strip()
        if number:
            payee_case = case_search(actor=request.user, query=number).first()
            if payee_case is None:
                raise NotFound(f"未找到案号为{number}的案件。")
            row = CaseParty.objects.filter(case=payee_case, role=PartyRole.APPLICANT).select_related("party")
        else:
            row = CaseParty.objects.filter(
                case=case, role=PartyRole.APPLICANT, party_id=p.get(f"creditor_{i}") or 0
            ).select_related("party")
        first = row.first()
        if first is None:
            raise NotFound("请选择债权人（本案申请执行人，或写明其他执行案件的案号）。")
        seized = p.get(f"seized_on_{i}", "").strip()
        claims.append(
            services.DistributionClaim(
                party=first.party,
                amount=parse_amount(amount_raw),
                rank=int(p.get(f"rank_{i}", "2")) if p.get(f"rank_{i}", "2") in ("0", "1", "2") else 2,
                seized_on=_day(seized) if seized else None,
                payee_case=payee_case,
            )
        )
    if not claims:
        raise InvalidAmount("请至少填写一名债权人及其债权金额。")
    return claims


@login_required
@require_POST
def distribution(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Share the case's money among several creditors by the legal rule (参与分配, or by order of
    seizure when the debtor is an enterprise legal person; 民诉解释 2022 arts. 506–510, 514): each
    share becomes a payout waiting for approval."""
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
        if request.POST.get("confirm") != "1":
            raise InvalidAmount("请勾选确认分配方案后再提交。")
        payouts = services.distribution_propose(
            case=case,
            amount=parse_amount(request.POST.get("amount", "")),
            claims=_distribution_claims(request, case),
            actor=request.user,
            now=get_clock().now(),
            idempotency_key=request.POST.get("idempotency_key")
            or f"web-dist:{case_id}:{request.user.pk}:{get_clock().now().timestamp()}",
            debtor_legal_form=request.POST.get("debtor_legal_form", ""),
        )
    except DomainError as exc:
        messages.error(request, f"{exc.message}（依据：{DISTRIBUTION_BASIS}）")
        return _back(case_id)
    messages.success(request, f"已按分配方案提交{len(payouts)}笔发放申请，待院领导审批。")
    return _back(case_id)


DISTRIBUTION_BASIS = (
    "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》（2022）"
    "第五百零六条至第五百一十条、第五百一十四条"
)
