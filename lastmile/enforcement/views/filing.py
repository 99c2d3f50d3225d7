"""The counter filing form: an enforcement case with its parties and its execution basis."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from lastmile.accounts.permissions import actor_can
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, PermissionDenied
from lastmile.ledger.services import CostItem, InterestTerms
from lastmile.parties.models import IdType, PartyKind

from .. import services
from ..models import BasisKind, PriorityClaim
from .common import _actor, _date, _error_page, _money, _schedule, _text


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


MAX_RESPONDENTS = 20
_PARTY_KEYS = ("kind", "name", "id_type", "id_number", "phone", "address", "guarantor")


def _respondent_prefixes(data: QueryDict) -> list[str]:
    """The respondent rows of the form: ``respondent`` and then ``respondent2`` … (rows added on
    the page; a removed row leaves a gap in the numbers)."""
    extra = [f"respondent{n}" for n in range(2, MAX_RESPONDENTS + 1) if f"respondent{n}_name" in data]
    return ["respondent", *extra]


def _respondents_from_form(data: QueryDict) -> list[dict[str, Any]]:
    """The 被执行人: every row with a name, each identity checked when its party is created;
    guarantors (``…_guarantor``) listed after the principal debtors. The same identity twice,
    or guarantors without a principal debtor, is refused."""
    rows = []
    for n, prefix in enumerate(_respondent_prefixes(data), start=1):
        if n > 1 and not _text(data, f"{prefix}_name"):
            continue
        row: dict[str, Any] = _party_from_form(data, prefix, "被执行人" if n == 1 else f"第{n}被执行人")
        row["guarantor"] = bool(data.get(f"{prefix}_guarantor"))
        rows.append(row)
    numbers = [r["id_number"].upper() for r in rows if r["id_number"]]
    if len(set(numbers)) != len(numbers):
        raise services.InvalidFiling("同一被执行人填写了两次，请核对证件号码。")
    if all(r["guarantor"] for r in rows):
        raise services.InvalidFiling("担保人之外，还须列明主债务人。")
    return [r for r in rows if not r["guarantor"]] + [r for r in rows if r["guarantor"]]


def _respondent_rows(data: QueryDict) -> list[dict[str, Any]]:
    """The respondent rows to show again (the values typed, for a form sent back with its error)."""
    return [
        {"prefix": prefix, "n": n, **{k: data.get(f"{prefix}_{k}", "") for k in _PARTY_KEYS}}
        for n, prefix in enumerate(_respondent_prefixes(data), start=1)
    ]


def _costs_from_form(data: QueryDict) -> list[CostItem]:
    costs = []
    for key, label in (("cost_acceptance", "案件受理费"), ("cost_preservation", "保全费")):
        if _text(data, key):
            kind = "acceptance_fee" if key == "cost_acceptance" else "preservation_fee"
            costs.append(CostItem(kind=kind, label=label, amount=_money(data, key)))
    return costs


def _basis_from_form(data: QueryDict) -> services.ExecutionBasisIn:
    """The execution basis: what it awards, its interest and the costs. A rate that is not a
    number raises ArithmeticError (the form says 利率格式不正确)."""
    costs = _costs_from_form(data)
    rate = _text(data, "interest_rate")
    interest_kind = data.get("interest_kind") or "none"
    return services.ExecutionBasisIn(
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
        "respondent_rows": _respondent_rows(request.POST),
        "max_respondents": MAX_RESPONDENTS,
    }
    if request.method == "POST":
        data = request.POST
        try:
            applicants = [_party_from_form(data, "applicant", "申请执行人")]
            respondents = _respondents_from_form(data)
            basis = _basis_from_form(data)
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
