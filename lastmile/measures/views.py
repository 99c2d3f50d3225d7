"""Staff pages of measures: the case panel with its forms, 院长 approval, publication exports and
the special-operation report. Each view makes one service or selector call."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.models import Team
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import DEBTOR_ROLES, Case
from lastmile.cases.selectors import case_get_for
from lastmile.core.clock import get_clock
from lastmile.core.errors import ConditionsNotMet, DomainError
from lastmile.core.inputs import int_or_none
from lastmile.parties.models import Party

from . import rules, selectors, services
from .guardrails import EXTENSION_FACTS, OVERRIDABLE, Proposal
from .models import (
    CorrectionStatus,
    DishonestGround,
    Measure,
    MeasureKind,
    PublicationChannel,
    ReferralStatus,
    RemovalGround,
    ReviewOutcome,
    SubjectCapacity,
    TargetOutcome,
    TemporaryLift,
)
from .publication import unmasked_id_numbers

# What a 院长's written override lifts, in words (codes are never shown raw).
OVERRIDE_LABELS: dict[str, str] = {
    "campus_loan_student": "全日制在校生的校园贷纠纷（不得纳入失信、限消）",
    "enterprise_struggling": "暂时经营困难的企业（审慎采取信用惩戒）",
}


def case_panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """Context for this app's panel on the case page (enforcement cases only)."""
    if case.type_code not in ("执", "执恢"):
        return None
    user = request.user
    summary = selectors.measures_summary(case)
    debtors = [cp.party for cp in case.case_parties.filter(role__in=DEBTOR_ROLES).select_related("party")]
    measures = list(selectors.measures_for_case(actor=user, case=case))  # type: ignore[arg-type]
    for m in measures:
        m.paid_total = services.fine_paid_total(m) if m.kind == MeasureKind.FINE else None  # type: ignore[attr-defined]
    return {
        "case": case,
        "summary": summary,
        "measures": measures,
        "kinds": MeasureKind.choices,
        "grounds": DishonestGround.choices,
        "extension_facts": list(EXTENSION_FACTS.items()),
        "debtors": debtors,
        "people_behind": _people_behind(debtors),
        "can_propose": actor_can(user, "measure.propose"),
        "can_approve": actor_can(user, "approve.president"),
        "rules": rules.KINDS,
        # the acts after a measure is taken (issue M item 1): records and the choices of their forms
        "records": selectors.case_measure_records(actor=user, case=case),  # type: ignore[arg-type]
        "organisations": [d for d in debtors if not d.is_person],
        "removal_grounds": RemovalGround.choices,
        "correction_outcomes": [c for c in CorrectionStatus.choices if c[0] != CorrectionStatus.PENDING],
        "review_outcomes": [c for c in ReviewOutcome.choices if c[0]],
        "lift_reasons": TemporaryLift._meta.get_field("reason_kind").choices,
        "referral_statuses": [c for c in ReferralStatus.choices if c[0] != ReferralStatus.PREPARED],
        "overridable": [(code, OVERRIDE_LABELS.get(code, code)) for code in sorted(OVERRIDABLE)],
        "reviewable": list(rules.REVIEWABLE),
        "vacate_days": services.vacate_notice_days_default(),
    }


def _people_behind(debtors: list[Party]) -> list[tuple[str, str]]:
    """The people behind each organisation debtor that 拘传, 罚款 and 拘留 may reach (民事诉讼法
    2023 art. 114 ¶2; 民诉解释 2022 art. 482): ``person@organisation@capacity`` and a label."""
    out: list[tuple[str, str]] = []
    for org in debtors:
        if org.is_person:
            continue
        for person, capacity in (
            (org.legal_representative, SubjectCapacity.LEGAL_REPRESENTATIVE),
            (org.principal, SubjectCapacity.PRINCIPAL),
        ):
            if person is not None:
                out.append(
                    (f"{person.pk}@{org.pk}@{capacity}", f"{person.name}（{org.name}{capacity.label}）")
                )
    return out


def case_page(case_id: int) -> HttpResponse:
    """Back to the case file, on its measures tab (where the act was done)."""
    return redirect(reverse("web:case_detail", args=[case_id]) + "#tab-measures")


def _moment(value: str | None) -> datetime | None:
    """A ``datetime-local`` field in the court's time zone; empty means now."""
    if not value or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConditionsNotMet("时间格式不正确。", unmet=["time"]) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _day(value: str | None) -> date | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConditionsNotMet("日期格式不正确。", unmet=["date"]) from None


def _dec(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value and value.strip() else None
    except InvalidOperation:
        return None


@login_required
@require_POST
def propose(request: AuthedRequest, case_id: int) -> HttpResponse:
    p = request.POST
    try:
        case = case_get_for(actor=request.user, case_id=case_id)
        person_id, org_id, capacity = [*p.get("subject", "").split("@"), "", "", ""][:3]
        debtor_id = int_or_none(org_id) if org_id else int_or_none(person_id)
        row = case.case_parties.filter(party_id=debtor_id or 0, role__in=DEBTOR_ROLES).first()
        if row is None:
            raise ConditionsNotMet("只能对本案被执行人采取措施。")
        subject, organisation = row.party, None
        if org_id:
            organisation = row.party
            subject = Party.objects.filter(pk=int_or_none(person_id) or 0).first()  # type: ignore[assignment]
            if subject is None:
                raise ConditionsNotMet("被采取措施的人员不存在。")
        services.measure_propose(
            actor=request.user,
            proposal=Proposal(
                kind=p.get("kind", ""),
                case=case,
                subject=subject,
                organisation=organisation,
                capacity=capacity,
                ground=int_or_none(p.get("ground")),
                amount=_dec(p.get("amount")),
                days=int_or_none(p.get("days")),
                hours=int_or_none(p.get("hours")),
                summons_count=int_or_none(p.get("summons_count")),
                detention_may_follow=p.get("detention_may_follow") == "1",
                extension_years=int_or_none(p.get("extension_years")) or 0,
                extension_fact=p.get("extension_fact", ""),
                birth_date=_day(p.get("birth_date")),
                responsibility=p.get("responsibility", ""),
                security_amount=_dec(p.get("security_amount")) or Decimal("0"),
                controlled_value=_dec(p.get("controlled_value")) or Decimal("0"),
            ),
            reason=p.get("reason", ""),
            now=get_clock().now(),
            acknowledge_warnings=p.get("acknowledge") == "1",
            plate=p.get("plate", ""),
        )
        messages.success(request, "已提交。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return case_page(case_id)


@login_required
@require_POST
def decide(request: AuthedRequest, measure_id: int) -> HttpResponse:
    now = get_clock().now()
    try:
        m = selectors.measure_get_for(actor=request.user, measure_id=measure_id)
        if request.POST.get("approve") == "1":
            services.measure_approve(
                actor=request.user,
                measure_id=measure_id,
                now=now,
                document_number=request.POST.get("document_number", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已批准。")
        else:
            services.measure_reject(
                actor=request.user, measure_id=measure_id, note=request.POST.get("note", ""), now=now
            )
            messages.success(request, "已退回。")
        return case_page(m.case_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request.META.get("HTTP_REFERER") or "web:workbench")


@login_required
@require_POST
def carry_out(request: AuthedRequest, measure_id: int) -> HttpResponse:
    """The carrying out of 拘传, 拘留 and 罚款 (issue K item 2): one form per act on the case page."""
    p = request.POST
    now = get_clock().now()
    actions = {
        "execute": lambda: services.measure_execute(
            actor=request.user,
            measure_id=measure_id,
            starts_at=_moment(p.get("at")) or now,
            now=now,
            place=p.get("place", ""),
            custody=p.get("custody", ""),
        ),
        "summons_release": lambda: services.summons_release(
            actor=request.user,
            measure_id=measure_id,
            released_at=_moment(p.get("at")) or now,
            questioning_record=p.get("questioning_record", ""),
            now=now,
        ),
        "detention_release": lambda: services.detention_release(
            actor=request.user, measure_id=measure_id, released_at=_moment(p.get("at")) or now, now=now
        ),
        "early_release": lambda: services.detention_early_release(
            actor=request.user,
            measure_id=measure_id,
            released_at=_moment(p.get("at")) or now,
            repentance=p.get("repentance", ""),
            now=now,
        ),
        "family_notified": lambda: services.detention_family_notified(
            actor=request.user, measure_id=measure_id, notified_at=_moment(p.get("at")) or now, now=now
        ),
        "fine_payment": lambda: services.fine_payment_record(
            actor=request.user,
            measure_id=measure_id,
            amount=_dec(p.get("amount")) or Decimal("0"),
            paid_on=_day(p.get("paid_on")) or get_clock().today(),
            receipt_number=p.get("receipt_number", ""),
            now=now,
        ),
    }
    try:
        m = selectors.measure_get_for(actor=request.user, measure_id=measure_id)
        action = actions.get(p.get("action", ""))
        if action is None:
            raise ConditionsNotMet("未知的操作。")
        action()
        messages.success(request, "已登记。")
        return case_page(m.case_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request.META.get("HTTP_REFERER") or "web:workbench")


@login_required
def exports(request: AuthedRequest) -> HttpResponse:
    if not actor_can(request.user, "measure.propose"):
        return render(request, "web/error.html", {"message": "您没有执行此操作的权限。"}, status=403)
    if request.method == "POST":
        try:
            export = services.publication_export_create(
                actor=request.user, channel=request.POST.get("channel", ""), now=get_clock().now()
            )
            return redirect("measures:export", export_id=export.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "measures/exports.html", {"channels": PublicationChannel.choices})


_EXPORT_TEMPLATES: dict[str, str] = {
    PublicationChannel.NEWSPAPER: "measures/export_newspaper.html",
    PublicationChannel.WECHAT: "measures/export_wechat.html",
    PublicationChannel.LED: "measures/export_led.html",
}


@login_required
def export(request: AuthedRequest, export_id: int) -> HttpResponse:
    try:
        record, rows = selectors.publication_export_rows(
            actor=request.user, export_id=export_id, today=get_clock().today()
        )
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    response = render(request, _EXPORT_TEMPLATES[record.channel], {"export": record, "rows": rows})
    if unmasked_id_numbers(response.content.decode()):  # published material: never an unmasked ID
        return render(request, "web/error.html", {"message": "导出内容未通过脱敏检查。"}, status=500)
    return response


@login_required
def operation(request: AuthedRequest, operation_id: int) -> HttpResponse:
    try:
        report = selectors.operation_report(actor=request.user, operation_id=operation_id)
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    candidates: dict[tuple[int, int], list[Any]] = {}
    for m in Measure.objects.filter(
        case_id__in={t.case_id for t in report.targets}, court_id=report.operation.court_id
    ).select_related("subject"):
        for party_id in {m.subject_id, m.organisation_id} - {None}:
            candidates.setdefault((m.case_id, party_id), []).append(m)  # type: ignore[arg-type]
    for t in report.targets:
        t.candidates = candidates.get((t.case_id, t.party_id), [])  # type: ignore[attr-defined]
        t.linked = {m.pk for m in t.measures.all()}  # type: ignore[attr-defined]
    return render(
        request,
        "measures/operation.html",
        {
            "report": report,
            "outcomes": TargetOutcome.choices,
            "teams": Team.objects.filter(court_id=report.operation.court_id).order_by("name"),
            "can_assign": actor_can(request.user, "enforcement.dispatch"),
            "can_record": actor_can(request.user, "measure.propose"),
        },
    )
